"""Finalising a run: refit the best trials on all training rows, score them on the holdout,
add a greedy ensemble when it beats the best single model, and save every candidate.

The ensemble's weights come from out-of-fold outputs before any refit, and its CV score is
nested (weights chosen on the other folds, scored on each fold), so it is ranked honestly; the
members are then refit once, in one child process that also saves the ensemble built from
them in memory.

Candidates are immutable. A resumed run finalises again as a new *round*: a trial an earlier
round refit keeps its candidate (it is not refit, renamed or replaced), an ensemble with the
same members and weights as a saved one is that one, and only what is new is refit and saved,
each under a file name of its own. Members saved earlier are loaded from their files (checksum
verified) to build a new round's ensemble.
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

from studio.artifacts import ArtifactStore, StoredFile
from studio.autopilot import all_rows
from studio.autopilot import ensemble as ens
from studio.autopilot.all_rows import AllRowsFit, Leader
from studio.autopilot.evaluation import (
    EnsembleJob,
    RefitGroup,
    RefitJob,
    TrainingData,
    refit_group,
)
from studio.autopilot.families import unprefix
from studio.autopilot.metrics import LEADERBOARD_METRICS, METRICS, score, search_value
from studio.autopilot.pipeline import CandidateSpec
from studio.autopilot.rounds import Saved, saved_candidates
from studio.autopilot.search import SearchSession, oof_path
from studio.experiments.diagnostics import threshold_table

log = logging.getLogger(__name__)

NESTED_CV = "nested"  # an ensemble's params["cv"]: scored on folds its weights did not see


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
    oof_thresholds: dict[str, list[float]] | None = None  # binary: see ``oof_threshold_table``
    all_rows: StoredFile | None = None  # the leader fitted on all rows too (``all_rows``)


def oof_threshold_table(data: TrainingData, oof: np.ndarray) -> dict[str, list[float]] | None:
    """A binary candidate's TP/FP/FN/TN at thresholds 0, 0.01, ..., 1 over its out-of-fold
    outputs (``oof``: rows x 2 probabilities, class 1 the positive class), where its decision
    threshold is chosen so the holdout stays unseen until it values that one threshold. Rows
    no fold validated (the earliest ones under time-ordered folds: NaN) are left out; None for
    other tasks or when no row has an output."""
    if data.task != "binary" or oof.ndim != 2:
        return None
    rows = ~np.isnan(oof).any(axis=1)
    if not rows.any():
        return None
    return threshold_table(data.y[rows], oof[rows, 1])


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


def ensemble_library(session: SearchSession, top: list[FrozenTrial]) -> list[FrozenTrial]:
    """The trials the greedy ensemble chooses from: ``top``, then the best completed trial of
    every family not among them. Ensemble selection works from a library of diverse models
    (Caruana et al., 2004; AutoGluon's weighted ensemble takes one model per family): after many
    trials the top ones are often near-copies of one family, whose blend adds nothing."""
    complete = session.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    best: dict[str, FrozenTrial] = {}
    for trial in sorted(complete, key=lambda t: t.value, reverse=True):
        best.setdefault(trial.params["family"], trial)
    families = {t.params["family"] for t in top}
    return top + [t for family, t in best.items() if family not in families]


def _name(trial: FrozenTrial) -> str:
    return f"{trial.params['family']}-t{trial.number}"


def _spec(session: SearchSession, trial: FrozenTrial) -> CandidateSpec:
    params = unprefix(trial.params)
    return CandidateSpec(trial.params["family"], params, session.data.task, session.seed)


def _temp(session: SearchSession, name: str) -> str:
    return f"runs/{session.run_id}/candidates/.{name}.{uuid.uuid4().hex}.partial"


def _oof_file(session: SearchSession, trial_number: int) -> Path:
    return session.studio.artifacts.path_of(oof_path(session.run_id, trial_number))


def _load_oof(session: SearchSession, trial_number: int) -> np.ndarray:
    return np.load(io.BytesIO(_oof_file(session, trial_number).read_bytes()))


def _with_oof(session: SearchSession, top: list[FrozenTrial]) -> list[FrozenTrial]:
    """The trials whose out-of-fold outputs are on disk (a store from before they were kept
    for stopped runs may have lost some); the others are left out of the ensemble, saying so."""
    present = [t for t in top if _oof_file(session, t.number).is_file()]
    missing = [_name(t) for t in top if all(t.number != p.number for p in present)]
    if missing:
        session.event(
            f"Out-of-fold outputs of {', '.join(missing)} are missing; the ensemble is chosen "
            "without them.", "warning",
        )  # fmt: skip
    return present


@dataclass(frozen=True)
class EnsembleChoice:
    """The greedy weights by candidate name, the ensemble's honest per-fold scores (weights
    chosen on the other folds, see ``ensemble.nested_scores``) and its in-sample mean CV score
    (weights chosen on every fold, the score they were chosen for)."""

    weights: dict[str, float]
    nested: list[float]
    in_sample: float
    oof: np.ndarray  # the blend's out-of-fold outputs with these weights (NaN where unseen)


def ensemble_weights(session: SearchSession, top: list[FrozenTrial]) -> EnsembleChoice | None:
    """Greedy weights over the top trials' out-of-fold outputs, if the blend beats the best
    single model in CV; scored honestly by nested CV over the same top trials."""
    data = session.data
    top = _with_oof(session, top)
    if len(top) < 2:
        return None
    rows = ens.covered(data.folds)  # time-ordered folds never validate the earliest rows
    oofs = [_load_oof(session, t.number) for t in top]
    seen = [o[rows] for o in oofs]
    weights = ens.greedy_weights(seen, data.y[rows], data.metric)
    blended = ens.blend(seen, weights.astype(float))
    best = max(search_value(data.metric, score(data.metric, data.y[rows], o)) for o in seen)
    gain = search_value(data.metric, score(data.metric, data.y[rows], blended)) - best
    if np.count_nonzero(weights) < 2 or gain <= 1e-6:
        session.event("The greedy ensemble did not beat the best single model in CV.")
        return None
    in_sample = ens.fold_scores(ens.blend(oofs, weights.astype(float)), data.y, data.folds,
                                data.metric)  # fmt: skip
    return EnsembleChoice(
        {_name(t): float(w) for t, w in zip(top, weights, strict=True) if w > 0},
        ens.nested_scores(oofs, data.y, data.folds, data.metric),
        float(np.mean(in_sample)),
        ens.blend(oofs, weights.astype(float)),
    )


def _refit(
    session: SearchSession,
    trials: list[FrozenTrial],
    hard_end: float,
    saved: Saved,
    choice: EnsembleChoice | None = None,
) -> list[FinalCandidate]:
    """Refit ``trials`` (and the ensemble ``choice``) and adopt what finished in time."""
    store = session.studio.artifacts
    jobs = [RefitJob(_name(t), _spec(session, t), store.path_of(_temp(session, _name(t))))
            for t in trials]  # fmt: skip
    for job in jobs:
        job.path.parent.mkdir(parents=True, exist_ok=True)
    ensemble = None
    if choice:
        weights = choice.weights
        files = {name: file for name in weights if (file := saved.file(name))}
        ensemble = EnsembleJob(weights, store.path_of(_temp(session, "ensemble")), files, store)
    group = refit_group(session.data, jobs, hard_end, ensemble)
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
        oof = (
            _load_oof(session, trial.number)
            if _oof_file(session, trial.number).is_file()
            else None
        )
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
                oof_thresholds=None if oof is None else oof_threshold_table(session.data, oof),
            )  # fmt: skip
        )
    if ensemble is not None:
        extra = _ensemble_candidate(session, out, saved, ensemble, group, choice)
        out += [extra] if extra else []
    return out


def _temp_rel(store: ArtifactStore, path: Path) -> str:
    return path.relative_to(store.root).as_posix()


def _final(session: SearchSession, name: str) -> str:
    """A file name of the candidate's own: never one an earlier candidate had."""
    return f"runs/{session.run_id}/candidates/{name}-{uuid.uuid4().hex[:8]}.skops"


