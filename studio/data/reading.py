"""Reading each column as what it holds, the same way for every file format.

Text columns are decided on their distinct values, so a million rows of a few categories cost
little: pandas' own missing-value tokens (``NA``, ``NULL``, ``#N/A``, ``None``, ``nan``, ...)
become missing with a count in a notice; ``true``/``false`` in any case become booleans;
numbers with thousands separators or a decimal comma become numbers (``numbers.py``); dates in
one consistent form become datetimes (``dates.py``). Infinite numbers become missing, and
zoned timestamps become UTC without a time zone, each with a notice naming the column.

How a column was read (a number format, a date order) is returned as a small ``hint``; it is
stored with the dataset version and the model's schema so that a scoring file is read the same
way as the training file even when its own values could be read another way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from pandas._libs.parsers import STR_NA_VALUES

from studio.data import dates, numbers

# pandas' default ``na_values``: what reads as missing in a text column.
TEXT_MISSING_MARKERS = tuple(sorted(STR_NA_VALUES))
# In a column of numbers a few more placeholders are missing too ("-" or "?" may be real
# values in a text column).
NUMBER_MISSING_MARKERS = tuple(
    sorted({*TEXT_MISSING_MARKERS, "na", "Null", "none", "NAN", "-", "--", "?", "."})
)
_TRUE, _FALSE = "true", "false"
_MAX_BOOLEAN_SPELLINGS = 48  # "true" and "false" in every mix of upper and lower case
_DIGIT = re.compile(r"\d")
Hint = dict[str, str]


@dataclass(frozen=True, eq=False)
class ColumnRead:
    """A column as read, how it was read (None: as it came) and what the user should know."""

    values: pd.Series
    hint: Hint | None = None
    notes: tuple[str, ...] = ()


def read_column(series: pd.Series, *, decimal: str = ".", hint: Hint | None = None) -> ColumnRead:
    """``series`` read as what it holds (see the module docstring)."""
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return _to_utc(series)
    if pd.api.types.is_float_dtype(dtype):
        return _without_infinities(series)
    if dtype.kind == "M" and np.datetime_data(dtype)[0] in ("s", "ms"):
        # one resolution whatever the format gave (Arrow: s, Parquet: ms, our parser: us), so
        # a stored frame and a scoring file read alike have the same dtype
        return ColumnRead(series.astype("datetime64[us]"))
    if dtype == np.dtype(object):
        return _read_objects(series, decimal, hint)
    if pd.api.types.is_string_dtype(dtype):
        return read_text(series, decimal=decimal, hint=hint)
    return ColumnRead(series)


def _to_utc(series: pd.Series) -> ColumnRead:
    name = series.name
    hint = {"as": "datetime", "form": "iso", "reason": "times with a UTC offset, converted to UTC"}
    note = f"Times in '{name}' carry a time zone or UTC offset; they were converted to UTC."
    utc = series.dt.tz_convert("UTC").dt.tz_localize(None)
    if np.datetime_data(utc.dtype)[0] in ("s", "ms"):
        utc = utc.astype("datetime64[us]")
    return ColumnRead(utc, hint, (note,))


def _without_infinities(series: pd.Series) -> ColumnRead:
    values = series.to_numpy(dtype=float, na_value=np.nan)
    infinite = np.isinf(values)
    if not infinite.any():
        return ColumnRead(series)
    positive, negative = int((values[infinite] > 0).sum()), int((values[infinite] < 0).sum())
    signs = ", ".join(s for s, n in (("inf", positive), ("-inf", negative)) if n)
    note = (
        f"{int(infinite.sum()):,} infinite value(s) in '{series.name}' ({signs}) were read as "
        "missing; most models cannot use them."
    )
    return ColumnRead(series.mask(infinite), None, (note,))


def _scalar(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, default=str, ensure_ascii=False)
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool | np.bool_)


def _all(present: pd.Series, types: type | tuple[type, ...]) -> bool:
    return bool(len(present)) and bool(present.map(lambda v: isinstance(v, types)).all())


def _read_objects(series: pd.Series, decimal: str, hint: Hint | None) -> ColumnRead:
    """A column of Python objects (Excel, JSON Lines, Parquet): typed when they agree."""
    values = series.map(_scalar)
    present = values.dropna()
    if _all(present, (bool, np.bool_)):
        return ColumnRead(values.astype("boolean"))
    if len(present) and present.map(_is_number).all():
        numbers_read = pd.to_numeric(values).rename(series.name)
        if pd.api.types.is_float_dtype(numbers_read.dtype):
            return _without_infinities(numbers_read)
        return ColumnRead(numbers_read)
    if _all(present, (datetime, date, pd.Timestamp)):
        try:
            stamps = pd.to_datetime(values, utc=True)
            return ColumnRead(stamps.dt.tz_localize(None).astype("datetime64[us]"))
        except (ValueError, OverflowError):  # beyond what a timestamp holds: read as text
            pass
    text = values.map(lambda v: None if pd.isna(v) else str(v))
    return read_text(text.astype("str"), decimal=decimal, hint=hint)


def read_text(series: pd.Series, *, decimal: str = ".", hint: Hint | None = None) -> ColumnRead:
    """A text column as missing values, booleans, numbers, dates or text (in that order)."""
    codes, uniques = pd.factorize(series)
    if len(uniques) == 0:
        return ColumnRead(series)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype="str").str.strip()
    rows = np.bincount(codes[codes >= 0], minlength=len(distinct))
    missing = distinct.isin(TEXT_MISSING_MARKERS).to_numpy()
    notes: list[str] = []
    present = distinct[~missing]
    typed = _typed(str(series.name), present, decimal, hint, notes)
    text_hint = None
    if typed is not None and typed[0] == "text":
        typed, text_hint = None, typed[2]
    if typed is not None:
        converted, parsed, new_hint, markers = typed
        missing = missing | distinct.isin(markers).to_numpy()
        notes = _missing_note(series.name, distinct, rows, missing) + notes
        values = _expand(codes, parsed, converted).set_axis(series.index).rename(series.name)
        if converted == "number":
            finite = _without_infinities(values)
            values, notes = finite.values, [*notes, *finite.notes]
        return ColumnRead(values, new_hint, tuple(notes))
    notes = _missing_note(series.name, distinct, rows, missing) + notes
    if not missing.any():
        same = series.dtype == "str"
        return ColumnRead(series if same else series.astype("str"), text_hint, tuple(notes))
    mask = np.append(missing, True)[codes]  # code -1 (already missing) stays missing
    return ColumnRead(series.astype("str").mask(mask), text_hint, tuple(notes))


def _typed(
    name: str, present: pd.Series, decimal: str, hint: Hint | None, notes: list[str]
) -> tuple[str, pd.Series, Hint | None, tuple[str, ...]] | None:
    """(kind, values per distinct present value, hint, extra missing markers) or None."""
    if present.empty:
        return None
    wanted = (hint or {}).get("as")
    few = len(present) <= _MAX_BOOLEAN_SPELLINGS
    if wanted in (None, "boolean") and few and present.str.lower().isin((_TRUE, _FALSE)).all():
        return "boolean", present.str.lower() == _TRUE, None, ()
    if not _digits_in_sample(present):
        return None  # words: neither numbers nor dates (a cheap test before the costly ones)
    if wanted == "text" or (wanted is None and numbers.leading_zero_codes(present)):
        return "text", present, _codes_note(name, present, notes), ()
    if wanted in (None, "number"):
        found = _numbers(name, present, decimal, hint, notes)
        if found is not None:
            return found
    if wanted in (None, "datetime"):
        form = (hint or {}).get("form")
        read = dates.read_dates(present, hint=None if form == "iso" else form, decimal=decimal)
        if read.values is None:
            notes += [f"Column '{name}' looks like dates but {n}, so it was kept as text."
                      for n in read.notes]  # fmt: skip
        else:
            notes += [f"Dates in '{name}' {n}." for n in read.notes]
            new_hint = read.to_hint() | {"reason": read.reason}
            notes.insert(0, f"Column '{name}' was read as {read.reason}.")
            if read.offsets:
                notes.append(_offsets_note(name, read))
            return "datetime", read.values, new_hint, ()
    return None


def _codes_note(name: str, present: pd.Series, notes: list[str]) -> Hint:
    """Codes with leading zeros stay text (a note, and a hint so scoring keeps them too)."""
    example = next((v for v in present.tolist() if v.startswith("0") and len(v) > 1), "")
    if example:
        notes.append(f"Column '{name}' holds codes with leading zeros ({example}); it was kept "
                     "as text so they are not lost.")  # fmt: skip
    return {"as": "text", "reason": "codes with leading zeros"}


def _digits_in_sample(present: pd.Series, size: int = 20) -> bool:
    """True when the first distinct values (missing markers and infinities aside) all hold a
    digit, as every number and date does."""
    sample = []
    for value in present.head(size * 4).tolist():
        if value not in NUMBER_MISSING_MARKERS and value.lower() not in numbers.INFINITY_TOKENS:
            sample.append(value)
        if len(sample) == size:
            break
    return all(_DIGIT.search(value) for value in sample)


def _numbers(
    name: str, present: pd.Series, decimal: str, hint: Hint | None, notes: list[str]
) -> tuple[str, pd.Series, Hint | None, tuple[str, ...]] | None:
    markers = present[present.isin(NUMBER_MISSING_MARKERS)]
    candidates = present[~present.isin(NUMBER_MISSING_MARKERS)]
    if candidates.empty:
        return None
    unit = numbers.from_hint_unit(hint) if hint else numbers.detect_unit(candidates)
    written = numbers.without_unit(candidates, unit) if unit else candidates
    fmt = numbers.from_hint(hint) if hint else numbers.detect_format(written, decimal)
    parsed = None if fmt is None else numbers.parse(written, fmt)
    if fmt is None or parsed is None:
        return None
    new_hint = None
    if fmt.group or fmt.decimal == "," or unit:
        reason = fmt.describe(str(candidates.iloc[0]), unit)
        new_hint = fmt.to_hint() | {"reason": reason} | numbers.unit_hint(unit)
        if fmt.group or fmt.decimal != decimal or unit:
            notes.append(f"Column '{name}' was read as {reason}.")
    return "number", parsed, new_hint, tuple(markers.unique())


def _offsets_note(name: str, read: dates.DateRead) -> str:
    shown = ", ".join(read.offsets[:4]) + (" …" if len(read.offsets) > 4 else "")
    text = f"Times in '{name}' carry UTC offsets ({shown}); they were converted to UTC"
    if read.naive_with_offsets:
        text += f", and {read.naive_with_offsets:,} value(s) without an offset were taken as UTC"
    return text + "."


def _missing_note(
    name: object, distinct: pd.Series, rows: np.ndarray, missing: np.ndarray
) -> list[str]:
    tokens = missing & (distinct != "").to_numpy()
    if not tokens.any():
        return []
    counted = pd.Series(rows[tokens], index=distinct[tokens].to_numpy()).groupby(level=0).sum()
    counted = counted.sort_values(ascending=False, kind="stable")
    shown = ", ".join(map(str, counted.index[:6])) + (" …" if len(counted) > 6 else "")
    total = int(counted.sum())
    cells = "cell" if total == 1 else "cells"
    return [f"{total:,} {cells} in '{name}' were read as missing ({shown})."]


def _expand(codes: np.ndarray, parsed: pd.Series, kind: str) -> pd.Series:
    """Per-row values from values per distinct value (``parsed`` is indexed by code)."""
    if kind == "boolean":
        table = pd.array([None] * (int(codes.max()) + 2), dtype="boolean")
        table[parsed.index.to_numpy()] = parsed.to_numpy(dtype=bool)
        return pd.Series(table[codes], dtype="boolean")
    if kind == "datetime":
        table = np.full(int(codes.max()) + 2, np.datetime64("NaT"), dtype="datetime64[us]")
        table[parsed.index.to_numpy()] = parsed.to_numpy(dtype="datetime64[us]")
        return pd.Series(table[codes])
    complete = np.isin(codes, parsed.index.to_numpy()).all()
    if complete and pd.api.types.is_integer_dtype(parsed.dtype):
        table = np.zeros(int(codes.max()) + 1, dtype="int64")
        table[parsed.index.to_numpy()] = parsed.to_numpy()
        return pd.Series(table[codes])
    table = np.full(int(codes.max()) + 2, np.nan)
    table[parsed.index.to_numpy()] = parsed.to_numpy(dtype=float)
    return pd.Series(table[codes])
