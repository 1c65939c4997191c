"""The rounds of a run: what earlier finalising sessions saved, read once by the next one.

Candidates are immutable once created. A resumed run finalises again as a new round and adds
candidates; a trial refit in an earlier round keeps its candidate, and the first ensemble is
called "ensemble", later rounds' ensembles "ensemble-r2", "ensemble-r3", ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import select

from studio.db import session_scope
from studio.db.models import Candidate

if TYPE_CHECKING:
    from studio.autopilot.search import SearchSession


@dataclass(frozen=True)
class Saved:
    """What earlier rounds of a run saved: its candidates, and the round being finalised."""

    round: int
    by_trial: dict[int, Candidate]
    ensembles: list[Candidate]

    def file(self, name: str) -> tuple[str, str] | None:
        """(artifact, SHA-256) of the saved single model ``name``, if there is one."""
        row = next((c for c in self.by_trial.values() if c.name == name), None)
        return None if row is None else (row.artifact, row.artifact_sha256)

    def ensemble_name(self) -> str:
        """The name of a new ensemble: "ensemble" first, "ensemble-rN" in later rounds."""
        return "ensemble" if not self.ensembles else f"ensemble-r{self.round}"


def saved_candidates(session: SearchSession) -> Saved:
    """The run's candidates from earlier rounds (detached rows, read-only)."""
    with session_scope(session.studio.engine) as db:
        rows = db.exec(select(Candidate).where(Candidate.run_id == session.run_id)).all()
        for row in rows:
            db.expunge(row)
    return Saved(
        max((r.round for r in rows), default=0) + 1,
        {r.trial_number: r for r in rows if r.trial_number is not None},
        [r for r in rows if r.trial_number is None],
    )
