"""The column types on the Autopilot page: every column's type, why, how it is used; a one-click
"use it" for a column Studio left out, and a control to set any column's type.

The types a user set live in ``st.session_state["auto_column_types"]`` per dataset version and
target; a new type is checked by planning with it (the core refuses values that do not fit, in
one sentence) before it is kept.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from studio.autopilot.column_types import COLUMN_TYPES
from studio.autopilot.labels import column_type_label, treatment_label
from studio.autopilot.prepare import NUMBER_DTYPES, ColumnChoice
from studio.autopilot.service import AutopilotRequest, RunPlan, plan_run
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.escaping import markdown_text as md
from studio.i18n import _, format_number, ngettext

STATE_KEY = "auto_column_types"
MAX_BUTTONS = 6


def set_types(scope: str) -> dict[str, str]:
    """The types the user set for ``scope`` (a dataset version and target)."""
    return dict(st.session_state.get(STATE_KEY, {}).get(scope, {}))


def _keep(scope: str, types: dict[str, str]) -> None:
    st.session_state.setdefault(STATE_KEY, {})[scope] = types


def render_column_types(
    studio: Studio, plan: RunPlan, request: AutopilotRequest, scope: str
) -> None:
    """The column table and the controls that change a column's type."""
    if error := st.session_state.pop("auto_type_error", None):
        st.error(md(error))
    choices = plan.columns.choices
    mine = [c for c in choices if c.inferred]
    with st.expander(md(_title(plan, len(mine))), expanded=bool(plan.unused or mine)):
        st.dataframe(column_table(plan), hide_index=True, width="stretch")
        _use_buttons(studio, plan, request, scope)
        _set_control(studio, plan, request, scope)


def _title(plan: RunPlan, mine: int) -> str:
    """The expander's title: how many columns are features, left out, set by you."""
    counts = {"used": format_number(len(plan.columns.features)),
              "left": format_number(len(plan.unused)), "mine": format_number(mine)}  # fmt: skip
    if plan.unused and mine:
        text = _("Column types: {used} used as features, {left} left out by Studio, {mine} set "
                 "by you")  # fmt: skip
    elif plan.unused:
        text = _("Column types: {used} used as features, {left} left out by Studio")
    elif mine:
        text = _("Column types: {used} used as features, {mine} set by you")
    else:
        text = _("Column types: {used} used as features")
    return text.format(**counts)


def column_table(plan: RunPlan) -> pd.DataFrame:
    """Column, type (marked when set by you), how it is used, and why: what Studio saw in the
    column (or that you set it) and what that means for the model. One row per column."""
    choices, profile = plan.columns.choices, plan.dataset.profile
    return pd.DataFrame(
        {
            _("Column"): [c.name for c in choices],
            _("Type"): [_type(c, profile.column(c.name).kind) for c in choices],
            _("Used as"): [treatment_label(c.treatment) for c in choices],
            _("Why"): [_why(c, profile.column(c.name).reason) for c in choices],
        }
    )


def _type(choice: ColumnChoice, inferred: str) -> str:
    if choice.inferred:
        return _("{kind} (set by you)").format(kind=column_type_label(choice.kind))
    return column_type_label(inferred)


def _why(choice: ColumnChoice, seen: str) -> str:
    if choice.inferred or not seen or choice.reason.endswith(seen):
        return choice.reason
    return f"{seen} → {choice.reason}"


def _alternative(plan: RunPlan, choice: ColumnChoice) -> str:
    """The type that makes a left-out column a feature ("" when none would help)."""
    if choice.kind not in ("identifier", "text"):
        return ""  # empty or constant: no type makes it useful
    dtype = plan.dataset.profile.column(choice.name).dtype
    return "numeric" if dtype.startswith(NUMBER_DTYPES) else "categorical"


def _use_buttons(studio: Studio, plan: RunPlan, request: AutopilotRequest, scope: str) -> None:
    offers = [(c.name, alt) for c in plan.unused if (alt := _alternative(plan, c))]
    offers += [
        (c.name, "categorical")
        for c in plan.dataset.profile.column_profiles
        if c.suggested_kind == "categorical"
        and c.name != plan.target
        and c.name not in plan.column_types
    ]
    if not offers:
        return
    st.caption(_("Left out or maybe mistyped: one click uses the column as shown."))
    cols = st.columns(min(3, len(offers)))
    for i, (name, kind) in enumerate(offers[:MAX_BUTTONS]):
        label = _("Use '{name}' as {kind}").format(name=name, kind=column_type_label(kind))
        if cols[i % len(cols)].button(md(label), key=f"auto_use_{i}"):
            _apply(studio, request, scope, {name: kind})
    if len(offers) > MAX_BUTTONS:
        more = len(offers) - MAX_BUTTONS
        st.caption(
            ngettext("{n} more: set its type below.", "{n} more: set their type below.", more)
            .format(n=format_number(more))
        )  # fmt: skip


def _set_control(studio: Studio, plan: RunPlan, request: AutopilotRequest, scope: str) -> None:
    names = [c.name for c in plan.columns.choices]
    left, middle, right = st.columns([3, 2, 2], vertical_alignment="bottom")
    name = left.selectbox(_("Column"), names, key="auto_type_column")
    current = next(c.kind for c in plan.columns.choices if c.name == name)
    index = COLUMN_TYPES.index(current) if current in COLUMN_TYPES else 0
    shown = {k: column_type_label(k) for k in COLUMN_TYPES}  # built now, in this run's language
    kind = middle.selectbox(_("Type"), COLUMN_TYPES, index=index, key=f"auto_type_kind_{name}",
                            format_func=shown.get)  # fmt: skip
    if right.button(_("Set type"), key="auto_type_set"):
        _apply(studio, request, scope, {name: kind})
    if plan.column_types and st.button(
        _("Use Studio's types for every column"), key="auto_type_reset"
    ):
        _keep(scope, {})
        st.rerun()


def _apply(studio: Studio, request: AutopilotRequest, scope: str, change: dict[str, str]) -> None:
    """Keep ``change`` if the core accepts it (planning checks the values fit), then rerun."""
    types = set_types(scope) | change
    try:
        plan = plan_run(studio, replace(request, column_types=types))
    except InvalidInputError as error:
        st.session_state["auto_type_error"] = str(error)
    else:
        _keep(scope, plan.column_types)
    st.rerun()
