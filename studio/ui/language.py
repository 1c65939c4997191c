"""The app's language: the browser's, else ``STUDIO_LANGUAGE``/``LANG``, else English, until
the user picks one in the sidebar; the pick then holds on every page and across reloads.

A pick lives in the session (``st.session_state``: every page of this tab) and in the URL as
``?lang=zh`` (written on every run once there is a pick), so a reload, a bookmark or a shared
link opens in that language. That is the simplest robust store for a display preference:
nothing to migrate or clean up, no write to the store (it works on a read-only one), and no
identity needed (the local default has none to speak of). Its cost: a fresh tab opened without
the parameter starts again from the browser's language, which is the right default anyway.

Not a widget bound with ``bind="query-params"``: Streamlit would put the option's label in the
URL (``?lang=简体中文``) and drop it while it equals the browser's default; a short code that a
link can carry reads better and stays put.
"""

from __future__ import annotations

import os

import streamlit as st

from studio.i18n import default_language, match_language, set_language

LANG_PARAM = "lang"
_PICK = "language_pick"  # session state: the code the user picked (absent until they pick)
_SWITCH = "language_switch"  # the selectbox's key
# URL codes (what ``?lang=`` holds) to catalog languages, and each language's own name.
CODES = {"en": "en", "zh": "zh_Hans"}
NAMES = {"en": "English", "zh": "简体中文"}


def _code(lang: str) -> str:
    return next(code for code, value in CODES.items() if value == lang)


def browser_language() -> str:
    """The browser's language when Studio speaks it, else the process default (env)."""
    try:
        locale = st.context.locale
    except Exception:  # noqa: BLE001 (no browser context: a bare script run)
        locale = None
    return match_language(locale) or default_language(os.environ)


def _picked_code() -> str | None:
    """The session's pick; on a session's first run, the one its URL names (a reload, a link)."""
    if _PICK not in st.session_state:
        named = match_language(st.query_params.get(LANG_PARAM))
        if named is None:
            return None
        st.session_state[_PICK] = _code(named)
    return st.session_state[_PICK]


def session_language() -> str:
    """The language this browser session speaks now (also inside callbacks, which run before
    the sidebar switch is drawn again)."""
    code = _picked_code()
    return CODES[code] if code else browser_language()


def _on_pick() -> None:
    st.session_state[_PICK] = st.session_state[_SWITCH]


def language_switch() -> str:
    """Draw the language selectbox (in the caller's container), make the session's language
    this run's language for the core and the UI, keep a pick in the URL, and return the
    language ("en" or "zh_Hans")."""
    lang = session_language()
    code = _code(lang)
    if _PICK in st.session_state and st.query_params.get(LANG_PARAM) != code:
        st.query_params[LANG_PARAM] = code
    st.session_state[_SWITCH] = code  # the switch shows the language in force, on every page
    st.selectbox(
        "Language · 语言", list(CODES), format_func=NAMES.__getitem__, key=_SWITCH,  # i18n: keep
        on_change=_on_pick,
    )  # fmt: skip
    return set_language(lang)
