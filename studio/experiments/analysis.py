"""A finished run's analysis, computed once by a worker and stored: the trial table (Parquet),
Optuna's views (plotly JSON) and every candidate's holdout diagnostics.

The work happens in a forked child (it predicts with the candidates, and a worker's own process
must never run OpenMP before it forks trial children); the parent writes the files and rows.
"""

from __future__ import annotations

import io
import json
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlmodel import select
from threadpoolctl import threadpool_limits

from studio.autopilot.data import prepare_training_data
from studio.autopilot.evaluation import fit_threads
from studio.autopilot.isolated import Send, run_isolated
from studio.autopilot.metrics import METRICS
from studio.autopilot.pipeline import model_output
from studio.autopilot.study import load_study
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Candidate, CandidateDiagnostics, Run, RunAnalysis, RunEvent, utcnow
from studio.errors import InvalidInputError, NotFoundError
from studio.experiments.diagnostics import holdout_diagnostics
from studio.experiments.explain import explain
from studio.experiments.runs import no_run, status_name
from studio.experiments.views import build_views, trials_frame
from studio.i18n import _
from studio.jobs.queue import enqueue
from studio.modelio import load_model

log = logging.getLogger(__name__)

ANALYSIS_SECONDS = 600.0


@dataclass(frozen=True)
class _Target:
    run_id: int
    config: dict[str, Any]
    study_name: str
    candidates: tuple[tuple[int, str, str], ...]  # (id, artifact, sha256)


