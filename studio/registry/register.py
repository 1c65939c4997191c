"""Registering a candidate as a new version of a named model.

A version owns copies of what it needs: the model file (checked against the candidate's
SHA-256), its input schema, metrics and parameters, and a monitoring baseline: a seeded sample
of the training rows with the model's outputs on them (Parquet), plus their summaries. Files
are written first and removed again if the rows cannot be committed.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

import pandas as pd
import skops.io as sio
from sqlmodel import func, select

from studio.access import require
from studio.activity import record_event
from studio.artifacts import StoredFile
from studio.autopilot.data import prepare_training_data
from studio.autopilot.evaluation import TrainingData
from studio.context import Studio
from studio.data.versions import get_version as get_dataset_version
from studio.db import session_scope
from studio.db.models import Candidate, ModelEvent, ModelVersion, RegisteredModel, Run
from studio.errors import ConflictError, NotFoundError
from studio.i18n import _
from studio.modelio import load_candidate_model, load_model
from studio.registry.labels import task_name
from studio.registry.outputs import frame_summary, output_frame
from studio.registry.schema import build_schema
from studio.registry.training import all_rows, training_record
from studio.registry.training import refit_all_rows as refit_all_rows_of
from studio.registry.versions import VersionInfo, check_name, to_info
from studio.tracking import leaderboard_query

REFERENCE_ROWS = 50_000


@dataclass(frozen=True)
class _Source:
    run_id: int
    dataset_version_id: int
    config: dict
    task: str
    target: str
    metric: str
    candidate: Candidate


def _source(studio: Studio, run_id: int, candidate: str | None) -> _Source:
    with session_scope(studio.engine) as session:
        run = session.get(Run, run_id)
        if run is None:
            raise NotFoundError(
                _("There is no run {run}; 'studio runs list' shows them.").format(run=run_id)
            )
        query = leaderboard_query(run_id, run.metric)
        query = query.where(Candidate.name == candidate) if candidate else query
        row = session.exec(query).first()
        if row is None:
            missing = (
                _("Run {run} has no candidate '{candidate}'; 'studio runs show {run}' lists them.")
                if candidate
                else _("Run {run} has no candidates yet; 'studio runs show {run}' lists them.")
            )
            raise NotFoundError(missing.format(run=run_id, candidate=candidate))
        session.expunge(row)
        return _Source(run.id, run.dataset_version_id, dict(run.config), run.task, run.target,
                       run.metric, row)  # fmt: skip


def _reads(studio: Studio, dataset_ref: str) -> dict[str, dict[str, str]]:
    """How the training file's text columns were read (scoring reads its files the same way)."""
    return get_dataset_version(studio, dataset_ref).reads


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def register_candidate(
    studio: Studio,
    run_id: int,
    model_name: str,
    actor: str,
    candidate: str | None = None,
    description: str = "",
    refit_all_rows: bool | None = None,
) -> VersionInfo:
    """Register a run's candidate (its best when ``candidate`` is None) under ``model_name``.

    With ``refit_all_rows`` the version's model is the candidate's pipeline fitted on training
    + holdout rows: the fit the run made in its budget (``autopilot.all_rows``) when it made
    one, else a new fit now, saved as a file of its own (the candidate's stays as it is) and
    loaded back through the checksum and allow-list before use; the holdout score is kept as
    the estimate and ``training`` says it was measured before the refit. None (the default):
    all rows when the run fitted the candidate on them, else the training rows."""
    require(studio.settings, actor, "register")
    name = check_name(model_name)
    source = _source(studio, run_id, candidate)
    data = prepare_training_data(studio, source.config["dataset"], source.config)
    c = source.candidate
    if refit_all_rows is None:
        refit_all_rows = c.all_rows_artifact is not None
    model = load_candidate_model(studio.artifacts, run_id, c.name, c.artifact, c.artifact_sha256)
    folder = f"models/{name}/{uuid.uuid4().hex[:12]}"
    stored_model, model, X = _version_model(studio, c, model, data, folder, refit_all_rows)
    sample = X.sample(min(len(X), REFERENCE_ROWS), random_state=0).sort_index()
    outputs = output_frame(model, sample, list(data.labels))
    reference = pd.concat([sample.reset_index(drop=True), outputs.reset_index(drop=True)], axis=1)
    baseline = frame_summary(sample, outputs) | {"labels": list(data.labels),
                                                 "training_rows": int(len(X))}  # fmt: skip
    if len(data.labels) == 2:  # class 1 of the run's encoding is its positive class
        baseline["positive_class"] = data.labels[1]
    training = training_record(data, source.config, source.config["dataset"], refit_all_rows)
    content = _parquet(reference)
    stored_ref = studio.artifacts.write(f"{folder}/reference.parquet",
                                        lambda p: p.write_bytes(content))  # fmt: skip
    row = ModelVersion(
        model_name=name, version=0, dataset_version_id=source.dataset_version_id,
        created_by=actor, run_id=source.run_id, candidate_id=c.id, candidate_name=c.name,
        family=c.family, target=source.target, task=source.task, metric=source.metric,
        artifact=stored_model.path, artifact_sha256=stored_model.sha256,
        reference_artifact=stored_ref.path, reference_sha256=stored_ref.sha256,
        input_schema=build_schema(X, data.plan, _reads(studio, source.config["dataset"])),
        metrics={"holdout": dict(c.holdout), "cv": c.cv_score, "cv_std": c.cv_std},
        params=dict(c.params), baseline=baseline, training=training,
        card={"description": description.strip(), "intended_use": "", "limitations": ""},
    )  # fmt: skip
    try:
        return _insert(studio, row, actor)
    except BaseException:
        studio.artifacts.delete(stored_model.path)
        studio.artifacts.delete(stored_ref.path)
        raise


