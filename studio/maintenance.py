"""Housekeeping: remove artifact files that no row references."""

from __future__ import annotations

from studio.artifacts import SWEEP_GRACE_SECONDS
from studio.context import Studio
from studio.data.versions import referenced_artifacts


def sweep_orphans(studio: Studio, grace_seconds: float = SWEEP_GRACE_SECONDS) -> list[str]:
    """Delete orphaned and half-written artifact files older than ``grace_seconds``."""
    return studio.artifacts.sweep(referenced_artifacts(studio), grace_seconds=grace_seconds)
