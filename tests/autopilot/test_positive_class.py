"""The positive class of a binary target: guessed with a reason, chosen by the user, stored
with the run and its versions, and the one every binary metric is about."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from studio.autopilot.data import prepare_training_data
from studio.autopilot.pipeline import model_output
from studio.autopilot.positive import guess_positive_class
from studio.autopilot.service import AutopilotRequest, launch_run, plan_run
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.errors import InvalidInputError
from studio.experiments.diagnostics import threshold_table
from studio.modelio import load_model
from studio.registry.register import register_candidate
from studio.tracking import get_run
from tests.workers import run_worker_once


@pytest.mark.parametrize(
    ("values", "label", "why"),
    [
        (["legit"] * 88 + ["fraud"] * 12, "fraud", "names the outcome"),
        (["retained"] * 30 + ["churned"] * 70, "churned", "names the outcome"),
        (["no"] * 50 + ["yes"] * 50, "yes", "names the outcome"),
        ([True] * 80 + [False] * 20, "True", "names the outcome"),
        ([0] * 10 + [1] * 90, "1", "names the outcome"),
        (["否"] * 9 + ["是"] * 1, "是", "names the outcome"),
        (["No churn"] * 60 + ["Churn"] * 40, "Churn", "names the outcome"),
        (["red"] * 88 + ["blue"] * 12, "blue", "the rarer of the two (12%)"),
        (["red"] * 20 + ["blue"] * 80, "red", "the rarer of the two (20%)"),
        (["b"] * 5 + ["a"] * 5, "b", "equally common"),
    ],
)
def test_guess(values: list, label: str, why: str) -> None:
    """Labels that read as the event win; else the rarer class; else the second sorted."""
    guess = guess_positive_class(pd.Series(values, name="y"))
    assert guess.label == label
    assert why in guess.reason and guess.reason.startswith(f"'{label}' is the positive class")


def fraud_frame(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """A fraud/legit table where 'fraud' is the rarer class (about 20%)."""
    rng = np.random.default_rng(seed)
    amount = rng.gamma(2.0, 50.0, n)
    night = rng.integers(0, 2, n)
    risk = 0.01 * amount + 1.5 * night + rng.normal(0, 0.8, n)
    label = np.where(risk > np.quantile(risk, 0.8), "fraud", "legit")
    return pd.DataFrame({"amount": amount.round(2), "night": night, "label": label})


@pytest.fixture
def fraud_studio(studio: Studio) -> Studio:
    """A Studio holding the 'tx' dataset (fraud/legit)."""
    add_dataset_version(studio, fraud_frame().to_csv(index=False).encode(), "tx.csv",
                        actor="tester")  # fmt: skip
    return studio


def test_plan_shows_the_guess_and_refuses_an_unknown_label(fraud_studio: Studio) -> None:
    """The plan says 'fraud' with its reason; an unknown label lists the two valid ones."""
    plan = plan_run(fraud_studio, AutopilotRequest(dataset="tx", target="label"))
    assert plan.positive_class == "fraud" and plan.classes == ("fraud", "legit")
    assert plan.positive_reason == (
        "'fraud' is the positive class: it names the outcome to detect (20% of the rows)."
    )
    with pytest.raises(InvalidInputError, match="'nope' is not a value of the target; the "
                       "positive class is one of 'fraud' or 'legit'."):  # fmt: skip
        plan_run(fraud_studio, AutopilotRequest("tx", "label", positive_class="nope"))
    with pytest.raises(InvalidInputError, match="binary targets only"):
        plan_run(fraud_studio, AutopilotRequest("tx", "amount", positive_class="fraud"))


def _run(studio: Studio, positive: str | None) -> int:
    request = AutopilotRequest(
        dataset="tx", target="label", positive_class=positive, max_trials=2,
        budget_seconds=None, top_k=1, families=["linear"],
    )  # fmt: skip
    return launch_run(studio, request, actor="tester")


@pytest.mark.parametrize("positive", ["fraud", "legit"])
def test_metrics_follow_the_positive_class(fraud_studio: Studio, positive: str) -> None:
    """F1 and the threshold table of a run are those of sklearn with ``pos_label=positive``,
    and the class is stored with the run and with a version registered from it."""
    run_id = _run(fraud_studio, positive if positive == "legit" else None)
    run_worker_once(fraud_studio)
    info = get_run(fraud_studio, run_id)
    assert info.status == "finished" and info.positive_class == positive
    assert info.config["positive_class"] == positive
    data = prepare_training_data(fraud_studio, info.config["dataset"], info.config)
    assert data.labels[1] == positive
    best = info.leaderboard[0]
    model = load_model(fraud_studio.artifacts, best.artifact, best.artifact_sha256)
    proba = model_output(model, data.X_holdout)[:, 1]  # P(positive)
    truth = np.asarray(data.labels)[data.y_holdout]
    said = np.where(proba >= 0.5, positive, next(v for v in data.labels if v != positive))
    assert best.holdout["f1"] == pytest.approx(skm.f1_score(truth, said, pos_label=positive))
    assert best.holdout["roc_auc"] == pytest.approx(skm.roc_auc_score(truth == positive, proba))
    table = threshold_table(data.y_holdout, proba)  # what the ROC/threshold/business views read
    k = table["threshold"].index(0.5)
    assert table["recall"][k] == pytest.approx(
        skm.recall_score(truth, said, pos_label=positive), abs=1e-5
    )
    assert table["tp"][0] == (truth == positive).sum()
    version = register_candidate(fraud_studio, run_id, "fraud", "tester")
    assert version.positive_class == positive and version.to_json()["positive_class"] == positive


def test_a_run_stored_before_the_choice_keeps_the_second_sorted_label(
    finished_run: tuple[Studio, int],
) -> None:
    """A run whose config has no positive class reads as before: the second sorted label."""
    from studio.db import session_scope
    from studio.db.models import Run

    studio, run_id = finished_run
    with session_scope(studio.engine) as session:
        run = session.get(Run, run_id)
        run.config = {k: v for k, v in run.config.items() if not k.startswith("positive_")}
        session.add(run)
    info = get_run(studio, run_id)
    assert info.positive_class == "Yes" and "positive_class" not in info.config
    data = prepare_training_data(studio, info.config["dataset"], info.config)
    assert data.labels == ("No", "Yes")


def test_cli_positive_class(tmp_path) -> None:  # noqa: ANN001
    """`--positive-class` is stored; the launch says which class and why; an unknown label is
    one sentence naming the two valid ones (exit 2); `runs show` names the class."""
    from tests.cli import clean_env, run

    env = clean_env(tmp_path / "home", "cli")
    csv = tmp_path / "tx.csv"
    fraud_frame().to_csv(csv, index=False)
    assert run("data", "add", str(csv), env=env).returncode == 0
    base = ("autopilot", "run", "--dataset", "tx", "--target", "label", "--max-trials", "1",
            "--no-budget")  # fmt: skip
    bad = run(*base, "--positive-class", "Fraud", env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip() == (
        "error: 'Fraud' is not a value of the target; the positive class is one of 'fraud' or "
        "'legit'."
    )
    guessed = run(*base, env=env)
    assert guessed.returncode == 0
    assert "note: 'fraud' is the positive class: it names the outcome" in guessed.stderr
    chosen = run(*base, "--positive-class", "legit", env=env)
    assert chosen.returncode == 0 and "as you chose" in chosen.stderr
    shown = run("runs", "show", "2", env=env)
    assert "Positive class: 'legit'." in shown.stdout
