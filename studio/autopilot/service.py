"""Launching, stopping and resuming autopilot runs (the part the UI and the CLI call)."""

from __future__ import annotations

import math
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, select

from studio.access import require
from studio.activity import record_event
from studio.autopilot import target_transform
from studio.autopilot.column_types import check_column_types
from studio.autopilot.families import DEFAULT_FAMILIES, resolve_families
from studio.autopilot.labels import status_label, task_label
from studio.autopilot.metrics import LEADERBOARD_METRICS, default_metric, metric_for
from studio.autopilot.positive import check_positive_class, guess_positive_class
from studio.autopilot.prepare import ColumnChoice, ColumnPlan, plan_columns
from studio.autopilot.splits import (
    check_time_classes,
    check_time_column,
    suggest_time_column,
    time_split,
)
from studio.autopilot.study import create_study, default_trials, delete_study
from studio.autopilot.tasks import check_target, detect_task
from studio.context import Studio
from studio.data.versions import DatasetVersionInfo, get_version, load_frame
from studio.db import session_scope
from studio.db.models import Dataset, DatasetVersion, Job, Run, RunEvent
from studio.errors import ConflictError, InvalidInputError, NotFoundError
from studio.i18n import _, format_number, ngettext
from studio.jobs.queue import enqueue

DEFAULT_BUDGET_SECONDS = 60.0


@dataclass(frozen=True)
class AutopilotRequest:
    """What a user asks for; ``None`` means "decide for me"."""

    dataset: str
    target: str
    task: str | None = None
    metric: str | None = None
    budget_seconds: float | None = DEFAULT_BUDGET_SECONDS
    max_trials: int | None = None
    families: list[str] | None = None
    seed: int = 0
    folds: int = 5
    holdout: float = 0.2
    top_k: int = 5
    per_trial_seconds: float | None = None
    column_types: dict[str, str] = field(default_factory=dict)  # column -> COLUMN_TYPES entry
    time_column: str | None = None  # hold out the latest rows by it, time-ordered folds
    positive_class: str | None = None  # binary only; None: Studio's guess (see ``positive``)


@dataclass(frozen=True)
class RunPlan:
    """The decisions Studio made for a request, shown before launching."""

    dataset: DatasetVersionInfo
    target: str
    task: str
    task_reason: str
    metric: str
    leaderboard_metrics: tuple[str, ...]
    families: list[str]
    columns: ColumnPlan
    rows: int
    rows_missing_target: int
    notes: list[str] = field(default_factory=list)
    column_types: dict[str, str] = field(default_factory=dict)  # the set types that apply
    time_column: str | None = None
    holdout_from: str = ""  # ISO timestamp of the first holdout row of a time split
    suggested_time_column: str | None = None  # the one datetime column, shown as an option
    holdout: float = 0.2
    folds: int = 5
    positive_class: str | None = None  # binary only: the outcome the metrics are about
    positive_reason: str = ""  # why, in a sentence
    classes: tuple[str, ...] = ()  # a binary target's two values, sorted
    target_transforms: tuple[str, ...] = ("none",)  # searched (see ``target_transform``)

    @property
    def unused(self) -> list[ColumnChoice]:
        """Columns Studio left out on its own (identifiers, free text, empty, constant)."""
        return [c for c in self.columns.choices if c.treatment == "excluded" and not c.inferred]


def _check_limits(request: AutopilotRequest) -> None:
    if request.budget_seconds is not None and request.budget_seconds <= 0:
        raise InvalidInputError(_("The time budget must be more than 0 seconds."))
    if request.max_trials is not None and request.max_trials <= 0:
        raise InvalidInputError(_("The maximum number of trials must be at least 1."))
    if request.budget_seconds is None and request.max_trials is None:
        raise InvalidInputError(_("Give a time budget, a maximum number of trials, or both."))
    if request.per_trial_seconds is not None and request.per_trial_seconds <= 0:
        raise InvalidInputError(_("The time limit per trial must be more than 0 seconds."))
    if not 2 <= request.folds <= 20:
        raise InvalidInputError(_("The number of folds must be between 2 and 20."))
    if not 0.05 <= request.holdout <= 0.5:
        raise InvalidInputError(_("The holdout share must be between 0.05 and 0.5."))
    if not 1 <= request.top_k <= 20:
        raise InvalidInputError(_("The number of candidates to keep must be between 1 and 20."))


