"""Estimated performance over the windows of logged batches (scored files and live traffic) or
of a file, with the realised metrics wherever labels exist; see ``monitor.estimate``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from studio.access import require
from studio.business.value import CostMatrix
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.monitor.batches import (
    BATCH_COLUMN,
    SCORED_AT,
    BatchInfo,
    labelled_outputs,
    list_batches,
    logged_rows,
)
from studio.monitor.cbpe import LABELS
from studio.monitor.estimate import (
    BLIND_SPOT,
    WindowEstimate,
    estimate_window,
    reference,
    reference_warnings,
    window_outputs,
)
from studio.monitor.windows import TOO_FEW, split_windows
from studio.registry.outputs import proba_column
from studio.registry.versions import VersionInfo, get_version

LABEL_COLUMN = "__studio_label__"
MAX_BATCHES = 50


@dataclass(frozen=True)
class EstimateResult:
    """A version's estimates per window, what they stand on, and what they cannot see."""

    version: VersionInfo
    windows: tuple[WindowEstimate, ...]
    calibration: dict[str, Any]  # method, rows, ece_raw, ece, ece_chance, poor
    source: str
    holdout: dict[str, float | None]
    warnings: tuple[str, ...]
    matrix: CostMatrix | None
    blind_spot: str = BLIND_SPOT

    def to_json(self) -> dict[str, Any]:
        """The CLI's document."""
        return {
            "model": self.version.name, "version": self.version.version,
            "positive_class": self.version.positive_class,
            "decision_threshold": self.version.decision_threshold,
            "calibration": self.calibration, "source": self.source, "holdout": self.holdout,
            "cost_matrix": None if self.matrix is None else {
                k: getattr(self.matrix, k) for k in ("tp", "fp", "fn", "tn", "unit")},
            "windows": [w.to_json() for w in self.windows],
            "warnings": list(self.warnings), "cannot_see": self.blind_spot,
        }  # fmt: skip


def _result(
    studio: Studio, version: VersionInfo, windows: list[WindowEstimate], matrix: CostMatrix | None
) -> EstimateResult:
    ref = reference(studio, version, matrix)
    c = ref.calibration
    calibration = {"method": c.method, "rows": c.rows, "ece_raw": c.ece_raw, "ece": c.ece,
                   "ece_chance": c.ece_chance, "poor": c.poor}  # fmt: skip
    cost = (matrix or CostMatrix()) if len(version.labels) == 2 else None
    return EstimateResult(version, tuple(windows), calibration, ref.source, ref.holdout,
                          reference_warnings(ref), cost)  # fmt: skip


def _windows(
    studio: Studio,
    version: VersionInfo,
    frame: pd.DataFrame,
    column: str,
    window: str,
    matrix: CostMatrix | None,
    support: bool,
) -> list[WindowEstimate]:
    labels = frame[LABEL_COLUMN] if LABEL_COLUMN in frame.columns else None
    out = []
    for w in split_windows(frame, column, window):
        part = frame[w.rows]
        found = estimate_window(
            studio, version, part, label=w.label, matrix=matrix, support=support,
            labels=None if labels is None else labels[w.rows],
        )  # fmt: skip
        if w.status == TOO_FEW:
            note = f"{w.size:,} rows only: the band is wide."
            found = replace(found, warnings=(*found.warnings, note))
        out.append(found)
    return out


def version_batches(studio: Studio, version: VersionInfo) -> list[BatchInfo]:
    """The logged batches (scored files and live traffic) this version scored, oldest first."""
    return [b for b in list_batches(studio, version.name) if b.version == version.version][::-1]


def _batch_frame(studio: Studio, version: VersionInfo, batch: BatchInfo) -> pd.DataFrame:
    rows = logged_rows(studio, batch.id)
    if batch.labelled:
        rows[LABEL_COLUMN] = labelled_outputs(studio, batch.id)[0].to_numpy()
    at = pd.Timestamp(batch.at)
    at = at.tz_convert("UTC").tz_localize(None) if at.tzinfo else at
    return rows.assign(**{BATCH_COLUMN: batch.label, SCORED_AT: at})


def estimate_batches(
    studio: Studio,
    ref: str,
    actor: str,
    batch_ids: list[int] | None = None,
    *,
    window: str = "batch",
    matrix: CostMatrix | None = None,
    support: bool = True,
) -> EstimateResult:
    """Estimates for logged batches of the version ``ref`` names (None: all it scored, up to
    the newest ``MAX_BATCHES``), one window per batch or per day, week or month scored
    (``1D|1W|1M``); batches with joined labels carry the realised metrics too."""
    require(studio.settings, actor, "score")
    version = get_version(studio, ref)
    reference(studio, version, matrix)  # a regression model or no holdout fails first
    batches = version_batches(studio, version)
    if batch_ids is not None:
        unknown = sorted(set(batch_ids) - {b.id for b in batches})
        if unknown:
            raise InvalidInputError(
                f"Batch #{unknown[0]} was not scored by {version.ref}; 'studio monitor "
                f"batches {version.name}' lists the batches."
            )
        batches = [b for b in batches if b.id in set(batch_ids)]
    batches = batches[-MAX_BATCHES:]
    if not batches:
        raise InvalidInputError(
            f"{version.ref} has scored no batch yet; score a file (or serve the model) first."
        )
    frame = pd.concat([_batch_frame(studio, version, b) for b in batches], ignore_index=True)
    column = BATCH_COLUMN if window == "batch" else SCORED_AT
    windows = _windows(studio, version, frame, column, window, matrix, support)
    return _result(studio, version, windows, matrix)


def estimate_frame(
    studio: Studio,
    ref: str,
    frame: pd.DataFrame,
    actor: str,
    *,
    time_column: str | None = None,
    window: str | None = None,
    matrix: CostMatrix | None = None,
    support: bool = True,
) -> EstimateResult:
    """Estimates for a file's rows (scored by the version ``ref`` names), whole or per window
    of ``time_column``; realised metrics too when it carries the target column."""
    require(studio.settings, actor, "score")
    version = get_version(studio, ref)
    if len(frame) == 0:
        raise InvalidInputError("The file is empty; estimate on a file with rows.")
    if bool(time_column) != bool(window):
        raise InvalidInputError("Give a time column and a window together (e.g. 1W).")
    reference(studio, version, matrix)
    proba = window_outputs(studio, version, frame)  # scored once, windows reuse the columns
    frame = frame.assign(**{proba_column(c): proba[:, i] for i, c in enumerate(version.labels)})
    if version.target in frame.columns:
        frame = frame.assign(**{LABEL_COLUMN: frame[version.target]})
    if not time_column:
        labels = frame.get(LABEL_COLUMN)
        found = estimate_window(studio, version, frame, matrix=matrix, labels=labels,
                                support=support)  # fmt: skip
        return _result(studio, version, [found], matrix)
    windows = _windows(studio, version, frame, time_column, window, matrix, support)
    return _result(studio, version, windows, matrix)


def metric_names(result: EstimateResult) -> list[str]:
    """The metrics the result holds, in display order."""
    first = result.windows[0].metrics if result.windows else {}
    return [name for name in LABELS if name in first]
