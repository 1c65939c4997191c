"""What people read for the registry's stored words: stages, approvals, tasks, history actions.

The store, the CLI's ``--json``, URLs and the API keep the English codes (``production``,
``pending``, ``binary``); screens and sentences show these names, in the caller's language::

    stage_name("staging")        # "staging" / "预发布"
    approval_name("pending")     # "pending" / "待审批"

English names are the codes themselves, so English screens read as before. A code this module
does not know is shown as it is. The words are looked up with a message context (``stage``,
``approval``, ...), so a one-word name cannot clash with the same English word elsewhere.
"""

from __future__ import annotations

from studio.i18n import _, pgettext


def stage_name(stage: str) -> str:
    """A version's stage as people read it (the glossary's 无 / 预发布 / 生产 / 已归档)."""
    names = {
        "none": pgettext("stage", "none"),
        "staging": pgettext("stage", "staging"),
        "production": pgettext("stage", "production"),
        "archived": pgettext("stage", "archived"),
    }
    return names.get(stage, stage)


def approval_name(approval: str) -> str:
    """A version's approval state as people read it (待审批 / 已批准 / 已拒绝)."""
    names = {
        "pending": pgettext("approval", "pending"),
        "approved": pgettext("approval", "approved"),
        "rejected": pgettext("approval", "rejected"),
    }
    return names.get(approval, approval)


def task_name(task: str) -> str:
    """A model's task as people read it (二分类 / 多分类 / 回归)."""
    names = {
        "binary": pgettext("task", "binary"),
        "multiclass": pgettext("task", "multiclass"),
        "regression": pgettext("task", "regression"),
    }
    return names.get(task, task)


def action_name(action: str) -> str:
    """What a history entry (``ModelEvent.action``) did, in a word or two."""
    names = {
        "approval": pgettext("history", "approval"),
        "stage": pgettext("history", "stage"),
        "registered": pgettext("history", "registered"),
        "card": pgettext("history", "card edited"),
        "traffic": pgettext("history", "traffic"),
        "threshold": pgettext("history", "threshold"),
    }
    return names.get(action, action)


def traffic_source_name(source: str) -> str:
    """Which traffic a version's requests were (``live`` answers, ``shadow`` scores only)."""
    names = {"live": pgettext("traffic", "live"), "shadow": pgettext("traffic", "shadow")}
    return names.get(source, source)


def stored_value_text(action: str, value: str) -> str:
    """A history entry's stored from/to value as people read it: a stage or an approval by
    its name, a traffic summary ("v1 90% · shadow v3", "production only") and a threshold's
    "0.5 (default)" in the caller's words; anything else as it is."""
    if action == "stage":
        return stage_name(value)
    if action == "approval":
        return approval_name(value)
    if action == "registered":
        return stage_name(value)
    if action == "threshold" and value == "0.5 (default)":
        return _("{value} (default)").format(value="0.5")
    if action == "traffic":
        return traffic_text(value)
    return value


def traffic_text(stored: str) -> str:
    """A traffic summary as stored in English ("v1 90% · v2 10% · shadow v3", "production
    only") in the caller's words; the stored form may be cut short (30 characters)."""
    if stored == "production only":
        return _("production only")
    parts = []
    for part in stored.split(" · "):
        if part.startswith("shadow v") and part[len("shadow v") :].isdigit():
            parts.append(_("shadow v{version}").format(version=part[len("shadow v") :]))
        else:
            parts.append(part)
    return " · ".join(parts)
