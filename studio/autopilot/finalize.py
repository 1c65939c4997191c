"""Finalising a run: refit the best trials on all training rows, score them on the holdout,
add a greedy ensemble when it beats the best single model, and save every candidate."""

from __future__ import annotations

import io
import logging
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from optuna.trial import FrozenTrial, TrialState

from studio.autopilot import ensemble as ens
from studio.autopilot.evaluation import TrainingData, predict_latency_ms, refit_and_save
from studio.autopilot.families import unprefix
from studio.autopilot.isolated import run_isolated
from studio.autopilot.metrics import LEADERBOARD_METRICS, METRICS, score, search_value
from studio.autopilot.pipeline import CandidateSpec, model_output
from studio.autopilot.search import SearchSession, oof_path
from studio.modelio import load_model

log = logging.getLogger(__name__)


@dataclass
class FinalCandidate:
    """A refit, saved candidate ready to be recorded."""

    name: str
    family: str
    trial_number: int | None
    params: dict[str, Any]
    cv_scores: list[float]
    holdout_output: np.ndarray
    fit_seconds: float
    predict_ms_per_1k: float
    artifact: str
    artifact_sha256: str
    size_bytes: int
    is_baseline: bool = False
    holdout: dict[str, float] = field(default_factory=dict)


def candidate_trials(session: SearchSession) -> tuple[list[FrozenTrial], FrozenTrial | None]:
    """The top-k distinct completed trials by CV score, and the baseline (trial 0) if it is
    not among them."""
    complete = session.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    ranked = sorted(complete, key=lambda t: t.value, reverse=True)
    chosen: list[FrozenTrial] = []
    seen: set[tuple] = set()
    for trial in ranked:  # near-copies (same family, same fold scores) add nothing
        key = (trial.params["family"], tuple(round(s, 6) for s in trial.user_attrs["fold_scores"]))
        if key not in seen:
            seen.add(key)
            chosen.append(trial)
        if len(chosen) == int(session.config["top_k"]):
            break
    baseline = next((t for t in complete if t.number == 0), None)
    return chosen, None if baseline is None or baseline in chosen else baseline


def _adopt(session: SearchSession, temp: str, name: str) -> tuple[str, str, int]:
    final = f"runs/{session.run_id}/candidates/{name}.skops"
    stored = session.studio.artifacts.adopt(temp, final)
    return stored.path, stored.sha256, stored.size_bytes


def _temp_path(session: SearchSession, name: str) -> str:
    return f"runs/{session.run_id}/candidates/.{name}.{uuid.uuid4().hex}.partial"


def refit_candidates(
    session: SearchSession, trials: list[FrozenTrial], hard_end: float
) -> list[FinalCandidate]:
    """Refit ``trials`` in order while time remains before ``hard_end``."""
    data, out = session.data, []
    for trial in trials:
        family = trial.params["family"]
        spec = CandidateSpec(
            family, unprefix(trial.params), data.task, int(session.config["seed"])
        )
        name = f"{family}-t{trial.number}"
        temp = _temp_path(session, name)
        path = session.studio.artifacts.path_of(temp)
        path.parent.mkdir(parents=True, exist_ok=True)
        outcome, result = refit_and_save(data, spec, path, hard_end)
        if result is None:
            path.unlink(missing_ok=True)
            session._event(
                f"Refit of {name} did not finish ({outcome.status}); skipped.", "warning"
            )
            continue
        artifact, sha, size = _adopt(session, temp, name)
        out.append(
            FinalCandidate(
                name,
                family,
                trial.number,
                spec.params,
                trial.user_attrs["fold_scores"],
                result.holdout_output,
                result.fit_seconds,
                result.predict_ms_per_1k,
                artifact,
                sha,
                size,
                is_baseline=trial.number == 0,
            )  # fmt: skip
        )
    return out


def _load_oof(session: SearchSession, trial_number: int) -> np.ndarray:
    path = session.studio.artifacts.path_of(oof_path(session.run_id, trial_number))
    return np.load(io.BytesIO(path.read_bytes()))


