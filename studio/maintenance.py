"""Housekeeping: remove artifact files that no row references.

What is kept is derived from the schema, not listed by hand: every column of Studio's tables
named ``artifact`` or ``*_artifact`` holds an artifact path (a convention a test enforces), so a
table added later is protected the day it is added. A listed keep-list once forgot the
registry, scored batches, labels and retraining files, and the sweep deleted registered models.
"""

from __future__ import annotations

from sqlalchemy import Column, select
from sqlmodel import SQLModel

from studio.artifacts import SWEEP_GRACE_SECONDS
from studio.context import Studio
from studio.db import models as _models  # noqa: F401  (registers every table)
from studio.db import session_scope
from studio.db.models import Run, RunAnalysis

ACTIVE = ("queued", "running", "stopping", "finalizing")
RESUMABLE = ("stopped", "failed")  # their out-of-fold files feed the next round's ensemble


def artifact_columns() -> list[Column]:
    """Every column of Studio's tables that holds an artifact path (named ``artifact`` or
    ending in ``_artifact``)."""
    return [
        column
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if column.name == "artifact" or column.name.endswith("_artifact")
    ]


def referenced_files(studio: Studio) -> set[str]:
    """Every artifact path any row of any table points at."""
    files: set[str] = set()
    with session_scope(studio.engine) as session:
        for column in artifact_columns():
            values = session.execute(select(column).where(column.is_not(None))).scalars()
            files.update(v for v in values if v)
    return files


def _busy_folders(studio: Studio) -> list[str]:
    """Folders still in use: a working run's, the out-of-fold outputs of a run that can
    resume (its next round's ensemble reads them), and a run's analysis being computed."""
    with session_scope(studio.engine) as session:
        runs = session.execute(select(Run.id).where(Run.status.in_(ACTIVE))).scalars().all()
        resumable = select(Run.id).where(Run.status.in_(RESUMABLE))
        paused = session.execute(resumable).scalars().all()
        pending = select(RunAnalysis.run_id).where(RunAnalysis.status == "pending")
        analyses = session.execute(pending).scalars().all()
    return (
        [f"runs/{i}/" for i in runs]
        + [f"runs/{i}/oof/" for i in paused]
        + [f"runs/{i}/analysis/" for i in analyses]
    )


def sweep_orphans(studio: Studio, grace_seconds: float = SWEEP_GRACE_SECONDS) -> list[str]:
    """Delete orphaned and half-written artifact files older than ``grace_seconds``; returns
    the relative paths removed.

    Kept: every file any row points at (see :func:`referenced_files`), everything under the
    folder of a run that is still working or whose analysis is being computed, and the
    out-of-fold outputs of a stopped or failed run (it may resume).
    """
    return studio.artifacts.sweep(
        referenced_files(studio), grace_seconds=grace_seconds, keep_prefixes=_busy_folders(studio)
    )
