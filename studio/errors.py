"""One exception family for the whole core.

``UserError`` and its subclasses are mistakes the user can fix: the UI shows the message with
``st.error`` and the CLI prints ``error: <message>`` and exits 2. Anything else is an internal
failure: logged with its traceback, shown as a short message with a reference, CLI exit 1.
"""

from __future__ import annotations


class StudioError(Exception):
    """Base class of every error Studio raises on purpose."""


class UserError(StudioError):
    """Bad input or a refused action; the message is one sentence saying what to do."""


class InvalidInputError(UserError):
    """An uploaded file or an argument that Studio cannot accept."""


class NotFoundError(UserError):
    """A named dataset, version, run or model that does not exist."""


class ConflictError(UserError):
    """An action refused because of the current state, e.g. deleting a version in use."""


class PermissionDeniedError(UserError):
    """An action the acting user's roles do not allow."""


class StorageError(StudioError):
    """The database or the artifact folder failed underneath an operation."""


class Interrupted(KeyboardInterrupt):
    """The process was told to end (SIGTERM) in the middle of its work.

    Like ``KeyboardInterrupt`` (Ctrl-C), which it extends, it is no ``Exception``, so no
    ``except Exception`` swallows it: whoever owns the work in progress records it as
    interrupted (a run becomes resumable) and re-raises; the worker then exits cleanly.
    """
