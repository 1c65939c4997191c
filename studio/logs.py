"""Logging set-up and the reference given to users for unexpected failures."""

from __future__ import annotations

import logging
import uuid
from logging.handlers import RotatingFileHandler
from pathlib import Path

log = logging.getLogger("studio")
_configured: set[Path] = set()


def configure_logging(home: Path) -> Path:
    """Send Studio's log records to ``home/logs/studio.log`` (once per process)."""
    path = home / "logs" / "studio.log"
    if path not in _configured:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=5 << 20, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
        _configured.add(path)
    return path


def log_failure(exc: BaseException, context: str) -> str:
    """Log an unexpected failure with its traceback; return a short reference for the user."""
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected failure [%s] in %s", ref, context, exc_info=exc)
    return ref
