"""Why a run produced no model, in one sentence a user can act on.

A run whose trials all fail must end ``failed`` and say why, never "finished" with an empty
leaderboard and the cause only in the log. The first cause is the failure text of the earliest
failed trial (the last line of its traceback, stored by the search as the trial's ``failure``
attribute), turned into words where the message is a known one and, where the data can tell,
naming the column behind it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from optuna.trial import FrozenTrial, TrialState

FAIL_FAST_TRIALS = 5  # the search ends once this many trials failed and none completed
TIME_LIMIT = "over its time limit"


def failed_early(trials: Sequence[FrozenTrial]) -> bool:
    """True when the first ``FAIL_FAST_TRIALS`` finished trials all failed for a reason other
    than their time limit (a broken input fails every trial alike: more trials only burn the
    budget)."""
    done = [
        t for t in trials if t.state in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
    ]
    if len(done) < FAIL_FAST_TRIALS or any(t.state != TrialState.FAIL for t in done):
        return False
    return any(t.user_attrs.get("failure", "") != TIME_LIMIT for t in done)


def no_model_reason(trials: Sequence[FrozenTrial], X: pd.DataFrame, budget: float | None) -> str:
    """One sentence for a run in which no trial completed.

    ``trials``: the study's trials; ``X``: the training features (to name a column behind a
    known failure); ``budget``: the run's time budget in seconds, if any.
    """
    failed = sorted((t for t in trials if t.state == TrialState.FAIL), key=lambda t: t.number)
    causes = [t.user_attrs.get("failure", "") for t in failed]
    real = [c for c in causes if c and c != TIME_LIMIT]
    if real:
        return f"Every trial failed: {plain_cause(real[0], X)}"
    if causes:
        return (
            "Every trial ran past its time limit; give the run a larger time budget or a longer "
            "time limit per trial."
        )
    within = f" within the {budget:.0f} s budget" if budget else ""
    return f"No trial finished{within}; resume it with a larger time budget."


def plain_cause(failure: str, X: pd.DataFrame) -> str:
    """A known scikit-learn/numpy failure in words, naming the column when the data shows it;
    otherwise the failure text itself."""
    text = failure.strip()
    lowered = text.lower()
    if "infinity" in lowered or "too large for dtype" in lowered:
        return _columns_sentence(_infinite_columns(X), "holds infinite values", text)
    if "dtype bool" in lowered or ("boolean" in lowered and "not supported" in lowered):
        columns = [str(c) for c in X.columns if pd.api.types.is_bool_dtype(X[c])]
        return _columns_sentence(columns, "holds True/False values the models cannot take", text)
    match = re.search(r"could not convert string to float: '([^']*)'", text)
    if match:
        value = match.group(1)
        columns = [str(c) for c in X.columns if (X[c].astype(str) == value).any()]
        return _columns_sentence(
            columns, f"holds text ('{value}') where numbers are expected", text
        )
    return text.rstrip(".") + "."


def _infinite_columns(X: pd.DataFrame) -> list[str]:
    numeric = X.select_dtypes(include="number")
    return [str(c) for c in numeric.columns if np.isinf(numeric[c].to_numpy(dtype=float)).any()]


def _columns_sentence(columns: list[str], what: str, fallback: str) -> str:
    if not columns:
        return fallback.rstrip(".") + "."
    named = ", ".join(f"'{c}'" for c in columns[:3]) + ("…" if len(columns) > 3 else "")
    noun = "column" if len(columns) == 1 else "columns"
    return f"{noun} {named} {what if len(columns) == 1 else what.replace('holds', 'hold')}."
