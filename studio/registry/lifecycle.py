"""Approvals and stages: every change is one transaction with an append-only audit event.

Rules: only an approved version can go to production; a model has one production version, and
promoting another archives it; rollback is promoting an archived (still approved) version back.
Moving a version into or out of production needs an approver, so an analyst can never leave a
model without its production version. Rejecting a version takes it out of staging (to archived,
audited), and a rejected version cannot go back to staging until it is approved: ``@staging``
never names a rejected version.
The model's row is locked for the transaction (PostgreSQL ``SELECT ... FOR UPDATE``; SQLite
allows one writer), and a partial unique index keeps a second production version out even if
two changes race.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from studio.access import require
from studio.activity import record_event
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import ModelEvent, ModelTraffic, ModelVersion, RegisteredModel
from studio.errors import ConflictError, InvalidInputError, NotFoundError
from studio.i18n import N_, _, format_list, format_number
from studio.registry.labels import approval_name, stage_name, stored_value_text, task_name
from studio.registry.versions import STAGES, VersionInfo, find_version, to_info

MAX_COMMENT = 2_000
MAX_CARD_FIELD = 20_000
# A model card's fields and how a sentence names them.
CARD_FIELDS = {
    "description": N_("description"),
    "intended_use": N_("intended use"),
    "limitations": N_("limitations"),
}


def _comment(text: str, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInputError(_("Say why in a comment; it is kept in the model's history."))
    if len(text) > MAX_COMMENT:
        raise InvalidInputError(
            _("A comment is limited to {count} characters.").format(
                count=format_number(MAX_COMMENT)
            )
        )
    return text


def _lock(session: Session, name: str) -> None:
    found = session.exec(
        select(RegisteredModel.id).where(RegisteredModel.name == name).with_for_update()
    ).first()
    if found is None:
        raise NotFoundError(
            _("There is no model '{name}'; 'studio models list' shows them.").format(name=name)
        )


def _event(
    session: Session, row: ModelVersion, actor: str, change: tuple[str, str, str], comment: str
) -> None:
    """Record ``change`` = (action, from, to) in the model's history and the activity log
    (the history keeps the stored codes; the activity's sentence is in the actor's words)."""
    action, old, new = change
    session.add(
        ModelEvent(
            model_name=row.model_name,
            version=row.version,
            actor=actor,
            action=action,
            from_value=old,
            to_value=new,
            comment=comment,
        )
    )
    record_event(
        session,
        actor=actor,
        kind=f"model.{action}",
        subject=f"{row.model_name}@{row.version}",
        message=_("{name} v{version}: {old} → {new}. {comment}")
        .format(
            name=row.model_name, version=row.version, old=stored_value_text(action, old),
            new=stored_value_text(action, new), comment=comment,
        )
        .strip(),
    )  # fmt: skip


def _transaction(studio: Studio, name: str, version: int | str, change) -> VersionInfo:  # noqa: ANN001
    try:
        with session_scope(studio.engine) as session:
            _lock(session, name)
            row = find_version(session, name, version)
            change(session, row)
            session.flush()
            return to_info(session, row)
    except (IntegrityError, OperationalError) as exc:
        if (
            "one_production_per_model" in str(exc)
            or "UNIQUE" in str(exc).upper()
            or ("database is locked" in str(exc))
        ):
            raise ConflictError(
                _("Another change to '{name}' happened at the same moment; reload and retry.")
                .format(name=name)
            ) from exc  # fmt: skip
        raise


def _takes_traffic(session: Session, row: ModelVersion) -> bool:
    traffic = session.get(ModelTraffic, row.model_name)
    named = {int(v) for v in (traffic.split or {})} | {traffic.shadow} if traffic else set()
    return row.version in named


def decide(
    studio: Studio, name: str, version: int | str, approve: bool, comment: str, actor: str
) -> VersionInfo:
    """Approve or reject a version (approvers only; a comment is required)."""
    require(studio.settings, actor, "approve")
    text = _comment(comment, required=True)
    wanted = "approved" if approve else "rejected"

    def change(session: Session, row: ModelVersion) -> None:
        which = {"name": row.model_name, "version": row.version}
        if row.approval == wanted:
            raise ConflictError(
                _("{name} v{version} is already {approval}.").format(
                    **which, approval=approval_name(wanted)
                )
            )
        if not approve and row.stage == "production":
            raise ConflictError(
                _(
                    "{name} v{version} is in production; promote another version or archive "
                    "it before rejecting it."
                ).format(**which)
            )
        if not approve and _takes_traffic(session, row):
            raise ConflictError(
                _(
                    "{name} v{version} takes live traffic; change the split first (studio "
                    "models traffic) and then reject it."
                ).format(**which)
            )
        _event(session, row, actor, ("approval", row.approval, wanted), text)
        row.approval = wanted
        if not approve and row.stage == "staging":  # a rejected version is not a candidate
            why = _("rejected. {comment}").format(comment=text)
            _event(session, row, actor, ("stage", "staging", "archived"), why)
            row.stage = "archived"
        session.add(row)

    return _transaction(studio, name, version, change)


def promote(
    studio: Studio, name: str, version: int | str, stage: str, comment: str, actor: str
) -> VersionInfo:
    """Move a version to ``stage``; production needs an approved version and an approver, and
    archives the version it replaces."""
    if stage not in STAGES:
        raise InvalidInputError(
            _("'{stage}' is not a stage; choose one of {stages}.").format(
                stage=stage, stages=", ".join(STAGES)
            )
        )
    require(studio.settings, actor, "production" if stage == "production" else "stage")
    text = _comment(comment, required=stage == "production")

    def change(session: Session, row: ModelVersion) -> None:
        which = {"name": row.model_name, "version": row.version}
        if row.stage == stage:
            raise ConflictError(
                _("{name} v{version} is already in {stage}.").format(
                    **which, stage=stage_name(stage)
                )
            )
        if row.stage == "production":  # the model would be left without production
            require(studio.settings, actor, "leave_production")
        if stage == "production" and row.approval != "approved":
            raise ConflictError(
                _(
                    "{name} v{version} is {approval}; only an approved version can go to "
                    "production."
                ).format(**which, approval=approval_name(row.approval))
            )
        if stage == "staging" and row.approval == "rejected":
            raise ConflictError(
                _(
                    "{name} v{version} was rejected; an approver must approve it before it "
                    "goes back to staging."
                ).format(**which)
            )
        if stage == "production":
            current = session.exec(
                select(ModelVersion).where(
                    ModelVersion.model_name == row.model_name, ModelVersion.stage == "production"
                )  # fmt: skip
            ).first()
            if current is not None:
                replaced = (
                    _("replaced by v{version}. {comment}")
                    .format(version=row.version, comment=text)
                    .strip()
                )
                _event(session, current, actor, ("stage", "production", "archived"), replaced)
                current.stage = "archived"
                session.add(current)
                session.flush()  # the index must see the old one leave first
        _event(session, row, actor, ("stage", row.stage, stage), text)
        row.stage = stage
        session.add(row)

    return _transaction(studio, name, version, change)


def edit_card(
    studio: Studio, name: str, version: int | str, fields: dict[str, str], actor: str
) -> VersionInfo:
    """Update a version's card (description, intended use, limitations)."""
    require(studio.settings, actor, "edit_card")
    unknown = set(fields) - set(CARD_FIELDS)
    if unknown:
        raise InvalidInputError(
            _("A model card has {fields}; not {unknown}.").format(
                fields=", ".join(sorted(CARD_FIELDS)), unknown=unknown
            )
        )
    if any(len(v) > MAX_CARD_FIELD for v in fields.values()):
        raise InvalidInputError(
            _("A model card field is limited to {count} characters.").format(
                count=format_number(MAX_CARD_FIELD)
            )
        )

    def change(session: Session, row: ModelVersion) -> None:
        card = dict(row.card or {})
        changed = [k for k, v in fields.items() if card.get(k, "") != v]
        if not changed:
            return
        card.update(fields)
        row.card = card
        session.add(row)
        said = _("edited {fields}").format(
            fields=format_list([_(CARD_FIELDS[k]) for k in changed])
        )
        session.add(ModelEvent(model_name=row.model_name, version=row.version, actor=actor,
                               action="card", comment=said))  # fmt: skip

    return _transaction(studio, name, version, change)


