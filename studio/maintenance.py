"""Housekeeping: remove artifact files that no row references."""

from __future__ import annotations

from sqlmodel import select

from studio.artifacts import SWEEP_GRACE_SECONDS
from studio.context import Studio
from studio.data.versions import referenced_artifacts
from studio.db import session_scope
from studio.db.models import Candidate, Run, RunAnalysis

ACTIVE = ("queued", "running", "stopping", "finalizing")


def _candidate_files(studio: Studio) -> list[str]:
    with session_scope(studio.engine) as session:
        files = list(session.exec(select(Candidate.artifact)).all())
        for row in session.exec(select(RunAnalysis)).all():
            files += [path for path in (row.trials_artifact, row.views_artifact) if path]
        return files


def _active_run_folders(studio: Studio) -> list[str]:
    with session_scope(studio.engine) as session:
        ids = session.exec(select(Run.id).where(Run.status.in_(ACTIVE))).all()
        return [f"runs/{run_id}/" for run_id in ids]


def sweep_orphans(studio: Studio, grace_seconds: float = SWEEP_GRACE_SECONDS) -> list[str]:
    """Delete orphaned and half-written artifact files older than ``grace_seconds``.

    Kept: every file a dataset version, a candidate or a run analysis points at, and everything
    under the folder of a run that is still working (its out-of-fold outputs and partial refits).
    """
    keep = [*referenced_artifacts(studio), *_candidate_files(studio)]
    return studio.artifacts.sweep(
        keep, grace_seconds=grace_seconds, keep_prefixes=_active_run_folders(studio)
    )
