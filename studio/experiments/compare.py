"""Comparing candidates: metrics with deltas and bootstrap intervals, and parameter differences.

Candidates are comparable when they predict the same target of the same dataset with the same
task. Candidates scored on the same holdout rows (same dataset version, seed and holdout share)
share their bootstrap resamples, so the interval of a difference is paired; otherwise it is
computed from independent resamples and said to be unpaired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlmodel import col, select

from studio.autopilot.metrics import LEADERBOARD_METRICS, METRICS
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Candidate, Dataset, DatasetVersion, Run
from studio.errors import InvalidInputError, NotFoundError
from studio.experiments.detail import diagnostics_for
from studio.experiments.runs import no_run, task_name
from studio.i18n import _

REF = re.compile(r"^(?:(\d+)|(\d+):([\w.-]+))$")
MAX_COMPARED = 8


@dataclass(frozen=True, eq=False)
class Entry:
    """A candidate in a comparison, with its run's context and stored diagnostics."""

    id: int
    ref: str
    run_id: int
    name: str
    family: str
    dataset: str
    version: int
    target: str
    task: str
    metric: str
    holdout_key: tuple
    cv_score: float
    cv_std: float
    holdout: dict[str, float]
    params: dict[str, Any]
    diagnostics: dict[str, Any] | None
    # binary: TP/FP/FN/TN of the out-of-fold outputs per threshold (None before 0005)
    oof_thresholds: dict[str, list[float]] | None = None


@dataclass(frozen=True)
class MetricRow:
    """One metric across the compared candidates (the first is the reference)."""

    metric: str
    label: str
    greater_is_better: bool
    values: tuple[float | None, ...]
    intervals: tuple[tuple[float, float] | None, ...]
    deltas: tuple[float | None, ...]
    delta_intervals: tuple[tuple[float, float] | None, ...]
    paired: tuple[bool, ...]
    best: int | None

    def is_best(self, i: int) -> bool:
        """Whether candidate ``i`` has the best value (ties are all best)."""
        return self.best is not None and self.values[i] == self.values[self.best]

    def verdict(self, i: int) -> str:
        """How candidate ``i`` compares with the reference on this metric, in words."""
        interval = self.delta_intervals[i]
        if i == 0 or interval is None:
            return ""
        low, high = interval
        if low <= 0 <= high:
            return "no clear difference"
        better = (low > 0) == self.greater_is_better
        return "better" if better else "worse"


@dataclass(frozen=True, eq=False)
class Comparison:
    """Candidates side by side."""

    entries: tuple[Entry, ...]
    metrics: tuple[MetricRow, ...]
    params: tuple[tuple[str, tuple[Any, ...], bool], ...]  # (name, values, differs)

    @property
    def task(self) -> str:
        """The shared task."""
        return self.entries[0].task

    @property
    def data_label(self) -> str:
        """``dataset@version`` when every candidate used one version, else the dataset name."""
        first = self.entries[0]
        same = all(e.version == first.version for e in self.entries)
        return f"{first.dataset}@{first.version}" if same else first.dataset

    def to_json(self) -> dict[str, Any]:
        """The CLI's document."""
        return {
            "candidates": [{"id": e.id, "ref": e.ref, "run_id": e.run_id, "name": e.name,
                            "family": e.family, "cv_score": e.cv_score, "holdout": e.holdout}
                           for e in self.entries],
            "metrics": [{"metric": m.metric, "values": list(m.values),
                         "intervals": [list(i) if i else None for i in m.intervals],
                         "deltas": list(m.deltas),
                         "delta_intervals": [list(i) if i else None for i in m.delta_intervals],
                         "paired": list(m.paired), "best": m.best,
                         "best_all": [i for i in range(len(m.values)) if m.is_best(i)],
                         "verdicts": [m.verdict(i) for i in range(len(m.values))]}
                        for m in self.metrics],
            "params": [{"name": n, "values": list(v), "differs": d} for n, v, d in self.params],
        }  # fmt: skip


