"""Run a piece of model fitting in a forked child that can be stopped at any moment.

scikit-learn cannot interrupt a fit, and Optuna checks its timeout only between trials, so every
fit runs in a child process: the parent receives messages as the child works (one per fold),
and kills the child when the deadline passes or when the parent decides to stop it (pruning).
The parent itself never fits or predicts, so its OpenMP runtime is never started before a
fork: GNU libgomp is not fork-safe, and a child forked after the parent ran an OpenMP region
(histogram gradient boosting, for one) can hang. Only ``studio worker`` processes call this.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Send = Callable[[Any], None]
_CTX = mp.get_context("fork")
POLL_SECONDS = 60.0
# Held while forking, and by the worker's heartbeat thread around its database work: a child is
# never forked while another thread holds a lock inside the connection pool or the driver.
FORK_LOCK = threading.Lock()


@dataclass(frozen=True)
class Outcome:
    """How an isolated job ended: done (with a result), stopped, timeout or error."""

    status: str
    result: Any = None
    error: str = ""


def _child(target: Callable[[Send], Any], conn: Any) -> None:
    try:
        result = target(conn.send)
        conn.send(("done", result))
    except BaseException:  # report everything to the parent, then exit
        conn.send(("error", traceback.format_exc(limit=8)))
    finally:
        conn.close()


def run_isolated(
    target: Callable[[Send], Any],
    deadline: float,
    on_message: Callable[[Any], bool] = lambda _m: True,
) -> Outcome:
    """Run ``target(send)`` in a child until it returns, ``deadline`` (monotonic) passes, or
    ``on_message`` returns False for a ``(kind, payload)`` message the child sent."""
    receive, send = _CTX.Pipe(duplex=False)
    process = _CTX.Process(target=_child, args=(target, send), daemon=True)
    with FORK_LOCK:
        process.start()
    send.close()
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return Outcome("timeout")
            if not receive.poll(min(remaining, POLL_SECONDS)):  # no deadline: poll in steps
                continue
            try:
                kind, *payload = receive.recv()
            except EOFError:
                return Outcome(
                    "error", error=f"the fitting process died (exit {process.exitcode})"
                )
            if kind == "done":
                return Outcome("done", payload[0])
            if kind == "error":
                return Outcome("error", error=payload[0])
            if not on_message((kind, payload[0])):
                return Outcome("stopped")
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=10)
        receive.close()
