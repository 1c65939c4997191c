"""Waiting for an event in a test: the condition decides, never the time it took.

The timeout is only a hang guard (a worker that died, a page that never rerenders), set far
beyond what any loaded machine needs, so a slow machine makes a test slower, never red.
"""

from __future__ import annotations

import time
from collections.abc import Callable

HANG_GUARD_SECONDS = 900.0


def wait_until(
    condition: Callable[[], object], what: str, timeout: float = HANG_GUARD_SECONDS
) -> None:
    """Poll ``condition`` every 0.2 s until it is true; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what} after {timeout:.0f} s"
        time.sleep(0.2)