def _parse(ref: str | int) -> tuple[int | None, int | None, str | None]:
    match = REF.match(str(ref).strip())
    if not match:
        raise InvalidInputError(
            _(
                "'{ref}' is not a candidate: use its id (e.g. 12) or RUN:NAME (e.g. 3:hgb-t0)."
            ).format(ref=ref)
        )
    if match.group(1):
        return int(match.group(1)), None, None
    return None, int(match.group(2)), match.group(3)


def _lookup(session: Any, ref: str | int) -> Candidate:
    candidate_id, run_id, name = _parse(ref)
    if candidate_id is not None:
        row = session.get(Candidate, candidate_id)
    else:
        row = session.exec(
            select(Candidate).where(Candidate.run_id == run_id, Candidate.name == name)
        ).first()
    if row is None:
        raise NotFoundError(
            _("There is no candidate {ref}; 'studio runs show RUN' lists them.").format(ref=ref)
        )
    return row


def load_entries(studio: Studio, refs: list[str | int]) -> list[Entry]:
    """The candidates behind ``refs`` (ids or RUN:NAME), in order, duplicates dropped."""
    entries: list[Entry] = []
    with session_scope(studio.engine) as session:
        for ref in refs:
            c = _lookup(session, ref)
            if any(e.id == c.id for e in entries):
                continue
            run = session.get(Run, c.run_id)
            version = session.get(DatasetVersion, run.dataset_version_id)
            dataset = session.get(Dataset, version.dataset_id)
            key = (version.id, run.config.get("seed"), run.config.get("holdout"))
            entries.append(
                Entry(
                    c.id,
                    f"{run.id}:{c.name}",
                    run.id,
                    c.name,
                    c.family,
                    dataset.name,
                    version.version,
                    run.target,
                    run.task,
                    run.metric,
                    key,
                    c.cv_score,
                    c.cv_std,
                    dict(c.holdout),
                    dict(c.params),
                    None,
                    c.oof_thresholds,
                )  # fmt: skip
            )
    found = diagnostics_for(studio, [e.id for e in entries])
    return [_with_diagnostics(e, found.get(e.id)) for e in entries]


def _with_diagnostics(entry: Entry, diagnostics: dict | None) -> Entry:
    values = dict(entry.__dict__) | {"diagnostics": diagnostics}
    return Entry(**values)


def check_comparable(entries: list[Entry]) -> None:
    """Refuse fewer than two, more than eight, or candidates of different data or task."""
    if len(entries) < 2:
        raise InvalidInputError(_("Pick at least two different candidates to compare."))
    if len(entries) > MAX_COMPARED:
        raise InvalidInputError(
            _("Compare at most {count} candidates at a time.").format(count=MAX_COMPARED)
        )
    first = entries[0]
    for other in entries[1:]:
        if (other.dataset, other.target) != (first.dataset, first.target):
            raise InvalidInputError(
                _(
                    "{other} predicts '{other_target}' of {other_dataset} but {first} predicts "
                    "'{first_target}' of {first_dataset}; compare candidates of the same "
                    "dataset and target."
                ).format(
                    other=other.ref,
                    other_target=other.target,
                    other_dataset=other.dataset,
                    first=first.ref,
                    first_target=first.target,
                    first_dataset=first.dataset,
                )  # fmt: skip
            )
        if other.task != first.task:
            raise InvalidInputError(
                _(
                    "{other} is a {other_task} model and {first} a {first_task} model; only "
                    "candidates of the same task can be compared."
                ).format(
                    other=other.ref,
                    other_task=task_name(other.task),
                    first=first.ref,
                    first_task=task_name(first.task),
                )  # fmt: skip
            )
        ours, theirs = _positive_label(first), _positive_label(other)
        if ours and theirs and ours != theirs:
            raise InvalidInputError(
                _(
                    "{other} detects '{theirs}' and {first} detects '{ours}' (their positive "
                    "classes differ), so their F1, recall and value are about different "
                    "outcomes; compare candidates with the same positive class."
                ).format(other=other.ref, theirs=theirs, first=first.ref, ours=ours)
            )


