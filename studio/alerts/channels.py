"""Alert channels: where alerts go. Adding or removing one needs the ``alerts_manage``
permission (approvers): a channel holds a secret and decides who hears about a model.

Kinds: ``webhook`` (generic JSON, HMAC-SHA256 signed with the secret), ``slack``, ``feishu``,
``dingtalk`` (optional signing secret each for the last two), ``wecom`` (``format`` text or
markdown) and ``email`` (SMTP: options ``host``, ``port``, ``user``, ``sender``, ``to``,
``starttls``; the secret is the SMTP password). Secrets and URLs are stored as given and never
shown back: an incoming webhook's URL is its credential, so lists show the host only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import col, select

from studio.access import require
from studio.activity import record_event
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import AlertChannel
from studio.errors import ConflictError, InvalidInputError, NotFoundError

KINDS = {
    "webhook": "a JSON webhook signed with HMAC-SHA256",
    "slack": "a Slack incoming webhook",
    "feishu": "a Feishu (飞书) custom bot",
    "dingtalk": "a DingTalk (钉钉) custom robot",
    "wecom": "a WeCom (企业微信) group robot",
    "email": "e-mail over SMTP",
}
EMAIL_OPTIONS = ("host", "port", "user", "sender", "to", "starttls")


@dataclass(frozen=True)
class ChannelInfo:
    """A channel as lists show it: no secret, no full URL."""

    id: int
    name: str
    kind: str
    target: str
    has_secret: bool
    options: dict[str, Any]
    created_at: datetime
    created_by: str

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry (never the secret or the full URL)."""
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "target": self.target,
            "has_secret": self.has_secret, "options": self.options,
            "created_at": self.created_at.isoformat(), "created_by": self.created_by,
        }  # fmt: skip


def masked(kind: str, url: str, options: dict[str, Any]) -> str:
    """Where a channel points, without its credential: the URL's scheme and host, or the
    SMTP host and recipients."""
    if kind == "email":
        return f"smtp://{options.get('host', '')} → {', '.join(options.get('to', []))}"
    parts = urlsplit(url)
    return (
        f"{parts.scheme}://{parts.hostname or ''}{':' + str(parts.port) if parts.port else ''}/…"
    )


def _info(row: AlertChannel) -> ChannelInfo:
    options = {k: v for k, v in row.options.items() if k != "password"}
    return ChannelInfo(row.id, row.name, row.kind, masked(row.kind, row.url, options),
                       bool(row.secret), options, row.created_at, row.created_by)  # fmt: skip


def _check(kind: str, url: str, options: dict[str, Any]) -> dict[str, Any]:
    if kind not in KINDS:
        raise InvalidInputError(f"'{kind}' is not a channel kind; use one of {', '.join(KINDS)}.")
    if kind == "email":
        unknown = sorted(set(options) - set(EMAIL_OPTIONS))
        if unknown or not options.get("host") or not options.get("to"):
            raise InvalidInputError(
                "An e-mail channel needs --smtp-host and --to (and takes --smtp-port, "
                "--smtp-user, --sender, --starttls)."
            )
        return {"port": 587, "starttls": True} | options
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError(f"A {kind} channel needs an http(s) URL; got '{url[:60]}'.")
    if kind == "wecom" and options.get("format", "text") not in ("text", "markdown"):
        raise InvalidInputError("A WeCom channel's format is text or markdown.")
    return {k: v for k, v in options.items() if k == "format"}


def add_channel(
    studio: Studio,
    name: str,
    kind: str,
    actor: str,
    *,
    url: str = "",
    secret: str = "",
    options: dict[str, Any] | None = None,
) -> ChannelInfo:
    """Add channel ``name`` (approvers only); its url and secret are never shown back."""
    require(studio.settings, actor, "alerts_manage")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInputError("Name the channel (1 to 100 characters).")
    checked = _check(kind, url, dict(options or {}))
    with session_scope(studio.engine) as session:
        if session.exec(select(AlertChannel.id).where(AlertChannel.name == name)).first():
            raise ConflictError(f"There is already a channel '{name}'; choose another name.")
        row = AlertChannel(name=name, kind=kind, url=url, secret=secret or "", options=checked,
                           created_by=actor[:200])  # fmt: skip
        session.add(row)
        session.flush()
        record_event(session, actor=actor, kind="alerts.channel", subject=name,
                     message=f"Alert channel '{name}' ({kind}) added.")  # fmt: skip
        return _info(row)


def list_channels(studio: Studio) -> list[ChannelInfo]:
    """Every channel, by name."""
    with session_scope(studio.engine) as session:
        rows = session.exec(select(AlertChannel).order_by(col(AlertChannel.name))).all()
        return [_info(r) for r in rows]


def find_channel(session: Any, name: str) -> AlertChannel:
    """The channel named ``name`` (or a numeric id); NotFoundError otherwise."""
    row = session.exec(select(AlertChannel).where(AlertChannel.name == name)).first()
    if row is None and str(name).isdigit():
        row = session.get(AlertChannel, int(name))
    if row is None:
        raise NotFoundError(
            f"There is no channel '{name}'; 'studio alerts channel list' shows them."
        )
    return row
