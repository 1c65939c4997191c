"""Launching: task detection explained, documented defaults, and bad requests refused with
nothing left queued."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlmodel import select

from studio.autopilot.service import AutopilotRequest, launch_run, plan_run
from studio.autopilot.tasks import detect_task, suggest_target
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.db import session_scope
from studio.db.models import Job, Run
from studio.errors import InvalidInputError
from studio.tracking import get_run


@pytest.mark.parametrize(
    ("values", "task"),
    [
        (["yes", "no", "yes"], "binary"),
        ([0, 1, 1, 0], "binary"),
        (["a", "b", "c"], "multiclass"),
        ([1, 2, 3, 2, 1], "multiclass"),
        ([1.5, 2.25, 3.0, 4.75], "regression"),
        (list(range(40)), "regression"),
    ],
)
def test_task_detection(values: list, task: str) -> None:
    """Two values → binary; a few labels or codes → multiclass; numbers → regression."""
    decision = detect_task(pd.Series(values, name="y"))
    assert decision.task == task and "'y'" in decision.reason


def test_plan_explains_and_prepares_columns(churn_studio: Studio) -> None:
    """The plan names the task and why, the default metric, and each column's treatment."""
    plan = plan_run(churn_studio, AutopilotRequest(dataset="churn", target="churn"))
    assert (plan.task, plan.metric) == ("binary", "roc_auc")
    assert "two values" in plan.task_reason
    treatments = {c.name: c.treatment for c in plan.columns.choices}
    assert treatments == {
        "customer_id": "excluded", "tenure": "numeric", "plan": "one_hot",
        "charges": "numeric", "signup": "calendar_parts",
    }  # fmt: skip
    assert plan.families[:2] == ["hgb", "random_forest"] and "svm" in plan.families


def _requests() -> list[tuple[dict, str]]:
    return [
        ({"target": "nope"}, "'nope' is not a column of churn@1"),
        ({"target": "churn", "budget_seconds": 0}, "more than 0 seconds"),
        ({"target": "churn", "max_trials": -1}, "at least 1"),
        ({"target": "churn", "metric": "r2"}, "choose one of roc_auc, accuracy"),
        ({"target": "churn", "families": ["xgboost"]}, "Unknown model family 'xgboost'"),
        ({"target": "churn", "task": "regression"}, "not numeric"),
        ({"target": "constant"}, "single class"),
        ({"target": "empty"}, "missing in every row"),
        ({"target": "rare"}, "smallest class 'b' has 2 rows"),
    ]


@pytest.mark.parametrize(("overrides", "message"), _requests())
def test_bad_requests_are_refused_and_leave_nothing_queued(
    churn_studio: Studio, overrides: dict, message: str
) -> None:
    """Each bad request raises one clear sentence; no run and no job are created."""
    frame = pd.DataFrame(
        {
            "x": range(60),
            "constant": ["a"] * 60,
            "empty": [None] * 60,
            "rare": ["a"] * 58 + ["b"] * 2,
        }  # fmt: skip
    )
    add_dataset_version(churn_studio, frame.to_csv(index=False).encode(), "odd.csv", actor="t")
    dataset = "churn" if overrides["target"] in ("nope", "churn") else "odd"
    with pytest.raises(InvalidInputError) as caught:
        launch_run(churn_studio, AutopilotRequest(dataset=dataset, **overrides), actor="t")
    assert message in str(caught.value)
    with session_scope(churn_studio.engine) as session:
        assert session.exec(select(Run)).all() == [] and session.exec(select(Job)).all() == []