def _positive_label(entry: Entry) -> str | None:
    """The positive class a binary candidate's stored diagnostics were computed for."""
    return ((entry.diagnostics or {}).get("curves") or {}).get("positive_label")


def _samples(entry: Entry, metric: str) -> np.ndarray | None:
    if not entry.diagnostics:
        return None
    values = entry.diagnostics.get("bootstrap", {}).get(metric)
    if not values:
        return None
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _interval(samples: np.ndarray | None) -> tuple[float, float] | None:
    if samples is None or np.isnan(samples).all():
        return None
    low, high = np.nanpercentile(samples, [2.5, 97.5])
    return float(low), float(high)


def difference_interval(
    first: Entry, second: Entry, metric: str
) -> tuple[tuple[float, float] | None, bool]:
    """The 95% bootstrap interval of ``first - second`` on ``metric`` and whether it is paired
    (both scored on the same holdout rows)."""
    a, b = _samples(first, metric), _samples(second, metric)
    if a is None or b is None or len(a) != len(b):
        return None, False
    return _interval(a - b), first.holdout_key == second.holdout_key


def _metric_row(entries: list[Entry], metric: str) -> MetricRow:
    spec = METRICS[metric]
    values = tuple(e.holdout.get(metric) for e in entries)
    samples = [_samples(e, metric) for e in entries]
    base = samples[0]
    deltas, delta_intervals, paired = [], [], []
    for entry, value, own in zip(entries, values, samples, strict=True):
        same = entry.holdout_key == entries[0].holdout_key
        deltas.append(None if value is None or values[0] is None else value - values[0])
        both = own is not None and base is not None and len(own) == len(base)
        delta_intervals.append(_interval(own - base) if both else None)
        paired.append(same)
    known = [
        (v if spec.greater_is_better else -v, -i) for i, v in enumerate(values) if v is not None
    ]
    best = -max(known)[1] if known else None  # the first of equally good values
    return MetricRow(
        metric, spec.label, spec.greater_is_better, values,
        tuple(_interval(s) for s in samples), tuple(deltas), tuple(delta_intervals),
        tuple(paired), best,
    )  # fmt: skip


def _param_rows(entries: list[Entry]) -> tuple[tuple[str, tuple[Any, ...], bool], ...]:
    names = sorted({"family"} | {k for e in entries for k in e.params})
    rows = []
    for name in names:
        values = tuple(e.family if name == "family" else e.params.get(name) for e in entries)
        rows.append((name, values, len({repr(v) for v in values}) > 1))
    return tuple(rows)


def compare(studio: Studio, refs: list[str | int]) -> Comparison:
    """Compare two or more candidates of the same dataset, target and task."""
    entries = load_entries(studio, refs)
    check_comparable(entries)
    metrics = tuple(_metric_row(entries, m) for m in LEADERBOARD_METRICS[entries[0].task])
    return Comparison(tuple(entries), metrics, _param_rows(entries))


def comparable_candidates(studio: Studio, run_id: int) -> list[tuple[int, str]]:
    """Candidates of every run on the same dataset and target as ``run_id``: (id, label)."""
    with session_scope(studio.engine) as session:
        run = session.get(Run, run_id)
        if run is None:
            raise NotFoundError(no_run(run_id))
        version = session.get(DatasetVersion, run.dataset_version_id)
        rows = session.exec(
            select(Candidate.id, Candidate.name, Run.id)
            .join(Run, col(Run.id) == col(Candidate.run_id))
            .join(DatasetVersion, col(DatasetVersion.id) == col(Run.dataset_version_id))
            .where(
                DatasetVersion.dataset_id == version.dataset_id,
                Run.target == run.target,
                Run.task == run.task,
            )
            .order_by(col(Run.id).desc(), col(Candidate.round), col(Candidate.rank))
        ).all()
        return [(cid, _("run {id} · {name}").format(id=rid, name=name)) for cid, name, rid in rows]
