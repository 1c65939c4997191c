"""Choosing a registered model and its stage or version (Predict, Monitor and Business pages).

The choice lives in the URL (``?model=NAME&version=production|staging|N``): a link opens the
model and version it names, and a link to one that does not exist says so in one sentence
instead of showing another.
"""

from __future__ import annotations

import streamlit as st

from studio.context import Studio
from studio.errors import NotFoundError
from studio.i18n import _
from studio.registry.labels import stage_name
from studio.registry.versions import VersionInfo, list_models, list_versions
from studio.ui.links import keep_in_link


def pick_version(studio: Studio, prefix: str, empty: str) -> tuple[str, VersionInfo] | None:
    """A model and a stage or version: the reference (``name@production``, ``name@3``) and
    the version it names; None, with ``empty`` shown, when no model has a version.

    Raises NotFoundError when the link's ``model`` or ``version`` names nothing that exists.
    """
    names = [m.name for m in list_models(studio) if m.versions]
    wanted, asked = st.query_params.get("model"), st.query_params.get("version")
    if wanted and wanted not in names:
        raise NotFoundError(
            _("There is no model '{name}' with a version to show.").format(name=wanted)
        )
    if not names:
        st.info(empty)
        return None
    left, right = st.columns([2, 1])
    index = names.index(wanted) if wanted else 0
    name = left.selectbox(_("Model"), names, key=f"{prefix}_model", index=index)
    versions = list_versions(studio, name)
    options = [s for s in ("production", "staging") if any(v.stage == s for v in versions)]
    options += [str(v.version) for v in versions]
    if asked and name == wanted and asked.removeprefix("v") not in options:
        raise NotFoundError(_missing(name, asked))
    which = right.selectbox(
        _("Stage or version"),
        options,
        index=options.index(asked.removeprefix("v")) if asked and name == wanted else 0,
        key=f"{prefix}_which_{name}",
        format_func=_option_names(options).get,
    )
    keep_in_link({"model": name, "version": which})
    chosen = next(v for v in versions if v.stage == which or str(v.version) == which)
    return f"{name}@{which}", chosen


def _option_names(options: list[str]) -> dict[str, str]:
    """Each option's label: a stage by its name, a version as "v3" (a lookup table, not a
    function of the language: AppTest reads labels back outside the run)."""
    return {o: f"v{o}" if o.isdigit() else stage_name(o) for o in options}


def _missing(name: str, asked: str) -> str:
    """The sentence for a link to a stage or version the model does not have."""
    number = asked.removeprefix("v")
    if number.isdigit():
        return _("Model {name} has no version {version}.").format(name=name, version=number)
    return _("Model {name} has no {stage} version.").format(name=name, stage=stage_name(asked))
