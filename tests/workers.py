"""Real ``studio worker`` processes for tests, and what the kernel says about their children.

Children are read from /proc (Linux), so the tests that use them skip elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from studio.autopilot.service import AutopilotRequest, launch_run
from studio.context import Studio
from studio.data.versions import add_dataset_version
from tests.autopilot.conftest import churn_like
from tests.waits import HANG_GUARD_SECONDS

PROC = Path("/proc")
SLOW_ROWS = 30_000


def launch_slow_run(studio: Studio, families: list[str]) -> int:
    """Queue an endless run (no budget, no reachable trial limit) on 30,000 rows, where every
    support vector machine trial fits for a long while and sends fold messages larger than a
    pipe holds (64 KiB), so that no such trial ends while a test is looking at it."""
    frame = churn_like(SLOW_ROWS)
    add_dataset_version(studio, frame.to_csv(index=False).encode(), "big.csv", actor="tester")
    request = AutopilotRequest(
        dataset="big", target="churn", budget_seconds=None, max_trials=100_000,
        families=families, top_k=1,
    )  # fmt: skip
    return launch_run(studio, request, actor="tester")


def worker_process(studio: Studio, *extra: str, **env: str) -> subprocess.Popen:
    """A real ``studio worker`` process on this store, with extra environment ``env``."""
    environ = (
        os.environ
        | env
        | {
            "STUDIO_HOME": str(studio.settings.home),
            "STUDIO_DATABASE_URL": studio.settings.database_url,
            "STUDIO_ARTIFACTS": str(studio.settings.artifacts_dir),
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "studio.cli", "worker", *extra], env=environ,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def run_worker_once(studio: Studio) -> None:
    """Run one queued job to its end in a worker process (workers never fit models in the test
    process, and neither may their parent: forking after OpenMP ran there can hang a child)."""
    assert worker_process(studio, "--once").wait(timeout=HANG_GUARD_SECONDS) == 0


def _stat(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields after "(comm)": state, ppid, ...


def is_running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (an exited child not yet reaped)."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def forked_children(pid: int) -> list[int]:
    """Running children of ``pid`` that are forks of it (the same command line): a worker's
    trial and analysis children."""
    try:
        cmdline = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return []
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields is None or fields[1] != str(pid) or fields[0] in ("Z", "X"):
            continue
        try:
            if (entry / "cmdline").read_bytes() == cmdline:
                found.append(int(entry.name))
        except OSError:
            continue
    return found
