"""A/B splits and shadows of a model's live traffic: the rules (approvers, approved versions,
an audit event), sticky assignment, and live requests logged for Monitor."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from studio.config import load_settings
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.monitor.batches import attach_labels, list_batches
from studio.registry.lifecycle import decide
from studio.registry.register import register_candidate
from studio.registry.traffic import Traffic, choose_version, parse_split
from studio.serving.stats import variant_stats
from tests.cli import run
from tests.serving.endpoint import call, serving
from tests.serving.test_endpoint import _rows
from tests.stores import StoreCopy


@pytest.fixture
def three_versions(prepared: Callable[..., StoreCopy]) -> StoreCopy:
    """'churn' v1 in production, v2 approved, v3 registered (pending)."""
    copy = prepared("shipped_churn")
    studio = Studio.open(copy.settings)
    for _ in (2, 3):
        register_candidate(studio, 1, "churn", "ana")
    decide(studio, "churn", 2, True, "checked", "bob")
    return copy


def test_assignment_is_sticky_and_proportional() -> None:
    traffic = Traffic("churn", {1: 0.7, 2: 0.3}, None)
    keys = [f"customer-{i}" for i in range(2_000)]
    chosen = [choose_version(traffic, key) for key in keys]
    assert chosen == [choose_version(traffic, key) for key in keys]  # 100% sticky
    assert abs(Counter(chosen)[2] / len(keys) - 0.3) <= 0.03
    assert parse_split("1=90, v2=10") == {1: 0.9, 2: 0.1}
    for bad in ("", "1=90,1=10", "1=0", "one=1", "1=90,2"):
        with pytest.raises(InvalidInputError):
            parse_split(bad)


def test_traffic_rules_and_history(three_versions: StoreCopy, tmp_path: Path) -> None:
    roles = tmp_path / "roles.toml"
    roles.write_text('default = ["viewer"]\n[users]\nana = ["analyst"]\nbob = ["approver"]\n')
    env = {"STUDIO_ROLES_FILE": str(roles)}
    refused = run("models", "traffic", "churn", "--split", "1=90,2=10", "--comment", "ab",
                  env=three_versions.env("ana") | env)  # fmt: skip
    assert refused.returncode == 2 and "error: " in refused.stderr
    bob = three_versions.env("bob") | env
    pending = run("models", "traffic", "churn", "--split", "1=90,3=10", "--comment", "ab", env=bob)
    assert pending.returncode == 2 and "only an approved version takes traffic" in pending.stderr
    assert run("models", "traffic", "churn", "--split", "1=90,2=10", env=bob).returncode == 2
    done = run("models", "traffic", "churn", "--split", "1=90,2=10", "--shadow", "3",
               "--comment", "try v2 on 10%", "--json", env=bob)  # fmt: skip
    assert done.returncode == 0, done.stderr
    reject = run("models", "reject", "churn", "2", "--comment", "no", env=bob)
    assert reject.returncode == 2 and "takes live traffic" in reject.stderr
    cleared = run("models", "traffic", "churn", "--clear", "--comment", "done", env=bob)
    assert cleared.returncode == 0
    shown = run("models", "traffic", "churn", env=bob)
    assert shown.stdout.strip() == "churn: production only"
    history = run("models", "history", "churn", "--json", env=bob).stdout
    assert '"action": "traffic"' in history and "try v2 on 10%" in history


def test_split_shadow_and_live_batches_reach_monitor(
    three_versions: StoreCopy, tmp_path: Path
) -> None:
    # No periodic write during the test: the server writes what it gathered when it stops.
    env = three_versions.env("bob") | {"STUDIO_SERVE_LOG_SECONDS": "3600"}
    assert run("models", "traffic", "churn", "--split", "1=50,2=50", "--shadow", "3",
               "--comment", "A/B", env=env).returncode == 0  # fmt: skip
    rows = _rows(tmp_path)[1]
    studio = Studio.open(load_settings(env))
    traffic = Traffic("churn", {1: 0.5, 2: 0.5}, 3)
    answers = {}
    with serving(env) as url:
        for i, key in enumerate(f"k{n}" for n in range(80)):
            body = {"instances": [rows[i % len(rows)]]}
            first = _keyed(f"{url}/v1/models/churn/predict", body, key)
            again = _keyed(f"{url}/v1/models/churn/predict", body, key)
            assert first["version"] == again["version"] == choose_version(traffic, key)
            answers[first["request_id"]] = first
        pinned = call(f"{url}/v1/models/churn@production/predict", {"instances": rows[:1]})[1]
        assert pinned["version"] == 1  # a pinned reference ignores the split
        for _ in range(3):  # a request that lacks columns: counted as v1's client error
            assert call(f"{url}/v1/models/churn@1/predict", {"instances": [{"tenure": 3}]})[
                0] == 422  # fmt: skip
        assert _logged(studio) == {}  # nothing written on the response path
    assert _logged(studio) == {"live": 161, "shadow": 160}  # written at the server's stop
    stats = {(s.source, s.version): s for s in variant_stats(studio, "churn")}
    answered_v1 = 2 * sum(1 for a in answers.values() if a["version"] == 1) + 1
    v1 = stats[("live", 1)]
    assert (v1.requests, v1.client_errors, v1.server_errors) == (answered_v1 + 3, 3, 0)
    assert v1.error_rate == pytest.approx(3 / (answered_v1 + 3))
    assert v1.per_minute == pytest.approx(v1.requests / 5)  # all within the last 5 minutes
    assert stats[("shadow", 3)].requests == 160 and stats[("live", 2)].client_errors == 0
    batches = list_batches(studio, "churn")
    assert {b.version for b in batches if "live" in b.source} == {1, 2}
    assert {b.version for b in batches if "shadow" in b.source} == {3}
    v1 = next(b for b in batches if b.version == 1)
    labels = pd.DataFrame({"request_id": list(answers), "churn": ["Yes", "No"] * 40})
    result = attach_labels(studio, v1.id, labels, "request_id", "bob")
    assert result.matched == sum(1 for a in answers.values() if a["version"] == 1) > 0


def _keyed(url: str, body: dict, key: str) -> dict:
    import urllib.request

    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"X-Studio-Key": key})  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _logged(studio: Studio) -> dict[str, int]:
    rows = Counter()
    for batch in list_batches(studio, "churn"):
        rows["shadow" if "shadow" in batch.source else "live"] += batch.rows
    return dict(rows)


def test_the_ab_verdict_reads_labelled_live_traffic(
    three_versions: StoreCopy, tmp_path: Path
) -> None:
    """Labels that make v2 right and v1 wrong: promote v2, with the metrics sklearn gives on
    the same rows; then labels unrelated to anything: not enough evidence, with the number of
    labelled requests still needed."""
    from sklearn.metrics import roc_auc_score

    env = three_versions.env("bob") | {"STUDIO_SERVE_LOG_SECONDS": "3600"}
    assert run("models", "traffic", "churn", "--split", "1=50,2=50", "--shadow", "3",
               "--comment", "A/B", env=env).returncode == 0  # fmt: skip
    rows = _rows(tmp_path)[1]
    answers = []
    with serving(env) as url:
        for n in range(120):
            body = {"instances": [rows[n % len(rows)]]}
            answers.append(_keyed(f"{url}/v1/models/churn/predict", body, f"k{n}"))
    studio = Studio.open(load_settings(env))
    frame = pd.DataFrame([{"request_id": a["request_id"], "version": a["version"],
                           "p": a["probabilities"][0]["Yes"]} for a in answers])  # fmt: skip
    truth = frame["p"] > frame["p"].median()  # v2 ranks them right, v1 exactly wrong
    frame["churn"] = (truth == (frame["version"] == 2)).map({True: "Yes", False: "No"})
    for batch in list_batches(studio, "churn"):
        if batch.source.startswith("live"):
            mine = frame[frame["version"] == batch.version]
            attach_labels(studio, batch.id, mine[["request_id", "churn"]], "request_id", "bob")
    done = run("models", "ab", "churn", "--json", env=env)
    assert done.returncode == 0, done.stderr
    verdict = json.loads(done.stdout)
    for arm in ("champion", "challenger"):
        version = verdict[arm]["version"]
        mine = frame[frame["version"] == version]
        expected = roc_auc_score(mine["churn"] == "Yes", mine["p"])
        assert verdict[arm]["metric"] == pytest.approx(expected)
    assert verdict["decision"] == "promote" and verdict["sentence"].startswith("Promote v2")
    assert verdict["shadow_agreement"] == {"3": 1.0}  # v3 is the same model as v1 and v2
    assert verdict["champion"]["value_per_1000"] is None  # no values given: no money
    valued = run("models", "ab", "churn", "--json", "--tp", "50", "--fp", "-10", env=env)
    valued = json.loads(valued.stdout)
    frame["acted"] = [a["predictions"][0] == "Yes" for a in answers]
    worth = {}
    for arm in ("champion", "challenger"):  # a naive loop over the labelled decisions
        mine = frame[frame["version"] == valued[arm]["version"]]
        each = [50 if acted and label == "Yes" else -10 if acted else 0
                for acted, label in zip(mine["acted"], mine["churn"], strict=True)]  # fmt: skip
        worth[arm] = 1000 * np.mean(each)
        assert valued[arm]["value_per_1000"] == pytest.approx(worth[arm])
        low, high = valued[arm]["value_interval"]
        half = 1.959964 * 1000 * np.std(each, ddof=1) / np.sqrt(len(each))
        assert (low, high) == pytest.approx((worth[arm] - half, worth[arm] + half))
    assert valued["value_difference"] == pytest.approx(worth["challenger"] - worth["champion"])
    assert "Per 1,000 cases, v2 is worth" in valued["sentence"]

    coin = np.random.default_rng(7).random(len(frame)) < 0.5  # labels unrelated to anything
    frame["churn"] = np.where(coin, "Yes", "No")
    for batch in list_batches(studio, "churn"):
        if batch.source.startswith("live"):
            mine = frame[frame["version"] == batch.version]
            attach_labels(studio, batch.id, mine[["request_id", "churn"]], "request_id", "bob")
    verdict = json.loads(run("models", "ab", "churn", "--json", env=env).stdout)
    assert verdict["decision"] == "wait", verdict["sentence"]
    assert verdict["more_labels_needed"] > 0
    assert f"about {verdict['more_labels_needed']:,} more labelled" in verdict["sentence"]