def _ensemble_candidate(
    session: SearchSession,
    singles: list[FinalCandidate],
    saved: Saved,
    job: EnsembleJob,
    group: RefitGroup,
    choice: EnsembleChoice,
) -> FinalCandidate | None:
    store = session.studio.artifacts
    weights, temp = job.weights, _temp_rel(store, job.path)
    fitted = {c.name: c for c in singles}
    fit_seconds = {c.name: c.fit_seconds for c in saved.by_trial.values()}
    fit_seconds |= {c.name: c.fit_seconds for c in singles}
    if group.ensemble is None:
        store.path_of(temp).unlink(missing_ok=True)
        ready = all(name in fitted or name in job.saved for name in weights)
        why = "refitting its members did not finish in time"
        if ready:
            failed = group.outcome.status == "error"
            why = "building it failed" if failed else "saving it did not finish in time"
        session.event(f"The ensemble was dropped: {why}.", "warning")
        log.warning("ensemble: %s %s", group.outcome.status, group.outcome.error)
        return None
    name = saved.ensemble_name()
    stored = store.adopt(temp, _final(session, name))
    mix = ", ".join(f"{m} x{int(weights[m])}" for m in weights)
    honest = float(np.mean(choice.nested))
    session.event(
        f"Greedy ensemble added as {name}: {mix}. Its CV score {honest:.4f} is cross-validated "
        f"on folds its weights did not see (on the folds they were chosen on: "
        f"{choice.in_sample:.4f})."
    )
    latency, holdout = group.ensemble
    params = {"members": dict(weights), "cv": NESTED_CV, "in_sample_cv": choice.in_sample}
    return FinalCandidate(
        name, "ensemble", None, params, list(choice.nested), holdout,
        sum(fit_seconds[m] for m in weights), latency, stored.path, stored.sha256,
        stored.size_bytes, oof_thresholds=oof_threshold_table(session.data, choice.oof),
    )  # fmt: skip


