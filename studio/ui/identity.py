"""The acting user in the app: Streamlit's login, else a trusted proxy's header, else the local
user name. The core checks roles for this name on every change."""

from __future__ import annotations

import streamlit as st

from studio.access import roles_of
from studio.config import Settings


def _logged_in_user() -> str | None:
    try:
        if st.user.get("is_logged_in"):
            return str(st.user.get("email") or st.user.get("name") or "") or None
    except Exception:  # noqa: BLE001 (no authentication configured: st.user is not usable)
        return None
    return None


def _header_user(settings: Settings) -> str | None:
    if not settings.trusted_user_header:
        return None
    try:
        value = st.context.headers.get(settings.trusted_user_header)
    except Exception:  # noqa: BLE001 (no request context, e.g. in tests)
        return None
    return value.strip() or None if value else None


def current_user(settings: Settings) -> str:
    """Who is acting in this browser session."""
    return _logged_in_user() or _header_user(settings) or settings.user


def current_roles(settings: Settings) -> tuple[str, ...]:
    """The roles of the acting user."""
    return roles_of(settings, current_user(settings))
