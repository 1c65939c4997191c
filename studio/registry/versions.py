"""Reading the registry: models, versions (frozen objects), references like name@production."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from studio.autopilot.metrics import metric_label
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Dataset, DatasetVersion, ModelEvent, ModelVersion, RegisteredModel
from studio.errors import InvalidInputError, NotFoundError
from studio.i18n import _
from studio.registry.training import training_note

STAGES = ("none", "staging", "production", "archived")
APPROVALS = ("pending", "approved", "rejected")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
REF = re.compile(r"^(?P<name>[^@]+?)(?:@(?P<which>production|staging|v?\d+))?$")


@dataclass(frozen=True)
class VersionInfo:
    """A registered model version as the UI and the CLI show it."""

    id: int
    name: str
    version: int
    stage: str
    approval: str
    created_at: datetime
    created_by: str
    run_id: int | None
    candidate_id: int | None
    candidate_name: str
    family: str
    dataset: str
    dataset_version_id: int
    target: str
    task: str
    metric: str
    metrics: dict[str, Any]
    params: dict[str, Any]
    input_schema: dict[str, Any]
    baseline: dict[str, Any]
    card: dict[str, Any]
    artifact: str
    artifact_sha256: str
    reference_artifact: str
    reference_sha256: str
    training: dict[str, Any] = field(default_factory=dict)  # see registry.training
    decision_threshold: float | None = None  # binary: saved by an approver (None: 0.5)

    @property
    def training_note(self) -> str:
        """Which rows the model was fit on and what its holdout score means, in one sentence
        ("" for versions registered before Studio recorded it)."""
        return training_note(self.training, self.metrics, self.metric)

    @property
    def ref(self) -> str:
        """``name@version``."""
        return f"{self.name}@{self.version}"

    @property
    def labels(self) -> list[str]:
        """The classes a classifier predicts (empty for regression)."""
        return list(self.baseline.get("labels", []))

    @property
    def positive_class(self) -> str | None:
        """A binary classifier's positive class: the one its metrics, ROC and value are about,
        always the second of ``labels`` (class 1); None for other tasks."""
        labels = self.labels
        return str(self.baseline.get("positive_class", labels[1])) if len(labels) == 2 else None

    @property
    def cut_sentence(self) -> str:
        """How a binary version turns P(positive class) into its predicted label ("" else)."""
        if self.positive_class is None:
            return ""
        if self.decision_threshold is None:
            return _(
                "'{positive}' is predicted where its probability is above 0.5 (no decision "
                "threshold saved)."
            ).format(positive=self.positive_class)
        return _(
            "'{positive}' is predicted where its probability is at least {threshold} (the "
            "decision threshold saved on {ref})."
        ).format(
            positive=self.positive_class, threshold=f"{self.decision_threshold:.2f}", ref=self.ref
        )

    @property
    def metric_label(self) -> str:
        """The human name of the run's metric."""
        return metric_label(self.metric)

    def to_json(self) -> dict[str, Any]:
        """The CLI's document: the same in every language (``training`` holds what the
        sentence ``training_note`` says, as data)."""
        return {
            "name": self.name, "version": self.version, "stage": self.stage,
            "approval": self.approval, "created_at": self.created_at.isoformat(),
            "created_by": self.created_by, "run_id": self.run_id,
            "candidate": self.candidate_name, "family": self.family, "dataset": self.dataset,
            "target": self.target, "task": self.task, "metric": self.metric,
            "metrics": self.metrics, "params": self.params,
            "features": [f["name"] for f in self.input_schema.get("features", [])],
            "artifact_sha256": self.artifact_sha256, "card": self.card,
            "training": self.training,
            "labels": self.labels, "positive_class": self.positive_class,
            "decision_threshold": self.decision_threshold,
        }  # fmt: skip


@dataclass(frozen=True)
class ModelSummary:
    """One line of the models list."""

    name: str
    description: str
    versions: int
    production: int | None
    staging: tuple[int, ...]
    latest: int
    task: str
    target: str
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "name": self.name, "versions": self.versions, "production": self.production,
            "staging": list(self.staging), "latest": self.latest, "task": self.task,
            "target": self.target, "updated_at": self.updated_at.isoformat(),
        }  # fmt: skip


@dataclass(frozen=True)
class AuditEvent:
    """One entry of a model's history."""

    at: datetime
    actor: str
    version: int | None
    action: str
    from_value: str
    to_value: str
    comment: str

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "at": self.at.isoformat(), "actor": self.actor, "version": self.version,
            "action": self.action, "from": self.from_value, "to": self.to_value,
            "comment": self.comment,
        }  # fmt: skip


def check_name(name: str) -> str:
    """A valid model name, or a sentence saying what one looks like."""
    name = name.strip()
    if not NAME.match(name):
        raise InvalidInputError(
            _(
                "'{name}' is not a valid model name: use up to 100 letters, digits, '.', '_' "
                "or '-', starting with a letter or digit."
            ).format(name=name)
        )
    return name


