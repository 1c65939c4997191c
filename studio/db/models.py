"""SQLModel tables: the store's schema. The schema is created on first start.

Callers outside ``studio.db`` and the repositories never see these rows: the core converts them
into frozen dataclasses inside the session.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel


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


# An autopilot run on one dataset version (the autopilot fills in the rest of its life).
class Run(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    dataset_version_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dataset_version.id", ondelete="RESTRICT"), nullable=False
        )
    )
    target: str = Field(max_length=255)
    task: str = Field(max_length=20)
    status: str = Field(max_length=20, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=200)


# A registered model version trained on one dataset version (the registry fills in the rest).
class ModelVersion(SQLModel, table=True):
    __tablename__ = "model_version"
    __table_args__ = (UniqueConstraint("model_name", "version"),)

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


# An append-only activity log entry shown on Home ("who did what, when").
class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=200)
    kind: str = Field(max_length=50)
    subject: str = Field(max_length=255)
    message: str = Field(max_length=1000)
