"""A store that cannot be written (full disk, read-only file system, a file where a folder
should be) says so in one sentence, and everything that only reads keeps working.

Tests run as root, where ``chmod`` stops nothing, so the refusals here are ones the kernel
makes even for root: a regular file where a folder should be, the immutable attribute
(``chattr +i``, where the file system and the container allow it), ``/dev/full``, and SQLite
opened read-only.
"""

from __future__ import annotations

import errno
import logging
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from studio import logs
from studio.artifacts import ArtifactStore
from studio.db import session_scope
from studio.errors import NotWritableError, writing
from tests.cli import run
from tests.stores import StoreCopy

ADVICE = "reading still works"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Whatever handlers a test adds to Studio's logger are removed after it."""
    logger = logging.getLogger("studio")
    before, configured = list(logger.handlers), dict(logs._configured)
    yield
    for handler in [h for h in logger.handlers if h not in before]:
        logger.removeHandler(handler)
        handler.close()
    logs._configured.clear()
    logs._configured.update(configured)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "(the disk is full); reading still works — free some space"),
        (errno.EROFS, "(read-only file system); reading still works — make it writable"),
        (errno.EACCES, "(permission denied); reading still works — fix its permissions"),
        (errno.ENOTDIR, "(a file is where a folder should be); reading still works — move"),
    ],
)
def test_each_write_refusal_is_one_sentence(code: int, words: str) -> None:
    """Each refusal of the file system reads as one sentence naming the folder and the cause."""
    with pytest.raises(NotWritableError) as caught, writing("/srv/studio/artifacts"):
        raise OSError(code, "refused")
    assert str(caught.value).startswith("Studio cannot write to /srv/studio/artifacts ")
    assert words in str(caught.value) and str(caught.value).endswith(".")


def test_other_os_errors_pass_unchanged() -> None:
    """A missing file is not a write refusal: it stays what it was."""
    with pytest.raises(FileNotFoundError), writing("/srv"):
        raise FileNotFoundError(errno.ENOENT, "missing")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_refuses_an_artifact_in_one_sentence(tmp_path: Path) -> None:
    """The kernel's ENOSPC (writing into /dev/full) becomes NotWritableError; nothing is left."""
    store = ArtifactStore(tmp_path / "artifacts")

    def writer(temp: Path) -> None:
        with Path("/dev/full").open("wb") as full:
            full.write(b"x" * 1024)
            full.flush()

    with pytest.raises(NotWritableError, match="the disk is full"):
        store.write("datasets/ab/x.parquet", writer)
    assert not any(p.is_file() for p in store.root.rglob("*"))


def test_a_read_only_database_refuses_in_one_sentence(tmp_path: Path) -> None:
    """SQLite opened read-only refuses a write with SQLITE_READONLY: one sentence naming it."""
    path = tmp_path / "ro.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with session_scope(engine) as session:
        assert session.exec(text("SELECT COUNT(*) FROM t")).scalar_one() == 0
    with pytest.raises(NotWritableError, match="it is read-only"), session_scope(engine) as s:
        s.exec(text("INSERT INTO t VALUES (1)"))
    engine.dispose()


def file_in_the_way(home: Path) -> Path:
    """Regular files where ``home``'s artifact and log folders should be; the artifact path."""
    for name in ("artifacts", "logs"):
        shutil.rmtree(home / name, ignore_errors=True)
        (home / name).write_text("not a folder\n")
    return home / "artifacts"


def _immutable(home: Path, request: pytest.FixtureRequest) -> Path:
    (home / "logs").mkdir(exist_ok=True)
    (home / "logs" / "studio.log").touch()
    folders = [str(home / "artifacts"), str(home / "logs")]
    done = subprocess.run(["chattr", "-R", "+i", *folders], capture_output=True, check=False)
    request.addfinalizer(lambda: subprocess.run(["chattr", "-R", "-i", *folders], check=False))
    if done.returncode != 0 or _writable(home / "artifacts"):
        pytest.skip("this file system or container does not allow the immutable attribute")
    return home / "artifacts"


def _writable(folder: Path) -> bool:
    try:
        (folder / ".probe").touch()
    except OSError:
        return False
    (folder / ".probe").unlink()
    return True


@pytest.fixture(params=["file-in-the-way", "read-only"])
def unwritable(
    request: pytest.FixtureRequest, prepared: Callable[..., StoreCopy]
) -> tuple[StoreCopy, Path]:
    """A copy of the linear churn store whose artifact folder and log folder cannot be
    written; returns it and the artifact folder the sentence must name."""
    store = prepared("linear_churn")
    if request.param == "file-in-the-way":
        return store, file_in_the_way(store.home)
    return store, _immutable(store.home, request)


def test_reading_commands_work_and_a_write_says_why(
    unwritable: tuple[StoreCopy, Path], tmp_path: Path
) -> None:
    """data list, runs list and models list work (one warning about the log); data add
    prints one sentence naming the artifact folder and exits 2."""
    store, artifacts = unwritable
    env = store.env()
    listed = run("data", "list", env=env)
    assert listed.returncode == 0 and "churn" in listed.stdout
    assert listed.stderr.count("cannot write its log") == 1
    assert "Traceback" not in listed.stderr
    for noun in ("runs", "models"):
        assert run(noun, "list", env=env).returncode == 0
    new = tmp_path / "fresh.csv"
    new.write_text("a,b\n" + "\n".join(f"{i},{i % 3}" for i in range(40)))
    added = run("data", "add", str(new), env=env)
    assert added.returncode == 2
    error = added.stderr.strip().splitlines()[-1]
    assert error.startswith(f"error: Studio cannot write to {artifacts} (")
    assert ADVICE in error and "internal failure" not in added.stderr
    assert "fresh" not in run("data", "list", env=env).stdout


def test_stored_data_still_reads_from_a_read_only_folder(
    prepared: Callable[..., StoreCopy],
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    """With the artifact folder read-only, the stored data itself still reads (export)."""
    store = prepared("linear_churn")
    _immutable(store.home, request)
    out = tmp_path / "churn.csv"
    assert run("data", "export", "churn", "--out", str(out), env=store.env()).returncode == 0
    assert out.read_text().startswith("customer_id")
