"""Run a piece of model fitting in a forked child that can be stopped at any moment.

scikit-learn cannot interrupt a fit, and Optuna checks its timeout only between trials, so every
fit runs in a child process: the parent receives messages as the child works (one per fold),
and kills the child when the deadline passes or when the parent decides to stop it (pruning, a
stop request). The parent itself never fits or predicts, so its OpenMP runtime is never started
before a fork: GNU libgomp is not fork-safe, and a child forked after the parent ran an OpenMP
region (histogram gradient boosting, for one) can hang. Only ``studio worker`` processes call
this.

A child never outlives its parent: on Linux the kernel kills it when the parent dies
(``PR_SET_PDEATHSIG``, even after ``kill -9``), and on every system a thread in the child ends
it within a second of seeing another parent process id (macOS has no death signal). The child
also closes its copy of the pipe's reading end, so a message to a dead parent fails instead of
blocking forever on a full pipe.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Send = Callable[[Any], None]
_CTX = mp.get_context("fork")
POLL_SECONDS = 60.0
CHECK_SECONDS = 1.0  # how often ``keep_going`` is asked while a child works
PARENT_CHECK_SECONDS = 1.0  # how often a child checks that its parent still lives
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Held while forking, and by the worker's heartbeat thread around its database work: a child is
# never forked while another thread holds a lock inside the connection pool or the driver.
FORK_LOCK = threading.Lock()


def _fresh_fork_lock() -> None:
    """A forked process starts with its own free lock: the parent held its copy while forking
    (a search helper, ``parallel``, forks trial children of its own)."""
    global FORK_LOCK
    FORK_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_fresh_fork_lock)


@dataclass(frozen=True)
class Outcome:
    """How an isolated job ended: done (with a result), stopped (``on_message`` said so),
    cancelled (``keep_going`` said so), timeout or error."""

    status: str
    result: Any = None
    error: str = ""


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent_pid:  # reparented: the parent died
            os._exit(1)


def die_with_parent(parent_pid: int) -> None:
    """End this process as soon as ``parent_pid`` (its parent) ends, however it ends."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watching thread still works
            pass
    if os.getppid() != parent_pid:  # the parent died before the death signal was set
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _child(target: Callable[[Send], Any], conn: Any, reading_end: Any, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    reading_end.close()
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
    keep_going: Callable[[], bool] | None = None,
) -> Outcome:
    """Run ``target(send)`` in a child until it returns, ``deadline`` (monotonic) passes,
    ``on_message`` returns False for a ``(kind, payload)`` message the child sent, or
    ``keep_going()`` (asked every ``CHECK_SECONDS`` while the child works) returns False.

    The child is killed whenever this returns or raises (for example when a signal interrupts
    the worker)."""
    # The pipe is made, the child forked and the parent's sending end closed under one lock: a
    # child forked by another thread meanwhile would inherit that end and hide this child's death.
    with FORK_LOCK:
        receive, send = _CTX.Pipe(duplex=False)
        process = _CTX.Process(target=_child, args=(target, send, receive, os.getpid()),
                               daemon=True)  # fmt: skip
        try:
            process.start()
        finally:
            send.close()
    try:
        return _receive(process, receive, deadline, on_message, keep_going)
    finally:
        if process.is_alive():
            process.kill()
        if process.pid is not None:
            process.join(timeout=10)
        receive.close()


def _receive(
    process: Any,
    receive: Any,
    deadline: float,
    on_message: Callable[[Any], bool],
    keep_going: Callable[[], bool] | None,
) -> Outcome:
    next_check = time.monotonic() + CHECK_SECONDS
    while True:
        now = time.monotonic()
        if keep_going is not None and now >= next_check:
            if not keep_going():
                return Outcome("cancelled")
            next_check = now + CHECK_SECONDS
        remaining = deadline - now
        if remaining <= 0:
            return Outcome("timeout")
        step = POLL_SECONDS if keep_going is None else max(0.0, next_check - now)
        if not receive.poll(min(remaining, step)):  # no deadline: poll in steps
            continue
        try:
            kind, *payload = receive.recv()
        except EOFError:
            return Outcome("error", error=f"the fitting process died (exit {process.exitcode})")
        if kind == "done":
            return Outcome("done", payload[0])
        if kind == "error":
            return Outcome("error", error=payload[0])
        if not on_message((kind, payload[0])):
            return Outcome("stopped")
