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
from studio.i18n import N_, _, format_list
from studio.identity import setup_problem
from studio.logs import configure_logging, log_failure
from studio.ui.identity import current_user
from studio.ui.language import language_switch

# Each page's file and its name (the msgid: translated where it is drawn).
PAGES = (
    ("app.py", N_("Home")),
    ("pages/1_Data.py", N_("Data")),
    ("pages/2_Autopilot.py", N_("Autopilot")),
    ("pages/3_Experiments.py", N_("Experiments")),
    ("pages/4_Models.py", N_("Models")),
    ("pages/5_Predict.py", N_("Predict")),
    ("pages/6_Monitor.py", N_("Monitor")),
    ("pages/7_Business.py", N_("Business")),
)
# studio.access.ROLES as the sidebar names them.
ROLE_NAMES = {"viewer": N_("viewer"), "analyst": N_("analyst"), "approver": N_("approver")}


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
    """Set this run's language (the sidebar switch), configure the page, draw the sidebar and
    return the open Studio (call first on a page). ``title``: the page's name in ``PAGES``."""
    with st.sidebar:
        navigation, switch = st.container(), st.container()
    with switch:
        language_switch()
    st.set_page_config(page_title=f"{_(title)} · Studio", page_icon="◆", layout="wide")
    settings = load_settings()
    studio = _open_studio(settings, f"{settings.database_url}|{settings.artifacts_dir}")
    with navigation:
        st.markdown("### Studio")
        for path, label in PAGES:
            st.page_link(path, label=_(label))
        st.divider()
        st.caption(_signed_in(settings))
    return studio


def _signed_in(settings: Settings) -> str:
    """The sidebar's sentence: who acts, with which roles, on which store (Markdown)."""
    where = _("SQLite (local)") if settings.is_sqlite else _("PostgreSQL (team)")
    user = current_user(settings)
    try:
        if load_roles(settings.roles_file) is None:
            roles = _("every role")
        else:
            roles = format_list([_(ROLE_NAMES[r]) for r in roles_of(settings, user)])
    except UserError as exc:
        st.error(markdown_text(exc))
        roles = _("no role until the roles file is fixed")
    return _("Signed in as **{user}** ({roles}) · store: {store}").format(
        user=markdown_text(user), roles=roles, store=where
    )


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
            _(
                "Something went wrong on our side (reference {ref}); the details are in the log."
            ).format(ref=ref)
        )