def score_holdout(data: TrainingData, candidate: FinalCandidate) -> dict[str, float]:
    """Every leaderboard metric of the task on the holdout."""
    return {
        name: score(METRICS[name], data.y_holdout, candidate.holdout_output)
        for name in LEADERBOARD_METRICS[data.task]
    }


def predicted_leader(
    session: SearchSession, trials: list[FrozenTrial], choice: EnsembleChoice | None,
    saved: Saved,
) -> Leader | None:  # fmt: skip
    """What will lead the leaderboard (the best CV score of every round) once this round is
    recorded, when it is new in this round: the best of ``trials`` (ranked, the ensemble's
    members among them), or the new greedy ensemble; None
    when an earlier round's candidate leads (candidates are immutable: it gets no new file)."""
    specs = {_name(t): _spec(session, t) for t in trials}
    options: list[tuple[float, Leader | None]] = [(e.cv_score, None) for e in saved.ensembles]
    if trials:
        best = trials[0]
        new = best.number not in saved.by_trial
        lead = Leader(_name(best), {_name(best): specs[_name(best)]}) if new else None
        options.insert(0, (float(np.mean(best.user_attrs["fold_scores"])), lead))
    if choice:
        members = {name: specs[name] for name in choice.weights}
        options.append((float(np.mean(choice.nested)),
                        Leader(saved.ensemble_name(), members, dict(choice.weights))))  # fmt: skip
    if not options:
        return None
    sign = 1 if session.data.metric.greater_is_better else -1
    return max(options, key=lambda o: sign * o[0])[1]  # ties: the earlier option, as ranked


