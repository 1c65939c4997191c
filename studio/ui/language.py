"""The app's language: the browser's, else ``STUDIO_LANGUAGE``/``LANG``, else English, until
the user picks one in the sidebar; the pick then holds on every page and across reloads.

The switch is a selectbox bound to the ``lang`` query parameter (``?lang=zh``): Streamlit keeps
a bound value in the URL across page switches (``persist_state="session"`` keeps it in the
session too, where the URL does not travel), a reload reads it back, and a link with it opens
the app in that language. That is the simplest robust store for a display preference: nothing
to migrate or clean up, no write (it works on a read-only store), and it follows the user to
the next tab they open from a link. Its cost: a fresh tab without the parameter starts again
from the browser's language, which is the right default for most people anyway. When the pick
equals that default, Streamlit drops the parameter, so default URLs stay clean.
"""

from __future__ import annotations

import os

import streamlit as st

from studio.i18n import default_language, match_language, set_language

LANG_KEY = "lang"
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


def session_language() -> str:
    """The language this browser session speaks now (also inside callbacks, which run before
    the sidebar switch is drawn again)."""
    return CODES.get(st.session_state.get(LANG_KEY) or "", "") or browser_language()


def language_switch() -> str:
    """Draw the language selectbox (where the caller's container is), make its choice this
    run's language for the core and the UI, and return it ("en" or "zh_Hans")."""
    codes = list(CODES)
    code = st.selectbox(
        "Language · 语言", codes, index=codes.index(_code(browser_language())),
        format_func=NAMES.__getitem__, key=LANG_KEY, bind="query-params",
        persist_state="session",
    )  # fmt: skip
    return set_language(CODES[code or "en"])
