"""What a page shows people, read from an AppTest run, and which of it is still English.

``english_left(at)`` collects every sentence and label the page drew (titles, captions,
markdown, alerts, metrics, buttons and widget labels, tab and expander labels, table headers)
and returns those that hold an English word but no Chinese character. Names that are data, not
Studio's words (dataset, column and model names, metric codes), are passed as ``allowed``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"

CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z]{2,}")
# Words that are the same in both languages: the brand, units and standard abbreviations.
SAME_IN_BOTH = {
    "Studio", "ID", "id", "ms", "MB", "KB", "GB", "CSV", "JSON", "HTML", "API", "URL", "SQLite",
    "PostgreSQL", "AUC", "ROC", "PR", "RMSE", "MAE", "R²", "F1", "PSI", "KS", "Parquet", "curl",
    "A/B", "p50", "p95", "p99",
}  # fmt: skip
_TEXT_ELEMENTS = (
    "title", "header", "subheader", "caption", "markdown", "info", "warning", "error",
    "success", "exception", "toast",
)  # fmt: skip
_LABELLED = (
    "button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "text_input",
    "text_area", "number_input", "slider", "select_slider", "date_input", "time_input",
    "color_picker", "metric", "tabs", "expander", "download_button", "page_link",
)  # fmt: skip


def _labels(at: AppTest, kind: str) -> list[str]:
    try:
        elements = at.get(kind)
    except Exception:  # noqa: BLE001 (an element kind this Streamlit does not name)
        return []
    return [getattr(e, "label", None) or "" for e in elements]


def _table_headers(at: AppTest) -> list[str]:
    headers = []
    for table in [*at.dataframe, *at.table]:
        headers += [str(c) for c in getattr(table.value, "columns", [])]
    return headers


def shown_texts(at: AppTest) -> list[str]:
    """Every sentence and label ``at``'s page shows (main area and sidebar)."""
    found = []
    for kind in _TEXT_ELEMENTS:
        found += [str(getattr(e, "value", "")) for e in at.get(kind)]
    for kind in _LABELLED:
        found += _labels(at, kind)
    return [t for t in [*found, *_table_headers(at)] if t.strip()]


def is_english(text: str, allowed: Iterable[str] = ()) -> bool:
    """Whether ``text`` holds an English word (not an allowed name) and no Chinese."""
    if CJK.search(text):
        return False
    for name in allowed:
        text = text.replace(name, " ")
    return bool(set(_WORD.findall(text)) - SAME_IN_BOTH)


def english_left(at: AppTest, allowed: Iterable[str] = ()) -> list[str]:
    """The texts of ``at`` that are still English (see :func:`is_english`)."""
    allowed = sorted(set(allowed), key=len, reverse=True)  # longest names first
    return [t for t in shown_texts(at) if is_english(t, allowed)]


def open_in_chinese(script: str, **query: str) -> AppTest:
    """Run page ``script`` as a Chinese browser (``zh-CN``) asks for it, with ``query`` as URL
    parameters (the store is already set up by the test's fixture)."""
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.context = {"locale": "zh-CN"}
    at.switch_page(script)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()