def to_info(session: Session, row: ModelVersion) -> VersionInfo:
    """A version row as a frozen object (inside the caller's session)."""
    version = session.get(DatasetVersion, row.dataset_version_id)
    dataset = session.get(Dataset, version.dataset_id)
    return VersionInfo(
        row.id, row.model_name, row.version, row.stage, row.approval, row.created_at,
        row.created_by, row.run_id, row.candidate_id, row.candidate_name, row.family,
        f"{dataset.name}@{version.version}", row.dataset_version_id, row.target, row.task,
        row.metric, dict(row.metrics or {}), dict(row.params or {}),
        dict(row.input_schema or {}), dict(row.baseline or {}), dict(row.card or {}),
        row.artifact, row.artifact_sha256, row.reference_artifact, row.reference_sha256,
        dict(row.training or {}),
        row.decision_threshold,
    )  # fmt: skip


def _model_or_raise(session: Session, name: str) -> RegisteredModel:
    model = session.exec(select(RegisteredModel).where(RegisteredModel.name == name)).first()
    if model is None:
        raise NotFoundError(
            _("There is no model '{name}'; 'studio models list' shows them.").format(name=name)
        )
    return model


def find_version(session: Session, name: str, which: str | int | None) -> ModelVersion:
    """The version row named by ``which``: a number, 'production', 'staging', or None
    (production); a stage names its newest version that was not rejected."""
    _model_or_raise(session, name)
    query = select(ModelVersion).where(ModelVersion.model_name == name)
    which = "production" if which is None else str(which).lower().removeprefix("v")
    if which in ("production", "staging"):  # a rejected version is never a stage's model
        staged = query.where(ModelVersion.stage == which, ModelVersion.approval != "rejected")
        row = session.exec(staged.order_by(col(ModelVersion.version).desc())).first()
        if row is None:
            missing = {
                "production": _("Model '{name}' has no production version; name a version "
                                "number."),
                "staging": _("Model '{name}' has no staging version; name a version number."),
            }[which]  # fmt: skip
            raise NotFoundError(missing.format(name=name))
        return row
    if not which.isdigit():
        raise InvalidInputError(
            _("'{which}' is not a version: use a number, production or staging.").format(
                which=which
            )
        )
    row = session.exec(query.where(ModelVersion.version == int(which))).first()
    if row is None:
        raise NotFoundError(
            _("Model '{name}' has no version {version}.").format(name=name, version=which)
        )
    return row


def parse_ref(ref: str) -> tuple[str, str | None]:
    """``name[@production|@staging|@N]`` split into the name and the version part."""
    match = REF.match(ref.strip())
    if not match:
        raise InvalidInputError(
            _(
                "'{ref}' is not a model reference: use NAME, NAME@production, NAME@staging or "
                "NAME@3."
            ).format(ref=ref)
        )
    return match.group("name"), match.group("which")


def get_version(studio: Studio, ref: str, which: str | int | None = None) -> VersionInfo:
    """The version ``ref`` names (``name@…``), or version ``which`` of model ``ref``."""
    name, part = parse_ref(ref)
    with session_scope(studio.engine) as session:
        return to_info(session, find_version(session, name, which if part is None else part))


def list_versions(studio: Studio, name: str) -> list[VersionInfo]:
    """Every version of a model, newest first."""
    with session_scope(studio.engine) as session:
        _model_or_raise(session, name)
        rows = session.exec(
            select(ModelVersion)
            .where(ModelVersion.model_name == name)
            .order_by(col(ModelVersion.version).desc())
        ).all()
        return [to_info(session, r) for r in rows]


def list_models(studio: Studio) -> list[ModelSummary]:
    """Every model with its version counts and stages, most recently changed first."""
    with session_scope(studio.engine) as session:
        models = session.exec(select(RegisteredModel)).all()
        out = []
        for model in models:
            rows = session.exec(
                select(ModelVersion).where(ModelVersion.model_name == model.name)
            ).all()
            last = session.exec(
                select(ModelEvent.at).where(ModelEvent.model_name == model.name)
                .order_by(col(ModelEvent.id).desc()).limit(1)
            ).first()  # fmt: skip
            production = next((r.version for r in rows if r.stage == "production"), None)
            latest = max(rows, key=lambda r: r.version) if rows else None
            out.append(ModelSummary(
                model.name, model.description, len(rows), production,
                tuple(sorted(r.version for r in rows
                             if r.stage == "staging" and r.approval != "rejected")),
                latest.version if latest else 0, latest.task if latest else "",
                latest.target if latest else "", last or model.created_at,
            ))  # fmt: skip
        return sorted(out, key=lambda m: m.updated_at, reverse=True)


def history(studio: Studio, name: str) -> list[AuditEvent]:
    """A model's audit events, newest first."""
    with session_scope(studio.engine) as session:
        _model_or_raise(session, name)
        rows = session.exec(
            select(ModelEvent).where(ModelEvent.model_name == name)
            .order_by(col(ModelEvent.id).desc())
        ).all()  # fmt: skip
        return [AuditEvent(r.at, r.actor, r.version, r.action, r.from_value, r.to_value,
                           r.comment) for r in rows]  # fmt: skip
