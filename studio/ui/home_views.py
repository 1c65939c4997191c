"""Home: what the store holds, recent activity, and the demo data one click away."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.activity import overview, recent_activity
from studio.context import Studio
from studio.demo import load_demo
from studio.errors import UserError
from studio.escaping import markdown_text
from studio.i18n import _, format_number, ngettext, use_language
from studio.ui.identity import current_user
from studio.ui.language import session_language
from studio.ui.shell import error_boundary

_FLASH = "home_flash"


def _load_demo(studio: Studio) -> None:
    """The button's callback: it runs before the page (and its language switch), so it speaks
    the session's language itself; the outcome is shown by the next run (``_show_flash``)."""
    with use_language(session_language()):
        try:
            with st.spinner(_("Loading the demo datasets…")):
                results = load_demo(studio, actor=current_user(studio.settings))
        except UserError as exc:  # e.g. a read-only store: the core's sentence, translated
            st.session_state[_FLASH] = ("error", str(exc))
            return
    st.session_state[_FLASH] = ("loaded", [r.version.ref for r in results if r.created])


def _show_flash() -> None:
    """What the last click on "Load demo datasets" did."""
    kind, value = st.session_state.pop(_FLASH, (None, None))
    if kind == "error":
        st.error(markdown_text(value))
    elif kind == "loaded" and value:
        sentence = ngettext(
            "Loaded {count} demo dataset: {names}.", "Loaded {count} demo datasets: {names}.",
            len(value),
        )  # fmt: skip
        st.success(sentence.format(count=format_number(len(value)), names=", ".join(value)))
    elif kind == "loaded":
        st.success(_("The demo datasets are already loaded."))


def _counts(studio: Studio) -> int:
    """The four counts as metrics; returns the number of datasets."""
    counts = overview(studio)
    cols = st.columns(4)
    cols[0].metric(_("Datasets"), format_number(counts.datasets))
    cols[1].metric(_("Dataset versions"), format_number(counts.dataset_versions))
    cols[2].metric(_("Autopilot runs"), format_number(counts.runs))
    cols[3].metric(_("Registered models"), format_number(counts.models))
    return counts.datasets


def _get_started(studio: Studio, datasets: int) -> None:
    st.subheader(_("Get started"))
    if datasets == 0:
        st.info(_("No data yet. Load four real datasets to try Studio in seconds."))
    st.markdown(
        _(
            "Demo data: **breast cancer** (binary), **wine** (3 classes), **diabetes** "
            "(regression) from scikit-learn, and the **telco churn** table ({customers} "
            "customers), the business demo."
        ).format(customers=format_number(7043))
    )
    st.button(
        _("Load demo datasets"), type="primary", on_click=_load_demo, args=(studio,),
        key="home_load_demo",
    )  # fmt: skip
    st.page_link("pages/1_Data.py", label=_("Upload your own data →"))


def _activity(studio: Studio) -> None:
    """The newest events; what each says is stored with it, in the words of its moment."""
    st.subheader(_("Recent activity"))
    events = recent_activity(studio, limit=15)
    if not events:
        st.caption(_("Nothing has happened yet."))
        return
    when, who, what = _("When"), _("Who"), _("What")
    st.dataframe(
        pd.DataFrame(
            {
                when: [e.at for e in events],
                who: [e.actor for e in events],
                what: [e.message for e in events],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={when: st.column_config.DatetimeColumn(format="distance")},
    )


def render_home(studio: Studio) -> None:
    """Draw the Home page (in the language ``setup_page`` set for this run)."""
    st.title("Studio")
    st.markdown(
        _(
            "Bring tabular data in, let the **autopilot** build and rank models, compare them, "
            "register and promote the best one, score new data and **watch drift** — on your "
            "laptop or on your team's database."
        )
    )
    with error_boundary("home"):
        _show_flash()
        datasets = _counts(studio)
        left, right = st.columns([2, 3], gap="large")
        with left:
            _get_started(studio, datasets)
        with right:
            _activity(studio)
