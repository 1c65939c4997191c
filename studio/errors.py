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


class RefusedModelError(ConflictError):
    """A stored model file Studio will not load: missing, altered since it was saved, not a
    skops file, or holding types outside the allow-list. One sentence names the model, why it
    was refused and what to do; the fix is re-registering or re-running, not a new request, so
    the prediction endpoint answers 409 (never a 500 "internal" error)."""


class PermissionDeniedError(UserError):
    """An action the acting user's roles do not allow."""


class StorageError(StudioError):
    """The database or the artifact folder failed underneath an operation."""
