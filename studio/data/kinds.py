"""The kind of a column, the reason for it in a few words, and a suggested kind if any.

The rules, in order (``n`` is the number of non-missing values):

=============  ====================================================================================
kind           when
=============  ====================================================================================
boolean        a bool dtype; numbers that are only 0 and 1; text of one pair of spellings
               (true/false, yes/no, y/n, t/f, on/off, 是/否), any case
datetime       a datetime dtype (text dates were read as dates at ingest, ``dates.py``)
identifier     whole numbers, ``n`` >= 50, all distinct and consecutive (at most 10% of the
               range missing: a row number); or whole numbers or text named like an id on
               whole words (``names.py``) with >= 95% distinct values; or text, ``n`` >= 50,
               >= 95% distinct, shaped like keys: UUIDs, hex strings, e-mail addresses,
               fixed-width codes with digits (``SKU-00017``), or a short prefix and a number
               (``C1``, ``C12``)
numeric        any other number (an all-distinct measurement such as ``income`` included);
               SUGGESTED categorical when whole numbers with 3+ distinct values (at most half
               the rows) are named like a code (``store_code``, ``zip``, ``邮编``, a repeating
               ``region_id``, up to 1,000 values), or look like codes: 3+ digits, all the same
               width, spread thin over their range (101, 205, 307), not all multiples of 10
text           mean length >= 50 characters and more than half distinct; or >= 95% distinct
               (``n`` >= 50) without an id's name or shape
categorical    any other text
=============  ====================================================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from studio.data.names import named_like_code, named_like_id

MIN_ID_ROWS = 50  # fewer values than this are never called an identifier (as before)
ID_UNIQUE_SHARE = 0.95  # an identifier has (almost) one distinct value per row
ROW_NUMBER_GAPS = 0.10  # consecutive integers may miss this share of their range
CODE_MAX_DISTINCT = 50  # integer codes recognised by their shape alone
NAMED_CODE_MAX_DISTINCT = 1_000
BOOLEAN_PAIRS = (
    ("true", "false"), ("yes", "no"), ("y", "n"), ("t", "f"), ("on", "off"), ("是", "否"),
)  # fmt: skip
_SHAPES = (
    ("UUIDs", re.compile(r"^\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                         r"[0-9a-fA-F]{12}\}?$")),
    ("hexadecimal keys", re.compile(r"^(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])"
                                    r"[0-9a-fA-F]{8,}$")),
    ("e-mail addresses", re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")),
    ("codes", re.compile(r"^[A-Za-z]{1,6}[-_#/]?\d+$")),
)  # fmt: skip
_FIXED_CODE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9_\-./:#]+$")


@dataclass(frozen=True)
class KindGuess:
    """A column's kind, why, and (for the column-type editor) a suggested other kind."""

    kind: str
    reason: str
    suggested_kind: str = ""
    suggestion_reason: str = ""


def guess_kind(
    name: object, series: pd.Series, present: pd.Series, counts: pd.Series, read_reason: str = ""
) -> KindGuess:
    """The kind of a column from its dtype, distinct values and name (rules: module doc).

    ``read_reason`` says how ingest read the column (e.g. "dates, day first (13/01/2023)").
    """
    dtype = series.dtype
    if len(present) == 0:
        kind = "numeric" if pd.api.types.is_numeric_dtype(dtype) else "categorical"
        return KindGuess(kind, "empty in every row")
    if pd.api.types.is_bool_dtype(dtype):
        return KindGuess("boolean", _pair_reason(counts, "true/false"))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return KindGuess("datetime", read_reason or _date_reason(present))
    if pd.api.types.is_numeric_dtype(dtype):
        return _numeric_kind(name, present, counts, read_reason)
    return _text_kind(name, present, counts)


def _pair_reason(counts: pd.Series, pair: str) -> str:
    return f"two values: {pair}" if len(counts) == 2 else f"one value of a pair: {pair}"


def _date_reason(present: pd.Series) -> str:
    sample = present.head(1000)
    midnight = bool((sample == sample.dt.normalize()).all())
    return "dates" if midnight else "dates and times"


def _whole_numbers(present: pd.Series) -> bool:
    if pd.api.types.is_integer_dtype(present.dtype):
        return True
    values = present.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    return len(finite) == len(values) and bool(np.all(finite == np.floor(finite)))