def add_ensemble(
    session: SearchSession, singles: list[FinalCandidate], hard_end: float
) -> FinalCandidate | None:
    """A weighted soft-voting ensemble of the refit candidates, if it beats the best one in CV."""
    data = session.data
    members = singles
    if len(members) < 2:
        return None
    oofs = [_load_oof(session, c.trial_number) for c in members]
    weights = ens.greedy_weights(oofs, data.y, data.metric)
    blended = ens.blend(oofs, weights)
    best_single = max(search_value(data.metric, score(data.metric, data.y, o)) for o in oofs)
    if (
        np.count_nonzero(weights) < 2
        or search_value(data.metric, score(data.metric, data.y, blended)) <= best_single + 1e-6
    ):
        session._event("The greedy ensemble did not beat the best single model in CV.")
        return None
    used = [(c, w) for c, w in zip(members, weights, strict=True) if w > 0]
    temp = _temp_path(session, "ensemble")
    outcome = run_isolated(lambda _send: _save_ensemble(session, used, temp), hard_end)
    if outcome.status != "done":
        session.studio.artifacts.path_of(temp).unlink(missing_ok=True)
        session._event(f"The ensemble could not be saved ({outcome.status}).", "warning")
        log.warning("ensemble of run %s failed: %s", session.run_id, outcome.error)
        return None
    artifact, sha, size = _adopt(session, temp, "ensemble")
    mix = ", ".join(f"{c.name} x{w}" for c, w in used)
    session._event(f"Greedy ensemble added: {mix}.")
    return FinalCandidate(
        "ensemble", "ensemble", None, {"members": {c.name: int(w) for c, w in used}},
        ens.fold_scores(blended, data.y, data.folds, data.metric),
        ens.blend([c.holdout_output for c, _ in used], np.array([w for _, w in used], float)),
        sum(c.fit_seconds for c, _ in used), float(outcome.result), artifact, sha, size,
    )  # fmt: skip


def _save_ensemble(session: SearchSession, used: list, temp: str) -> float:
    import skops.io as sio

    members = [
        (c.name, load_model(session.studio.artifacts, c.artifact, c.artifact_sha256))
        for c, _ in used
    ]
    model = ens.voting_model(
        members, [float(w) for _, w in used], session.data.task, session.data.n_classes
    )
    path = session.studio.artifacts.path_of(temp)
    sio.dump(model, path)
    model_output(model, session.data.X_holdout.head(5))  # fails here, not later, if broken
    return predict_latency_ms(model, session.data.X)


def score_holdout(data: TrainingData, candidate: FinalCandidate) -> dict[str, float]:
    """Every leaderboard metric of the task on the holdout."""
    return {
        name: score(METRICS[name], data.y_holdout, candidate.holdout_output)
        for name in LEADERBOARD_METRICS[data.task]
    }


def finalize(session: SearchSession, hard_end: float) -> list[FinalCandidate]:
    """Refit, ensemble and score; candidates come back ranked by CV score."""
    top, baseline = candidate_trials(session)
    singles = refit_candidates(session, top, hard_end)
    extra = add_ensemble(session, singles, hard_end) if singles else None
    everything = singles + ([extra] if extra else [])
    if baseline is not None:  # last: it shows what tuning bought, it is rarely the winner
        everything += refit_candidates(session, [baseline], hard_end)
    sign = 1 if session.data.metric.greater_is_better else -1
    everything.sort(key=lambda c: -sign * float(np.mean(c.cv_scores)))
    for candidate in everything:
        candidate.holdout = score_holdout(session.data, candidate)
    return everything


def discard(session: SearchSession, candidates: list[FinalCandidate]) -> None:
    """Delete candidate files whose rows could not be written."""
    for candidate in candidates:
        try:
            session.studio.artifacts.delete(candidate.artifact)
        except OSError:
            log.exception("could not delete %s", candidate.artifact)


def remove_oof(session: SearchSession) -> None:
    """Out-of-fold files are only needed until the ensemble is built."""
    folder = session.studio.artifacts.path_of(f"runs/{session.run_id}/oof")
    if folder.exists():
        for path in folder.iterdir():
            os.unlink(path)
        folder.rmdir()
