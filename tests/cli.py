"""Calling the ``studio`` command line from tests: in this process (fast) or as a real process.

Most CLI tests call :func:`run`, which runs ``studio.cli.main`` here with the given environment,
captures stdout and stderr and returns what ``subprocess.run`` would. A few smoke tests use
:func:`run_process` to check what only a real interpreter shows (exit codes through the shell,
one JSON document on a real stdout, no traceback). Workers stay real processes either way: a
command that starts one (``--wait``) spawns ``studio worker``, so nothing is fitted here.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent


def clean_env(home: Path, user: str = "tester", **extra: str) -> dict[str, str]:
    """This process's environment without any STUDIO_* setting, pointed at ``home``; English
    unless ``extra`` says otherwise (the machine's LANG must not change what commands say)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    fixed = {"STUDIO_HOME": str(home), "STUDIO_USER": user, "STUDIO_LANGUAGE": "en"}
    return env | fixed | extra


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``studio ARGS`` run in this process under ``env``; returns code, stdout and stderr."""
    from studio.cli import main
    from studio.config import load_settings

    stdout, stderr = io.StringIO(), io.StringIO()
    handlers = list(logging.getLogger("studio").handlers)
    with (
        mock.patch.dict(os.environ, env, clear=True),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help is 0, a usage error 2
            code = exc.code if isinstance(exc.code, int) else 2
        url = load_settings().database_url
    _release(url, handlers)
    return subprocess.CompletedProcess(
        ["studio", *args], code, stdout.getvalue(), stderr.getvalue()
    )


def run_process(
    *args: str, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m studio.cli ARGS`` in a new interpreter (exit-code and stdout smoke tests)."""
    return subprocess.run(
        [sys.executable, "-m", "studio.cli", *args], cwd=ROOT,
        capture_output=True, text=True, env=env, timeout=timeout,
    )  # fmt: skip


def _release(url: str, handlers: list[logging.Handler]) -> None:
    """Close what one in-process command opened: its pooled connections and its log file."""
    from studio import logs
    from tests.conftest import release_store

    release_store(url)
    logger = logging.getLogger("studio")
    for handler in [h for h in logger.handlers if h not in handlers]:
        logger.removeHandler(handler)
        handler.close()
        for path in [p for p, h in logs._configured.items() if h is handler]:
            del logs._configured[path]
