"""SQLModel tables: the store's schema, built and upgraded by the Alembic revisions in
``studio/db/migrations`` (``studio/db/migrate.py``). A change here needs a new revision;
``tests/core/test_migrations.py`` fails until it exists.

Callers outside ``studio.db`` and the repositories never see these rows: the core converts them
into frozen dataclasses inside the session.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
    event,
    text,
)
from sqlmodel import Field, SQLModel

from studio.errors import StorageError


def utcnow() -> datetime:
    """The current time in UTC (timezone-aware)."""
    return datetime.now(UTC)


# A named dataset; its content lives in immutable versions.
class Dataset(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=200)


# One immutable version of a dataset: a Parquet artifact plus its profile.
class DatasetVersion(SQLModel, table=True):
    __tablename__ = "dataset_version"
    __table_args__ = (
        UniqueConstraint("dataset_id", "version"),
        UniqueConstraint("dataset_id", "sha256"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(
        sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="RESTRICT"), nullable=False)
    )
    version: int
    sha256: str = Field(max_length=64, index=True)
    source_name: str = Field(max_length=255)
    file_format: str = Field(max_length=20)
    rows: int = Field(sa_column=Column(BigInteger, nullable=False))
    columns: int
    size_bytes: int = Field(sa_column=Column(BigInteger, nullable=False))
    artifact: str = Field(max_length=255)
    artifact_sha256: str = Field(max_length=64)
    ingest: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    profile: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=200)


# An autopilot run on one dataset version: its configuration, state and progress summary.
# The trials themselves live in Optuna's storage (study ``study_name``) on the same database.
class Run(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    dataset_version_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dataset_version.id", ondelete="RESTRICT"), nullable=False
        )
    )
    target: str = Field(max_length=255)
    task: str = Field(max_length=20)
    metric: str = Field(default="", max_length=30)
    status: str = Field(max_length=20, index=True)
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    study_name: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=200)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    search_deadline: datetime | None = None
    search_seconds: float = 0.0
    stop_requested: bool = False
    trials_done: int = 0
    best_score: float | None = None
    baseline_score: float | None = None
    message: str = Field(default="", max_length=1000)
    best_history: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# A line of a run's event log ("trial 12 (hgb) scored 0.853", "refit 5 candidates").
class RunEvent(SQLModel, table=True):
    __tablename__ = "run_event"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(
        sa_column=Column(Integer, ForeignKey("run.id", ondelete="CASCADE"), nullable=False)
    )
    at: datetime = Field(default_factory=utcnow)
    level: str = Field(default="info", max_length=10)
    message: str = Field(max_length=1000)


# A finalised candidate of a run: refit on all training rows, scored on the holdout, saved.
# Immutable once created (see ``_refuse_candidate_changes``): a resumed run adds a new round of
# candidates and never rewrites one, so a registered version's lineage always names its model.
# ``round`` is the finalising session that created it (1, then 2, ... after resumes) and
# ``rank`` its place among that round's candidates; the leaderboard orders every round by CV.
class Candidate(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("run_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(
        sa_column=Column(Integer, ForeignKey("run.id", ondelete="CASCADE"), nullable=False)
    )
    name: str = Field(max_length=100)
    rank: int
    family: str = Field(max_length=50)
    trial_number: int | None = None
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    cv_score: float
    cv_std: float
    holdout: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    fit_seconds: float
    predict_ms_per_1k: float
    size_bytes: int = Field(sa_column=Column(BigInteger, nullable=False))
    artifact: str = Field(max_length=255)
    artifact_sha256: str = Field(max_length=64)
    is_baseline: bool = False
    round: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Binary tasks: TP/FP/FN/TN of the out-of-fold outputs at thresholds 0, 0.01, ..., 1, where
    # a decision threshold is chosen before the holdout values it (None: stored before 0005).
    oof_thresholds: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    # The run's leader also fitted on all rows (training + holdout) in the budget; registering
    # it uses this file (None: no such fit, or stored before 0008).
    all_rows_artifact: str | None = Field(default=None, max_length=255)
    all_rows_sha256: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


@event.listens_for(Candidate, "before_update")
def _refuse_candidate_changes(_mapper: Any, _connection: Any, target: Candidate) -> None:
    """A candidate row never changes once written (its run's deletion cascades in the
    database, not here)."""
    raise StorageError(f"Candidate {target.id} is immutable; a resumed run adds new candidates.")


@event.listens_for(Candidate, "before_delete")
def _refuse_candidate_deletion(_mapper: Any, _connection: Any, target: Candidate) -> None:
    """Deleting a candidate would orphan the versions and links that name it."""
    raise StorageError(f"Candidate {target.id} is immutable and is never deleted.")


# What a finished run's analysis produced: the trial table and Optuna's views, saved once.
class RunAnalysis(SQLModel, table=True):
    __tablename__ = "run_analysis"

    run_id: int = Field(
        sa_column=Column(Integer, ForeignKey("run.id", ondelete="CASCADE"), primary_key=True)
    )
    status: str = Field(default="pending", max_length=20)  # pending | done | failed
    trials_artifact: str = Field(default="", max_length=255)
    trials_sha256: str = Field(default="", max_length=64)
    views_artifact: str = Field(default="", max_length=255)
    views_sha256: str = Field(default="", max_length=64)
    seconds: float = 0.0
    message: str = Field(default="", max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow)


# Holdout diagnostics of one candidate (curves, matrices, importances, bootstrap samples).
class CandidateDiagnostics(SQLModel, table=True):
    __tablename__ = "candidate_diagnostics"

    candidate_id: int = Field(
        sa_column=Column(Integer, ForeignKey("candidate.id", ondelete="CASCADE"), primary_key=True)
    )
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# A Markdown note on a run or a candidate (one per subject; edits replace it).
class Note(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("subject", "subject_id"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=20)  # run | candidate
    subject_id: int = Field(index=True)
    body: str = Field(default="", max_length=20_000)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(max_length=200)


# A tag on a run or a candidate.
class Tag(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("subject", "subject_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=20)
    subject_id: int = Field(index=True)
    name: str = Field(max_length=50, index=True)


# A unit of background work (an autopilot session of a run) that one worker claims.
class Job(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)
    run_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("run.id", ondelete="CASCADE"), nullable=True),
    )
    status: str = Field(max_length=20, index=True)  # queued | running | done | failed
    worker_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None
    finished_at: datetime | None = None
    error: str = Field(default="", max_length=2000)


# A live (or once live) worker process: heartbeats tell whether it still runs.
class Worker(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    host: str = Field(max_length=255)
    pid: int
    started_at: datetime = Field(default_factory=utcnow)
    heartbeat_at: datetime = Field(default_factory=utcnow, index=True)
    job_id: int | None = None
    run_id: int | None = None
    stopped: bool = False


# A named model; its versions are registered candidates.
class RegisteredModel(SQLModel, table=True):
    __tablename__ = "registered_model"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True, index=True)
    description: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=200)


# A registered model version: a candidate's artifact with everything needed to use and watch it.
# At most one version per model is in production (a partial unique index enforces it).
class ModelVersion(SQLModel, table=True):
    __tablename__ = "model_version"
    __table_args__ = (
        UniqueConstraint("model_name", "version"),
        Index(
            "one_production_per_model", "model_name", unique=True,
            sqlite_where=text("stage = 'production'"),
            postgresql_where=text("stage = 'production'"),
        ),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    model_name: str = Field(max_length=100, index=True)
    version: int
    dataset_version_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dataset_version.id", ondelete="RESTRICT"), nullable=False
        )
    )
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=200)
    stage: str = Field(default="none", max_length=20, sa_column_kwargs={"server_default": "none"})
    approval: str = Field(
        default="pending", max_length=20, sa_column_kwargs={"server_default": "pending"}
    )
    run_id: int | None = None
    candidate_id: int | None = None
    candidate_name: str = Field(
        default="", max_length=100, sa_column_kwargs={"server_default": ""}
    )
    family: str = Field(default="", max_length=50, sa_column_kwargs={"server_default": ""})
    target: str = Field(default="", max_length=255, sa_column_kwargs={"server_default": ""})
    task: str = Field(default="", max_length=20, sa_column_kwargs={"server_default": ""})
    metric: str = Field(default="", max_length=30, sa_column_kwargs={"server_default": ""})
    artifact: str = Field(default="", max_length=255, sa_column_kwargs={"server_default": ""})
    artifact_sha256: str = Field(
        default="", max_length=64, sa_column_kwargs={"server_default": ""}
    )
    reference_artifact: str = Field(
        default="", max_length=255, sa_column_kwargs={"server_default": ""}
    )
    reference_sha256: str = Field(
        default="", max_length=64, sa_column_kwargs={"server_default": ""}
    )
    input_schema: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    metrics: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    baseline: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    card: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    # Which rows the model was fit on: the run's training rows, or all of them (holdout too)
    # when it was refit at registration; see ``registry.training``.
    training: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    # A binary version's saved decision threshold: P(positive class) >= it predicts the positive
    # class (None: 0.5 by the largest probability). Changed only by an audited model event.
    decision_threshold: float | None = None


# An append-only audit event of the registry: who changed what, when, from what to what, and why.
class ModelEvent(SQLModel, table=True):
    __tablename__ = "model_event"

    id: int | None = Field(default=None, primary_key=True)
    model_name: str = Field(max_length=100, index=True)
    version: int | None = None
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=30)  # registered | approval | stage | card | threshold
    from_value: str = Field(default="", max_length=30)
    to_value: str = Field(default="", max_length=30)
    comment: str = Field(default="", max_length=2000)


# How the endpoint splits a model's live traffic: version → share (the shares sum to 1), and an
# optional shadow version that scores the same requests off the response path. No row: every
# request goes to production. Every change is a "traffic" ModelEvent.
class ModelTraffic(SQLModel, table=True):
    __tablename__ = "model_traffic"

    model_name: str = Field(max_length=100, primary_key=True)
    split: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    shadow: int | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(max_length=200)


# What one serving process answered for one version and source (live, shadow) in one log
# window: every request counted (the sampled log keeps only some rows), the failed ones by
# class, and the latency of the answered ones. Written by ``studio serve`` with its batches.
class ServingWindow(SQLModel, table=True):
    __tablename__ = "serving_window"

    id: int | None = Field(default=None, primary_key=True)
    model_version_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("model_version.id", ondelete="CASCADE"), nullable=False,
            index=True,
        )
    )  # fmt: skip
    source: str = Field(max_length=20)
    started_at: datetime
    ended_at: datetime = Field(index=True)
    requests: int = Field(sa_column=Column(BigInteger, nullable=False))
    client_errors: int = Field(sa_column=Column(BigInteger, nullable=False))
    server_errors: int = Field(sa_column=Column(BigInteger, nullable=False))
    latency_ms_p50: float | None = None
    latency_ms_p99: float | None = None


# A batch scored by a model version, kept (a sample of inputs and outputs) for monitoring.
class ScoredBatch(SQLModel, table=True):
    __tablename__ = "scored_batch"

    id: int | None = Field(default=None, primary_key=True)
    model_version_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("model_version.id", ondelete="CASCADE"), nullable=False
        )
    )
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=200)
    source_name: str = Field(max_length=255)
    rows: int = Field(sa_column=Column(BigInteger, nullable=False))
    logged_rows: int = Field(sa_column=Column(BigInteger, nullable=False))
    artifact: str = Field(max_length=255)
    artifact_sha256: str = Field(max_length=64)
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


# A stored drift result of a model version: one batch as a whole ("all") or one time window.
class DriftResult(SQLModel, table=True):
    __tablename__ = "drift_result"

    id: int | None = Field(default=None, primary_key=True)
    model_version_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("model_version.id", ondelete="CASCADE"), nullable=False
        )
    )
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=200)
    source_name: str = Field(default="", max_length=255)
    window: str = Field(max_length=40)
    granularity: str = Field(default="batch", max_length=10)  # batch | 1D | 1W | 1M
    start: datetime | None = None
    end: datetime | None = None
    rows: int = 0
    dataset_drift: bool = False
    drift_share: float = 0.0
    report: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


# A retraining started from monitoring: the run that trains a challenger on the reference plus
# new labelled rows, and the held-back recent rows both models are compared on.
class Retrain(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    model_name: str = Field(max_length=100, index=True)
    champion_version_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("model_version.id", ondelete="CASCADE"), nullable=False
        )
    )
    run_id: int = Field(
        sa_column=Column(Integer, ForeignKey("run.id", ondelete="CASCADE"), nullable=False)
    )
    compare_artifact: str = Field(max_length=255)
    compare_sha256: str = Field(max_length=64)
    new_rows: int = 0
    compare_rows: int = 0
    # How the compared rows were held back: "random" (a seeded third) or "latest" (by time).
    held_back: str = Field(default="random", max_length=20,
                           sa_column_kwargs={"server_default": "random"})  # fmt: skip
    held_back_note: str = Field(
        default="", max_length=500, sa_column_kwargs={"server_default": ""}
    )
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=200)


# An append-only activity log entry shown on Home ("who did what, when").
class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=200)
    kind: str = Field(max_length=50)
    subject: str = Field(max_length=255)
    message: str = Field(max_length=1000)


# A model's monitoring settings: per-feature drift tests and thresholds chosen over the
# documented defaults, and the share of drifted features that makes dataset drift.
class MonitorConfig(SQLModel, table=True):
    __tablename__ = "monitor_config"

    id: int | None = Field(default=None, primary_key=True)
    model_name: str = Field(max_length=100, unique=True, index=True)
    tests: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    thresholds: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    share_threshold: float = 0.5
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(max_length=200)


# Labels that arrived after a batch was scored, joined to the logged rows on an id column;
# the joined labels are an artifact, the metric they give is kept here.
class BatchLabels(SQLModel, table=True):
    __tablename__ = "batch_labels"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("scored_batch.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    id_column: str = Field(max_length=255)
    matched: int = 0
    unmatched: int = 0
    artifact: str = Field(max_length=255)
    artifact_sha256: str = Field(max_length=64)
    performance: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=200)


# A model's monitoring schedule: every N seconds or a 5-field cron expression (UTC). Workers
# claim a due check by moving ``next_due_at`` forward with a compare-and-set; the watermarks
# say which logged batches, label joins and request windows the last check covered.
class MonitorSchedule(SQLModel, table=True):
    __tablename__ = "monitor_schedule"

    id: int | None = Field(default=None, primary_key=True)
    model_name: str = Field(max_length=100, unique=True, index=True)
    every_seconds: int | None = None
    cron: str = Field(default="", max_length=100)
    window: str = Field(default="batch", max_length=10)  # batch | 1D | 1W
    enabled: bool = True
    next_due_at: datetime = Field(default_factory=utcnow)
    last_check_at: datetime | None = None
    last_batch_id: int = 0  # the newest scored batch a check covered
    last_label_id: int = 0  # the newest label join a check covered
    last_serving_id: int = 0  # the newest request window (``serving_window``) a check covered
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(max_length=200)


# One scheduled check: what decided it (inputs: batch ids, windows, label joins) and what it
# found (results per part: drift, the realised metric, later the estimated metric).
class MonitorCheck(SQLModel, table=True):
    __tablename__ = "monitor_check"

    id: int | None = Field(default=None, primary_key=True)
    model_name: str = Field(max_length=100, index=True)
    version: int | None = None
    due_at: datetime
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    worker_id: str = Field(default="", max_length=64)
    status: str = Field(default="running", max_length=20)  # running | done | no data | failed
    inputs: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    results: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str = Field(default="", max_length=2000)


# Where alerts go: a signed JSON webhook, a Slack/Feishu/DingTalk/WeCom incoming webhook, or
# e-mail. ``url`` and ``secret`` are never shown back (an incoming webhook's URL is its key).
class AlertChannel(SQLModel, table=True):
    __tablename__ = "alert_channel"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True, index=True)
    kind: str = Field(max_length=20)  # webhook | slack | feishu | dingtalk | wecom | email
    url: str = Field(default="", max_length=2000)
    secret: str = Field(default="", max_length=500)
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=200)


# A rule of a model: what makes an alert and which channels hear of it. Removing a rule marks
# it removed, so its alerts keep naming it.
class AlertRule(SQLModel, table=True):
    __tablename__ = "alert_rule"

    id: int | None = Field(default=None, primary_key=True)
    model_name: str = Field(max_length=100, index=True)
    kind: str = Field(max_length=30)
    feature: str = Field(default="", max_length=255)
    delta: float | None = None
    period_seconds: int | None = None
    channels: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    removed: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=200)


# An alert: opened by a check whose results broke a rule; acknowledged, then resolved, by whom
# and when. At most one unresolved alert per rule (a partial unique index): a rule that keeps
# firing counts ``repeats`` on its open alert instead of opening another.
class Alert(SQLModel, table=True):
    __table_args__ = (
        Index(
            "one_open_alert_per_rule", "rule_id", unique=True,
            sqlite_where=text("state != 'resolved'"),
            postgresql_where=text("state != 'resolved'"),
        ),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(
        sa_column=Column(Integer, ForeignKey("alert_rule.id", ondelete="CASCADE"), nullable=False)
    )
    model_name: str = Field(max_length=100, index=True)
    check_id: int | None = None
    state: str = Field(default="open", max_length=20)  # open | acknowledged | resolved
    message: str = Field(max_length=1000)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    repeats: int = 0
    opened_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    acknowledged_at: datetime | None = None
    acknowledged_by: str = Field(default="", max_length=200)
    resolved_at: datetime | None = None
    resolved_by: str = Field(default="", max_length=200)


# An append-only audit event of an alert: opened, acknowledged, resolved (who, when, why).
class AlertEvent(SQLModel, table=True):
    __tablename__ = "alert_event"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(
        sa_column=Column(Integer, ForeignKey("alert.id", ondelete="CASCADE"), nullable=False)
    )
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=30)
    comment: str = Field(default="", max_length=2000)


# One delivery attempt of an alert (or of a test message: no alert) to a channel.
class AlertDelivery(SQLModel, table=True):
    __tablename__ = "alert_delivery"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("alert.id", ondelete="CASCADE"), nullable=True),
    )
    channel_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("alert_channel.id", ondelete="CASCADE"), nullable=False
        )
    )
    attempt: int = 1
    at: datetime = Field(default_factory=utcnow)
    ok: bool = False
    status_code: int | None = None
    error: str = Field(default="", max_length=1000)
