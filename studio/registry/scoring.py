"""Batch scoring: check a file against a version's schema, predict, and log the batch.

The output keeps the input's identifier columns, adds ``prediction`` and, for classifiers, one
``proba_<class>`` column per class. The log (for monitoring) is a ``ScoredBatch`` row with
summaries of the inputs and outputs and a Parquet sample of up to ``LOGGED_ROWS`` scored rows
with their identifier columns, so labels that arrive later can be joined to them.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field

import pandas as pd

from studio.access import require
from studio.activity import record_event
from studio.context import Studio
from studio.data.ingest import read_table
from studio.db import session_scope
from studio.db.models import ScoredBatch
from studio.errors import InvalidInputError
from studio.escaping import to_safe_csv
from studio.i18n import _, format_number
from studio.modelio import load_version_model
from studio.registry.outputs import frame_summary, output_frame
from studio.registry.schema import check_batch, read_hints
from studio.registry.versions import VersionInfo, get_version

LOGGED_ROWS = 100_000
MAX_KEYS = 3  # unique columns outside the schema kept for joining labels
FORMATS = ("csv", "parquet")


@dataclass(frozen=True, eq=False)
class ScoreResult:
    """A scored batch: the output table, what the user should know, and the log entry."""

    version: VersionInfo
    output: pd.DataFrame
    notices: list[str] = field(default_factory=list)
    batch_id: int | None = None

    def to_bytes(self, fmt: str) -> bytes:
        """The output as CSV (spreadsheet-safe) or Parquet."""
        if fmt not in FORMATS:
            raise InvalidInputError(
                _("'{format}' is not an output format; use csv or parquet.").format(format=fmt)
            )
        if fmt == "csv":
            return to_safe_csv(self.output)
        buffer = io.BytesIO()
        self.output.to_parquet(buffer, index=False)
        return buffer.getvalue()


def read_batch(
    studio: Studio, content: bytes, filename: str, *, model: str | None = None
) -> pd.DataFrame:
    """An uploaded file as a frame (any format the Data page accepts).

    With ``model`` (a reference such as ``churn@production``), columns are read the way the
    model's training file was: the same number format and date order, even where this file's
    own values would allow another reading (dates with no day above 12, say).
    """
    settings = studio.settings
    hints = read_hints(get_version(studio, model).input_schema) if model else None
    return read_table(content, filename, max_columns=settings.max_columns,
                      max_bytes=settings.max_upload_bytes, hints=hints).frame  # fmt: skip


def score_frame(
    studio: Studio, ref: str, frame: pd.DataFrame, source_name: str, actor: str
) -> ScoreResult:
    """Score ``frame`` with the version ``ref`` names (``name``, ``name@staging``, ``name@3``;
    a bare name means production) and log the batch."""
    require(studio.settings, actor, "score")
    version = get_version(studio, ref)
    checked = check_batch(frame, version.input_schema)
    model = load_version_model(studio.artifacts, version)
    outputs = output_frame(model, checked.features, version.labels, version.decision_threshold)
    result = pd.concat([checked.identifiers, outputs], axis=1)
    kept = pd.concat([checked.identifiers, _keys(frame, version)], axis=1)
    kept = kept.drop(columns=list(outputs.columns), errors="ignore")
    logged = pd.concat([kept, checked.features], axis=1)
    batch_id = log_batch(studio, version, logged, outputs, source_name, actor, checked.unseen)
    notices = list(checked.notices) + ([version.cut_sentence] if version.cut_sentence else [])
    if len(kept.columns):
        notices.append(
            _(
                "Kept {columns} with the logged rows (batch #{batch}), so labels that arrive "
                "later can be joined to these rows (Monitor page, Labels)."
            ).format(columns=", ".join(map(str, kept.columns)), batch=batch_id)
        )
    return ScoreResult(version, result, notices, batch_id)


def _keys(frame: pd.DataFrame, version: VersionInfo) -> pd.DataFrame:
    """Columns outside the schema whose values are unique per row (likely keys, such as an
    order number), kept in the log so labels can be joined to the rows later."""
    schema = version.input_schema
    known = {f["name"] for f in schema.get("features", [])} | set(schema.get("identifiers", []))
    known.add(schema.get("target"))
    keys = [c for c in frame.columns if c not in known and frame[c].is_unique][:MAX_KEYS]
    return frame[keys]


def log_batch(
    studio: Studio,
    version: VersionInfo,
    inputs: pd.DataFrame,
    outputs: pd.DataFrame,
    source_name: str,
    actor: str,
    unseen: dict[str, int],
    extra: dict | None = None,
) -> int:
    """Store a sample of the scored rows (identifiers, features, outputs) and its summary (plus
    ``extra`` keys, such as the endpoint's latencies) as a ``ScoredBatch``; returns its id."""
    rows = len(inputs)
    keep = inputs.index
    if rows > LOGGED_ROWS:
        keep = inputs.sample(LOGGED_ROWS, random_state=0).index
    sample_inputs, sample_outputs = inputs.loc[keep], outputs.loc[keep]
    logged = pd.concat([sample_inputs, sample_outputs], axis=1).reset_index(drop=True)
    features = [f["name"] for f in version.input_schema.get("features", [])]
    sample_features = sample_inputs[features]
    buffer = io.BytesIO()
    logged.to_parquet(buffer, index=False)
    content = buffer.getvalue()
    relative = f"batches/{version.id}/{uuid.uuid4().hex}.parquet"
    stored = studio.artifacts.write(relative, lambda p: p.write_bytes(content))
    identifiers = [c for c in sample_inputs.columns if c not in features]
    summary = (
        frame_summary(sample_features, sample_outputs)
        | {
            "unseen": unseen,
            "identifiers": identifiers,
        }
        | (extra or {})
    )
    try:
        with session_scope(studio.engine) as session:
            batch = ScoredBatch(
                model_version_id=version.id, actor=actor, source_name=source_name[:255],
                rows=rows, logged_rows=len(logged), artifact=stored.path,
                artifact_sha256=stored.sha256, summary=summary,
            )  # fmt: skip
            session.add(batch)
            text = _("scored {rows} rows of {source} with {ref}").format(
                rows=format_number(rows), source=source_name, ref=version.ref
            )
            record_event(
                session, actor=actor, kind="model.scored", subject=version.ref, message=text
            )
            session.flush()
            return batch.id
    except BaseException:
        studio.artifacts.delete(stored.path)
        raise
