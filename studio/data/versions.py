"""Datasets as names with immutable, content-addressed versions.

Uploading different content under a name adds a version; the same bytes under the same name
return the existing version. Parquet artifacts are written atomically before their row commits
and removed again if the commit fails.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from studio.activity import record_event
from studio.artifacts import StoredFile
from studio.context import Studio
from studio.data.ingest import read_table
from studio.data.leakage import leakage_warnings
from studio.data.profile import DatasetProfile, profile_frame
from studio.data.sniff import display_name
from studio.data.warnings import ProfileWarning, rank_warnings
from studio.db import session_scope
from studio.db.models import Dataset, DatasetVersion, ModelVersion, Run
from studio.errors import ConflictError, InvalidInputError, NotFoundError
from studio.i18n import _, ngettext

log = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^[\w][\w .-]{0,99}$")


@dataclass(frozen=True)
class DatasetVersionInfo:
    """One stored dataset version, as callers see it."""

    name: str
    version: int
    sha256: str
    source_name: str
    file_format: str
    rows: int
    columns: int
    size_bytes: int
    created_at: datetime
    created_by: str
    artifact: str
    artifact_sha256: str
    ingest: dict[str, Any]
    profile: DatasetProfile

    @property
    def ref(self) -> str:
        """``name@version``, the way the CLI and links name it."""
        return f"{self.name}@{self.version}"

    @property
    def notices(self) -> tuple[str, ...]:
        """What ingest changed while reading the file (renamed headers, values read as
        missing, number and date formats, UTC conversion), one sentence each."""
        return tuple(self.ingest.get("notices", []))

    @property
    def reads(self) -> dict[str, dict[str, str]]:
        """Per column read in a way scoring must repeat: how (see ``data/reading.py``)."""
        return dict(self.ingest.get("reads", {}))

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary (the CLI's ``data add --json`` document, plus context)."""
        return {
            "name": self.name,
            "version": self.version,
            "rows": self.rows,
            "columns": self.columns,
            "sha256": self.sha256,
            "warnings": [w.message for w in self.profile.warnings],
        }


@dataclass(frozen=True)
class AddResult:
    """The version an upload produced, and whether it was new."""

    version: DatasetVersionInfo
    created: bool


@dataclass(frozen=True)
class DatasetSummary:
    """A dataset in the list: its newest version and how many there are."""

    name: str
    versions: int
    latest: DatasetVersionInfo


def dataset_name_for(filename: str, name: str | None) -> str:
    """The dataset name to use: ``name`` if given, else the file's stem, checked and cleaned."""
    if name is not None and name.strip():
        candidate = name.strip()
        if not NAME_PATTERN.match(candidate):
            raise InvalidInputError(
                _(
                    "'{name}' is not a valid dataset name; use up to 100 letters, digits, "
                    "spaces, '.', '_' or '-', starting with a letter or digit."
                ).format(name=candidate)
            )
        return candidate
    stem = PurePosixPath(display_name(filename)).stem
    cleaned = re.sub(r"[^\w .-]+", "_", stem).strip(" ._-")[:100]
    return cleaned or "dataset"


def parse_ref(ref: str) -> tuple[str, int | None]:
    """Split ``name[@version]``; a missing version or ``@latest`` means the newest."""
    name, _at, version = ref.strip().partition("@")
    if not version or version == "latest":
        return name, None
    if not version.isdigit():
        raise InvalidInputError(
            _("'{ref}' is not NAME or NAME@VERSION with a whole version number.").format(ref=ref)
        )
    return name, int(version)


def add_dataset_version(
    studio: Studio, content: bytes, filename: str, *, name: str | None = None, actor: str
) -> AddResult:
    """Ingest an upload as a version of a dataset (new, or the existing identical one)."""
    dataset_name = dataset_name_for(filename, name)
    sha = hashlib.sha256(content).hexdigest()
    existing = _find_by_content(studio, dataset_name, sha)
    if existing is not None:
        return AddResult(existing, created=False)
    parsed = read_table(
        content,
        filename,
        max_columns=studio.settings.max_columns,
        max_bytes=studio.settings.max_upload_bytes,
    )
    profile = profile_frame(parsed.frame, reads=parsed.report.reads)
    stored = studio.artifacts.write(
        f"datasets/{sha[:2]}/{sha}.parquet",
        lambda path: parsed.frame.to_parquet(path, index=False, compression="zstd"),
    )
    try:
        ingest = parsed.report.to_dict() | {"upload_bytes": len(content)}
        return _insert_version(studio, dataset_name, sha, ingest, profile, stored, actor)
    except BaseException:
        if stored.created:
            studio.artifacts.delete(stored.path)
        raise


