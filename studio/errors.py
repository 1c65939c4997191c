"""One exception family for the whole core.

``UserError`` and its subclasses are mistakes the user can fix: the UI shows the message with
``st.error`` and the CLI prints ``error: <message>`` and exits 2. Anything else is an internal
failure: logged with its traceback, shown as a short message with a reference, CLI exit 1.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from studio.i18n import N_, _


class StudioError(Exception):
    """Base class of every error Studio raises on purpose."""


class UserError(StudioError):
    """Bad input or a refused action; the message is one sentence saying what to do."""


class InvalidInputError(UserError):
    """An uploaded file or an argument that Studio cannot accept; ``column`` names the input
    column at fault when there is one (the endpoint returns it beside the sentence)."""

    def __init__(self, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column


class NotFoundError(UserError):
    """A named dataset, version, run or model that does not exist."""


class ConflictError(UserError):
    """An action refused because of the current state, e.g. deleting a version in use."""


class RefusedModelError(ConflictError):
    """A stored model file Studio will not load: missing, altered since it was saved, not a
    skops file, or holding types outside the allow-list. One sentence names the model, why it
    was refused and what to do; the fix is re-registering or re-running, not a new request, so
    the prediction endpoint answers 503 with that sentence (never a 500 "internal" error)."""


class PermissionDeniedError(UserError):
    """An action the acting user's roles do not allow."""


class NotWritableError(UserError):
    """Studio cannot write where it keeps things (a full disk, a read-only file system, no
    permission, a file where a folder should be); reading still works."""


# errno -> (what happened, what to do), in the words of the sentence users read; English
# msgids, translated when the sentence is built (``not_writable``), in the caller's language.
WRITE_FAILURES: dict[int, tuple[str, str]] = {
    errno.ENOSPC: (N_("the disk is full"), N_("free some space and try again")),
    errno.EDQUOT: (N_("the disk quota is used up"), N_("free some space and try again")),
    errno.EROFS: (
        N_("read-only file system"),
        N_("make it writable or point STUDIO_HOME elsewhere"),
    ),
    errno.EACCES: (N_("permission denied"), N_("fix its permissions")),
    errno.EPERM: (N_("operation not permitted"), N_("fix its permissions")),
    errno.ENOTDIR: (N_("a file is where a folder should be"), N_("move that file away")),
    errno.EEXIST: (N_("a file is where a folder should be"), N_("move that file away")),
}


def not_writable(
    where: str | Path, cause: str, advice: str, lang: str | None = None
) -> NotWritableError:
    """The one sentence for a store that cannot be written (``where``: a folder or database;
    ``cause`` and ``advice``: English msgids such as ``WRITE_FAILURES``' values), in ``lang``
    (default: the caller's context language, ``studio.i18n.use_language``)."""
    sentence = _("Studio cannot write to {where} ({cause}); reading still works — {advice}.", lang)
    return NotWritableError(
        sentence.format(where=where, cause=_(cause, lang), advice=_(advice, lang))
    )


@contextmanager
def writing(where: str | Path) -> Iterator[None]:
    """Around a write under ``where``: an ``OSError`` saying the disk is full, the file system
    is read-only, permission is missing or a file blocks a folder becomes ``NotWritableError``
    naming ``where``; any other error passes unchanged."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in WRITE_FAILURES:
            raise
        raise not_writable(where, *WRITE_FAILURES[exc.errno]) from exc


class StorageError(StudioError):
    """The database or the artifact folder failed underneath an operation."""


class Interrupted(KeyboardInterrupt):
    """The process was told to end (SIGTERM) in the middle of its work.

    Like ``KeyboardInterrupt`` (Ctrl-C), which it extends, it is no ``Exception``, so no
    ``except Exception`` swallows it: whoever owns the work in progress records it as
    interrupted (a run becomes resumable) and re-raises; the worker then exits cleanly.
    """
