"""One autopilot job, start to finish: claim the run, search, finalise, record the outcome.

Also the helper path: a worker with nothing queued joins a running search and adds trials.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import numpy as np
from optuna.trial import TrialState
from sqlmodel import or_, select

from studio.autopilot.data import prepare_training_data
from studio.autopilot.evaluation import fit_threads
from studio.autopilot.failures import no_model_reason
from studio.autopilot.finalize import FinalCandidate, discard, finalize, remove_oof
from studio.autopilot.parallel import helping, trials_at_once
from studio.autopilot.search import SearchSession
from studio.autopilot.study import fail_running_trials, load_study
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Candidate, Run, RunAnalysis, RunEvent, utcnow
from studio.experiments.analysis import analyze_run
from studio.tracking import leaderboard_query

log = logging.getLogger(__name__)

BUDGET_TOLERANCE = 0.05  # finalisation may use up to 5% past the budget (the target is 10%)
RECORD_SECONDS = 0.5  # kept free before that for recording the candidates
NO_REFIT = (
    "No model was kept: trials finished, but refitting the best of them on the training rows "
    "did not finish in the time left. Run again with a larger time budget."
)
INTERRUPTED_RUN = "The worker was told to end during this run; resume it to continue."


def _start(studio: Studio, run_id: int, worker_id: str) -> dict | None:
    with session_scope(studio.engine) as session:
        run = session.get(Run, run_id)
        if run is None or run.status != "queued":
            return None
        run.status, run.started_at, run.finished_at = "running", utcnow(), None
        budget = run.config.get("budget_seconds")
        run.search_deadline = utcnow() + timedelta(seconds=0.85 * budget) if budget else None
        session.add(RunEvent(run_id=run_id, message=f"Started on worker {worker_id}."))
        return dict(run.config) | {"study_name": run.study_name}


def run_autopilot_job(studio: Studio, run_id: int, worker_id: str) -> None:
    """Run (or resume) a run as its leader; every outcome is recorded on the run."""
    config = _start(studio, run_id, worker_id)
    if config is None:
        return
    started, wall_start = time.monotonic(), time.time()
    try:
        data = prepare_training_data(studio, config["dataset"], config)
        study = load_study(studio.settings.database_url, config["study_name"], int(config["seed"]))
        session = SearchSession(
            studio, run_id, config, data, study, lead=True, worker_id=worker_id,
            run_started_wall=wall_start,
        )  # fmt: skip
        fail_running_trials(study)  # left by a worker that died
        budget = config.get("budget_seconds")
        # Everything ends by the budget's tolerance, recording the candidates included.
        limit = budget * (1 + BUDGET_TOLERANCE) - RECORD_SECONDS if budget else None
        hard_end = started + limit if limit else float("inf")
        at_once = trials_at_once(studio.settings.trials_at_once, len(data.X))
        session.threads = fit_threads(len(data.X), at_once)
        with helping(session, at_once) as helpers:
            reason = session.search()
            helpers.wait(until=hard_end)  # their last trials end by the search deadline
        if reason == "lost":  # another worker failed the run meanwhile (it thought us dead)
            log.warning("run %s was failed by another worker during its search", run_id)
            return
        if reason != "stopped" and not _completed(session):
            _fail_without_model(session, time.monotonic() - started)
            return
        _set_status(studio, run_id, "finalizing", f"Search ended ({reason}); refitting.")
        round_, candidates = finalize(session, hard_end)
        _record(session, round_, candidates, reason, time.monotonic() - started)
        if reason != "stopped":  # a stopped run may resume; its next round needs them
            remove_oof(session)
    except KeyboardInterrupt:  # SIGTERM or Ctrl-C: the run is left resumable, not "running"
        _mark_interrupted(studio, run_id)
        raise
    except Exception as exc:  # the failure is recorded before it propagates
        log.exception("run %s failed", run_id)
        _set_status(studio, run_id, "failed", f"The run failed: {exc}"[:1000], level="error")
        raise
    _analyze(studio, run_id)


def _mark_interrupted(studio: Studio, run_id: int) -> None:
    """A run still searching or finalising when its worker was told to end becomes failed,
    saying to resume it (one that was already recorded as ended stays as it is)."""
    with session_scope(studio.engine) as session:
        run = session.get(Run, run_id)
        if run is None or run.status not in ("running", "stopping", "finalizing"):
            return
        run.status, run.message, run.finished_at = "failed", INTERRUPTED_RUN, utcnow()
        session.add(RunEvent(run_id=run_id, level="error", message=INTERRUPTED_RUN))
    log.warning("run %s interrupted: its worker was told to end", run_id)


def _completed(session: SearchSession) -> bool:
    return bool(session.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))


def _fail_without_model(session: SearchSession, seconds: float) -> None:
    """No trial completed: the run fails, saying the first cause (not "finished", empty)."""
    trials = session.study.get_trials(deepcopy=False)
    reason = no_model_reason(trials, session.data.X, session.config.get("budget_seconds"))
    with session_scope(session.studio.engine) as db:
        run = db.get(Run, session.run_id)
        run.status, run.message, run.finished_at = "failed", reason[:1000], utcnow()
        run.search_seconds += seconds
        db.add(RunEvent(run_id=session.run_id, level="error", message=reason[:1000]))
    log.warning("run %s produced no model: %s", session.run_id, reason)


def _analyze(studio: Studio, run_id: int) -> None:
    """The finished run's stored analysis; a failure here never fails the run."""
    try:
        analyze_run(studio, run_id)
    except Exception:
        log.exception("analysis of run %s failed", run_id)


