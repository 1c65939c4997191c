"""A model's live traffic: an A/B split between approved versions, and a shadow version.

The split is SageMaker's production variants: each version takes a share of the requests to the
model's bare name (``churn``); ``churn@production`` and ``churn@3`` keep meaning exactly that
version. Assignment is sticky: a request's key (the ``X-Studio-Key`` header, else a random one)
is hashed with the model's name into [0, 1), and the cumulative shares, in version order, decide
the version, so one key always reaches one version while the split is unchanged. A shadow
version scores the same requests off the response path (its answers are logged, never sent).
Only approvers change traffic; only approved versions take a share; every change is a
``traffic`` event in the model's history, with the comment the approver gave.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from studio.access import require
from studio.activity import record_event
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import ModelEvent, ModelTraffic, utcnow
from studio.errors import ConflictError, InvalidInputError
from studio.i18n import _, format_percent, gettext
from studio.registry.labels import approval_name
from studio.registry.lifecycle import _comment, _lock
from studio.registry.versions import find_version

MAX_VARIANTS = 5


@dataclass(frozen=True)
class Traffic:
    """A model's split (version → share of requests, shares summing to 1) and shadow."""

    model: str
    split: dict[int, float]
    shadow: int | None
    updated_at: datetime | None = None
    updated_by: str = ""

    def summary(self, lang: str | None = None) -> str:
        """'v1 90% · v2 10% · shadow v3', or 'production only', in ``lang`` (else the
        context's language; the model's history stores the English one)."""
        parts = [f"v{v} {format_percent(share, lang)}" for v, share in sorted(self.split.items())]
        if self.shadow is not None:
            parts.append(gettext("shadow v{version}", lang).format(version=self.shadow))
        return " · ".join(parts) or gettext("production only", lang)

    def to_json(self) -> dict[str, Any]:
        """``{"model", "split": {"1": 0.9, ...}, "shadow", "updated_at", "updated_by"}``."""
        return {
            "model": self.model, "split": {str(v): s for v, s in sorted(self.split.items())},
            "shadow": self.shadow, "updated_by": self.updated_by,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }  # fmt: skip


def parse_split(text: str) -> dict[int, float]:
    """``"1=90,2=10"`` (version=weight; any positive weights) → ``{1: 0.9, 2: 0.1}``.
    Raises ``InvalidInputError`` naming the part that is wrong."""
    weights: dict[int, float] = {}
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        version, _sep, weight = part.partition("=")
        version = version.strip().lower().removeprefix("v")
        try:
            number, value = int(version), float(weight)
        except ValueError:
            raise InvalidInputError(
                _("'{part}' is not VERSION=WEIGHT; write the split as 1=90,2=10.").format(
                    part=part
                )
            ) from None
        if number in weights or not value > 0 or value == float("inf"):
            raise InvalidInputError(
                _("'{part}': each version once, with a weight above 0.").format(part=part)
            )
        weights[number] = value
    if not weights:
        raise InvalidInputError(_("The split is empty; write it as 1=90,2=10."))
    if len(weights) > MAX_VARIANTS:
        raise InvalidInputError(
            _("A split takes at most {count} versions.").format(count=MAX_VARIANTS)
        )
    total = sum(weights.values())
    return {version: weight / total for version, weight in weights.items()}


def _traffic(row: ModelTraffic | None, name: str) -> Traffic | None:
    if row is None:
        return None
    split = {int(v): float(s) for v, s in (row.split or {}).items()}
    return Traffic(name, split, row.shadow, row.updated_at, row.updated_by)


def get_traffic(studio: Studio, name: str) -> Traffic | None:
    """The model's traffic, or None when every request goes to production."""
    with session_scope(studio.engine) as session:
        return _traffic(session.get(ModelTraffic, name), name)


def _check_versions(session: Session, name: str, split: dict[int, float], shadow: int | None
                    ) -> None:  # fmt: skip
    for version in split:
        row = find_version(session, name, version)
        if row.approval != "approved":
            raise ConflictError(
                _(
                    "{name} v{version} is {approval}; only an approved version takes traffic."
                ).format(name=name, version=version, approval=approval_name(row.approval))
            )
    if shadow is not None:
        if shadow in split:
            raise InvalidInputError(
                _("v{version} already takes traffic; a shadow is another one.").format(
                    version=shadow
                )
            )
        if find_version(session, name, shadow).approval == "rejected":
            raise ConflictError(
                _("{name} v{version} was rejected; it cannot shadow traffic.").format(
                    name=name, version=shadow
                )
            )


def set_traffic(
    studio: Studio,
    name: str,
    split: dict[int, float] | None,
    shadow: int | None,
    comment: str,
    actor: str,
) -> Traffic | None:
    """Set the split (``None``: production takes every request) and the shadow (``None``:
    no shadow); both ``None`` clears the model's traffic. Approvers only; a comment is
    required; the change is a ``traffic`` event. Raises ``PermissionDeniedError``,
    ``NotFoundError`` (model or version), ``ConflictError`` (a version not approved)."""
    require(studio.settings, actor, "production")
    text = _comment(comment, required=True)
    with session_scope(studio.engine) as session:
        _lock(session, name)
        _check_versions(session, name, split or {}, shadow)
        row = session.get(ModelTraffic, name)
        before = _traffic(row, name)
        if split is None and shadow is None:
            if row is not None:
                session.delete(row)
            after = None
        else:
            row = row or ModelTraffic(model_name=name, updated_by=actor)
            row.split = {str(v): s for v, s in (split or {}).items()}
            row.shadow, row.updated_at, row.updated_by = shadow, utcnow(), actor
            session.add(row)
            after = _traffic(row, name)
        # the history's from/to keep the English summary (shown translated, labels.py); the
        # sentences are in the actor's words
        old, new = (t.summary("en") if t else "production only" for t in (before, after))
        said_old, said_new = (t.summary() if t else _("production only") for t in (before, after))
        event = ModelEvent(
            model_name=name, version=None, actor=actor, action="traffic",
            from_value=old[:30], to_value=new[:30],
            comment=_("{traffic}. {comment}").format(traffic=said_new, comment=text),
        )  # fmt: skip
        session.add(event)
        message = _("{name} traffic: {old} → {new}. {comment}").format(
            name=name, old=said_old, new=said_new, comment=text
        )
        record_event(session, actor=actor, kind="model.traffic", subject=name, message=message)
        return after


def choose_version(traffic: Traffic, key: str) -> int:
    """The version of ``traffic.split`` that request key ``key`` goes to (sticky: the same key
    and split give the same version; keys spread over the versions in proportion to shares)."""
    digest = hashlib.sha256(f"{traffic.model}\0{key}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    cumulative = 0.0
    versions = sorted(traffic.split)
    for version in versions:
        cumulative += traffic.split[version]
        if point < cumulative:
            return version
    return versions[-1]
