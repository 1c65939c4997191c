"""Dataset versions: content addressing, numbering, loading, deletion rules, atomic writes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import select

from studio.context import Studio
from studio.data import versions as dv
from studio.db import session_scope
from studio.db.models import DatasetVersion, ModelVersion, Run
from studio.errors import ConflictError, InvalidInputError, NotFoundError, StorageError
from studio.maintenance import sweep_orphans

CSV_A = b"id,x,label\n" + b"".join(
    f"{i},{i * 0.5},{'yes' if i % 3 else 'no'}\n".encode() for i in range(60)
)
CSV_B = CSV_A + b"60,30.0,no\n"


def artifact_files(studio: Studio) -> list[Path]:
    return [p for p in studio.artifacts.root.rglob("*") if p.is_file()]


def table_counts(studio: Studio) -> int:
    with session_scope(studio.engine) as session:
        return len(session.exec(select(DatasetVersion)).all())


@pytest.mark.database
def test_same_content_is_one_version_and_new_content_adds_one(studio: Studio) -> None:
    """Identical bytes return the stored version; different bytes add version 2."""
    first = dv.add_dataset_version(studio, CSV_A, "sales.csv", actor="ana")
    again = dv.add_dataset_version(studio, CSV_A, "renamed.csv", name="sales", actor="bob")
    second = dv.add_dataset_version(studio, CSV_B, "sales.csv", actor="ana")
    assert (first.created, again.created, second.created) == (True, False, True)
    assert again.version.ref == "sales@1" and second.version.ref == "sales@2"
    assert len(artifact_files(studio)) == 2
    assert [v.version for v in dv.list_versions(studio, "sales")] == [2, 1]
    assert dv.get_version(studio, "sales").version == 2
    assert dv.get_version(studio, "sales@1").rows == 60


def test_loaded_frame_equals_the_parsed_upload(studio: Studio) -> None:
    """The stored Parquet gives back exactly the parsed data."""
    info = dv.add_dataset_version(studio, CSV_A, "a.csv", actor="ana").version
    frame = dv.load_frame(studio, info)
    expected = pd.read_csv(pd.io.common.BytesIO(CSV_A))
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    assert dv.preview_frame(studio, info, rows=5)["id"].tolist() == [0, 1, 2, 3, 4]


def test_summary_is_the_cli_contract(studio: Studio) -> None:
    """The summary holds name, version, rows, columns, sha256 and warnings."""
    info = dv.add_dataset_version(studio, CSV_A, "a.csv", actor="ana").version
    summary = info.summary()
    assert set(summary) == {"name", "version", "rows", "columns", "sha256", "warnings"}
    assert summary["rows"] == 60 and summary["columns"] == 3 and len(summary["sha256"]) == 64
    assert any("identifier" in w for w in summary["warnings"])


def test_bad_upload_leaves_no_row_and_no_file(studio: Studio) -> None:
    """A refused file writes nothing."""
    with pytest.raises(InvalidInputError):
        dv.add_dataset_version(studio, b"a,b\n1,2\n3\n", "bad.csv", actor="ana")
    assert table_counts(studio) == 0 and artifact_files(studio) == []


@pytest.mark.database
def test_failed_commit_removes_the_new_artifact(studio: Studio, monkeypatch) -> None:  # noqa: ANN001
    """If the row cannot be written, the Parquet file just written is removed again."""

    def broken_insert(*args: object, **kwargs: object) -> None:
        raise StorageError("the database went away")

    monkeypatch.setattr(dv, "_insert_version", broken_insert)
    with pytest.raises(StorageError):
        dv.add_dataset_version(studio, CSV_A, "a.csv", actor="ana")
    assert artifact_files(studio) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [("a/b", "not a valid dataset name"), ("x" * 101, "not a valid dataset name"), ("a@b", "not")],
)
def test_invalid_names_are_refused(studio: Studio, name: str, message: str) -> None:
    """Names with path or version separators, or too long, are refused."""
    with pytest.raises(InvalidInputError, match=message):
        dv.add_dataset_version(studio, CSV_A, "a.csv", name=name, actor="ana")


def test_names_from_paths_are_labels(studio: Studio) -> None:
    """A file name with path parts only names the dataset; artifacts stay in the store."""
    info = dv.add_dataset_version(studio, CSV_A, "../../etc/pass wd.csv", actor="ana").version
    assert info.name == "pass wd" and info.source_name == "pass wd.csv"
    assert all(studio.artifacts.root in p.parents for p in artifact_files(studio))


def test_unknown_names_and_versions(studio: Studio) -> None:
    """Missing datasets and versions raise NotFoundError naming them."""
    dv.add_dataset_version(studio, CSV_A, "a.csv", actor="ana")
    with pytest.raises(NotFoundError, match="no dataset named 'zzz'"):
        dv.get_version(studio, "zzz")
    with pytest.raises(NotFoundError, match="no version 7"):
        dv.get_version(studio, "a@7")
    with pytest.raises(InvalidInputError, match="NAME@VERSION"):
        dv.get_version(studio, "a@two")


def _use_version(studio: Studio, ref: str, kind: str) -> None:
    name, number = dv.parse_ref(ref)
    with session_scope(studio.engine) as session:
        row = session.exec(select(DatasetVersion).where(DatasetVersion.version == number)).one()
        if kind == "run":
            session.add(Run(dataset_version_id=row.id, target="label", task="binary",
                            status="finished", created_by="ana"))  # fmt: skip
        else:
            session.add(ModelVersion(model_name="churn", version=1, dataset_version_id=row.id,
                                     created_by="ana"))  # fmt: skip


@pytest.mark.database
@pytest.mark.parametrize(("kind", "named"), [("run", "run 1"), ("model", "model churn v1")])
def test_delete_is_refused_while_in_use(studio: Studio, kind: str, named: str) -> None:
    """A version used by a run or a model cannot be deleted; the message names the user."""
    dv.add_dataset_version(studio, CSV_A, "a.csv", actor="ana")
    _use_version(studio, "a@1", kind)
    with pytest.raises(ConflictError, match=named):
        dv.delete_version(studio, "a@1", actor="ana")
    assert dv.get_version(studio, "a@1").rows == 60
    assert len(artifact_files(studio)) == 1


def test_delete_removes_row_and_file_and_the_empty_dataset(studio: Studio) -> None:
    """Deleting the last version removes the dataset; its artifact goes too."""
    dv.add_dataset_version(studio, CSV_A, "a.csv", actor="ana")
    dv.add_dataset_version(studio, CSV_B, "a.csv", actor="ana")
    dv.delete_version(studio, "a@1", actor="ana")
    assert [v.version for v in dv.list_versions(studio, "a")] == [2]
    dv.delete_version(studio, "a@2", actor="ana")
    assert dv.list_datasets(studio) == [] and artifact_files(studio) == []


@pytest.mark.database
def test_shared_artifact_survives_until_its_last_row_goes(studio: Studio) -> None:
    """Two datasets with the same bytes share one file, deleted with the last row."""
    dv.add_dataset_version(studio, CSV_A, "a.csv", name="one", actor="ana")
    dv.add_dataset_version(studio, CSV_A, "a.csv", name="two", actor="ana")
    assert len(artifact_files(studio)) == 1
    dv.delete_version(studio, "one@1", actor="ana")
    assert len(artifact_files(studio)) == 1
    dv.delete_version(studio, "two@1", actor="ana")
    assert artifact_files(studio) == []


def test_altered_artifact_is_refused(studio: Studio) -> None:
    """A Parquet file changed on disk fails its checksum and is not loaded."""
    info = dv.add_dataset_version(studio, CSV_A, "a.csv", actor="ana").version
    path = studio.artifacts.path_of(info.artifact)
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(StorageError, match="does not match its recorded checksum"):
        dv.load_frame(studio, info)


def test_sweep_removes_orphans_and_partials_but_keeps_referenced(studio: Studio) -> None:
    """Files no row references (and stale partial writes) are swept; stored ones stay."""
    info = dv.add_dataset_version(studio, CSV_A, "a.csv", actor="ana").version
    orphan = studio.artifacts.root / "datasets" / "zz" / "orphan.parquet"
    partial = studio.artifacts.root / "datasets" / "zz" / ".x.parquet.abc.partial"
    fresh = studio.artifacts.root / "datasets" / "zz" / "fresh.parquet"
    for path in (orphan, partial, fresh):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    old = time.time() - 7200
    for path in (orphan, partial, studio.artifacts.path_of(info.artifact)):
        os.utime(path, (old, old))
    removed = sweep_orphans(studio)
    assert sorted(removed) == ["datasets/zz/.x.parquet.abc.partial", "datasets/zz/orphan.parquet"]
    assert fresh.exists() and studio.artifacts.path_of(info.artifact).exists()


def test_leakage_warning_once_a_target_is_chosen(studio: Studio) -> None:
    """A column that copies the target is flagged high; the real features are not."""
    frame = pd.DataFrame({"f": range(200), "noise": [i % 7 for i in range(200)]})
    frame["target"] = ["yes" if i % 2 else "no" for i in range(200)]
    frame["leak"] = frame["target"].map({"yes": 1, "no": 0})
    content = frame.to_csv(index=False).encode()
    info = dv.add_dataset_version(studio, content, "t.csv", actor="ana").version
    warnings = dv.warnings_for_target(studio, info, "target")
    leaks = [w for w in warnings if w.kind == "target_leakage"]
    assert [w.column for w in leaks] == ["leak"] and warnings[0].severity == "high"
    with pytest.raises(NotFoundError):
        dv.warnings_for_target(studio, info, "nope")


def test_activity_records_adds_and_deletes(studio: Studio) -> None:
    """Home's activity log shows who added and deleted what, newest first."""
    from studio.activity import overview, recent_activity

    dv.add_dataset_version(studio, CSV_A, "a.csv", actor="ana")
    dv.delete_version(studio, "a@1", actor="bob")
    events = recent_activity(studio)
    assert [(e.actor, e.kind) for e in events] == [
        ("bob", "dataset.version_deleted"),
        ("ana", "dataset.version_added"),
    ]
    assert overview(studio).datasets == 0