def _set_status(studio: Studio, run_id: int, status: str, text: str, level: str = "info") -> None:
    with session_scope(studio.engine) as session:
        run = session.get(Run, run_id)
        run.status = status
        if status == "failed":
            run.message = text
            run.finished_at = utcnow()
        session.add(RunEvent(run_id=run_id, level=level, message=text))


def _record(
    session: SearchSession,
    round_: int,
    candidates: list[FinalCandidate],
    reason: str,
    seconds: float,
) -> None:
    """Add this round's candidates (earlier rounds' stay as they are) and end the session."""
    studio, run_id = session.studio, session.run_id
    try:
        with session_scope(studio.engine) as db:
            for rank, c in enumerate(candidates, start=1):
                db.add(
                    Candidate(
                        run_id=run_id,
                        name=c.name,
                        rank=rank,
                        round=round_,
                        family=c.family,
                        trial_number=c.trial_number,
                        params=c.params,
                        cv_score=float(np.mean(c.cv_scores)),
                        cv_std=float(np.std(c.cv_scores)),
                        holdout=c.holdout,
                        oof_thresholds=c.oof_thresholds,
                        fit_seconds=c.fit_seconds,
                        predict_ms_per_1k=c.predict_ms_per_1k,
                        size_bytes=c.size_bytes,
                        artifact=c.artifact,
                        artifact_sha256=c.artifact_sha256,
                        all_rows_artifact=c.all_rows.path if c.all_rows else None,
                        all_rows_sha256=c.all_rows.sha256 if c.all_rows else None,
                        is_baseline=c.is_baseline,
                    )  # fmt: skip
                )
            db.flush()
            analysis = db.get(RunAnalysis, run_id) or RunAnalysis(run_id=run_id)
            analysis.status = "pending"  # in the same commit: an ended run is never "missing"
            db.add(analysis)
            run = db.get(Run, run_id)
            run.status = "stopped" if reason == "stopped" else "finished"
            run.finished_at = utcnow()
            run.search_seconds += seconds
            board = db.exec(leaderboard_query(run_id, run.metric)).all()
            run.message = _summary(board, round_, len(candidates))
            if run.status == "finished" and not board:  # trials ran, yet nothing to rank
                run.status, run.message = "failed", NO_REFIT
            level = "error" if run.status == "failed" else "info"
            db.add(RunEvent(run_id=run_id, level=level,
                            message=f"Finished in {seconds:.1f} s. {run.message}"))  # fmt: skip
    except BaseException:
        discard(session, candidates)
        raise


def _summary(board: list, round_: int, added: int) -> str:
    """The run's message from its leaderboard (best first), e.g. 3 candidates; best hgb-t4 (a
    resumed run says what it added)."""
    if not board:
        return "Stopped before any trial finished; resume it to continue."
    text = f"{len(board)} candidates; best {board[0].name}."
    if round_ == 1:
        return text
    if not added:
        return f"{text} No new candidate: the best trials were refit in earlier rounds."
    return f"{text} Round {round_} added {added}."


def help_search(studio: Studio, run_id: int, worker_id: str) -> None:
    """Add trials to another worker's running search until its deadline (no finalising)."""
    with session_scope(studio.engine) as db:
        run = db.get(Run, run_id)
        if run is None or run.status != "running":
            return
        config = dict(run.config) | {"study_name": run.study_name}
        db.add(RunEvent(run_id=run_id, message=f"Worker {worker_id} joined the search."))
    data = prepare_training_data(studio, config["dataset"], config)
    seed = int(config["seed"]) + 1 + abs(hash(worker_id)) % 10_000
    study = load_study(studio.settings.database_url, config["study_name"], seed)
    SearchSession(studio, run_id, config, data, study, lead=False, worker_id=worker_id).search()


def joinable_run(studio: Studio) -> int | None:
    """A running search with enough time left (or no time limit) for another worker to help."""
    soon = utcnow() + timedelta(seconds=5)
    time_left = or_(Run.search_deadline.is_(None), Run.search_deadline > soon)  # None: no budget
    with session_scope(studio.engine) as db:
        return db.exec(select(Run.id).where(Run.status == "running", time_left).limit(1)).first()