def plan_run(studio: Studio, request: AutopilotRequest) -> RunPlan:
    """Validate a request and decide task, metric, families and column treatments."""
    _check_limits(request)
    version = get_version(studio, request.dataset)
    names = [c.name for c in version.profile.column_profiles]
    if request.target not in names:
        shown = ", ".join(names[:12]) + ("…" if len(names) > 12 else "")
        raise InvalidInputError(
            _("'{target}' is not a column of {dataset}; its columns are {shown}.").format(
                target=request.target, dataset=version.ref, shown=shown
            )
        )
    frame = load_frame(studio, version)
    y = frame[request.target]
    types = check_column_types(request.column_types, version.profile, request.target, frame)
    decision = detect_task(y)
    task = request.task or decision.task
    reason = decision.reason if request.task in (None, decision.task) else (
        _("{reason} You chose {task} instead.").format(reason=decision.reason,
                                                       task=task_label(task))
    )  # fmt: skip
    check_target(y, task, request.folds, request.holdout)
    positive, positive_reason = _positive(y, task, request.positive_class)
    default, metric_reason = default_metric(task, y)
    metric = metric_for(task, request.metric or default)
    missing = int(y.isna().sum())
    rows = len(y) - missing
    notes = [_missing_note(missing, request.target)] if missing else []
    notes += _small_holdout_notes(y.dropna(), task, request.holdout)
    notes += [metric_reason] if metric_reason and not request.metric else []
    columns = plan_columns(version.profile, request.target, types)
    suggested = suggest_time_column(version.profile, request.target)
    holdout_from = _time_split_start(frame, request, task)
    if request.time_column:
        columns = split_axis_excluded(columns, request.time_column, types)
    return RunPlan(
        dataset=version, target=request.target, task=task, task_reason=reason,
        metric=metric.name, leaderboard_metrics=LEADERBOARD_METRICS[task],
        families=resolve_families(request.families, int(rows * (1 - request.holdout))),
        columns=columns, rows=rows, rows_missing_target=missing, notes=notes,
        column_types=types, time_column=request.time_column or None, holdout_from=holdout_from,
        suggested_time_column=suggested, holdout=request.holdout, folds=request.folds,
        positive_class=positive, positive_reason=positive_reason,
        classes=tuple(sorted(set(y.dropna().astype(str)))) if task == "binary" else (),
        target_transforms=tuple(target_transform.offered(task, _numbers(y, task))),
    )  # fmt: skip


def _numbers(y: pd.Series, task: str) -> np.ndarray:
    """A regression target's labelled values as floats (empty for other tasks)."""
    if task != "regression":
        return np.empty(0)
    return pd.to_numeric(y, errors="coerce").dropna().to_numpy(dtype=float)


def _time_split_start(frame: pd.DataFrame, request: AutopilotRequest, task: str) -> str:
    """The first holdout timestamp (ISO) of the request's time split ("" without a time
    column), after checking the column and that every time-ordered fold can be scored."""
    if not request.time_column:
        return ""
    times = check_time_column(frame, request.time_column, request.target, request.folds)
    split = time_split(times, request.holdout, request.folds)
    if task != "regression":
        labels = frame[request.target].dropna().astype(str).reset_index(drop=True)
        check_time_classes(labels, split, request.time_column)
    return split.holdout_from(times)


def split_axis_excluded(plan: ColumnPlan, column: str, types: dict[str, str]) -> ColumnPlan:
    """``plan`` with the time column left out of the features (it is the split axis), unless
    the user set its type, which says they want it used."""
    if column in types:
        return plan
    reason = _("the time column: the split axis, not a feature (set its type to use it)")
    choices = tuple(
        ColumnChoice(c.name, c.kind, "excluded", reason, c.distinct) if c.name == column else c
        for c in plan.choices
    )
    return ColumnPlan(plan.target, choices)


