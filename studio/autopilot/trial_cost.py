"""Which trials can still finish before the search deadline: a cost model from the trials so
far.

A fit cannot be interrupted, so a trial that would pass the deadline is stopped after a fold
and its time is lost; at the end of a search that happened several times in a row. Before a
trial runs, its cost is estimated as the median wall time of the completed trials of its
family (their whole cross-validation, child process included), ``SAFETY`` times over; a trial
whose estimate passes the deadline is not started. The search ends once no family could
finish (each with a known cost that passes the deadline), or after ``MAX_SKIPS`` skipped
trials in a row, leaving the time to the final refits. Families with no completed trial yet
have no estimate and always run (their time limit still stops them).
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from optuna.trial import FrozenTrial, TrialState

SAFETY = 1.2
MAX_SKIPS = 10
SKIPPED = "skipped"  # the user attribute of a trial not started for lack of time
NOT_STARTED = "not started: too little time was left before the deadline"


def expected_seconds(trials: Sequence[FrozenTrial], family: str) -> float | None:
    """Seconds a trial of ``family`` is expected to take (``SAFETY`` x the median duration of
    its completed trials), or None before any completed."""
    durations = [
        t.duration.total_seconds()
        for t in trials
        if t.state == TrialState.COMPLETE and t.params.get("family") == family and t.duration
    ]
    return SAFETY * median(durations) if durations else None


def too_slow(trials: Sequence[FrozenTrial], family: str, seconds_left: float) -> bool:
    """True when a ``family`` trial is expected to run past a deadline ``seconds_left`` away."""
    expected = expected_seconds(trials, family)
    return expected is not None and expected > seconds_left


def none_fit(trials: Sequence[FrozenTrial], families: Sequence[str], seconds_left: float) -> bool:
    """True when no family of ``families`` is expected to finish in ``seconds_left``."""
    return all(too_slow(trials, family, seconds_left) for family in families)
