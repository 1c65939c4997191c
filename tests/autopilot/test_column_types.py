"""Column types a user sets: they decide the plan, are refused in one sentence when the values
do not fit, are stored with the run, reach the registered schema, and make scoring and
monitoring treat the column the same way. A column that carries the signal only as categories
shows it in the holdout score."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from studio.autopilot.column_types import as_set_type, parse_assignments
from studio.autopilot.prepare import plan_columns
from studio.autopilot.service import AutopilotRequest, launch_run, plan_run
from studio.context import Studio
from studio.data.versions import add_dataset_version, load_frame
from studio.errors import InvalidInputError
from studio.monitor.service import monitor_frame
from studio.registry.register import register_candidate
from studio.registry.schema import build_schema, check_batch
from studio.registry.scoring import read_batch, score_frame
from studio.tracking import get_run
from tests.autopilot.test_runs import run_worker_once

CODES = [101, 205, 307, 412, 518, 623, 734, 845]
RISKY = {205, 623, 101, 845}  # not an interval of codes: a slope through them finds little


def coded(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """Churn decided by which store a customer belongs to (integer store codes), a row id, a
    free-text comment, and dates written out in words."""
    rng = np.random.default_rng(seed)
    store = rng.choice(CODES, n)
    risky = np.isin(store, list(RISKY))
    flip = rng.random(n) < 0.08
    return pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1),
            "store": store,
            "income": rng.normal(50_000, 9_000, n).round(0),
            "joined": [f"March {1 + i % 28}, 2024" for i in range(n)],
            "comment": [
                f"customer {i} wrote a note of some length about the service" for i in range(n)
            ],  # fmt: skip
            "churn": np.where(risky ^ flip, "yes", "no"),
        }
    )


@pytest.fixture
def codes_studio(studio: Studio) -> Studio:
    add_dataset_version(studio, coded().to_csv(index=False).encode(), "codes.csv", actor="t")
    return studio


def _request(**options: object) -> AutopilotRequest:
    defaults = {"budget_seconds": None, "max_trials": 2, "families": ["linear"], "top_k": 1}
    return AutopilotRequest(dataset="codes", target="churn", **(defaults | options))


def test_plan_follows_set_types_and_says_so(codes_studio: Studio) -> None:
    """A set type wins over inference, its reason says it was set and what was inferred; a type
    equal to the inferred one is no change; columns Studio leaves out are listed."""
    plan = plan_run(codes_studio, _request(column_types={
        "store": "categorical", "income": "ignored", "customer_id": "identifier",
        "joined": "datetime",
    }))  # fmt: skip
    by_name = {c.name: c for c in plan.columns.choices}
    assert (by_name["store"].kind, by_name["store"].treatment) == ("categorical", "one_hot")
    assert "set by you (Studio inferred numeric" in by_name["store"].reason
    assert by_name["income"].treatment == "excluded" and by_name["income"].reason.startswith(
        "ignored; set by you"
    )
    assert by_name["joined"].treatment == "calendar_parts"
    assert plan.column_types == {"store": "categorical", "income": "ignored", "joined": "datetime"}
    assert [c.name for c in plan.unused] == ["customer_id", "comment"]


@pytest.mark.parametrize(
    ("types", "message"),
    [
        ({"store": "number"}, "'number' is not a column type; the types are numeric, categorical"),
        ({"nosuch": "numeric"}, "'nosuch' is not a column of the dataset; its columns are"),
        ({"churn": "categorical"}, "'churn' is the target"),
        ({"comment": "numeric"}, "'comment' cannot be used as numbers: 600 of its values"),
        ({"store": "datetime"}, "'store' holds numbers, not dates"),
        ({"store": "boolean"}, "'store' has 8 distinct values; a boolean has two"),
        ({"comment": "datetime"}, "'comment' cannot be used as dates"),
    ],
)
def test_types_that_do_not_fit_are_one_sentence(
    codes_studio: Studio, types: dict, message: str
) -> None:
    with pytest.raises(InvalidInputError, match="^" + message.replace("(", r"\(")):
        launch_run(codes_studio, _request(column_types=types), actor="t")
    assert get_run_count(codes_studio) == 0


def get_run_count(studio: Studio) -> int:
    from studio.tracking import list_run_ids

    return len(list_run_ids(studio, limit=100))


def test_parse_assignments() -> None:
    assert parse_assignments(["a=numeric", "b=c=Categorical"]) == {
        "a": "numeric", "b=c": "categorical",
    }  # fmt: skip
    with pytest.raises(InvalidInputError, match="'store' is not COLUMN=TYPE"):
        parse_assignments(["store"])


def test_codes_set_categorical_carry_the_signal_through_run_registry_scoring_and_drift(
    codes_studio: Studio,
) -> None:
    """Store codes used as numbers hide the signal from a linear model; set to categorical the
    holdout ROC AUC shows it. The registered version's schema says so, a scoring file of plain
    integers gets the same predictions as training rows, and drift sees categories."""
    as_numbers = launch_run(codes_studio, _request(), actor="t")
    as_categories = launch_run(
        codes_studio, _request(column_types={"store": "categorical"}), actor="t"
    )
    run_worker_once(codes_studio)
    run_worker_once(codes_studio)
    scores = {}
    for run_id in (as_numbers, as_categories):
        info = get_run(codes_studio, run_id, events=0)
        assert info.status == "finished", info.message
        scores[run_id] = info.leaderboard[0].holdout["roc_auc"]
    assert scores[as_categories] >= 0.85, scores
    assert scores[as_categories] > scores[as_numbers] + 0.15, scores
    run = get_run(codes_studio, as_categories, events=0)
    assert run.config["column_types"] == {"store": "categorical"}

    version = register_candidate(codes_studio, as_categories, "codes", actor="t")
    store = next(f for f in version.input_schema["features"] if f["name"] == "store")
    assert store["kind"] == "categorical" and store["set_by_user"] is True
    assert store["categories"] == sorted(str(c) for c in CODES)

    batch = coded(200, seed=1).drop(columns=["churn"])
    content = batch.to_csv(index=False).encode()
    frame = read_batch(codes_studio, content, "batch.csv", model="codes@1")
    result = score_frame(codes_studio, "codes@1", frame, "batch.csv", actor="t")
    assert not [n for n in result.notices if "not seen in training" in n], result.notices
    risky = np.isin(batch["store"], list(RISKY))
    assert np.mean((result.output["prediction"] == "yes").to_numpy() == risky) > 0.85

    report = monitor_frame(codes_studio, "codes@1", frame, actor="t").overall
    drift = {f.name: f for f in report.features}
    assert drift["store"].kind == "categorical" and not drift["store"].drifted


def test_set_types_are_read_the_same_way_at_scoring(codes_studio: Studio) -> None:
    """Dates written in words set to datetime are dates in training and in a scoring file; an
    id set to identifier is kept next to the predictions' inputs, not used."""
    from studio.data.versions import get_version

    info = get_version(codes_studio, "codes")
    types = {"joined": "datetime", "customer_id": "identifier", "store": "categorical"}
    plan = plan_columns(info.profile, "churn", {"joined": "datetime", "store": "categorical"})
    training = as_set_type(load_frame(codes_studio, info)[plan.features], types)
    assert training["joined"].iloc[0] == pd.Timestamp("2024-03-01")
    schema = build_schema(training, plan)
    assert schema["identifiers"] == ["customer_id"]
    batch = coded(30, seed=2).drop(columns=["churn"])
    checked = check_batch(batch, schema)
    assert checked.features["joined"].iloc[4] == pd.Timestamp("2024-03-05")
    assert list(checked.identifiers.columns) == ["customer_id"]


def test_a_target_in_the_scoring_file_is_noticed(codes_studio: Studio) -> None:
    info_plan = plan_run(codes_studio, _request(column_types={"store": "categorical"}))
    schema = build_schema(load_frame(codes_studio, info_plan.dataset)[info_plan.columns.features],
                          info_plan.columns)  # fmt: skip
    checked = check_batch(coded(20), schema)
    assert any("holds the target column 'churn'" in n for n in checked.notices)