def _positive(y: pd.Series, task: str, chosen: str | None) -> tuple[str | None, str]:
    """The positive class of a binary target (the user's choice, else Studio's guess) and why;
    (None, "") for other tasks. An unknown label, or a choice for a non-binary task, raises
    InvalidInputError."""
    if task != "binary":
        if chosen is not None:
            raise InvalidInputError(
                _("A positive class applies to binary targets only; '{name}' is {task}.").format(
                    name=y.name, task=task_label(task)
                )
            )
        return None, ""
    guess = guess_positive_class(y)
    if chosen is None or str(chosen) == guess.label:
        return guess.label, guess.reason
    label = check_positive_class(str(chosen), sorted(set(y.dropna().astype(str))))
    return (
        label,
        _("'{label}' is the positive class, as you chose (Studio guessed '{guess}').").format(
            label=label, guess=guess.label
        ),
    )


def unused_note(plan: RunPlan) -> str:
    """One sentence naming the columns Studio left out on its own, and why ("" if none)."""
    unused = plan.unused
    if not unused:
        return ""
    shown = "; ".join(
        _("'{name}' ({reason})").format(name=c.name, reason=c.reason) for c in unused[:8]
    )
    if len(unused) > 8:
        return _(
            "Not used as features: {shown}; and {n} more. Set a column's type to use it."
        ).format(shown=shown, n=format_number(len(unused) - 8))
    return _("Not used as features: {shown}. Set a column's type to use it.").format(shown=shown)


def _missing_note(missing: int, target: str) -> str:
    """The note on rows without a target, which the run leaves out."""
    return ngettext(
        "{n} row with no '{target}' will be left out.",
        "{n} rows with no '{target}' will be left out.",
        missing,
    ).format(n=format_number(missing), target=target)


SMALL_HOLDOUT_ROWS = 50  # below this, holdout scores move by several points between seeds


def _small_holdout_notes(y: pd.Series, task: str, share: float) -> list[str]:
    """A caution when the holdout is too small for its scores to be trusted (a 20-row file
    gets a 4-row holdout, where ROC AUC 1.0 is often luck)."""
    rows = math.ceil(len(y) * share)
    if rows >= SMALL_HOLDOUT_ROWS:
        return []
    if task != "regression" and len(y):
        fewest = int(math.ceil(y.astype(str).value_counts().min() * share))
        return [
            _(
                "The holdout will have only {rows} rows, about {fewest} of them in the rarest "
                "class: its scores are rough (a perfect score can be luck). Add rows, or raise "
                "the holdout share, before trusting them."
            ).format(rows=rows, fewest=fewest)
        ]
    return [
        _(
            "The holdout will have only {rows} rows: its scores are rough (a perfect score can "
            "be luck). Add rows, or raise the holdout share, before trusting them."
        ).format(rows=rows)
    ]


