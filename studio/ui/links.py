"""Shareable views: a page writes every choice that changes what it shows into the URL's query
parameters, so the address bar is always a link that reproduces the view."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st


def keep_in_link(params: Mapping[str, str | None]) -> None:
    """Set each parameter to its value (None removes it); unchanged ones are left alone, so a
    rerun that changes nothing does not touch the URL. Never pass a widget-bound key."""
    for key, value in params.items():
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value
