"""Database engines and the one session scope every unit of work goes through."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine

from studio.db import (
    jsoncodec,
    models,  # noqa: F401  (registers the tables on SQLModel.metadata)
)
from studio.db.migrate import upgrade_schema
from studio.errors import NotWritableError, StorageError, StudioError, not_writable
from studio.i18n import N_, _

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 60_000
# Write refusals of the database itself -> (what happened, what to do), as for files.
_FULL = (N_("the disk is full"), N_("free some space and try again"))
_READ_ONLY = (N_("it is read-only"), N_("make it writable or point STUDIO_DATABASE_URL elsewhere"))
SQLITE_WRITE_FAILURES = {13: _FULL, 8: _READ_ONLY}  # SQLITE_FULL, SQLITE_READONLY
POSTGRES_WRITE_FAILURES = {"53100": _FULL, "25006": _READ_ONLY}  # disk_full, read-only
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _enter_wal(cursor, timeout_s: float) -> None:  # noqa: ANN001 (DB-API cursor)
    """Switch the database to WAL, waiting while another connection holds a write lock.

    Switching needs an exclusive lock. When another connection holds RESERVED (as a second
    Studio process does while it creates the same fresh store), SQLite answers SQLITE_BUSY at
    once without calling the busy handler, since waiting could deadlock (sqlite.org/c3ref/
    busy_handler.html). So this retries with backoff, up to ``timeout_s``, then re-raises.
    """
    deadline = time.monotonic() + timeout_s
    delay = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 (DB-API types)
    cursor = dbapi_connection.cursor()
    _enter_wal(cursor, SQLITE_BUSY_TIMEOUT_MS / 1000)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _fresh_pool_after_fork(engine: Engine) -> None:
    """Give a forked child (trial and analysis children of a worker) its own connection pool:
    SQLite and psycopg connections must not be shared across a fork, so the child's copy of the
    engine forgets the parent's pooled connections without closing them (SQLAlchemy's
    recommended ``dispose(close=False)``)."""
    ref = weakref.ref(engine)

    def reset() -> None:
        alive = ref()
        if alive is not None:
            alive.dispose(close=False)

    os.register_at_fork(after_in_child=reset)


def create_studio_engine(url: str) -> Engine:
    """A new engine for ``url`` with Studio's connection settings, its schema at head.

    SQLite runs in WAL mode with foreign keys on and a busy timeout; PostgreSQL pings pooled
    connections. The schema is created or upgraded by ``studio.db.migrate.upgrade_schema``
    (one query when it is current). Raises ``StorageError`` when the database cannot be reached
    or was made by a newer Studio.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            json_serializer=jsoncodec.dumps,
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, json_serializer=jsoncodec.dumps)
    _fresh_pool_after_fork(engine)
    try:
        upgrade_schema(engine)
    except OperationalError as exc:
        engine.dispose()
        raise StorageError(f"Cannot open the database at {parsed!r}: {exc.orig}") from exc
    except StudioError:
        engine.dispose()
        raise
    return engine


def get_engine(url: str) -> Engine:
    """The process-wide engine for ``url`` (created once, schema included)."""
    with _lock:
        if url not in _engines:
            _engines[url] = create_studio_engine(url)
        return _engines[url]


def dispose_engine(url: str) -> None:
    """Close and forget the cached engine for ``url`` (tests, worker forks)."""
    with _lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def _write_refused(engine: Engine, exc: DBAPIError) -> NotWritableError | None:
    """``NotWritableError`` when the database refused a write for want of space or because it
    is read-only (SQLite's result code, PostgreSQL's SQLSTATE); None for any other failure."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    failure = SQLITE_WRITE_FAILURES.get(code & 0xFF) if isinstance(code, int) else None
    failure = failure or POSTGRES_WRITE_FAILURES.get(getattr(exc.orig, "sqlstate", None) or "")
    if failure is None:
        return None
    url = engine.url
    if url.get_backend_name() == "sqlite":
        where = url.database or _("the database")
    else:
        where = _("the database {name}").format(name=url.database or "")
    return not_writable(where, *failure)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    Driver errors that are not Studio's own become ``StorageError``.
    """
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except StudioError:
        session.rollback()
        raise
    except DBAPIError as exc:
        session.rollback()
        refused = _write_refused(engine, exc)
        if refused is not None:
            raise refused from exc
        if not isinstance(exc, OperationalError):
            raise
        log.exception("database operation failed")
        raise StorageError(f"The database failed: {exc.orig}") from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
