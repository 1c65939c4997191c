"""Report downloads: the HTML file is built on request (a button), kept for the session, and
offered as ready bytes (a deferred download could hang in the browser under load)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from studio.business.value import CostMatrix
from studio.context import Studio
from studio.i18n import _
from studio.reports.service import compare_html, model_html
from studio.ui.identity import current_user


def offer_download(labels: tuple[str, str] | str, key: str, identity: object,
                   make: Callable[[], bytes], filename: str) -> None:  # fmt: skip
    """A 'Prepare' button that builds the report once per ``identity``, then its download.

    ``labels`` are the two translated button sentences: the prepare one, and the download one
    with a ``{size}`` placeholder (megabytes). A plain noun phrase (the older form, e.g. "the
    model card") is put into generic sentences instead."""
    if isinstance(labels, str):
        prepare = _("Prepare {report}").format(report=labels)
        download = _("Download {report} ({size} MB)").replace("{report}", labels)
    else:
        prepare, download = labels
    kept = st.session_state.get(key)
    stale = kept is None or kept[0] != identity
    if stale and st.button(prepare, key=f"{key}_make"):
        with st.spinner(_("Building the report…")):
            st.session_state[key] = (identity, make())
        kept = st.session_state[key]
    if kept is not None and kept[0] == identity:
        size = len(kept[1]) / 1e6
        st.download_button(
            download.format(size=f"{size:.1f}"), kept[1], file_name=filename,
            mime="text/html", key=f"{key}_download",
        )  # fmt: skip
        st.caption(_("A standalone HTML file: it opens offline in any browser; figures only."))


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
            (_("Prepare the comparison report"), _("Download the comparison report ({size} MB)")),
            "biz_report", identity,
            lambda: compare_html(studio, refs, actor, matrix, tolerance, relative),
            "studio-comparison.html",
        )  # fmt: skip
    else:
        offer_download(
            (
                _("Prepare the business report of this model"),
                _("Download the business report of this model ({size} MB)"),
            ),
            "biz_report", identity,
            lambda: model_html(studio, str(picked), actor, matrix, tolerance, relative),
            f"studio-{subject.replace('@', '-v')}-business.html",
        )  # fmt: skip


def _matrix_key(matrix: CostMatrix) -> tuple:
    return (matrix.tp, matrix.fp, matrix.fn, matrix.tn, matrix.population, matrix.unit)