def _fit_on_all_rows(
    session: SearchSession, ranked: list[FinalCandidate], leader: Leader | None,
    fit: AllRowsFit | None, hard_end: float,
) -> None:  # fmt: skip
    """Give the leader (``ranked[0]``, when it is ``leader``) its fit on all rows: the one
    that ran beside the refits, or one started now when the time left is enough."""
    first = ranked[0] if ranked else None
    if leader is None or first is None or first.name != leader.name:
        if fit is not None:
            fit.discard()
        return
    data, store = session.data, session.studio.artifacts
    if fit is None:
        if not all_rows.time_enough(first.fit_seconds, data, hard_end):
            session.event(f"No time was left to fit {first.name} on all rows; registering it "
                          "with “refit on all rows” fits it then.", "warning")  # fmt: skip
            return
        temp = store.path_of(_temp(session, "all-rows"))
        fit = all_rows.start(data, leader, temp, hard_end, beside=False)
    started = time.monotonic()
    first.all_rows = fit.result(store, _final(session, f"{first.name}-all-rows"))
    rows = len(data.X) + len(data.X_holdout)
    if first.all_rows is None:
        session.event(f"Fitting {first.name} on all {rows:,} rows did not finish in time; "
                      "registering it with “refit on all rows” fits it then.",
                      "warning")  # fmt: skip
        return
    session.event(f"{first.name} was also fitted on all {rows:,} rows (training and holdout; "
                  f"waited {time.monotonic() - started:.1f} s after the refits). Registering it "
                  "uses that model; its holdout score stays the estimate.")  # fmt: skip


def finalize(session: SearchSession, hard_end: float) -> tuple[int, list[FinalCandidate]]:
    """Refit, ensemble and score what earlier rounds did not save, and fit the new leader on
    all rows (``all_rows``); returns this round's number and its new candidates, ranked by CV
    score."""
    saved = saved_candidates(session)
    top, baseline = candidate_trials(session)
    library = ensemble_library(session, top)
    choice = ensemble_weights(session, library)
    weights = choice.weights if choice else None
    top += [t for t in library[len(top) :] if weights and _name(t) in weights]  # its members
    same = next((e for e in saved.ensembles if e.params.get("members") == weights), None)
    if choice and same is not None:
        session.event(f"The greedy ensemble is {same.name}, saved in round {same.round}.")
        choice = None
    leader = predicted_leader(session, top, choice, saved)
    fit = None
    if leader is not None and all_rows.beside_refits(len(session.data.X)):
        temp = session.studio.artifacts.path_of(_temp(session, "all-rows"))
        fit = all_rows.start(session.data, leader, temp, hard_end, beside=True)
    kept = [saved.by_trial[t.number].name for t in top if t.number in saved.by_trial]
    if kept:
        session.event(f"Kept from earlier rounds, not refit: {', '.join(kept)}.")
    fresh = [t for t in top if t.number not in saved.by_trial]
    try:
        everything = _refit(session, fresh, hard_end, saved, choice) if fresh or choice else []
        if baseline in top:  # an ensemble member: refit above
            baseline = None
        if baseline is not None and baseline.number not in saved.by_trial:
            if time.monotonic() < hard_end:
                everything += _refit(session, [baseline], hard_end, saved)  # what tuning bought
            else:
                session.event("No time was left to refit the baseline (trial 0).", "warning")
        sign = 1 if session.data.metric.greater_is_better else -1
        everything.sort(key=lambda c: -sign * float(np.mean(c.cv_scores)))
        _fit_on_all_rows(session, everything, leader, fit, hard_end)
    except BaseException:
        if fit is not None:
            fit.discard()
        raise
    for candidate in everything:
        candidate.holdout = score_holdout(session.data, candidate)
    return saved.round, everything


def discard(session: SearchSession, candidates: list[FinalCandidate]) -> None:
    """Delete candidate files whose rows could not be written."""
    files = [c.artifact for c in candidates]
    files += [c.all_rows.path for c in candidates if c.all_rows is not None]
    for artifact in files:
        try:
            session.studio.artifacts.delete(artifact)
        except OSError:
            log.exception("could not delete %s", artifact)


def remove_oof(session: SearchSession) -> None:
    """Out-of-fold files are needed until the run ends for good (a stopped run keeps them: its
    next round's ensemble reads them)."""
    folder = session.studio.artifacts.path_of(f"runs/{session.run_id}/oof")
    if folder.exists():
        for path in folder.iterdir():
            os.unlink(path)
        folder.rmdir()
