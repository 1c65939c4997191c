"""The Business threshold is chosen on a candidate's out-of-fold outputs and valued once on
the holdout; an approver saves it on a model version, audited, and predictions cut at it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from studio.autopilot.data import prepare_training_data
from studio.autopilot.pipeline import CandidateSpec, build_pipeline, model_output
from studio.business.service import business_view, model_view
from studio.business.value import CostMatrix, value_curve, value_interval
from studio.context import Studio
from studio.errors import InvalidInputError, PermissionDeniedError
from studio.experiments.compare import load_entries
from studio.experiments.diagnostics import threshold_table
from studio.modelio import load_model
from studio.registry.lifecycle import set_threshold
from studio.registry.register import register_candidate
from studio.registry.scoring import score_frame
from studio.registry.versions import get_version, history
from studio.tracking import get_run

MATRIX = CostMatrix(tp=120.0, fp=-25.0, fn=-10.0, tn=0.0)
GRID = [round(t, 2) for t in np.linspace(0, 1, 101)]


def brute_value(y: np.ndarray, positive: np.ndarray, t: float) -> float:
    """Value per 1,000 cases when acting on ``positive >= t``, counted row by row."""
    total = 0.0
    for truth, p in zip(y, positive, strict=True):
        act = p >= t
        if truth == 1:
            total += MATRIX.tp if act else MATRIX.fn
        else:
            total += MATRIX.fp if act else MATRIX.tn
    return total / len(y) * 1_000


def _oof(studio: Studio, run_id: int, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The candidate's out-of-fold P(positive) rebuilt here from its folds, and the truth."""
    info = get_run(studio, run_id)
    data = prepare_training_data(studio, info.config["dataset"], info.config)
    candidate = next(c for c in info.leaderboard if c.name == name)
    spec = CandidateSpec(candidate.family, candidate.params, "binary", int(info.config["seed"]))
    oof = np.full(len(data.y), np.nan)
    for train, valid in data.folds:
        model = build_pipeline(spec, data.plan).fit(data.X.iloc[train], data.y[train])
        oof[valid] = model_output(model, data.X.iloc[valid])[:, 1]
    return data.y, oof


def test_brute_force_value_oracle() -> None:
    """The row-by-row oracle agrees with the value curve of a threshold table."""
    rng = np.random.default_rng(3)
    y = (rng.random(300) < 0.3).astype(int)
    p = np.clip(0.3 * y + rng.random(300) * 0.7, 0, 1)
    curve = value_curve(threshold_table(y, p), MATRIX)
    assert [round(v, 6) for v in curve.per_thousand] == [
        round(brute_value(y, p, t), 6) for t in GRID
    ]


def test_threshold_is_chosen_out_of_fold_and_valued_on_the_holdout(
    finished_run: tuple[Studio, int],
) -> None:
    """The view's threshold is the brute-force best over the out-of-fold outputs; its value and
    interval are those of the holdout at that one threshold, not the holdout's own best."""
    studio, run_id = finished_run
    best = get_run(studio, run_id).leaderboard[0]
    [entry] = load_entries(studio, [best.id])
    y, oof = _oof(studio, run_id, best.name)
    assert entry.oof_thresholds == threshold_table(y, oof)
    oof_values = [brute_value(y, oof, t) for t in GRID]
    chosen = int(np.argmax(np.round(oof_values, 9)))
    view = business_view(studio, [best.id], MATRIX)
    curve = view.curves[0]
    assert curve.chosen_on == "out-of-fold" and curve.best == chosen
    info = get_run(studio, run_id)
    data = prepare_training_data(studio, info.config["dataset"], info.config)
    model = load_model(studio.artifacts, best.artifact, best.artifact_sha256)
    holdout = model_output(model, data.X_holdout)[:, 1]
    assert curve.best_value == pytest.approx(brute_value(data.y_holdout, holdout, GRID[chosen]))
    table = entry.diagnostics["curves"]["thresholds"]
    assert view.value_intervals[0] == value_interval(table, chosen, MATRIX)
    assert curve.per_thousand[chosen] <= max(curve.per_thousand)  # not the holdout's max
    assert any("chosen on out-of-fold predictions" in s for s in view.sentences)


def test_a_candidate_without_out_of_fold_table_says_its_value_is_optimistic(
    finished_run: tuple[Studio, int],
) -> None:
    """Candidates stored before the table was kept choose on the holdout, and say so."""
    from studio.business.summary import build_view

    studio, run_id = finished_run
    [entry] = load_entries(studio, [get_run(studio, run_id).leaderboard[0].id])
    old = entry.__class__(**(entry.__dict__ | {"oof_thresholds": None}))
    view = build_view([old], MATRIX)
    holdout = view.curves[0]
    assert holdout.chosen_on == "holdout" and holdout.best_value == max(holdout.per_thousand)
    assert any("so this value is optimistic" in s for s in view.sentences)


