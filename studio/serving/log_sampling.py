"""Which answered requests the live log keeps: all of them at ordinary traffic, a random share
above a rate.

Writing logged rows costs CPU that a busy server needs for its answers (the rows are handed to
the writer process and read against the schema there). Like SageMaker's data capture, which
logs a sampled percentage, the endpoint keeps every request while rows arrive more slowly than
``rows_per_second`` (``STUDIO_SERVE_LOG_ROWS_PER_SECOND``, default 200: 12,000 rows in a
one-minute window, far more than drift tests need), and above it a random share that brings
the logged rows back to about that rate. The share is re-estimated each second from the rows
that arrived in the previous second, so it is a uniform random sample of each second's
requests (no part of a second, and no kind of row, is favoured). A configured ``share``
(``STUDIO_SERVE_LOG_RATE``) below 1 applies on top.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

DEFAULT_ROWS_PER_SECOND = 200.0


class RowRateSampler:
    """Decides, request by request, whether the live log keeps it (not thread-safe: the
    caller holds its lock)."""

    def __init__(self, share: float = 1.0, rows_per_second: float = DEFAULT_ROWS_PER_SECOND,
                 clock: Callable[[], float] = time.monotonic,
                 draw: Callable[[], float] = random.random) -> None:  # fmt: skip
        """``share``: the share of requests kept at any traffic (0 to 1); ``rows_per_second``:
        the rate above which requests are sampled (0 or less: no limit); ``clock`` (seconds)
        and ``draw`` (uniform in [0, 1)) are injectable for tests."""
        self._share, self._cap = share, rows_per_second
        self._clock, self._draw = clock, draw
        self._second = int(clock())
        self._rows_now = 0  # rows that arrived in the current second
        self._rows_before = 0  # ... and in the one before it

    def keep(self, rows: int) -> bool:
        """Count a request of ``rows`` rows; True if its rows are to be logged."""
        second = int(self._clock())
        if second != self._second:
            self._rows_before = self._rows_now if second == self._second + 1 else 0
            self._second, self._rows_now = second, 0
        self._rows_now += rows
        chance = self._share
        if self._cap > 0 and self._rows_before > self._cap:
            chance *= self._cap / self._rows_before
        return chance >= 1 or self._draw() < chance
