"""Write ``legacy_store_30049da.sql``: a store made by Studio before Alembic (commit 30049da).

Run it with that commit's code first on the path, never with today's::

    mkdir -p /tmp/legacy-main && git archive 30049da | tar -x -C /tmp/legacy-main
    cd /tmp/legacy-main && PYTHONPATH=/tmp/legacy-main \\
        python /path/to/tests/core/data/make_legacy_store.py /path/to/tests/core/data

It ingests a small CSV (a real dataset version with its profile), writes a finished autopilot
run with its events, a job and two candidates, registers and promotes a model version (with its
audit events) directly as rows (no training), and dumps the SQLite database as SQL text.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

import studio
from studio.config import Settings
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.db import dispose_engine, session_scope
from studio.db.models import (
    Candidate,
    DatasetVersion,
    Job,
    ModelEvent,
    ModelVersion,
    RegisteredModel,
    Run,
    RunEvent,
)

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CSV = "age,plan,spend,churned\n" + "".join(
    f"{20 + i % 40},{('basic', 'pro', 'team')[i % 3]},{10.5 * (i % 7):.1f},{'yes' if i % 4 == 0 else 'no'}\n"  # noqa: E501
    for i in range(40)
)


def build(home: Path) -> Path:
    """Create the legacy store under ``home``; returns the SQLite file."""
    db = home / "studio.db"
    settings = Settings(
        home=home, database_url=f"sqlite:///{db}", artifacts_dir=home / "artifacts", user="legacy"
    )
    opened = Studio.open(settings)
    version = add_dataset_version(opened, CSV.encode(), "churn.csv", actor="legacy").version
    with session_scope(opened.engine) as session:
        row = session.exec(select(DatasetVersion)).one()
        run = Run(
            dataset_version_id=row.id, target="churned", task="binary", metric="roc_auc",
            status="finished", config={"budget_seconds": 60, "seed": 0, "families": ["lr"]},
            study_name="run-1", created_at=AT, created_by="legacy", started_at=AT,
            finished_at=AT + timedelta(minutes=1), trials_done=12, best_score=0.91,
            baseline_score=0.5, message="finished: 12 trials", best_history=[[1, 0.8], [5, 0.91]],
        )  # fmt: skip
        session.add(run)
        session.flush()
        done = AT + timedelta(minutes=1)
        session.add(Job(kind="autopilot", run_id=run.id, status="done", worker_id="w-legacy",
                        created_at=AT, claimed_at=AT, finished_at=done))  # fmt: skip
        session.add(RunEvent(run_id=run.id, at=AT, message="trial 5 (lr) scored 0.910"))
        for rank, (name, family, score) in enumerate(
            [("lr-5", "lr", 0.91), ("baseline", "dummy", 0.5)], start=1
        ):
            session.add(Candidate(
                run_id=run.id, name=name, rank=rank, family=family, trial_number=5,
                params={"C": 1.0}, cv_score=score, cv_std=0.02, holdout={"roc_auc": score},
                fit_seconds=0.1, predict_ms_per_1k=2.0, size_bytes=1234,
                artifact=f"models/run-1/{name}.skops", artifact_sha256="0" * 64,
                is_baseline=family == "dummy", created_at=AT,
            ))  # fmt: skip
        session.flush()
        best = session.exec(select(Candidate).where(Candidate.name == "lr-5")).one()
        session.add(RegisteredModel(name="churn", description="Churn model", created_at=AT,
                                    created_by="legacy"))  # fmt: skip
        session.add(ModelVersion(
            model_name="churn", version=1, dataset_version_id=row.id, created_at=AT,
            created_by="legacy", stage="production", approval="approved", run_id=run.id,
            candidate_id=best.id, candidate_name="lr-5", family="lr", target="churned",
            task="binary", metric="roc_auc", artifact="models/churn/1.skops",
            artifact_sha256="1" * 64, input_schema={"columns": ["age", "plan", "spend"]},
            metrics={"roc_auc": 0.91}, params={"C": 1.0}, baseline={}, card={"owner": "legacy"},
        ))  # fmt: skip
        for action, old, new in [
            ("registered", "", "none"), ("approval", "pending", "approved"),
            ("stage", "none", "production"),
        ]:  # fmt: skip
            session.add(ModelEvent(model_name="churn", version=1, at=AT, actor="legacy",
                                   action=action, from_value=old, to_value=new,
                                   comment="legacy fixture"))  # fmt: skip
    dispose_engine(settings.database_url)
    print(f"made {version.ref} with the code in {Path(studio.__file__).parent}", file=sys.stderr)
    return db


def main(out_dir: str) -> None:
    """Build the store in a temporary folder and dump it into ``out_dir``."""
    with tempfile.TemporaryDirectory() as tmp:
        db = build(Path(tmp))
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dump = "\n".join(conn.iterdump()) + "\n"
        conn.close()
    (Path(out_dir) / "legacy_store_30049da.sql").write_text(dump, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
