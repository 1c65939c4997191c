"""The sweep never deletes a file a row points at: a whole registry-and-monitoring journey, then a
sweep with no grace period, and every referenced file is still there and still works."""

from __future__ import annotations

import re

import pandas as pd
from sqlmodel import SQLModel

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import RunAnalysis
from studio.maintenance import artifact_columns, referenced_files, sweep_orphans
from studio.monitor.batches import attach_labels
from studio.monitor.retrain import challenger_report, start_retrain
from studio.registry.lifecycle import decide, promote
from studio.registry.register import register_candidate
from studio.registry.scoring import score_frame
from tests.autopilot.conftest import churn_like
from tests.autopilot.test_runs import run_worker_once


def test_register_score_label_retrain_then_sweep_keeps_everything(
    finished_run: tuple[Studio, int],
) -> None:
    studio, run_id = finished_run
    register_candidate(studio, run_id, "m", "ana")
    decide(studio, "m", 1, True, "ok", "bob")
    promote(studio, "m", 1, "production", "ship", "bob")
    rows = churn_like(300, seed=7)
    scored = score_frame(studio, "m", rows.drop(columns=["churn"]), "b.csv", "ana")
    labels = rows[["customer_id", "churn"]]
    attach_labels(studio, scored.batch_id, labels, "customer_id", "ana")
    retrain_id = start_retrain(studio, "m", churn_like(150, seed=77), "ana", budget_seconds=None,
                               max_trials=2, families=["linear"])  # fmt: skip
    run_worker_once(studio)
    files = referenced_files(studio)
    assert len(files) >= 8, files

    removed = sweep_orphans(studio, grace_seconds=0)

    assert not set(removed) & files
    assert all(studio.artifacts.path_of(path).is_file() for path in files)
    again = score_frame(studio, "m", rows.drop(columns=["churn"]).head(20), "c.csv", "ana")
    assert len(again.output) == 20
    assert challenger_report(studio, retrain_id).run_status == "finished"


def test_an_analysis_being_computed_keeps_its_files(finished_run: tuple[Studio, int]) -> None:
    """A file the analysis just wrote (no row points at it yet) survives a sweep meanwhile."""
    studio, run_id = finished_run
    with session_scope(studio.engine) as session:
        session.get(RunAnalysis, run_id).status = "pending"
    partial = f"runs/{run_id}/analysis/trials-1.parquet"
    studio.artifacts.write(partial, lambda p: pd.DataFrame({"a": [1]}).to_parquet(p))
    assert partial not in sweep_orphans(studio, grace_seconds=0)
    assert studio.artifacts.path_of(partial).is_file()


def test_every_column_that_can_hold_a_path_is_named_as_an_artifact() -> None:
    """The keep-list comes from column names, so no column may hold a path under another name."""
    covered = {f"{c.table.name}.{c.name}" for c in artifact_columns()}
    assert {"model_version.artifact", "model_version.reference_artifact"} <= covered
    suspicious = [
        f"{table.name}.{column.name}"
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if re.search(r"(^|_)(path|file|folder)s?$", column.name) and column.name not in covered
    ]
    assert suspicious == [], "name these columns artifact or *_artifact so the sweep keeps them"


def test_orphans_still_go(finished_run: tuple[Studio, int]) -> None:
    studio, _ = finished_run
    studio.artifacts.write("runs/999/stray.bin", lambda p: p.write_bytes(b"x"))
    assert "runs/999/stray.bin" in sweep_orphans(studio, grace_seconds=0)