def _insert_version(  # noqa: PLR0913
    studio: Studio,
    name: str,
    sha: str,
    ingest: dict[str, Any],
    profile: DatasetProfile,
    stored: StoredFile,
    actor: str,
) -> AddResult:
    for attempt in range(3):
        try:
            with session_scope(studio.engine) as session:
                dataset = session.exec(select(Dataset).where(Dataset.name == name)).first()
                if dataset is None:
                    dataset = Dataset(name=name, created_by=actor)
                    session.add(dataset)
                    session.flush()
                number = 1 + int(
                    session.exec(
                        select(func.coalesce(func.max(DatasetVersion.version), 0)).where(
                            DatasetVersion.dataset_id == dataset.id
                        )
                    ).one()
                )
                row = DatasetVersion(
                    dataset_id=dataset.id, version=number, sha256=sha,
                    source_name=ingest["source_name"][:255], file_format=ingest["file_format"],
                    rows=profile.rows, columns=profile.columns, size_bytes=stored.size_bytes,
                    artifact=stored.path, artifact_sha256=stored.sha256, ingest=ingest,
                    profile=profile.to_dict(), created_by=actor,
                )  # fmt: skip
                session.add(row)
                record_event(
                    session, actor=actor, kind="dataset.version_added", subject=f"{name}@{number}",
                    message=f"Added {name} version {number}: {profile.rows:,} rows x "
                    f"{profile.columns} columns from {ingest['source_name']}.",
                )  # fmt: skip
                session.flush()
                return AddResult(_to_info(name, row), created=True)
        except IntegrityError:
            log.info("concurrent upload to %s; retrying (attempt %d)", name, attempt + 1)
            existing = _find_by_content(studio, name, sha)
            if existing is not None:
                return AddResult(existing, created=False)
    raise ConflictError(
        _("Could not add a version to '{name}' because of concurrent uploads; retry.").format(
            name=name
        )
    )


def _find_by_content(studio: Studio, name: str, sha: str) -> DatasetVersionInfo | None:
    with session_scope(studio.engine) as session:
        row = session.exec(
            select(DatasetVersion)
            .join(Dataset, col(Dataset.id) == col(DatasetVersion.dataset_id))
            .where(Dataset.name == name, DatasetVersion.sha256 == sha)
        ).first()
        return None if row is None else _to_info(name, row)


def _to_info(name: str, row: DatasetVersion) -> DatasetVersionInfo:
    return DatasetVersionInfo(
        name=name, version=row.version, sha256=row.sha256, source_name=row.source_name,
        file_format=row.file_format, rows=row.rows, columns=row.columns,
        size_bytes=row.size_bytes, created_at=row.created_at, created_by=row.created_by,
        artifact=row.artifact, artifact_sha256=row.artifact_sha256, ingest=dict(row.ingest),
        profile=DatasetProfile.from_dict(row.profile),
    )  # fmt: skip


def _find_row(session: Session, ref: str) -> tuple[Dataset, DatasetVersion]:
    name, number = parse_ref(ref)
    dataset = session.exec(select(Dataset).where(Dataset.name == name)).first()
    if dataset is None:
        raise NotFoundError(
            _("There is no dataset named '{name}'; 'studio data list' shows them.").format(
                name=name
            )
        )
    query = select(DatasetVersion).where(DatasetVersion.dataset_id == dataset.id)
    if number is None:
        query = query.order_by(col(DatasetVersion.version).desc())
    else:
        query = query.where(DatasetVersion.version == number)
    row = session.exec(query).first()
    if row is None:
        raise NotFoundError(
            _("Dataset '{name}' has no version {version}.").format(name=name, version=number)
        )
    return dataset, row


def get_version(studio: Studio, ref: str) -> DatasetVersionInfo:
    """The version named ``name[@version]`` (newest when no version is given)."""
    with session_scope(studio.engine) as session:
        dataset, row = _find_row(session, ref)
        return _to_info(dataset.name, row)


def list_versions(studio: Studio, name: str) -> list[DatasetVersionInfo]:
    """Every version of a dataset, newest first."""
    with session_scope(studio.engine) as session:
        dataset, _row = _find_row(session, name)
        rows = session.exec(
            select(DatasetVersion)
            .where(DatasetVersion.dataset_id == dataset.id)
            .order_by(col(DatasetVersion.version).desc())
        ).all()
        return [_to_info(dataset.name, r) for r in rows]


