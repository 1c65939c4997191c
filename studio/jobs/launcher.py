"""Starting a local worker process when none is alive (the embedded, one-laptop default)."""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from studio.context import Studio
from studio.jobs.queue import live_workers

log = logging.getLogger(__name__)

IDLE_EXIT_SECONDS = 600  # a local worker started by the app exits after 10 idle minutes


def _reap(process: subprocess.Popen) -> None:
    threading.Thread(target=process.wait, daemon=True, name="studio-reaper").start()


@contextmanager
def _worker_log(path: Path) -> Iterator[IO[bytes] | int]:
    """The worker's output file, or nowhere when it cannot be written (the worker itself then
    logs its warnings to that nowhere too; the store still says how each run went)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        out = path.open("ab")
    except OSError as exc:
        log.warning("cannot write the worker log %s (%s); its output is dropped", path, exc)
        yield subprocess.DEVNULL
        return
    with out:
        yield out


def start_local_worker(studio: Studio, *, once: bool = False) -> subprocess.Popen:
    """Spawn ``studio worker`` against this store; a thread reaps it when it exits."""
    env = os.environ.copy() | {
        "STUDIO_HOME": str(studio.settings.home),
        "STUDIO_DATABASE_URL": studio.settings.database_url,
        "STUDIO_ARTIFACTS": str(studio.settings.artifacts_dir),
    }
    idle = os.environ.get("STUDIO_WORKER_IDLE_EXIT", str(IDLE_EXIT_SECONDS))
    args = ["--once"] if once else ["--idle-exit", idle]
    with _worker_log(studio.settings.home / "logs" / "worker.log") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "studio.cli", "worker", *args],
            env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    _reap(process)
    log.info("started local worker pid %s", process.pid)
    return process


def ensure_local_worker(studio: Studio, *, wait_seconds: float = 10.0) -> bool:
    """Start a local worker unless one is alive; True when one was started.

    A lock file in STUDIO_HOME keeps two app sessions from starting two at once.
    """
    if live_workers(studio):
        return False
    lock_path = Path(studio.settings.home) / "worker.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if live_workers(studio):
            return False
        start_local_worker(studio)
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline and not live_workers(studio, within=60):
            time.sleep(0.2)
        return True