def test_rows_with_missing_target_are_dropped_with_a_note(churn_studio: Studio) -> None:
    """Missing targets are left out and the plan says how many."""
    frame = pd.DataFrame({"x": [i % 7 for i in range(100)], "y": ["a", "b"] * 45 + [None] * 10})
    add_dataset_version(churn_studio, frame.to_csv(index=False).encode(), "m.csv", actor="t")
    plan = plan_run(churn_studio, AutopilotRequest(dataset="m", target="y"))
    assert plan.rows == 90 and plan.notes[0] == "10 rows with no 'y' will be left out."
    run_id = launch_run(churn_studio, AutopilotRequest(dataset="m", target="y"), actor="t")
    warnings = [e for e in get_run(churn_studio, run_id).events if e[1] == "warning"]
    assert [text for _, _, text in reversed(warnings)] == plan.notes


def test_a_small_holdout_is_cautioned_at_launch(churn_studio: Studio, tmp_path) -> None:  # noqa: ANN001
    """20 rows give a 4-row holdout: the plan, the run's events and the CLI's stderr say its
    scores are rough; 400 rows (an 80-row holdout) do not."""
    from tests.cli import clean_env, run

    tiny = pd.DataFrame({"x": range(20), "y": ["a", "b"] * 10})
    add_dataset_version(churn_studio, tiny.to_csv(index=False).encode(), "tiny.csv", actor="t")
    notes = plan_run(churn_studio, AutopilotRequest(dataset="tiny", target="y")).notes
    assert notes == [
        "The holdout will have only 4 rows, about 2 of them in the rarest class: its scores are "
        "rough (a perfect score can be luck). Add rows, or raise the holdout share, before "
        "trusting them."
    ]
    assert plan_run(churn_studio, AutopilotRequest(dataset="churn", target="churn")).notes == []
    tiny.to_csv(tmp_path / "tiny.csv", index=False)
    env = clean_env(tmp_path / "home")
    assert run("data", "add", str(tmp_path / "tiny.csv"), env=env).returncode == 0
    queued = run("autopilot", "run", "--dataset", "tiny", "--target", "y", env=env)
    assert queued.returncode == 0 and "warning: The holdout will have only 4 rows" in queued.stderr


@pytest.mark.parametrize(
    ("columns", "expected"),
    [(["churn", "tenure", "total"], "churn"), (["a", "Label", "b"], "Label"), (["a", "b"], "b")],
)
def test_suggested_target(columns: list[str], expected: str) -> None:
    """The form starts on a conventionally named target, else on the last column."""
    assert suggest_target(columns) == expected


@pytest.mark.parametrize(
    ("counts", "metric"),
    [
        ({"a": 45, "b": 45, "c": 10}, "accuracy"),  # 10%: not rare
        ({"a": 50, "b": 45, "c": 5}, "balanced_accuracy"),
        ({"a": 78, "b": 12, "c": 6, "d": 4}, "balanced_accuracy"),
    ],
)
def test_a_rare_class_makes_balanced_accuracy_the_multiclass_default(
    studio: Studio, counts: dict[str, int], metric: str
) -> None:
    """With a class under 10% of rows the launch form says why it optimises balanced accuracy
    (accuracy would reward a model that never predicts it); a metric the user chose stays."""
    labels = [label for label, n in counts.items() for _ in range(n)]
    frame = pd.DataFrame(
        {"x": range(len(labels)), "y": labels, "z": [i % 7 for i in range(len(labels))]}
    )
    add_dataset_version(studio, frame.to_csv(index=False).encode(), "rare.csv", actor="t")
    plan = plan_run(studio, AutopilotRequest(dataset="rare", target="y", folds=2))
    assert plan.metric == metric
    said = [n for n in plan.notes if "balanced accuracy" in n]
    assert bool(said) == (metric == "balanced_accuracy")
    if said:
        rarest = min(counts, key=counts.get)
        assert said[0].startswith(f"Class '{rarest}' is only {counts[rarest] / len(labels):.1%}")
    chosen = plan_run(studio, AutopilotRequest(dataset="rare", target="y", folds=2,
                                               metric="accuracy"))  # fmt: skip
    assert chosen.metric == "accuracy" and not [n for n in chosen.notes if "balanced" in n]
