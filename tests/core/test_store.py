"""The store's connection settings and the artifact folder's guarantees."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from studio.artifacts import ArtifactStore
from studio.context import Studio
from studio.errors import StorageError


def test_sqlite_pragmas_are_set_on_every_connection(studio: Studio) -> None:
    """SQLite runs in WAL mode with foreign keys on and a busy timeout."""
    with studio.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 30_000


def test_artifact_paths_cannot_leave_the_store(tmp_path: Path) -> None:
    """Relative paths with '..' or absolute paths are refused."""
    store = ArtifactStore(tmp_path)
    for bad in ("../x", "/etc/passwd", "a/../../b"):
        with pytest.raises(StorageError):
            store.path_of(bad)


def test_a_failing_writer_leaves_no_file(tmp_path: Path) -> None:
    """A write that fails half-way leaves neither the target nor a partial file."""
    store = ArtifactStore(tmp_path)

    def half_then_crash(path: Path) -> None:
        path.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        store.write("data/x.bin", half_then_crash)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
