"""Choosing a registered model and its stage or version (Predict and Monitor pages)."""

from __future__ import annotations

import streamlit as st

from studio.context import Studio
from studio.registry.versions import VersionInfo, list_models, list_versions


def pick_version(studio: Studio, prefix: str, empty: str) -> tuple[str, VersionInfo] | None:
    """A model (``?model=`` preselects it) and a stage or version: the reference
    (``name@production``, ``name@3``) and the version it names; None, with ``empty`` shown,
    when no model has a version."""
    names = [m.name for m in list_models(studio) if m.versions]
    if not names:
        st.info(empty)
        return None
    wanted = st.query_params.get("model")
    left, right = st.columns([2, 1])
    index = names.index(wanted) if wanted in names else 0
    name = left.selectbox("Model", names, key=f"{prefix}_model", index=index)
    versions = list_versions(studio, name)
    options = [s for s in ("production", "staging") if any(v.stage == s for v in versions)]
    options += [str(v.version) for v in versions]
    which = right.selectbox(
        "Stage or version",
        options,
        key=f"{prefix}_which_{name}",
        format_func=lambda o: o if not o.isdigit() else f"v{o}",
    )
    chosen = next(v for v in versions if v.stage == which or str(v.version) == which)
    return f"{name}@{which}", chosen
