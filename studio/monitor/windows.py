"""Time windows of a monitored frame: per day, week or month of a date column, or per value of
a batch column, each big enough to test.

A drift test needs at least ``drift.MIN_ROWS`` rows on each side, so a period with fewer rows
is merged into the next one (the last into the one before), and the merged window is named by
the span it covers ("2026-01-05/2026-02-01") and lists the periods it holds. Batches are not
merged (each is a file the user scored): a batch with too few rows is kept and marked
"too few rows", so a chart can say why it has no statistic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from studio.errors import InvalidInputError
from studio.monitor.drift import MIN_ROWS

WINDOWS = {"1D": ("D", "day"), "1W": ("W", "week"), "1M": ("M", "month")}
TOO_FEW = "too few rows"


@dataclass(frozen=True, eq=False)
class Window:
    """One window: its label and span, which rows it holds (a boolean mask over the frame),
    the periods merged into it, and whether it has enough rows to test."""

    label: str
    start: datetime | None
    end: datetime | None
    rows: np.ndarray  # bool, one per frame row
    merged: tuple[str, ...] = ()
    status: str = "ok"  # ok | too few rows

    @property
    def size(self) -> int:
        """The number of rows in the window."""
        return int(self.rows.sum())


def _periods(frame: pd.DataFrame, time_column: str, window: str) -> list[Window]:
    times = pd.to_datetime(frame[time_column], errors="coerce", format="mixed")
    if times.notna().sum() == 0:
        raise InvalidInputError(
            f"Column '{time_column}' holds no dates; use ISO dates like 2026-01-31."
        )
    periods = times.dt.to_period(WINDOWS[window][0])
    out = []
    for period in sorted(periods.dropna().unique()):
        start, end = (
            t.tz_localize("UTC").to_pydatetime() for t in (period.start_time, period.end_time)
        )
        out.append(Window(str(period), start, end, (periods == period).to_numpy()))
    return out


def _joined(group: list[Window]) -> Window:
    if len(group) == 1:
        return group[0]
    first, last = group[0], group[-1]
    label = f"{first.label.split('/')[0]}/{last.label.split('/')[-1]}"
    rows = np.logical_or.reduce([w.rows for w in group])
    return Window(label, first.start, last.end, rows, tuple(w.label for w in group))


def merge_small(windows: list[Window], min_rows: int = MIN_ROWS) -> list[Window]:
    """Consecutive windows joined until each holds ``min_rows`` rows; a short tail joins the
    window before it. When all rows together are too few, one window marked "too few rows"."""
    groups: list[list[Window]] = []
    pending: list[Window] = []
    for window in windows:
        pending.append(window)
        if sum(w.size for w in pending) >= min_rows:
            groups.append(pending)
            pending = []
    if pending and groups:
        groups[-1] += pending
    elif pending:
        groups.append(pending)
    out = [_joined(group) for group in groups]
    return [w if w.size >= min_rows else _marked(w) for w in out]


def _marked(window: Window) -> Window:
    return Window(window.label, window.start, window.end, window.rows, window.merged, TOO_FEW)


def split_windows(frame: pd.DataFrame, time_column: str, window: str) -> list[Window]:
    """The windows of ``frame``: per period of a date column (``1D|1W|1M``, small periods
    merged), or per value of a batch column (``batch``, in order of appearance, small batches
    marked). Rows without a readable time belong to no window.

    Raises InvalidInputError for an unknown window, a missing column or a column of no dates.
    """
    if window not in (*WINDOWS, "batch"):
        raise InvalidInputError(
            f"'{window}' is not a window; use one of {', '.join(WINDOWS)} or batch."
        )
    if time_column not in frame.columns:
        raise InvalidInputError(f"There is no column '{time_column}' in the file.")
    if window == "batch":
        values = frame[time_column].astype(str)
        batches = [
            Window(str(v)[:40], None, None, (values == v).to_numpy()) for v in values.unique()
        ]
        return [w if w.size >= MIN_ROWS else _marked(w) for w in batches]
    return merge_small(_periods(frame, time_column, window))