def _version_model(
    studio: Studio, c: Candidate, model: Any, data: TrainingData, folder: str, refit: bool
) -> tuple[StoredFile, Any, pd.DataFrame]:
    """The version's model file, the model (as loaded from it) and the rows it was fit on:
    a copy of the candidate's file, or (``refit``) a new fit on all rows, saved as a file of
    its own and loaded back through the checksum and the allow-list."""
    if not refit:
        return _copy(studio, c.artifact, c.artifact_sha256, folder), model, data.X
    if c.all_rows_artifact is not None:  # the run's own fit on all rows
        stored = _copy(studio, c.all_rows_artifact, c.all_rows_sha256, folder)
    else:
        fitted = refit_all_rows_of(model, data)
        stored = studio.artifacts.write(f"{folder}/model.skops", lambda p: sio.dump(fitted, p))
    try:
        subject = _("The refit of {candidate}").format(candidate=c.name)
        loaded = load_model(
            studio.artifacts, stored.path, stored.sha256, subject, _("register again")
        )
    except BaseException:
        studio.artifacts.delete(stored.path)
        raise
    return stored, loaded, all_rows(data)[0]


def _copy(studio: Studio, artifact: str, sha256: str, folder: str) -> StoredFile:
    """The version's own copy of a candidate's model file (checksum verified)."""
    model_bytes = studio.artifacts.verified_path(artifact, sha256).read_bytes()
    return studio.artifacts.write(f"{folder}/model.skops", lambda p: p.write_bytes(model_bytes))


def _insert(studio: Studio, row: ModelVersion, actor: str) -> VersionInfo:
    with session_scope(studio.engine) as session:
        model = session.exec(
            select(RegisteredModel).where(RegisteredModel.name == row.model_name).with_for_update()
        ).first()
        if model is None:
            model = RegisteredModel(name=row.model_name, created_by=actor)
            session.add(model)
            session.flush()
        else:
            _check_same_target(session, row)
        latest = session.exec(
            select(func.max(ModelVersion.version)).where(ModelVersion.model_name == row.model_name)
        ).one()
        row.version = (latest or 0) + 1
        session.add(row)
        session.flush()
        text = (
            _("from run {run}, candidate {candidate}, refit on all rows")
            if (row.training or {}).get("scope") == "all_rows"
            else _("from run {run}, candidate {candidate}")
        ).format(run=row.run_id, candidate=row.candidate_name)
        session.add(ModelEvent(model_name=row.model_name, version=row.version, actor=actor,
                               action="registered", to_value="none", comment=text))  # fmt: skip
        message = _("registered {name} v{version} {origin}").format(
            name=row.model_name, version=row.version, origin=text
        )
        record_event(session, actor=actor, kind="model.registered",
                     subject=f"{row.model_name}@{row.version}", message=message)  # fmt: skip
        return to_info(session, row)


def _check_same_target(session: object, row: ModelVersion) -> None:
    first = session.exec(  # type: ignore[attr-defined]
        select(ModelVersion).where(ModelVersion.model_name == row.model_name).limit(1)
    ).first()
    if first is not None and (first.target, first.task) != (row.target, row.task):
        raise ConflictError(
            _(
                "Model '{name}' predicts '{target}' ({task}); this candidate predicts "
                "'{new_target}' ({new_task}). Register it under another name."
            ).format(
                name=row.model_name, target=first.target, task=task_name(first.task),
                new_target=row.target, new_task=task_name(row.task),
            )
        )  # fmt: skip
