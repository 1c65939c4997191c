"""Making user text safe for the place it goes: HTML, Streamlit Markdown, and CSV files that
a spreadsheet opens. Every dataset, column, model and candidate name, every description, note,
comment and cell value that leaves Studio in one of these forms goes through this module.

- **HTML** (standalone reports; ``html_line`` inside Streamlit markdown with
  ``unsafe_allow_html``): ``html_text`` escapes ``& < > " '``, so user text is always text,
  never an element or an attribute.
- **Streamlit Markdown** (``st.markdown``, ``st.caption``, ``st.error`` and the other elements
  that interpret Markdown). Streamlit never renders raw HTML there and rewrites ``javascript:``
  links to ``#`` (checked in the 1.67 bundle), so user text cannot run a script; but it can
  change what is shown: ``**x**`` turns bold, ``[a](url)`` becomes a link, ``![](url)`` makes
  the browser fetch an image from anywhere (a web beacon), ``<b>`` silently vanishes. Decision:
  user text is shown literally. ``markdown_text`` backslash-escapes what would start Markdown
  or HTML syntax, and core sentences (which hold user names) are plain text, so the UI passes
  them through it too before an element that interprets Markdown.
- **CSV**: a cell (or a column name) starting with ``= + - @``, a tab or a carriage return is a
  formula to a spreadsheet (``=HYPERLINK(...)`` is a live link). ``spreadsheet_safe`` prefixes
  such text with ``'``, in the header row as in the cells (OWASP's advice); numbers stay numbers.
"""

from __future__ import annotations

import html
import re

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Markdown punctuation that starts syntax anywhere in a line; ``&`` would start an entity.
_INLINE = re.compile(r"([\\`*\[\]<>$~&])")
# An underscore opens or closes emphasis only at a word's edge (snake_case stays as it is).
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# At the start of the text: a heading, a list item, a quote, a rule or a numbered item.
_BLOCK_START = re.compile(r"^(\s*)([#+=|-]|\d+(?=[.)]))")


def html_text(value: object) -> str:
    """``value`` as text for HTML content or a quoted attribute (``&``, ``<``, ``>``, quotes
    escaped)."""
    return html.escape(str(value), quote=True)


def html_line(value: object) -> str:
    """``value`` for HTML inside Streamlit Markdown (``unsafe_allow_html``): escaped and on one
    line, so a blank line in user text cannot end the HTML block and start Markdown."""
    return html_text(" ".join(str(value).splitlines()))


def markdown_text(value: object) -> str:
    """``value`` as literal text inside Streamlit Markdown: syntax characters are
    backslash-escaped and line breaks become spaces (one paragraph, no new block)."""
    text = " ".join(str(value).splitlines())
    text = _INLINE.sub(r"\\\1", text)
    text = _EDGE_UNDERSCORE.sub(r"\\_", text)
    match = _BLOCK_START.match(text)
    if match:
        lead, mark = match.groups()
        rest = text[match.end() :]
        text = f"{lead}{mark}\\{rest}" if mark[0].isdigit() else f"{lead}\\{mark}{rest}"
    return text


def spreadsheet_text(value: str) -> str:
    """Text a spreadsheet shows as text: ``'`` before anything it would run as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose column names and text cells cannot run as formulas.

    Text columns (object, string and categorical) are touched; missing cells stay missing and
    numbers, booleans and dates keep their type (a negative number stays a number).
    """
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        if not (pd.api.types.is_string_dtype(column) or column.dtype == object):
            continue
        try:
            risky = column.str.startswith(FORMULA_PREFIXES, na=False).to_numpy(dtype=bool)
        except AttributeError:  # an object column without a single string
            continue
        if risky.any():
            column = column.copy()
            column[risky] = "'" + column[risky]
            out.isetitem(position, column)
    out.columns = [spreadsheet_text(str(name)) for name in out.columns]
    return out


def to_safe_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV bytes of ``frame`` (no index) with formula-like names and cells neutralised."""
    return spreadsheet_safe(frame).to_csv(index=False).encode("utf-8")