def launch_run(studio: Studio, request: AutopilotRequest, *, actor: str) -> int:
    """Validate, create the run's study (before any worker can start) and queue its job."""
    require(studio.settings, actor, "launch")
    plan = plan_run(studio, request)
    if not plan.columns.features:
        raise InvalidInputError(
            _("No usable feature columns remain once excluded ones are dropped.")
        )
    study_name = f"studio-run-{uuid.uuid4().hex[:12]}"
    study = create_study(studio.settings.database_url, study_name, request.seed)
    families = [f for f in DEFAULT_FAMILIES if f in plan.families]
    for params in default_trials(families, plan.task, plan.target_transforms):
        study.enqueue_trial(params)
    config: dict[str, Any] = asdict(request) | {
        "dataset": plan.dataset.ref, "task": plan.task, "metric": plan.metric,
        "families": plan.families, "task_reason": plan.task_reason,
        "columns": [asdict(c) for c in plan.columns.choices],
        "column_types": plan.column_types, "positive_class": plan.positive_class,
        "positive_reason": plan.positive_reason,
        "target_transforms": list(plan.target_transforms),
    } | plan_split_config(plan)  # fmt: skip
    try:
        with session_scope(studio.engine) as session:
            run = Run(
                dataset_version_id=_version_id(session, plan.dataset), target=plan.target,
                task=plan.task, metric=plan.metric, status="queued", config=config,
                study_name=study_name, created_by=actor,
            )  # fmt: skip
            session.add(run)
            session.flush()
            enqueue(session, kind="autopilot", run_id=run.id)
            queued = _("Queued by {actor}: {reason}").format(actor=actor, reason=plan.task_reason)
            session.add(RunEvent(run_id=run.id, message=queued))
            if plan.positive_reason:
                session.add(RunEvent(run_id=run.id, message=plan.positive_reason))
            if len(plan.target_transforms) > 1:
                session.add(RunEvent(run_id=run.id, message=target_transform.SKEWED_TARGET))
            # e.g. rows without a target that will be left out, columns not used
            for note in [*plan.notes, unused_note(plan)]:
                if note:
                    session.add(RunEvent(run_id=run.id, level="warning", message=note))
            record_event(
                session, actor=actor, kind="run.launched", subject=f"run {run.id}",
                message=_(
                    "Launched autopilot run {run} on {dataset} to predict {target} ({task}, "
                    "{metric})."
                ).format(run=run.id, dataset=plan.dataset.ref, target=plan.target,
                         task=task_label(plan.task), metric=plan.metric),
            )  # fmt: skip
            return int(run.id)
    except BaseException:
        delete_study(studio.settings.database_url, study_name)
        raise


def plan_split_config(plan: RunPlan) -> dict[str, Any]:
    """The split part of a run's config (``describe_split`` reads it with holdout and folds)."""
    share = {"holdout": plan.holdout, "folds": plan.folds}
    if plan.time_column:
        return share | {"split": {"kind": "time", "column": plan.time_column,
                                  "holdout_from": plan.holdout_from}}  # fmt: skip
    return share | {"split": {"kind": "random"}}


def _version_id(session: Session, version: DatasetVersionInfo) -> int:
    return session.exec(
        select(DatasetVersion.id)
        .join(Dataset, Dataset.id == DatasetVersion.dataset_id)
        .where(Dataset.name == version.name, DatasetVersion.version == version.version)
    ).one()


def _run_or_raise(session: Session, run_id: int) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise NotFoundError(
            _("There is no run {run}; 'studio runs list' shows them.").format(run=run_id)
        )
    return run


def request_stop(studio: Studio, run_id: int, *, actor: str) -> str:
    """Ask a run to end its search now: the worker ends the trial in flight (recorded as pruned)
    and starts none; the run still finalises on the trials that completed."""
    require(studio.settings, actor, "launch")
    with session_scope(studio.engine) as session:
        run = _run_or_raise(session, run_id)
        if run.status not in ("queued", "running"):
            raise ConflictError(
                _("Run {run} is {status}; only a queued or running run stops.").format(
                    run=run_id, status=status_label(run.status)
                )
            )
        run.stop_requested = True
        if run.status == "queued":
            run.status = "stopped"
            run.message = _("Stopped before it started.")
            queued = select(Job).where(Job.run_id == run_id, Job.status == "queued")
            for job in session.exec(queued).all():
                job.status = "done"
        else:
            run.status = "stopping"
        message = _("Stop requested by {actor}.").format(actor=actor)
        session.add(RunEvent(run_id=run_id, message=message))
        return run.status


def resume_run(studio: Studio, run_id: int, *, actor: str) -> None:
    """Queue a stopped or failed run again; its finished trials are kept."""
    require(studio.settings, actor, "launch")
    with session_scope(studio.engine) as session:
        run = _run_or_raise(session, run_id)
        if run.status not in ("stopped", "failed"):
            raise ConflictError(
                _("Run {run} is {status}; only stopped or failed runs resume.").format(
                    run=run_id, status=status_label(run.status)
                )
            )
        run.status, run.stop_requested, run.message = "queued", False, ""
        enqueue(session, kind="autopilot", run_id=run_id)
        message = _("Resumed by {actor}.").format(actor=actor)
        session.add(RunEvent(run_id=run_id, message=message))
