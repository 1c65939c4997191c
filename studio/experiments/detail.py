"""A run in depth: its analysis status, trial table, Optuna views, diagnostics and notes.

A finished run reads what its analysis stored (no Optuna query, no model loaded); a run still
working reads its trials live from Optuna's storage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlmodel import col, select

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Candidate, CandidateDiagnostics, RunAnalysis
from studio.escaping import to_safe_csv
from studio.experiments.annotations import note_of, tags_of
from studio.tracking import RunInfo, get_run, run_trials


@dataclass(frozen=True)
class AnalysisInfo:
    """Where a run's analysis stands: missing, pending, done or failed."""

    status: str
    message: str = ""
    seconds: float = 0.0
    trials_artifact: str = ""
    trials_sha256: str = ""
    views_artifact: str = ""
    views_sha256: str = ""


@dataclass(frozen=True)
class CandidateNotes:
    """A candidate's note and tags."""

    note: str
    tags: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class RunDetail:
    """Everything the run page shows."""

    run: RunInfo
    analysis: AnalysisInfo
    note: str
    tags: tuple[str, ...]
    candidate_notes: dict[int, CandidateNotes]

    @property
    def is_analysed(self) -> bool:
        """The stored analysis is complete."""
        return self.analysis.status == "done"


def _analysis(row: RunAnalysis | None, run: RunInfo) -> AnalysisInfo:
    if row is None:
        return AnalysisInfo("missing" if not run.is_active else "pending")
    return AnalysisInfo(
        row.status, row.message, row.seconds, row.trials_artifact, row.trials_sha256,
        row.views_artifact, row.views_sha256,
    )  # fmt: skip


def run_detail(studio: Studio, run_id: int) -> RunDetail:
    """The run with its analysis status, notes and tags; NotFoundError names a missing id."""
    run = get_run(studio, run_id)
    ids = [c.id for c in run.leaderboard]
    with session_scope(studio.engine) as session:
        analysis = _analysis(session.get(RunAnalysis, run_id), run)
        note, tags = note_of(session, "run", run_id), tags_of(session, "run", [run_id])[run_id]
        candidate_tags = tags_of(session, "candidate", ids)
        notes = {
            i: CandidateNotes(note_of(session, "candidate", i), candidate_tags[i]) for i in ids
        }
    return RunDetail(run, analysis, note, tags, notes)


def trial_table(studio: Studio, detail: RunDetail) -> pd.DataFrame:
    """The run's trials: the stored table once analysed, else read live from Optuna."""
    if detail.analysis.trials_artifact:
        path = studio.artifacts.verified_path(
            detail.analysis.trials_artifact, detail.analysis.trials_sha256
        )
        return pd.read_parquet(path)
    rows = run_trials(studio, detail.run)
    frame = pd.DataFrame(
        [{"trial": t.number, "family": t.family, "state": t.state, "score": t.value,
          "cv_std": t.std, "seconds": t.seconds} | t.params for t in rows]
    )  # fmt: skip
    return frame.sort_values("trial").reset_index(drop=True) if len(frame) else frame


def trial_csv(frame: pd.DataFrame) -> bytes:
    """The trial table as spreadsheet-safe CSV (formula-like cells neutralised)."""
    return to_safe_csv(frame)


def stored_views(studio: Studio, detail: RunDetail) -> dict[str, dict[str, str]]:
    """Optuna's views saved by the analysis: ``{"all" | family: {view: plotly JSON}}``."""
    if not detail.analysis.views_artifact:
        return {}
    path = studio.artifacts.verified_path(
        detail.analysis.views_artifact, detail.analysis.views_sha256
    )
    return json.loads(path.read_text())


def family_best(frame: pd.DataFrame, greater_is_better: bool) -> pd.DataFrame:
    """Best completed score, trial count and pruned count per model family, best first."""
    if frame.empty or "family" not in frame:
        return pd.DataFrame(columns=["family", "best", "trials", "pruned"])
    done = frame[frame["state"] == "complete"]
    grouped = frame.groupby("family")
    best = done.groupby("family")["score"].agg("max" if greater_is_better else "min")
    out = pd.DataFrame(
        {
            "best": best,
            "trials": grouped.size(),
            "pruned": grouped["state"].apply(lambda s: int((s == "pruned").sum())),
        }
    ).reset_index(names="family")
    return out.sort_values("best", ascending=not greater_is_better, na_position="last")


def diagnostics_for(studio: Studio, candidate_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Stored diagnostics of candidates (those not analysed yet are absent)."""
    if not candidate_ids:
        return {}
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(CandidateDiagnostics).where(
                col(CandidateDiagnostics.candidate_id).in_(candidate_ids)
            )
        ).all()
        return {row.candidate_id: dict(row.data) for row in rows}


def candidate_run(studio: Studio, candidate_id: int) -> int | None:
    """The run a candidate belongs to (None if the id does not exist)."""
    with session_scope(studio.engine) as session:
        row = session.get(Candidate, candidate_id)
        return None if row is None else row.run_id