def set_threshold(
    studio: Studio, name: str, version: int | str, value: float, comment: str, actor: str
) -> VersionInfo:
    """Save ``value`` as a binary version's decision threshold (approvers only; a comment is
    required): from then on its predicted label is the positive class where P(positive) >=
    ``value``. The change is a model event ("threshold", old → new), so a version's predictions
    never change silently."""
    require(studio.settings, actor, "threshold")
    text = _comment(comment, required=True)
    if not (isinstance(value, int | float) and 0.0 < float(value) < 1.0):
        raise InvalidInputError(
            _("A decision threshold is a number between 0 and 1; got {value}.").format(value=value)
        )
    value = round(float(value), 4)

    def change(session: Session, row: ModelVersion) -> None:
        which = {"name": row.model_name, "version": row.version}
        if row.task != "binary":
            raise InvalidInputError(
                _(
                    "{name} v{version} is a {task} model; a decision threshold applies to "
                    "binary models only."
                ).format(**which, task=task_name(row.task))
            )
        if row.decision_threshold == value:
            raise ConflictError(
                _("{name} v{version} already cuts at {value}.").format(**which, value=f"{value:g}")
            )
        old = "0.5 (default)" if row.decision_threshold is None else f"{row.decision_threshold:g}"
        _event(session, row, actor, ("threshold", old, f"{value:g}"), text)
        row.decision_threshold = value
        session.add(row)

    return _transaction(studio, name, version, change)
