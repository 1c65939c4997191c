"""Finalising a run: refit the best trials on all training rows, score them on the holdout,
add a greedy ensemble when it beats the best single model, and save every candidate.

The ensemble's weights come from out-of-fold outputs before any refit; the members are then
refit once, in one child process that also saves the ensemble built from them in memory.
"""

from __future__ import annotations

import io
import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from optuna.trial import FrozenTrial, TrialState

from studio.artifacts import ArtifactStore
from studio.autopilot import ensemble as ens
from studio.autopilot.evaluation import RefitJob, TrainingData, refit_group
from studio.autopilot.families import unprefix
from studio.autopilot.metrics import LEADERBOARD_METRICS, METRICS, score, search_value
from studio.autopilot.pipeline import CandidateSpec
from studio.autopilot.search import SearchSession, oof_path

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


def _name(trial: FrozenTrial) -> str:
    return f"{trial.params['family']}-t{trial.number}"


def _spec(session: SearchSession, trial: FrozenTrial) -> CandidateSpec:
    params = unprefix(trial.params)
    return CandidateSpec(trial.params["family"], params, session.data.task, session.seed)


def _temp(session: SearchSession, name: str) -> str:
    return f"runs/{session.run_id}/candidates/.{name}.{uuid.uuid4().hex}.partial"


def _load_oof(session: SearchSession, trial_number: int) -> np.ndarray:
    path = session.studio.artifacts.path_of(oof_path(session.run_id, trial_number))
    return np.load(io.BytesIO(path.read_bytes()))


def ensemble_weights(session: SearchSession, top: list[FrozenTrial]) -> dict[str, float] | None:
    """Greedy weights over the top trials' out-of-fold outputs, if the blend beats the best."""
    data = session.data
    if len(top) < 2:
        return None
    oofs = [_load_oof(session, t.number) for t in top]
    weights = ens.greedy_weights(oofs, data.y, data.metric)
    blended = ens.blend(oofs, weights.astype(float))
    best = max(search_value(data.metric, score(data.metric, data.y, o)) for o in oofs)
    gain = search_value(data.metric, score(data.metric, data.y, blended)) - best
    if np.count_nonzero(weights) < 2 or gain <= 1e-6:
        session.event("The greedy ensemble did not beat the best single model in CV.")
        return None
    return {_name(t): float(w) for t, w in zip(top, weights, strict=True) if w > 0}


def _refit(
    session: SearchSession,
    trials: list[FrozenTrial],
    hard_end: float,
    weights: dict[str, float] | None = None,
) -> list[FinalCandidate]:
    """Refit ``trials`` (and the ensemble of ``weights``) and adopt what finished in time."""
    store, data = session.studio.artifacts, session.data
    jobs = [RefitJob(_name(t), _spec(session, t), store.path_of(_temp(session, _name(t))))
            for t in trials]  # fmt: skip
    ensemble_temp = _temp(session, "ensemble")
    for job in jobs:
        job.path.parent.mkdir(parents=True, exist_ok=True)
    group = refit_group(
        data, jobs, hard_end, (weights, store.path_of(ensemble_temp)) if weights else None
    )
    out = []
    for trial, job in zip(trials, jobs, strict=True):
        result = group.results.get(job.name)
        if result is None:
            job.path.unlink(missing_ok=True)
            session.event(
                f"Refit of {job.name} did not finish ({group.outcome.status}).", "warning"
            )
            log.warning("refit of %s: %s %s", job.name, group.outcome.status, group.outcome.error)
            continue
        stored = store.adopt(_temp_rel(store, job.path), _final(session, job.name))
        out.append(
            FinalCandidate(
                job.name,
                trial.params["family"],
                trial.number,
                job.spec.params,
                trial.user_attrs["fold_scores"],
                result.holdout_output,
                result.fit_seconds,
                result.predict_ms_per_1k,
                stored.path,
                stored.sha256,
                stored.size_bytes,
                is_baseline=trial.number == 0,
            )  # fmt: skip
        )
    if weights:
        extra = _ensemble_candidate(session, out, weights, group.ensemble_ms_per_1k, ensemble_temp)
        out += [extra] if extra else []
    return out


def _temp_rel(store: ArtifactStore, path: Path) -> str:
    return path.relative_to(store.root).as_posix()


def _final(session: SearchSession, name: str) -> str:
    return f"runs/{session.run_id}/candidates/{name}.skops"


def _ensemble_candidate(
    session: SearchSession,
    singles: list[FinalCandidate],
    weights: dict[str, float],
    latency: float | None,
    temp: str,
) -> FinalCandidate | None:
    store, data = session.studio.artifacts, session.data
    members = [c for c in singles if c.name in weights]
    if latency is None or len(members) != len(weights):
        store.path_of(temp).unlink(missing_ok=True)
        why = "saving it" if len(members) == len(weights) else "refitting its members"
        session.event(f"The ensemble was dropped: {why} did not finish in time.", "warning")
        return None
    stored = store.adopt(temp, _final(session, "ensemble"))
    w = np.array([weights[c.name] for c in members])
    oof = ens.blend([_load_oof(session, c.trial_number) for c in members], w)
    mix = ", ".join(f"{c.name} x{int(weights[c.name])}" for c in members)
    session.event(f"Greedy ensemble added: {mix}.")
    return FinalCandidate(
        "ensemble", "ensemble", None, {"members": {c.name: weights[c.name] for c in members}},
        ens.fold_scores(oof, data.y, data.folds, data.metric),
        ens.blend([c.holdout_output for c in members], w),
        sum(c.fit_seconds for c in members), latency, stored.path, stored.sha256,
        stored.size_bytes,
    )  # fmt: skip


def score_holdout(data: TrainingData, candidate: FinalCandidate) -> dict[str, float]:
    """Every leaderboard metric of the task on the holdout."""
    return {
        name: score(METRICS[name], data.y_holdout, candidate.holdout_output)
        for name in LEADERBOARD_METRICS[data.task]
    }


def finalize(session: SearchSession, hard_end: float) -> list[FinalCandidate]:
    """Refit, ensemble and score; candidates come back ranked by CV score."""
    top, baseline = candidate_trials(session)
    everything = _refit(session, top, hard_end, ensemble_weights(session, top))
    if baseline is not None and time.monotonic() < hard_end:
        everything += _refit(session, [baseline], hard_end)  # it shows what tuning bought
    elif baseline is not None:
        session.event("No time was left to refit the baseline (trial 0).", "warning")
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
