"""Home: what the store holds, recent activity, and the demo data one click away."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.activity import overview, recent_activity
from studio.context import Studio
from studio.demo import load_demo
from studio.ui.identity import current_user
from studio.ui.shell import error_boundary


def _load_demo(studio: Studio) -> None:
    with st.spinner("Loading the demo datasets…"):
        results = load_demo(studio, actor=current_user(studio.settings))
    added = [r.version.ref for r in results if r.created]
    st.session_state["home_flash"] = (
        f"Loaded {len(added)} demo datasets: {', '.join(added)}."
        if added
        else "The demo datasets are already loaded."
    )


def render_home(studio: Studio) -> None:
    """Draw the Home page."""
    st.title("Studio")
    st.markdown(
        "Bring tabular data in, let the **autopilot** build and rank models, compare them, "
        "register and promote the best one, score new data and **watch drift** — on your laptop "
        "or on your team's database."
    )
    with error_boundary("home"):
        if flash := st.session_state.pop("home_flash", None):
            st.success(flash)
        counts = overview(studio)
        cols = st.columns(4)
        cols[0].metric("Datasets", f"{counts.datasets:,}")
        cols[1].metric("Dataset versions", f"{counts.dataset_versions:,}")
        cols[2].metric("Autopilot runs", f"{counts.runs:,}")
        cols[3].metric("Registered models", f"{counts.models:,}")
        left, right = st.columns([2, 3], gap="large")
        with left:
            st.subheader("Get started")
            if counts.datasets == 0:
                st.info("No data yet. Load four real datasets to try Studio in seconds.")
            st.markdown(
                "Demo data: **breast cancer** (binary), **wine** (3 classes), **diabetes** "
                "(regression) from scikit-learn, and the **telco churn** table (7,043 customers), "
                "the business demo."
            )
            st.button(
                "Load demo datasets", type="primary", on_click=_load_demo, args=(studio,),
                key="home_load_demo",
            )  # fmt: skip
            st.page_link("pages/1_Data.py", label="Upload your own data →")
        with right:
            st.subheader("Recent activity")
            events = recent_activity(studio, limit=15)
            if not events:
                st.caption("Nothing has happened yet.")
            else:
                st.dataframe(
                    pd.DataFrame(
                        {
                            "When": [e.at for e in events],
                            "Who": [e.actor for e in events],
                            "What": [e.message for e in events],
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                    column_config={"When": st.column_config.DatetimeColumn(format="distance")},
                )
