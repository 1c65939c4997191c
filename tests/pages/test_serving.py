"""The Models page's Serving tab (AppTest): the call to make, the split an approver sets, and
what the endpoint answered per version."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from studio.context import Studio
from studio.registry.lifecycle import decide
from studio.registry.register import register_candidate
from studio.registry.traffic import get_traffic
from studio.registry.versions import get_version
from studio.serving.live_log import LiveLog
from tests.pages.test_models import _open
from tests.stores import StoreCopy


@pytest.fixture
def shipped_home(prepared: Callable[..., StoreCopy], monkeypatch: pytest.MonkeyPatch) -> Studio:
    """'churn' v1 in production and v2 approved, as the app's store."""
    studio = Studio.open(prepared("shipped_churn").use(monkeypatch))
    register_candidate(studio, 1, "churn", "ana")
    decide(studio, "churn", 2, True, "checked", "bob")
    return studio


def test_the_serving_tab_shows_the_call_sets_the_split_and_reports_traffic(
    shipped_home: Studio,
) -> None:
    at = _open("pages/4_Models.py", model="churn")
    curl = at.code[0].value
    assert "POST http://127.0.0.1:8000/v1/models/churn/predict" in curl and '"tenure"' in curl
    assert any("**Traffic:** production only" in m.value for m in at.markdown)
    at.number_input(key="mdl_share_churn_1").set_value(70)
    at.number_input(key="mdl_share_churn_2").set_value(20)
    at.text_input(key="mdl_traffic_comment_churn").set_value("try v2")
    at.button(key="FormSubmitter:mdl_traffic_churn-Apply split").click().run()
    assert any("must add up to 100%" in e.value for e in at.error)
    assert get_traffic(shipped_home, "churn") is None
    at.number_input(key="mdl_share_churn_1").set_value(70)
    at.number_input(key="mdl_share_churn_2").set_value(30)
    at.text_input(key="mdl_traffic_comment_churn").set_value("try v2")
    at.button(key="FormSubmitter:mdl_traffic_churn-Apply split").click().run()
    assert not at.exception and not at.error
    assert get_traffic(shipped_home, "churn").split == {1: 0.7, 2: 0.3}
    assert any("**Traffic:** v1 70% · v2 30%" in m.value for m in at.markdown)

    live = LiveLog(shipped_home, every=3600)
    version = get_version(shipped_home, "churn@2")
    sent = [{"tenure": t, "plan": "pro", "charges": 1.0, "signup": "2024-01-01"} for t in (1, 2)]
    output = np.array([[0.2, 0.8], [0.9, 0.1]])  # P(No), P(Yes) per row
    live.add(version, ["a", "b"], sent, output, latency_ms=4.0)
    live.fail(version, 422)
    live.flush()
    at = _open("pages/4_Models.py", model="churn")
    table = at.dataframe[-1].value
    assert table.to_dict("records")[0] | {"Last request": None} == {
        "Version": "v2", "Traffic": "live", "Requests": 2, "Requests/min (last 5 min)": 0.4,
        "Errors 4xx": 1, "Errors 5xx": 0, "Error rate": "50.0%", "Rows logged": 2,
        "Latency p50 (ms)": 4.0, "Latency p99 (ms, at most)": 4.0,
        "Predictions": "No 50%, Yes 50%", "Last request": None,
    }  # fmt: skip
    assert any(i.value.startswith("Not enough evidence yet: join labels") for i in at.info)
