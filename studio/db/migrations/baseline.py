"""The baseline: Studio's schema as it stood when Studio moved to Alembic (commit 30049da).

Revision ``0001`` creates these tables, and a store made before Alembic is brought to them
(``studio.db.migrate.adopt_legacy_schema``) before it is stamped at ``0001``. This is a frozen
copy, not ``studio.db.models``: the models move on through new revisions, this never changes.
Never edit it; write a revision instead (see ``studio.db.migrate``).

Types render the same DDL as the models' SQLModel types (``AutoString(n)`` is ``String(n)``,
``UTCDateTime`` is ``DateTime(timezone=True)``). A plain ``default`` is what an adopted store
fills a missing NOT NULL column with.
"""

from __future__ import annotations

import sqlalchemy as sa

BASELINE = sa.MetaData()

sa.Table(
    "dataset",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Index("ix_dataset_name", "name", unique=True),
)

sa.Table(
    "dataset_version",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column(
        "dataset_id",
        sa.Integer(),
        sa.ForeignKey("dataset.id", ondelete="RESTRICT"),
        nullable=False,
    ),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("source_name", sa.String(255), nullable=False),
    sa.Column("file_format", sa.String(20), nullable=False),
    sa.Column("rows", sa.BigInteger(), nullable=False),
    sa.Column("columns", sa.Integer(), nullable=False),
    sa.Column("size_bytes", sa.BigInteger(), nullable=False),
    sa.Column("artifact", sa.String(255), nullable=False),
    sa.Column("artifact_sha256", sa.String(64), nullable=False),
    sa.Column("ingest", sa.JSON(), nullable=False),
    sa.Column("profile", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("dataset_id", "version"),
    sa.UniqueConstraint("dataset_id", "sha256"),
    sa.Index("ix_dataset_version_sha256", "sha256"),
)

sa.Table(
    "run",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column(
        "dataset_version_id",
        sa.Integer(),
        sa.ForeignKey("dataset_version.id", ondelete="RESTRICT"),
        nullable=False,
    ),
    sa.Column("target", sa.String(255), nullable=False),
    sa.Column("task", sa.String(20), nullable=False),
    sa.Column("metric", sa.String(30), nullable=False, default=""),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("config", sa.JSON(), nullable=False),
    sa.Column("study_name", sa.String(100), nullable=False, default=""),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("search_deadline", sa.DateTime(timezone=True), nullable=True),
    sa.Column("search_seconds", sa.Float(), nullable=False, default=0.0),
    sa.Column("stop_requested", sa.Boolean(), nullable=False, default=False),
    sa.Column("trials_done", sa.Integer(), nullable=False, default=0),
    sa.Column("best_score", sa.Float(), nullable=True),
    sa.Column("baseline_score", sa.Float(), nullable=True),
    sa.Column("message", sa.String(1000), nullable=False, default=""),
    sa.Column("best_history", sa.JSON(), nullable=False),
    sa.Index("ix_run_status", "status"),
)

sa.Table(
    "run_event",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("run_id", sa.Integer(), sa.ForeignKey("run.id", ondelete="CASCADE"), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("level", sa.String(10), nullable=False, default="info"),
    sa.Column("message", sa.String(1000), nullable=False),
)

sa.Table(
    "candidate",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("run_id", sa.Integer(), sa.ForeignKey("run.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("rank", sa.Integer(), nullable=False),
    sa.Column("family", sa.String(50), nullable=False),
    sa.Column("trial_number", sa.Integer(), nullable=True),
    sa.Column("params", sa.JSON(), nullable=False),
    sa.Column("cv_score", sa.Float(), nullable=False),
    sa.Column("cv_std", sa.Float(), nullable=False),
    sa.Column("holdout", sa.JSON(), nullable=False),
    sa.Column("fit_seconds", sa.Float(), nullable=False),
    sa.Column("predict_ms_per_1k", sa.Float(), nullable=False),
    sa.Column("size_bytes", sa.BigInteger(), nullable=False),
    sa.Column("artifact", sa.String(255), nullable=False),
    sa.Column("artifact_sha256", sa.String(64), nullable=False),
    sa.Column("is_baseline", sa.Boolean(), nullable=False, default=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("run_id", "name"),
)

sa.Table(
    "run_analysis",
    BASELINE,
    sa.Column(
        "run_id", sa.Integer(), sa.ForeignKey("run.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("status", sa.String(20), nullable=False, default="pending"),
    sa.Column("trials_artifact", sa.String(255), nullable=False, default=""),
    sa.Column("trials_sha256", sa.String(64), nullable=False, default=""),
    sa.Column("views_artifact", sa.String(255), nullable=False, default=""),
    sa.Column("views_sha256", sa.String(64), nullable=False, default=""),
    sa.Column("seconds", sa.Float(), nullable=False, default=0.0),
    sa.Column("message", sa.String(1000), nullable=False, default=""),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

sa.Table(
    "candidate_diagnostics",
    BASELINE,
    sa.Column(
        "candidate_id",
        sa.Integer(),
        sa.ForeignKey("candidate.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("data", sa.JSON(), nullable=False),
)

sa.Table(
    "note",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("subject", sa.String(20), nullable=False),
    sa.Column("subject_id", sa.Integer(), nullable=False),
    sa.Column("body", sa.String(20000), nullable=False, default=""),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("subject", "subject_id"),
    sa.Index("ix_note_subject_id", "subject_id"),
)

sa.Table(
    "tag",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("subject", sa.String(20), nullable=False),
    sa.Column("subject_id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(50), nullable=False),
    sa.UniqueConstraint("subject", "subject_id", "name"),
    sa.Index("ix_tag_name", "name"),
    sa.Index("ix_tag_subject_id", "subject_id"),
)

sa.Table(
    "job",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("run_id", sa.Integer(), sa.ForeignKey("run.id", ondelete="CASCADE"), nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("worker_id", sa.String(64), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("error", sa.String(2000), nullable=False, default=""),
    sa.Index("ix_job_status", "status"),
)

sa.Table(
    "worker",
    BASELINE,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("pid", sa.Integer(), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("job_id", sa.Integer(), nullable=True),
    sa.Column("run_id", sa.Integer(), nullable=True),
    sa.Column("stopped", sa.Boolean(), nullable=False, default=False),
    sa.Index("ix_worker_heartbeat_at", "heartbeat_at"),
)

sa.Table(
    "registered_model",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("description", sa.String(2000), nullable=False, default=""),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Index("ix_registered_model_name", "name", unique=True),
)

sa.Table(
    "model_version",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("model_name", sa.String(100), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column(
        "dataset_version_id",
        sa.Integer(),
        sa.ForeignKey("dataset_version.id", ondelete="RESTRICT"),
        nullable=False,
    ),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("stage", sa.String(20), nullable=False, server_default="none"),
    sa.Column("approval", sa.String(20), nullable=False, server_default="pending"),
    sa.Column("run_id", sa.Integer(), nullable=True),
    sa.Column("candidate_id", sa.Integer(), nullable=True),
    sa.Column("candidate_name", sa.String(100), nullable=False, server_default=""),
    sa.Column("family", sa.String(50), nullable=False, server_default=""),
    sa.Column("target", sa.String(255), nullable=False, server_default=""),
    sa.Column("task", sa.String(20), nullable=False, server_default=""),
    sa.Column("metric", sa.String(30), nullable=False, server_default=""),
    sa.Column("artifact", sa.String(255), nullable=False, server_default=""),
    sa.Column("artifact_sha256", sa.String(64), nullable=False, server_default=""),
    sa.Column("reference_artifact", sa.String(255), nullable=False, server_default=""),
    sa.Column("reference_sha256", sa.String(64), nullable=False, server_default=""),
    sa.Column("input_schema", sa.JSON(), nullable=True),
    sa.Column("metrics", sa.JSON(), nullable=True),
    sa.Column("params", sa.JSON(), nullable=True),
    sa.Column("baseline", sa.JSON(), nullable=True),
    sa.Column("card", sa.JSON(), nullable=True),
    sa.UniqueConstraint("model_name", "version"),
    sa.Index("ix_model_version_model_name", "model_name"),
    sa.Index(
        "one_production_per_model",
        "model_name",
        unique=True,
        sqlite_where=sa.text("stage = 'production'"),
        postgresql_where=sa.text("stage = 'production'"),
    ),
)

sa.Table(
    "model_event",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("model_name", sa.String(100), nullable=False),
    sa.Column("version", sa.Integer(), nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("from_value", sa.String(30), nullable=False, default=""),
    sa.Column("to_value", sa.String(30), nullable=False, default=""),
    sa.Column("comment", sa.String(2000), nullable=False, default=""),
    sa.Index("ix_model_event_model_name", "model_name"),
)

sa.Table(
    "scored_batch",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column(
        "model_version_id",
        sa.Integer(),
        sa.ForeignKey("model_version.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("source_name", sa.String(255), nullable=False),
    sa.Column("rows", sa.BigInteger(), nullable=False),
    sa.Column("logged_rows", sa.BigInteger(), nullable=False),
    sa.Column("artifact", sa.String(255), nullable=False),
    sa.Column("artifact_sha256", sa.String(64), nullable=False),
    sa.Column("summary", sa.JSON(), nullable=True),
    sa.Index("ix_scored_batch_at", "at"),
)

sa.Table(
    "drift_result",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column(
        "model_version_id",
        sa.Integer(),
        sa.ForeignKey("model_version.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("source_name", sa.String(255), nullable=False, default=""),
    sa.Column("window", sa.String(40), nullable=False),
    sa.Column("granularity", sa.String(10), nullable=False, default="batch"),
    sa.Column("start", sa.DateTime(timezone=True), nullable=True),
    sa.Column("end", sa.DateTime(timezone=True), nullable=True),
    sa.Column("rows", sa.Integer(), nullable=False, default=0),
    sa.Column("dataset_drift", sa.Boolean(), nullable=False, default=False),
    sa.Column("drift_share", sa.Float(), nullable=False, default=0.0),
    sa.Column("report", sa.JSON(), nullable=True),
    sa.Index("ix_drift_result_at", "at"),
)

sa.Table(
    "retrain",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("model_name", sa.String(100), nullable=False),
    sa.Column(
        "champion_version_id",
        sa.Integer(),
        sa.ForeignKey("model_version.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("run_id", sa.Integer(), sa.ForeignKey("run.id", ondelete="CASCADE"), nullable=False),
    sa.Column("compare_artifact", sa.String(255), nullable=False),
    sa.Column("compare_sha256", sa.String(64), nullable=False),
    sa.Column("new_rows", sa.Integer(), nullable=False, default=0),
    sa.Column("compare_rows", sa.Integer(), nullable=False, default=0),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Index("ix_retrain_model_name", "model_name"),
)

sa.Table(
    "event",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(50), nullable=False),
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("message", sa.String(1000), nullable=False),
    sa.Index("ix_event_at", "at"),
)

sa.Table(
    "monitor_config",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("model_name", sa.String(100), nullable=False),
    sa.Column("tests", sa.JSON(), nullable=True),
    sa.Column("thresholds", sa.JSON(), nullable=True),
    sa.Column("share_threshold", sa.Float(), nullable=False, default=0.5),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Index("ix_monitor_config_model_name", "model_name", unique=True),
)

sa.Table(
    "batch_labels",
    BASELINE,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column(
        "batch_id",
        sa.Integer(),
        sa.ForeignKey("scored_batch.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("id_column", sa.String(255), nullable=False),
    sa.Column("matched", sa.Integer(), nullable=False, default=0),
    sa.Column("unmatched", sa.Integer(), nullable=False, default=0),
    sa.Column("artifact", sa.String(255), nullable=False),
    sa.Column("artifact_sha256", sa.String(64), nullable=False),
    sa.Column("performance", sa.JSON(), nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Index("ix_batch_labels_batch_id", "batch_id"),
)
