"""Markdown notes and tags on runs and candidates."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlmodel import Session, col, select

from studio.access import require
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Candidate, Note, Run, Tag, utcnow
from studio.errors import InvalidInputError, NotFoundError
from studio.i18n import N_, _, format_number

SUBJECTS = {"run": Run, "candidate": Candidate}
TAG_PATTERN = re.compile(r"^[\w][\w .:/+-]{0,49}$")
MAX_NOTE_CHARS = 20_000
# What a note is on, as a refusal names it ("There is no run 7.").
NO_SUBJECT = {"run": N_("There is no run {id}."), "candidate": N_("There is no candidate {id}.")}


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Trimmed, lower-cased, de-duplicated tags; a malformed tag is refused with its name."""
    out: list[str] = []
    for raw in tags:
        tag = raw.strip().lower()
        if not tag:
            continue
        if not TAG_PATTERN.match(tag):
            raise InvalidInputError(
                _(
                    "'{tag}' is not a valid tag: use up to 50 letters, digits, spaces or . : / + -"
                ).format(tag=raw)
            )
        if tag not in out:
            out.append(tag)
    return out


def _check_subject(session: Session, subject: str, subject_id: int) -> None:
    if subject not in SUBJECTS:
        raise InvalidInputError(
            _("Notes go on a run or a candidate, not on '{subject}'.").format(subject=subject)
        )
    if session.get(SUBJECTS[subject], subject_id) is None:
        raise NotFoundError(_(NO_SUBJECT[subject]).format(id=subject_id))


def set_note(studio: Studio, subject: str, subject_id: int, body: str, actor: str) -> None:
    """Replace the Markdown note of a run or candidate (an empty body removes it)."""
    require(studio.settings, actor, "annotate")
    if len(body) > MAX_NOTE_CHARS:
        raise InvalidInputError(
            _("A note is limited to {count} characters.").format(
                count=format_number(MAX_NOTE_CHARS)
            )
        )
    with session_scope(studio.engine) as session:
        _check_subject(session, subject, subject_id)
        note = session.exec(
            select(Note).where(Note.subject == subject, Note.subject_id == subject_id)
        ).first()
        if not body.strip():
            if note is not None:
                session.delete(note)
            return
        note = note or Note(subject=subject, subject_id=subject_id, updated_by=actor)
        note.body, note.updated_by, note.updated_at = body, actor, utcnow()
        session.add(note)


def set_tags(
    studio: Studio, subject: str, subject_id: int, tags: Iterable[str], actor: str
) -> list[str]:
    """Replace the tags of a run or candidate; returns the stored tags."""
    require(studio.settings, actor, "annotate")
    wanted = clean_tags(tags)
    with session_scope(studio.engine) as session:
        _check_subject(session, subject, subject_id)
        current = session.exec(
            select(Tag).where(Tag.subject == subject, Tag.subject_id == subject_id)
        ).all()
        for tag in current:
            if tag.name not in wanted:
                session.delete(tag)
        have = {t.name for t in current}
        for name in wanted:
            if name not in have:
                session.add(Tag(subject=subject, subject_id=subject_id, name=name))
    return wanted


def note_of(session: Session, subject: str, subject_id: int) -> str:
    """The note body of a subject ('' when there is none), inside the caller's session."""
    note = session.exec(
        select(Note.body).where(Note.subject == subject, Note.subject_id == subject_id)
    ).first()
    return note or ""


def tags_of(session: Session, subject: str, ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Tags per subject id, inside the caller's session."""
    ids = list(ids)
    out: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        rows = session.exec(
            select(Tag.subject_id, Tag.name)
            .where(Tag.subject == subject, col(Tag.subject_id).in_(ids))
            .order_by(col(Tag.name))
        ).all()
        for subject_id, name in rows:
            out[subject_id].append(name)
    return {k: tuple(v) for k, v in out.items()}


def all_tags(studio: Studio, subject: str = "run") -> list[str]:
    """Every tag in use on runs (or candidates), sorted."""
    with session_scope(studio.engine) as session:
        rows = session.exec(select(Tag.name).where(Tag.subject == subject).distinct()).all()
        return sorted(rows)
