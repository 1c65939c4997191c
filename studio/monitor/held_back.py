"""Which new labelled rows a retraining holds back to compare challenger and champion."""

from __future__ import annotations

import numpy as np
import pandas as pd

from studio.autopilot.splits import as_times

HELD_BACK = 1 / 3


def held_back_rows(rows: pd.DataFrame, time_column: str | None) -> tuple[pd.DataFrame, str, str]:
    """The rows held back for the comparison, "latest" or "random", and a sentence saying so.

    With a time column every row has a readable date in: the most recent third by it (a
    stable sort: ties keep file order). Otherwise, or when the column is missing or has rows
    without a date, a seeded random third (the sentence says why)."""
    count = round(len(rows) * HELD_BACK)
    if time_column and time_column in rows.columns:
        times = as_times(rows[time_column])
        if not times.isna().any():
            order = np.argsort(times.to_numpy(), kind="stable")
            compare = rows.iloc[order[len(rows) - count :]]
            start = pd.Timestamp(times.iloc[order[len(rows) - count]]).date().isoformat()
            return compare, "latest", (
                f"Held back for the comparison: the most recent third of the new rows by "
                f"'{time_column}' (from {start}), as the champion's run was split by time."
            )  # fmt: skip
        why = f"some new rows have no date in '{time_column}'"
    elif time_column:
        why = f"the new rows have no '{time_column}' column"
    compare = rows.sample(n=count, random_state=0)
    if time_column:
        return compare, "random", (
            f"Held back for the comparison: a random third of the new rows ({why}, so the "
            "most recent third could not be chosen)."
        )  # fmt: skip
    return compare, "random", "Held back for the comparison: a random third of the new rows."
