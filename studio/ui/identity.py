"""The acting user in the app: Streamlit's login, else the user a proxy names in a trusted
header (only on requests that prove they came through it, see ``studio.identity``), else the
local user name. The core checks roles for this name on every change."""

from __future__ import annotations

import logging

import streamlit as st

from studio.access import roles_of
from studio.config import Settings
from studio.identity import identity_from_headers

log = logging.getLogger(__name__)
_LOGGED = "identity_problem_logged"  # once per browser session: reruns would repeat it


def _logged_in_user() -> str | None:
    try:
        if st.user.get("is_logged_in"):
            return str(st.user.get("email") or st.user.get("name") or "") or None
    except Exception:  # noqa: BLE001 (no authentication configured: st.user is not usable)
        return None
    return None


def _request_headers() -> list[tuple[str, str]]:
    """The headers of the request that opened this session, every repeated value kept."""
    try:
        headers = st.context.headers
        return [(name, value) for name in headers for value in headers.get_all(name)]
    except Exception:  # noqa: BLE001 (no request context)
        return []


def _header_user(settings: Settings) -> str | None:
    identity = identity_from_headers(settings, _request_headers())
    if identity is None:
        return None
    if identity.problem and not st.session_state.get(_LOGGED):
        st.session_state[_LOGGED] = True
        log.warning(identity.problem)
    return identity.user


def current_user(settings: Settings) -> str:
    """Who is acting in this browser session."""
    return _logged_in_user() or _header_user(settings) or settings.user


def current_roles(settings: Settings) -> tuple[str, ...]:
    """The roles of the acting user."""
    return roles_of(settings, current_user(settings))
