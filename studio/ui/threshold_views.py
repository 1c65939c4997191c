"""Saving the Business page's chosen threshold on a model version (approvers only)."""

from __future__ import annotations

import streamlit as st

from studio.access import can
from studio.business.summary import BusinessView
from studio.context import Studio
from studio.escaping import markdown_text as md
from studio.i18n import _
from studio.registry.lifecycle import set_threshold
from studio.registry.versions import get_version
from studio.ui.identity import current_user


def offer_threshold(studio: Studio, view: BusinessView, ref: str) -> None:
    """For an approver valuing a binary version: save the chosen threshold on it, with a
    comment (kept in the model's history). Others see the version's current threshold."""
    curve = view.curves[0] if view.task == "binary" and view.priced else None
    if curve is None:
        return
    version = get_version(studio, ref)
    st.caption(md(version.cut_sentence))
    user = current_user(studio.settings)
    if not can(studio.settings, user, "threshold") or version.decision_threshold == round(
        curve.best_threshold, 4
    ):
        return
    label = _("Use this threshold ({threshold}) for {name} v{version}").format(
        threshold=f"{curve.best_threshold:.2f}", name=version.name, version=version.version
    )
    comment = st.text_input(
        _("Why this threshold (kept in the model's history)"),
        key=f"biz_cut_comment_{version.id}",
        placeholder=_("e.g. values agreed with finance on 2 December"),
    )
    if st.button(label, key=f"biz_cut_{version.id}"):
        saved = set_threshold(
            studio, version.name, version.version, curve.best_threshold, comment, user
        )
        st.success(md(_("Saved. {sentence}").format(sentence=saved.cut_sentence)))
