"""Logged scored batches as monitoring input: list them, check a choice of them for drift
(each batch its own window, or windows of the time they were scored), and join labels that
arrived later to a batch's rows on an id column to measure the model on them.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import col, select

from studio.access import require
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import BatchLabels, ModelVersion, ScoredBatch
from studio.errors import InvalidInputError, NotFoundError
from studio.monitor.performance import MIN_LABELLED, Performance, performance
from studio.monitor.service import MonitorResult, monitor_frame
from studio.registry.outputs import proba_column
from studio.registry.versions import VersionInfo, get_version, parse_ref

BATCH_COLUMN = "__studio_batch__"
SCORED_AT = "__studio_scored_at__"


@dataclass(frozen=True)
class BatchInfo:
    """A logged batch: when and what was scored, and its labels' metric once joined."""

    id: int
    version: int
    at: datetime
    actor: str
    source: str
    rows: int
    logged_rows: int
    keys: tuple[str, ...]
    labelled: int = 0
    performance: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        """How the batch is named in lists and windows."""
        return f"#{self.id} {self.source}"[:40]

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "id": self.id, "version": self.version, "at": self.at.isoformat(),
            "source": self.source, "rows": self.rows, "logged_rows": self.logged_rows,
            "keys": list(self.keys), "labelled": self.labelled, "performance": self.performance,
        }  # fmt: skip


@dataclass(frozen=True)
class LabelResult:
    """What joining labels to a batch gave: how many rows matched, and the metric on them."""

    batch: BatchInfo
    matched: int
    unmatched_labels: int
    unlabelled_rows: int
    performance: Performance

    def to_json(self) -> dict[str, Any]:
        """The CLI's document."""
        return {
            "batch": self.batch.id,
            "matched": self.matched,
            "unmatched_labels": self.unmatched_labels,
            "unlabelled_rows": self.unlabelled_rows,
            "performance": self.performance.to_json(),
        }


def _info(batch: ScoredBatch, version: int, labels: BatchLabels | None) -> BatchInfo:
    return BatchInfo(
        batch.id, version, batch.at, batch.actor, batch.source_name, batch.rows,
        batch.logged_rows, tuple(batch.summary.get("identifiers", [])),
        labels.matched if labels else 0, dict(labels.performance) if labels else None,
    )  # fmt: skip


def list_batches(studio: Studio, name: str) -> list[BatchInfo]:
    """The logged batches of every version of model ``name``, newest first."""
    name = parse_ref(name)[0]
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(ScoredBatch, ModelVersion.version)
            .join(ModelVersion, col(ModelVersion.id) == col(ScoredBatch.model_version_id))
            .where(ModelVersion.model_name == name)
            .order_by(col(ScoredBatch.id).desc())
        ).all()
        labels = _latest_labels(session, [b.id for b, _ in rows])
        return [_info(b, v, labels.get(b.id)) for b, v in rows]


def _latest_labels(session: Any, batch_ids: list[int]) -> dict[int, BatchLabels]:
    if not batch_ids:
        return {}
    found = session.exec(
        select(BatchLabels)
        .where(col(BatchLabels.batch_id).in_(batch_ids))
        .order_by(col(BatchLabels.id))
    ).all()
    return {row.batch_id: row for row in found}  # the newest wins


def _batch(studio: Studio, batch_id: int) -> tuple[BatchInfo, VersionInfo, pd.DataFrame]:
    with session_scope(studio.engine) as session:
        row = session.get(ScoredBatch, batch_id)
        if row is None:
            raise NotFoundError(f"There is no logged batch #{batch_id}; see the list of batches.")
        number = session.get(ModelVersion, row.model_version_id)
        info = _info(row, number.version, _latest_labels(session, [batch_id]).get(batch_id))
        ref = f"{number.model_name}@{number.version}"
    version = get_version(studio, ref)
    path = studio.artifacts.verified_path(row.artifact, row.artifact_sha256)
    return info, version, pd.read_parquet(path)


def _naive(moment: datetime) -> datetime:
    """UTC without a zone (periods of a day or week have none)."""
    return (
        moment.replace(tzinfo=None)
        if moment.tzinfo is None
        else (pd.Timestamp(moment).tz_convert("UTC").tz_localize(None).to_pydatetime())
    )


def logged_frame(studio: Studio, ref: str, batch_ids: list[int]) -> pd.DataFrame:
    """The logged features of ``batch_ids`` (scored by model ``ref``), with each row's batch
    label and scoring time."""
    if not batch_ids:
        raise InvalidInputError("Choose at least one logged batch to check.")
    parts = []
    for batch_id in sorted(set(batch_ids)):
        info, version, frame = _batch(studio, batch_id)
        if version.name != parse_ref(ref)[0]:
            raise InvalidInputError(f"Batch #{batch_id} was scored by another model.")
        features = [f["name"] for f in version.input_schema.get("features", [])]
        parts.append(
            frame[features].assign(**{BATCH_COLUMN: info.label, SCORED_AT: _naive(info.at)})
        )
    return pd.concat(parts, ignore_index=True)


def monitor_batches(
    studio: Studio, ref: str, batch_ids: list[int], actor: str, window: str = "batch"
) -> MonitorResult:
    """Drift of logged batches against the baseline of the version ``ref`` names: one window
    per batch (``batch``) or per day, week or month they were scored in (``1D|1W|1M``)."""
    current = logged_frame(studio, ref, batch_ids)
    column = BATCH_COLUMN if window == "batch" else SCORED_AT
    ids = sorted(set(batch_ids))
    source = f"{len(ids)} logged batch(es): " + ", ".join(f"#{i}" for i in ids)
    return monitor_frame(
        studio, ref, current, actor, time_column=column, window=window, source_name=source
    )


