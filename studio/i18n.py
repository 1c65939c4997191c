"""Languages: which one a caller speaks, its translated sentences, and locale formatting.

Studio speaks English (the msgids) and Simplified Chinese (``zh_Hans``). Sentences are whole
English sentences with named placeholders, translated through gettext catalogs that Babel
extracts and compiles (``studio/locale/``, ``scripts/catalogs.py``)::

    _("Loaded {count} demo datasets: {names}.").format(count=n, names=names)

The language is context, not a parameter threaded through every function: each front door sets
it once (the CLI from ``STUDIO_LANGUAGE``/``LANG``, the app per Streamlit run from the sidebar
switch) with :func:`use_language`, and the core's sentences, errors included, are built in it.
Where no context flows (a callback, another thread), pass ``lang=`` to :func:`gettext`,
:func:`ngettext` or the formatting helpers, or wrap the call in ``use_language``; the explicit
value wins. A cached function (``st.cache_data``) whose result holds sentences must take the
language as an argument, so that it is part of the cache key. Without either, the core speaks
English, so a process that never chose a language is unchanged.

Numbers, percentages and dates are formatted by Babel with the CLDR data of ``en_US`` and
``zh_Hans_CN``. This module never imports Streamlit.
"""

from __future__ import annotations

import gettext as _gettext
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel import dates as _dates
from babel import lists as _lists
from babel import numbers as _numbers

SUPPORTED = ("en", "zh_Hans")
DEFAULT = "en"
DOMAIN = "studio"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The CLDR locale each language formats numbers and dates with.
FORMAT_LOCALES = {"en": "en_US", "zh_Hans": "zh_Hans_CN"}
# What people and browsers write for each language (lowercase, "-" and "_" alike): "zh-CN",
# "zh_CN.UTF-8", "zh-Hans-CN", "zh-SG" and plain "zh" are Simplified Chinese.
_TRADITIONAL = ("hant", "tw", "hk", "mo")
_TAG = re.compile(r"^[a-z]{2,3}([_-][a-z0-9]+)*$")
_current: ContextVar[str] = ContextVar("studio_language", default=DEFAULT)


def match_language(requested: str | None) -> str | None:
    """The supported language ``requested`` names, or None when it names none.

    ``requested`` is a language tag or a POSIX locale, in any case and with "-" or "_":
    "zh", "zh-CN", "zh_CN.UTF-8", "zh-Hans", "zh_Hans_CN", "en-US", "en_GB@euro". Traditional
    Chinese (zh-TW, zh-Hant) is not Simplified Chinese: None. "C" and "POSIX" are None too.
    """
    if not requested:
        return None
    tag = requested.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    if not _TAG.match(tag):
        return None
    language, *rest = tag.split("_")
    if language == "en":
        return "en"
    if language == "zh" and not any(part in _TRADITIONAL for part in rest):
        return "zh_Hans"
    return None


def resolve_language(requested: str | None) -> str:
    """The supported language for ``requested`` (see :func:`match_language`), else English."""
    return match_language(requested) or DEFAULT


def default_language(env: Mapping[str, str]) -> str:
    """The language a process speaks when nobody chose one: ``STUDIO_LANGUAGE``, else the
    POSIX locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, the first one set wins, as in
    gettext), else English. An unsupported value there means English, not the next variable."""
    if env.get("STUDIO_LANGUAGE"):
        return resolve_language(env["STUDIO_LANGUAGE"])
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return resolve_language(env[name])
    return DEFAULT


def translator(lang: str | None) -> _gettext.NullTranslations:
    """The compiled catalog of ``lang`` (any spelling :func:`resolve_language` takes), read
    once per process; English has none: its msgids are the sentences. Raises
    ``FileNotFoundError`` when a shipped catalog is missing."""
    return _catalog(resolve_language(lang))


@lru_cache(maxsize=len(SUPPORTED))
def _catalog(lang: str) -> _gettext.NullTranslations:
    if lang == DEFAULT:
        return _gettext.NullTranslations()
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as handle:
        return _gettext.GNUTranslations(handle)


def current_language() -> str:
    """The language of the current context (English unless a front door set one)."""
    return _current.get()


@contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Speak ``lang`` (resolved; None: English) inside the block, in this context only."""
    token = _current.set(resolve_language(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def set_language(lang: str | None) -> str:
    """Speak ``lang`` from now on in this context (a Streamlit run sets it once at its top)."""
    _current.set(resolve_language(lang))
    return _current.get()


def gettext(message: str, lang: str | None = None) -> str:
    """``message`` (an English sentence, the msgid) in ``lang``, else the context's language."""
    return translator(lang or current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """The form of a sentence for ``n`` things (Chinese has one form, English two)."""
    return translator(lang or current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str, lang: str | None = None) -> str:
    """``message`` looked up under ``context`` (gettext's msgctxt), so a one-word msgid such as
    "production" can read differently as a stage and elsewhere."""
    return translator(lang or current_language()).pgettext(context, message)


_ = gettext


def N_(message: str) -> str:  # noqa: N802 (the gettext convention's name)
    """Mark ``message`` for extraction without translating it now (tables of sentences are
    translated where they are shown, in the language of that moment)."""
    return message


def babel_locale(lang: str | None = None) -> Locale:
    """The CLDR locale that formats numbers and dates for ``lang`` (else the context's)."""
    return Locale.parse(FORMAT_LOCALES[resolve_language(lang or current_language())])


def format_number(value: float, lang: str | None = None) -> str:
    """``value`` with the locale's grouping and decimal signs: 7043 -> "7,043"."""
    return _numbers.format_decimal(value, locale=babel_locale(lang))


def format_percent(value: float, lang: str | None = None, digits: int = 0) -> str:
    """A share (0.25) as a percentage in the locale: "25%"; ``digits`` after the point."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return _numbers.format_percent(value, format=pattern, locale=babel_locale(lang))


def format_datetime(value: datetime, lang: str | None = None, format: str = "medium") -> str:
    """A moment in the locale's words ("Dec 3, 2026, 12:00:00 PM" / "2026年12月3日 12:00:00");
    naive datetimes are UTC; ``format`` is a CLDR width (short, medium, long) or pattern."""
    return _dates.format_datetime(value, format=format, locale=babel_locale(lang))


def format_list(items: Sequence[str], lang: str | None = None, style: str = "standard") -> str:
    """Items joined as the locale joins a list: "a, b, and c" / "a、b和c"; ``style="or"``:
    "a or b" / "a或b" (CLDR list patterns)."""
    return _lists.format_list(list(items), style=style, locale=babel_locale(lang)) if items else ""