def _numeric_kind(
    name: object, present: pd.Series, counts: pd.Series, read_reason: str
) -> KindGuess:
    distinct, n = len(counts), len(present)
    if 0 < distinct <= 2 and set(counts.index.tolist()) <= {0, 1}:
        return KindGuess("boolean", _pair_reason(counts, "0/1"))
    whole = _whole_numbers(present)
    if not whole:
        return KindGuess("numeric", read_reason or f"numbers, {distinct:,} distinct")
    low, high = int(present.min()), int(present.max())
    if n >= MIN_ID_ROWS and distinct == n and high - low + 1 <= n * (1 + ROW_NUMBER_GAPS):
        gaps = "" if high - low + 1 == n else " with a few gaps"
        return KindGuess("identifier", f"consecutive integers {low:,}…{high:,}{gaps}")
    id_name = named_like_id(name)
    if id_name and n >= MIN_ID_ROWS and distinct >= ID_UNIQUE_SHARE * n:
        return KindGuess("identifier", _distinct_words(distinct, n) + " and named like an id")
    reason = f"whole numbers, {distinct:,} distinct"
    if n >= MIN_ID_ROWS and distinct >= ID_UNIQUE_SHARE * n:
        share = _distinct_words(distinct, n)
        reason = f"whole numbers, {share} but not consecutive: a measurement"
    reason = read_reason or reason
    suggestion = _code_suggestion(name, counts, n, id_name)
    return KindGuess("numeric", reason, *(("categorical", suggestion) if suggestion else ()))


def _distinct_words(distinct: int, n: int) -> str:
    return "all values distinct" if distinct == n else f"{distinct / n:.0%} of values distinct"


def _code_suggestion(name: object, counts: pd.Series, n: int, id_name: bool) -> str:
    distinct = len(counts)
    if distinct < 3 or distinct > n / 2:
        return ""
    if (named_like_code(name) or id_name) and distinct <= NAMED_CODE_MAX_DISTINCT:
        what = "an id" if id_name and not named_like_code(name) else "a code"
        return f"named like {what}, {distinct:,} distinct whole numbers: likely categories"
    floats = np.sort(counts.index.to_numpy(dtype=float))
    if distinct > CODE_MAX_DISTINCT or floats[0] < 100 or floats[-1] > 1e15:
        return ""
    values = floats.astype(np.int64)
    widths = {len(str(v)) for v in values}
    spread = values[-1] - values[0] + 1 >= 10 * distinct
    if len(widths) == 1 and spread and not np.all(values % 10 == 0):
        shown = ", ".join(str(v) for v in values[:3])
        return f"{distinct} codes of {widths.pop()} digits ({shown}, …): likely categories"
    return ""


def _text_kind(name: object, present: pd.Series, counts: pd.Series) -> KindGuess:
    distinct, n = len(counts), len(present)
    if distinct <= 2:
        written = {str(v).strip().lower(): str(v).strip() for v in counts.index}
        for pair in BOOLEAN_PAIRS:
            if set(written) <= set(pair):
                shown = "/".join(written.get(word, word) for word in pair)
                return KindGuess("boolean", _pair_reason(counts, shown))
    text = present.head(5000).astype(str)
    mean_length = float(text.str.len().mean())
    if mean_length >= 50 and distinct > n / 2:
        return KindGuess("text", f"free text, {mean_length:.0f} characters on average")
    if n >= MIN_ID_ROWS and distinct >= ID_UNIQUE_SHARE * n:
        if named_like_id(name):
            return KindGuess("identifier", _distinct_words(distinct, n) + " and named like an id")
        shape = _id_shape(counts.index.to_series().astype(str).head(1000))
        if shape:
            return KindGuess("identifier", f"{_distinct_words(distinct, n)}, {shape}")
        return KindGuess("text", f"short text, {_distinct_words(distinct, n)}")
    categories = "category" if distinct == 1 else "categories"
    return KindGuess("categorical", f"text with {distinct:,} {categories}")


def _id_shape(values: pd.Series) -> str:
    """What the values look like when they look like keys (e.g. "UUIDs"), else ""."""
    for label, pattern in _SHAPES:
        if values.str.fullmatch(pattern).all():
            return label if label != "codes" else f"codes such as {values.iloc[0]}"
    lengths = values.str.len()
    if lengths.min() >= 3 and lengths.nunique() == 1 and values.str.fullmatch(_FIXED_CODE).all():
        return f"fixed-width codes such as {values.iloc[0]}"
    return ""
