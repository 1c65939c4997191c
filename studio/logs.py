"""Logging set-up and the reference given to users for unexpected failures."""

from __future__ import annotations

import logging
import sys
import uuid
from logging.handlers import RotatingFileHandler
from pathlib import Path

from studio.errors import WRITE_FAILURES

log = logging.getLogger("studio")
_configured: dict[Path, logging.Handler] = {}  # log file -> the handler writing it
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(home: Path) -> Path:
    """Send Studio's log records to ``home/logs/studio.log`` (once per process).

    When that file cannot be written (a read-only or full disk, a file where the folder should
    be), warnings and errors go to stderr instead, after one warning saying so: commands that
    only read keep working.
    """
    path = home / "logs" / "studio.log"
    if path not in _configured:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = RotatingFileHandler(
                path, maxBytes=5 << 20, backupCount=3, encoding="utf-8"
            )
        except OSError as exc:
            handler = _stderr_handler(path, exc)
        else:
            handler.setFormatter(logging.Formatter(FORMAT))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
        _configured[path] = handler
    return path


def _stderr_handler(path: Path, exc: OSError) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    cause = WRITE_FAILURES.get(exc.errno or 0, (exc.strerror or str(exc),))[0]
    handler.handle(
        log.makeRecord(
            log.name, logging.WARNING, __file__, 0,
            "Studio cannot write its log to %s (%s); logging to stderr instead.",
            (path, cause), None,
        )
    )  # fmt: skip
    return handler


def log_failure(exc: BaseException, context: str) -> str:
    """Log an unexpected failure with its traceback; return a short reference for the user."""
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected failure [%s] in %s", ref, context, exc_info=exc)
    return ref
