"""Shared page set-up (config, cached store, sidebar) and the UI's one error boundary."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from studio.access import load_roles, roles_of
from studio.config import Settings, load_settings
from studio.context import Studio
from studio.errors import UserError
from studio.escaping import markdown_text
from studio.identity import setup_problem
from studio.logs import configure_logging, log_failure
from studio.ui.identity import current_user

PAGES = (
    ("app.py", "Home"),
    ("pages/1_Data.py", "Data"),
    ("pages/2_Autopilot.py", "Autopilot"),
    ("pages/3_Experiments.py", "Experiments"),
    ("pages/4_Models.py", "Models"),
    ("pages/5_Predict.py", "Predict"),
    ("pages/6_Monitor.py", "Monitor"),
    ("pages/7_Business.py", "Business"),
)


@st.cache_resource(show_spinner=False)
def _open_studio(_settings: Settings, key: str) -> Studio:
    """One Studio per store location (``key``) for the whole server process."""
    studio = Studio.open(_settings)
    configure_logging(_settings.home)
    problem = setup_problem(_settings)
    if problem:  # once per server process, in the log
        logging.getLogger(__name__).warning(problem)
    return studio


def setup_page(title: str) -> Studio:
    """Configure the page, draw the sidebar and return the open Studio (call first on a page)."""
    st.set_page_config(page_title=f"{title} · Studio", page_icon="◆", layout="wide")
    settings = load_settings()
    studio = _open_studio(settings, f"{settings.database_url}|{settings.artifacts_dir}")
    with st.sidebar:
        st.markdown("### Studio")
        for path, label in PAGES:
            st.page_link(path, label=label)
        st.divider()
        where = "SQLite (local)" if settings.is_sqlite else "PostgreSQL (team)"
        user = current_user(settings)
        try:
            configured = load_roles(settings.roles_file) is not None
            roles = ", ".join(roles_of(settings, user)) if configured else "every role"
        except UserError as exc:
            st.error(markdown_text(exc))
            roles = "no role until the roles file is fixed"
        st.caption(f"Signed in as **{markdown_text(user)}** ({roles}) · store: {where}")
    return studio


@contextmanager
def error_boundary(context: str) -> Iterator[None]:
    """Show user errors as one sentence and unexpected ones as a short message with a reference.

    A user error's sentence is plain text that may hold user names, so it is shown literally
    (``markdown_text``). Streamlit's own control-flow exceptions (rerun, stop) derive from
    BaseException and pass.
    """
    try:
        yield
    except UserError as exc:
        st.error(markdown_text(exc))
    except Exception as exc:  # the UI's one boundary for unexpected failures
        ref = log_failure(exc, context)
        st.error(
            f"Something went wrong on our side (reference {ref}); the details are in the log."
        )
