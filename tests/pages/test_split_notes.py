"""The Autopilot page: the time column option, and which split and ensemble score a run has."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from studio.autopilot.service import AutopilotRequest, launch_run
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.db import session_scope
from studio.db.models import Worker
from studio.tracking import get_run
from tests.autopilot.test_time_split import trending
from tests.pages.conftest import ROOT
from tests.stores import StoreCopy


def _stop_workers(studio: Studio) -> None:
    """Tell the workers a page started to end (they also exit when idle for 2 s)."""
    with session_scope(studio.engine) as session:
        for worker in session.exec(select(Worker)).all():
            worker.stopped = True


@pytest.fixture
def sales_home(home_env: Path, monkeypatch: pytest.MonkeyPatch) -> Studio:
    """The app's store with the drifting 'sales' dataset (one date column)."""
    monkeypatch.setenv("STUDIO_WORKER_IDLE_EXIT", "2")
    studio = Studio.open()
    add_dataset_version(studio, trending().to_csv(index=False).encode(), "sales.csv", actor="t")
    yield studio
    _stop_workers(studio)


def _plan_text(at) -> str:  # noqa: ANN001 (an AppTest)
    return next(m.value for m in at.markdown if m.value.startswith("Holdout:"))


def test_the_time_column_is_suggested_then_chosen_and_launched(open_page, sales_home) -> None:  # noqa: ANN001
    """The only date column is offered (not chosen); choosing it changes the plan to the latest
    rows, leaves it out of the features, and the launched run stores the time split."""
    at = open_page("pages/2_Autopilot.py")
    at.selectbox(key="auto_dataset").set_value("sales").run()
    at.selectbox(key="auto_target_sales").set_value("sales").run()
    assert not at.exception
    chooser = at.selectbox(key="auto_time_sales@1")
    assert chooser.value.startswith("(none")
    assert "'order_date' is the only date column" in _plan_text(at)
    assert _plan_text(at).startswith("Holdout: a random 20% sample")
    chooser.set_value("order_date").run()
    assert _plan_text(at).startswith("Holdout: the latest 20% of rows by 'order_date' (from 2024-")
    columns = at.dataframe[0].value.set_index("Column")
    assert columns.loc["order_date", "Used as"] == "excluded"
    at.number_input(key="auto_trials").set_value(1).run()
    at.button(key="auto_launch").click().run()
    run = get_run(sales_home, int(at.query_params["run"]), events=0)
    assert run.config["time_column"] == "order_date" and run.config["split"]["kind"] == "time"


def test_the_run_page_says_which_split(
    open_page,
    prepared: Callable[..., StoreCopy],
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    """A finished random-split run says so on the Autopilot and Experiments pages; a queued
    time-split run says its holdout is the latest rows."""
    monkeypatch.setenv("STUDIO_WORKER_IDLE_EXIT", "2")
    copy = prepared("linear_churn")
    studio = Studio.open(copy.use(monkeypatch))
    run_id = str(copy.info["run_id"])
    for page in ("pages/2_Autopilot.py", "pages/3_Experiments.py"):
        at = open_page(page, run=run_id)
        assert not at.exception
        shown = [c.value for c in at.caption]
        assert any(t.startswith("Holdout: a random 20% sample") for t in shown), (page, shown)
    request = AutopilotRequest(dataset="churn", target="churn", max_trials=1,
                               time_column="signup")  # fmt: skip
    timed = launch_run(studio, request, actor="t")
    at = open_page("pages/2_Autopilot.py", run=str(timed))
    _stop_workers(studio)
    assert any("the latest 20% of rows by 'signup'" in c.value for c in at.caption)


def test_register_refit_on_all_rows_and_the_card_says_so(run_home: Studio) -> None:
    """The register form's "Refit on all rows" makes a version trained on all 400 rows, and
    its card says the holdout score was measured before the refit."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/4_Models.py")
    at.run()
    at.text_input(key="mdl_reg_name_1").set_value("churn-model")
    refit = next(c for c in at.checkbox if c.label == "Refit on all rows")
    assert refit.value  # the run fitted its best on all rows: ticked by default
    at.button(key="mdl_reg_go_1").click().run()
    assert not at.exception
    assert any("Trained on all 400 rows" in s.value for s in at.success)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/4_Models.py")
    at.query_params["model"] = "churn-model"
    at.run()
    assert any("was measured before the refit" in c.value for c in at.caption)