def list_datasets(studio: Studio) -> list[DatasetSummary]:
    """Every dataset with its newest version, most recently changed first."""
    with session_scope(studio.engine) as session:
        latest = (
            select(DatasetVersion.dataset_id, func.max(DatasetVersion.version).label("v"),
                   func.count().label("n"))
            .group_by(DatasetVersion.dataset_id)
            .subquery()
        )  # fmt: skip
        rows = session.exec(
            select(Dataset, DatasetVersion, latest.c.n)
            .join(latest, latest.c.dataset_id == Dataset.id)
            .join(
                DatasetVersion,
                (col(DatasetVersion.dataset_id) == col(Dataset.id))
                & (col(DatasetVersion.version) == latest.c.v),
            )
            .order_by(col(DatasetVersion.created_at).desc())
        ).all()
        return [DatasetSummary(d.name, int(n), _to_info(d.name, v)) for d, v, n in rows]


def load_frame(studio: Studio, version: DatasetVersionInfo) -> pd.DataFrame:
    """The data of a version, after checking its artifact's checksum."""
    path = studio.artifacts.verified_path(version.artifact, version.artifact_sha256)
    return pd.read_parquet(path)


def preview_frame(studio: Studio, version: DatasetVersionInfo, rows: int = 100) -> pd.DataFrame:
    """The first ``rows`` rows of a version, read without loading the whole file."""
    path = studio.artifacts.verified_path(version.artifact, version.artifact_sha256)
    batches = pq.ParquetFile(path).iter_batches(batch_size=rows)
    first = next(batches, None)
    return pd.DataFrame() if first is None else first.to_pandas(date_as_object=False)


def warnings_for_target(
    studio: Studio, version: DatasetVersionInfo, target: str
) -> tuple[ProfileWarning, ...]:
    """The version's warnings plus suspected leakage into ``target``, ranked by severity."""
    if target not in {c.name for c in version.profile.column_profiles}:
        raise NotFoundError(
            _("'{column}' is not a column of {ref}.").format(column=target, ref=version.ref)
        )
    leaks = leakage_warnings(load_frame(studio, version), target)
    kept = [w for w in version.profile.warnings if w.column != target or w.kind == "all_empty"]
    return rank_warnings([*leaks, *kept])


def version_users(session: Session, version_id: int) -> list[str]:
    """Plain-words list of the runs and model versions that use a dataset version (in the
    caller's language)."""
    runs = session.exec(select(Run.id).where(Run.dataset_version_id == version_id)).all()
    models = session.exec(
        select(ModelVersion.model_name, ModelVersion.version).where(
            ModelVersion.dataset_version_id == version_id
        )
    ).all()
    return [_("run {id}").format(id=r) for r in runs] + [
        _("model {name} v{version}").format(name=n, version=v) for n, v in models
    ]


def _users_list(users: list[str], shown: int = 5) -> str:
    """The first ``shown`` users, then how many more: "run 1, run 2 and 3 more"."""
    listed = _(", ").join(users[:shown])
    if len(users) <= shown:
        return listed
    more = len(users) - shown
    return ngettext("{users} and {count} more", "{users} and {count} more", more).format(
        users=listed, count=more
    )


def delete_version(studio: Studio, ref: str, *, actor: str) -> DatasetVersionInfo:
    """Delete one version (and the dataset with its last version); refused while in use."""
    with session_scope(studio.engine) as session:
        dataset, row = _find_row(session, ref)
        info = _to_info(dataset.name, row)
        users = version_users(session, row.id)
        if users:
            raise ConflictError(
                _("{ref} cannot be deleted while {users} use it; delete those first.").format(
                    ref=info.ref, users=_users_list(users)
                )
            )
        session.delete(row)
        session.flush()
        remaining = session.exec(
            select(func.count()).where(DatasetVersion.dataset_id == dataset.id)
        ).one()
        if remaining == 0:
            session.delete(dataset)
        shared = session.exec(
            select(func.count()).where(DatasetVersion.artifact == info.artifact)
        ).one()
        record_event(
            session, actor=actor, kind="dataset.version_deleted", subject=info.ref,
            message=f"Deleted {info.ref} ({info.rows:,} rows).",
        )  # fmt: skip
    if shared == 0:
        studio.artifacts.delete(info.artifact)
    return info


def referenced_artifacts(studio: Studio) -> list[str]:
    """Every artifact path a row points at (for the sweep)."""
    with session_scope(studio.engine) as session:
        return list(session.exec(select(DatasetVersion.artifact)).all())