def clean_json(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by None (PostgreSQL's JSON refuses them)."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {k: clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    return value


def _target(studio: Studio, run_id: int) -> _Target:
    with session_scope(studio.engine) as session:
        run = session.get(Run, run_id)
        if run is None:
            raise NotFoundError(no_run(run_id))
        rows = session.exec(select(Candidate).where(Candidate.run_id == run_id)).all()
        if session.get(RunAnalysis, run_id) is None:
            session.add(RunAnalysis(run_id=run_id))
        return _Target(
            run_id, dict(run.config), run.study_name,
            tuple((c.id, c.artifact, c.artifact_sha256) for c in rows),
        )  # fmt: skip


def _text_or_none(value: Any) -> str | None:
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    return None if missing else str(value)


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    frame = frame.copy()
    for name in frame.columns:
        if frame[name].dtype == object:  # parameters may mix None, booleans and text
            frame[name] = frame[name].map(_text_or_none)
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _compute(studio: Studio, target: _Target, send: Send) -> None:
    """The child's work: trials, views, then one candidate at a time (sent as it is done)."""
    config = target.config
    metric = METRICS[config["metric"]]
    study = load_study(studio.settings.database_url, target.study_name, int(config["seed"]))
    trials = study.get_trials(deepcopy=False)
    send(("trials", _parquet_bytes(trials_frame(trials, metric))))
    send(("views", json.dumps(build_views(trials, metric))))
    data = prepare_training_data(studio, config["dataset"], config)
    threadpool_limits(fit_threads(len(data.X)), user_api="openmp")  # many small predictions
    labels, seed = list(data.labels), int(config["seed"])
    for candidate_id, artifact, sha in target.candidates:
        model = load_model(studio.artifacts, artifact, sha, subject=f"A candidate of run "
                           f"{target.run_id}", remedy="run the autopilot again")  # fmt: skip
        output = model_output(model, data.X_holdout)
        result = holdout_diagnostics(data.task, labels, data.y_holdout, output, seed)
        result["explain"] = explain(model, data.X_holdout, data.y_holdout, metric, labels, seed)
        send(("candidate", (candidate_id, clean_json(result))))


def analyze_run(studio: Studio, run_id: int, seconds: float = ANALYSIS_SECONDS) -> str:
    """Compute and store a run's analysis; returns its final status (done or failed)."""
    target = _target(studio, run_id)
    started = time.monotonic()
    written: list[str] = []
    files: dict[str, tuple[str, str]] = {}

    def receive(message: tuple) -> bool:
        kind, payload = message
        if kind == "candidate":
            _store_diagnostics(studio, *payload)
            return True
        suffix = "parquet" if kind == "trials" else "json"
        relative = f"runs/{run_id}/analysis/{kind}-{int(time.time() * 1000)}.{suffix}"
        content = payload if isinstance(payload, bytes) else payload.encode()
        stored = studio.artifacts.write(relative, lambda p: p.write_bytes(content))
        written.append(stored.path)
        files[kind] = (stored.path, stored.sha256)
        return True

    try:
        outcome = run_isolated(
            lambda send: _compute(studio, target, send), started + seconds, receive
        )
    except KeyboardInterrupt:  # the worker was told to end: never leave it "pending"
        why = "The worker was told to end during the analysis; ask for it again."
        _finish(studio, run_id, "failed", files, time.monotonic() - started, why)
        raise
    status = "done" if outcome.status == "done" else "failed"
    message = "" if status == "done" else _failure_message(outcome.status, outcome.error)
    if status == "failed":
        log.warning("analysis of run %s: %s %s", run_id, outcome.status, outcome.error)
    try:
        _finish(studio, run_id, status, files, time.monotonic() - started, message)
    except BaseException:
        for path in written:
            studio.artifacts.delete(path)
        raise
    return status


def _failure_message(status: str, error: str) -> str:
    if status == "timeout":
        return f"The analysis did not finish within {ANALYSIS_SECONDS:.0f} s."
    last = error.strip().splitlines()[-1] if error.strip() else "unknown error"
    return f"The analysis failed: {last}"[:1000]


def _store_diagnostics(studio: Studio, candidate_id: int, data: dict[str, Any]) -> None:
    with session_scope(studio.engine) as session:
        if session.get(Candidate, candidate_id) is None:
            return  # the run was re-finalised meanwhile
        row = session.get(CandidateDiagnostics, candidate_id)
        if row is None:
            session.add(CandidateDiagnostics(candidate_id=candidate_id, data=data))
        else:
            row.data = data


def _finish(
    studio: Studio,
    run_id: int,
    status: str,
    files: dict[str, tuple[str, str]],
    seconds: float,
    message: str,
) -> None:
    old: list[str] = []
    with session_scope(studio.engine) as session:
        row = session.get(RunAnalysis, run_id) or RunAnalysis(run_id=run_id)
        if "trials" in files:
            old.append(row.trials_artifact)
            row.trials_artifact, row.trials_sha256 = files["trials"]
        if "views" in files:
            old.append(row.views_artifact)
            row.views_artifact, row.views_sha256 = files["views"]
        row.status, row.seconds, row.message, row.updated_at = status, seconds, message, utcnow()
        session.add(row)
        text = f"Analysis {'done' if status == 'done' else 'failed'} in {seconds:.1f} s."
        session.add(RunEvent(run_id=run_id, level="info" if status == "done" else "warning",
                             message=f"{text} {message}".strip()))  # fmt: skip
    for path in old:
        if path:
            studio.artifacts.delete(path)


def request_analysis(studio: Studio, run_id: int) -> None:
    """Queue a (re)computation of a finished run's analysis for a worker."""
    with session_scope(studio.engine) as session:
        run = session.get(Run, run_id)
        if run is None:
            raise NotFoundError(no_run(run_id))
        if run.status not in ("finished", "stopped"):
            raise InvalidInputError(
                _("Run {id} is {status}; only a finished or stopped run can be analysed.").format(
                    id=run_id, status=status_name(run.status)
                )
            )
        row = session.get(RunAnalysis, run_id)
        if row is None:
            session.add(RunAnalysis(run_id=run_id))
        else:
            row.status, row.message, row.updated_at = "pending", "", utcnow()
        enqueue(session, kind="analyze", run_id=run_id)
