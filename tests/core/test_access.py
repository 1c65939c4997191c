"""Roles from the config file: parsing, defaults, refusals, and a malformed file failing closed."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.access import ROLES, can, load_roles, require, roles_of
from studio.config import load_settings
from studio.errors import InvalidInputError, PermissionDeniedError


def _settings(tmp_path: Path, text: str | None):  # noqa: ANN202
    path = tmp_path / "roles.toml"
    if text is not None:
        path.write_text(text)
    return load_settings({"STUDIO_HOME": str(tmp_path), "STUDIO_ROLES_FILE": str(path)})


def test_no_file_means_every_role(tmp_path: Path) -> None:
    """One person on a laptop may do everything."""
    settings = _settings(tmp_path, None)
    assert load_roles(settings.roles_file) is None
    assert roles_of(settings, "anyone") == ROLES
    require(settings, "anyone", "production")


def test_users_and_default(tmp_path: Path) -> None:
    """Named users get their roles, everyone else the default (viewer unless set)."""
    settings = _settings(tmp_path, '[users]\nana = ["analyst"]\nbob = "approver"\n')
    assert roles_of(settings, "ana") == ("analyst",)
    assert roles_of(settings, "bob") == ("approver",)
    assert roles_of(settings, "zoe") == ("viewer",)
    assert can(settings, "ana", "register") and not can(settings, "ana", "approve")
    assert can(settings, "bob", "production") and not can(settings, "bob", "launch")
    with pytest.raises(PermissionDeniedError, match="zoe may not score data: that needs the "
                                                    "analyst or approver role"):  # fmt: skip
        require(settings, "zoe", "score")


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("[users\nana = 1", "is not valid TOML"),
        ('[users]\nana = ["admin"]', "users.ana in the roles file must list roles"),
        ('default = ["root"]', "default in the roles file must list roles"),
    ],
)
def test_a_bad_file_refuses_every_change(tmp_path: Path, text: str, sentence: str) -> None:
    """A malformed file is reported in one sentence and grants nothing."""
    settings = _settings(tmp_path, text)
    with pytest.raises(InvalidInputError, match=sentence):
        require(settings, "ana", "launch")