def _joined(logged: pd.DataFrame, labels: pd.DataFrame, key: str, target: str) -> pd.DataFrame:
    if key not in labels.columns:
        raise InvalidInputError(f"The labels file has no column '{key}'; add it and retry.")
    if target not in labels.columns:
        raise InvalidInputError(
            f"The labels file has no column '{target}' (the model's target); add it and retry."
        )
    ids = labels[key].astype(str)
    repeated = int(ids.duplicated().sum())
    if repeated:
        raise InvalidInputError(
            f"'{key}' repeats {repeated:,} value(s) in the labels file; give one label per row."
        )
    mapping = pd.Series(labels[target].to_numpy(), index=ids)
    return logged.assign(**{target: logged[key].astype(str).map(mapping)})


def _output(version: VersionInfo, logged: pd.DataFrame) -> Any:
    if version.labels:
        return logged[[proba_column(label) for label in version.labels]].to_numpy()
    return logged["prediction"].to_numpy(dtype=float)


def _check_classes(version: VersionInfo, labels: pd.Series) -> None:
    if not version.labels:
        return
    unknown = sorted(set(labels.dropna().astype(str)) - set(version.labels))
    if unknown:
        raise InvalidInputError(
            f"The labels hold values the model does not know: {', '.join(unknown[:5])}; "
            f"its classes are {', '.join(version.labels)}."
        )


def attach_labels(
    studio: Studio, batch_id: int, labels: pd.DataFrame, key: str, actor: str
) -> LabelResult:
    """Join ``labels`` (``key`` and the target column) to batch ``batch_id``'s logged rows and
    measure the model on the matched rows; stored with the batch."""
    require(studio.settings, actor, "score")
    info, version, logged = _batch(studio, batch_id)
    if key not in info.keys:
        kept = ", ".join(info.keys) or "none"
        raise InvalidInputError(
            f"Batch #{batch_id} did not keep a column '{key}' to join on (kept: {kept}); "
            "score files with an id column so labels can be joined later."
        )
    joined = _joined(logged, labels, key, version.target)
    _check_classes(version, joined[version.target])
    matched = int(joined[version.target].notna().sum())
    result = performance(studio, version, joined[version.target], _output(version, logged))
    if result is None:
        raise InvalidInputError(
            f"Only {matched:,} row(s) of batch #{batch_id} got a usable label; at least "
            f"{MIN_LABELLED} are needed (check the id values and the class names)."
        )
    unmatched = int((~labels[key].astype(str).isin(logged[key].astype(str))).sum())
    _store_labels(studio, info, key, joined[[key, version.target]].dropna(), result, actor)
    stored = _batch(studio, batch_id)[0]
    return LabelResult(stored, matched, unmatched, len(logged) - matched, result)


def _store_labels(
    studio: Studio,
    info: BatchInfo,
    key: str,
    pairs: pd.DataFrame,
    result: Performance,
    actor: str,
) -> None:
    buffer = io.BytesIO()
    pairs.to_parquet(buffer, index=False)
    content = buffer.getvalue()
    stored = studio.artifacts.write(
        f"batches/labels/{uuid.uuid4().hex}.parquet", lambda p: p.write_bytes(content)
    )
    try:
        with session_scope(studio.engine) as session:
            session.add(
                BatchLabels(
                    batch_id=info.id,
                    id_column=key[:255],
                    matched=len(pairs),
                    unmatched=info.logged_rows - len(pairs),
                    artifact=stored.path,
                    artifact_sha256=stored.sha256,
                    performance=result.to_json(),
                    actor=actor,
                )  # fmt: skip
            )
    except BaseException:
        studio.artifacts.delete(stored.path)
        raise


def _labelled(studio: Studio, batch_id: int) -> tuple[VersionInfo, pd.DataFrame, pd.DataFrame]:
    """The batch's version, its logged rows, and those rows with the newest joined labels in
    the target column (missing where a row got none)."""
    _info_, version, logged = _batch(studio, batch_id)
    with session_scope(studio.engine) as session:
        row = _latest_labels(session, [batch_id]).get(batch_id)
        if row is None:
            raise InvalidInputError(f"Batch #{batch_id} has no labels yet; join labels first.")
        artifact, digest, key = row.artifact, row.artifact_sha256, row.id_column
    pairs = pd.read_parquet(studio.artifacts.verified_path(artifact, digest))
    return version, logged, _joined(logged, pairs, key, version.target)


def labelled_rows(studio: Studio, batch_id: int) -> pd.DataFrame:
    """A labelled batch's features with the joined target (for retraining)."""
    version, _logged, joined = _labelled(studio, batch_id)
    features = [f["name"] for f in version.input_schema.get("features", [])]
    return joined.loc[joined[version.target].notna(), [*features, version.target]]


def labelled_outputs(studio: Studio, batch_id: int) -> tuple[pd.Series, np.ndarray]:
    """A labelled batch's joined labels (missing where a row got none) and the model's
    outputs on the same rows (probabilities per class, or values), row for row."""
    version, logged, joined = _labelled(studio, batch_id)
    return joined[version.target], _output(version, logged)


def logged_rows(studio: Studio, batch_id: int) -> pd.DataFrame:
    """Every logged row of batch ``batch_id`` (identifiers, features and outputs)."""
    return _batch(studio, batch_id)[2]
