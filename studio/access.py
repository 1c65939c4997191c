"""Who may do what: roles from a config file, checked by the core before every change.

Roles: ``viewer`` (reads), ``analyst`` (launches runs, annotates, registers models, moves them
between none, staging and archived, scores data) and ``approver`` (approves or rejects versions,
promotes to production, moves a version out of production, saves a version's decision
threshold, and manages alert channels and rules: where alerts go is a team decision, and a
channel holds a secret). Analysts and approvers set monitoring schedules and acknowledge or
resolve alerts. The file is
``STUDIO_ROLES_FILE`` (default ``$STUDIO_HOME/roles.toml``)::

    default = ["viewer"]          # roles of users the file does not name
    [users]
    ana = ["analyst"]
    bob = ["analyst", "approver"]

Without the file there is one person on a laptop, and they have every role.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from studio.config import Settings
from studio.errors import InvalidInputError, PermissionDeniedError
from studio.i18n import N_, _, format_list

ROLES = ("viewer", "analyst", "approver")
PERMISSIONS = {
    "launch": ("analyst",),
    "annotate": ("analyst", "approver"),
    "register": ("analyst",),
    "stage": ("analyst", "approver"),
    "approve": ("approver",),
    "threshold": ("approver",),
    "production": ("approver",),
    "leave_production": ("approver",),
    "edit_card": ("analyst", "approver"),
    "score": ("analyst", "approver"),
    "monitor_config": ("analyst", "approver"),
    "alerts_manage": ("approver",),
    "alerts_respond": ("analyst", "approver"),
}
# What each permission allows, as the refusal says it (msgids, translated when it is built).
WHAT = {
    "launch": N_("launch autopilot runs"),
    "annotate": N_("change notes and tags"),
    "register": N_("register models"),
    "stage": N_("change a model's stage"),
    "approve": N_("approve or reject model versions"),
    "threshold": N_("save a model version's decision threshold"),
    "production": N_("promote a version to production"),
    "leave_production": N_("move a version out of production"),
    "edit_card": N_("edit model cards"),
    "score": N_("score data"),
    "monitor_config": N_("change monitoring settings"),
    "alerts_manage": N_("manage alert channels and rules"),
    "alerts_respond": N_("acknowledge or resolve alerts"),
}


@dataclass(frozen=True)
class RoleConfig:
    """Roles per user, and the roles of everyone else."""

    users: dict[str, tuple[str, ...]]
    default: tuple[str, ...]


def _roles(value: object, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or any(r not in ROLES for r in items):
        raise InvalidInputError(
            _("{where} in the roles file must list roles among {roles}.").format(
                where=where, roles=", ".join(ROLES)
            )
        )
    return tuple(items)


def load_roles(path: Path | None) -> RoleConfig | None:
    """The role configuration, or None when there is no file (everyone has every role)."""
    if path is None or not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(
            _("The roles file {path} is not valid TOML: {problem}").format(path=path, problem=exc)
        ) from exc
    users = {str(k): _roles(v, f"users.{k}") for k, v in dict(data.get("users", {})).items()}
    return RoleConfig(users, _roles(data.get("default", ["viewer"]), "default"))


def roles_of(settings: Settings, user: str) -> tuple[str, ...]:
    """The roles ``user`` has under ``settings``."""
    config = load_roles(settings.roles_file)
    if config is None:
        return ROLES
    return config.users.get(user, config.default)


def can(settings: Settings, user: str, permission: str) -> bool:
    """Whether ``user`` may do ``permission``."""
    return bool(set(roles_of(settings, user)) & set(PERMISSIONS[permission]))


def require(settings: Settings, user: str, permission: str) -> None:
    """Refuse (PermissionDeniedError) unless ``user`` may do ``permission``."""
    if not can(settings, user, permission):
        needed = format_list(PERMISSIONS[permission], style="or")
        sentence = _(
            "{user} may not {action}: that needs the {roles} role (roles come from {file})."
        )
        raise PermissionDeniedError(
            sentence.format(
                user=user, action=_(WHAT[permission]), roles=needed, file=settings.roles_file
            )
        )
