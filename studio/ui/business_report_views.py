"""Report downloads: the HTML file is built on request (a button), kept for the session, and
offered as ready bytes (a deferred download could hang in the browser under load)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from studio.business.value import CostMatrix
from studio.context import Studio
from studio.reports.service import compare_html, model_html
from studio.ui.identity import current_user


def offer_download(label: str, key: str, identity: object, make: Callable[[], bytes],
                   filename: str) -> None:  # fmt: skip
    """A 'Prepare' button that builds the report once per ``identity``, then its download."""
    kept = st.session_state.get(key)
    stale = kept is None or kept[0] != identity
    if stale and st.button(f"Prepare {label}", key=f"{key}_make"):
        with st.spinner("Building the report…"):
            st.session_state[key] = (identity, make())
        kept = st.session_state[key]
    if kept is not None and kept[0] == identity:
        size = len(kept[1]) / 1e6
        st.download_button(
            f"Download {label} ({size:.1f} MB)", kept[1], file_name=filename,
            mime="text/html", key=f"{key}_download",
        )  # fmt: skip
        st.caption("A standalone HTML file: it opens offline in any browser; figures only.")


def offer_report(
    studio: Studio, candidates: bool, picked: list[int] | str, values: tuple, subject: str
) -> None:
    """The comparison report (candidates) or the business report of a registered model
    (``subject`` is its ``name@N``), both with the values set on the page. The Models page's
    model card report has no values and its own file name (``-card.html``)."""
    matrix, tolerance, relative = values
    actor = current_user(studio.settings)
    identity = (candidates, tuple(picked) if candidates else picked, _matrix_key(matrix),
                tolerance, relative)  # fmt: skip
    if candidates:
        refs = list(picked)
        offer_download(
            "the comparison report", "biz_report", identity,
            lambda: compare_html(studio, refs, actor, matrix, tolerance, relative),
            "studio-comparison.html",
        )  # fmt: skip
    else:
        offer_download(
            "the business report of this model", "biz_report", identity,
            lambda: model_html(studio, str(picked), actor, matrix, tolerance, relative),
            f"studio-{subject.replace('@', '-v')}-business.html",
        )  # fmt: skip


def _matrix_key(matrix: CostMatrix) -> tuple:
    return (matrix.tp, matrix.fp, matrix.fn, matrix.tn, matrix.population, matrix.unit)