ROLES = 'default = ["viewer"]\n[users]\nana = ["analyst"]\nbob = ["approver"]\n'


def _guarded(studio: Studio, tmp_path: Path) -> Studio:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES)
    settings = studio.settings.__class__(**(studio.settings.__dict__ | {"roles_file": path}))
    return Studio(settings=settings, engine=studio.engine, artifacts=studio.artifacts)


def test_saved_threshold_is_approver_only_audited_and_cuts_predictions(
    finished_run: tuple[Studio, int], tmp_path: Path
) -> None:
    """An analyst may not save a threshold (refused by the core); an approver's is a model
    event with actor and comment; predictions then cut at it, probabilities unchanged."""
    studio, run_id = finished_run
    guarded = _guarded(studio, tmp_path)
    register_candidate(guarded, run_id, "churn", "ana")
    with pytest.raises(PermissionDeniedError, match="ana may not save a model version's"):
        set_threshold(guarded, "churn", 1, 0.35, "finance values", "ana")
    with pytest.raises(InvalidInputError, match="Say why in a comment"):
        set_threshold(guarded, "churn", 1, 0.35, " ", "bob")
    with pytest.raises(InvalidInputError, match="between 0 and 1; got 1.5"):
        set_threshold(guarded, "churn", 1, 1.5, "typo", "bob")
    frame = pd.read_parquet(
        studio.artifacts.path_of(get_version(studio, "churn@1").reference_artifact)
    )
    before = score_frame(guarded, "churn@1", frame, "ref.parquet", "ana")
    assert any("above 0.5 (no decision threshold saved)" in n for n in before.notices)
    info = set_threshold(guarded, "churn", 1, 0.35, "finance values", "bob")
    assert info.decision_threshold == 0.35 and info.to_json()["decision_threshold"] == 0.35
    [event] = [e for e in history(studio, "churn") if e.action == "threshold"]
    assert (event.actor, event.from_value, event.to_value, event.comment) == (
        "bob", "0.5 (default)", "0.35", "finance values",
    )  # fmt: skip
    after = score_frame(guarded, "churn@1", frame, "ref.parquet", "ana")
    positive = after.output["proba_Yes"].to_numpy()
    assert np.array_equal(positive, before.output["proba_Yes"].to_numpy())
    expected = np.where(positive >= 0.35, "Yes", "No")
    assert (after.output["prediction"].to_numpy() == expected).all()
    assert (before.output["prediction"].to_numpy() == np.where(positive > 0.5, "Yes", "No")).all()
    assert any("at least 0.35 (the decision threshold saved on churn@1)" in n
               for n in after.notices)  # fmt: skip
    assert model_view(studio, "churn@1", MATRIX).curves[0].chosen_on == "out-of-fold"
    from studio.monitor.service import reference_frame

    reference = reference_frame(studio, get_version(studio, "churn@1"))  # drift: like for like
    assert (reference["prediction"] == np.where(reference["proba_Yes"] >= 0.35, "Yes", "No")).all()


def test_the_out_of_fold_choice_wins_over_the_holdout_maximum() -> None:
    """When the out-of-fold best threshold differs from the holdout's best, the view values
    the out-of-fold one on the holdout (a lower but honest number)."""
    from tests.business.test_summary import _entry

    rng = np.random.default_rng(5)
    y = (rng.random(600) < 0.3).astype(int)
    holdout = np.clip(0.35 * y + 0.65 * rng.random(600), 0, 1)
    entry = _entry("m", "binary", y, holdout, ["no", "yes"])
    oof = np.clip(0.1 * y + 0.9 * rng.random(600), 0, 1)  # a much less confident model
    entry = entry.__class__(**(entry.__dict__ | {"oof_thresholds": threshold_table(y, oof)}))
    from studio.business.summary import build_view

    curve = build_view([entry], MATRIX).curves[0]
    oof_best = int(np.argmax(value_curve(threshold_table(y, oof), MATRIX).per_thousand))
    holdout_best = int(np.argmax(curve.per_thousand))
    assert oof_best != holdout_best and curve.best == oof_best
    assert curve.best_value == pytest.approx(brute_value(y, holdout, GRID[oof_best]))
    assert curve.best_value < curve.per_thousand[holdout_best]


def test_candidates_with_different_positive_classes_are_not_compared() -> None:
    """Two candidates that detect different outcomes are refused in one sentence."""
    from studio.experiments.compare import check_comparable
    from tests.business.test_summary import _entry

    rng = np.random.default_rng(1)
    y = (rng.random(200) < 0.3).astype(int)
    p = np.clip(0.4 * y + 0.6 * rng.random(200), 0, 1)
    fraud = _entry("a", "binary", y, p, ["legit", "fraud"])
    legit = _entry("b", "binary", 1 - y, 1 - p, ["fraud", "legit"])
    with pytest.raises(InvalidInputError, match="1:b detects 'legit' and 1:a detects 'fraud'"):
        check_comparable([fraud, legit])
