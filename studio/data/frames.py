"""Column-level clean-up shared by every reader: names, missing markers, numbers and dates."""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from studio.errors import InvalidInputError

# Tokens that mean "missing" in a numeric column.
MISSING_MARKERS = (
    "", "N/A", "n/a", "NA", "na", "#N/A", "null", "NULL", "Null", "None", "none",
    "nan", "NaN", "NAN", "-", "--", "?", ".",
)  # fmt: skip
# The subset that also means "missing" in a text column ("-" or "NA" may be real values there).
TEXT_MISSING_MARKERS = ("", "N/A", "n/a", "#N/A", "null", "NULL", "None", "nan", "NaN")
_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)
_INF_TOKENS = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def read_header(sample: str, delimiter: str) -> tuple[int, list[str]]:
    """The number of physical lines up to the end of the header, and the header's names."""
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                return reader.line_num, [cell.strip() for cell in row]
    except csv.Error as exc:
        raise InvalidInputError(f"The header row could not be read: {exc}.") from exc
    raise InvalidInputError("The file contains only blank lines; it has no header or rows.")


def unique_names(names: list[str], notes: list[str]) -> list[str]:
    """Names with blanks filled and duplicates suffixed; each change is added to ``notes``."""
    seen: set[str] = set()
    result: list[str] = []
    renamed: list[str] = []
    for position, raw in enumerate(names, start=1):
        name = str(raw).strip() or f"column_{position}"
        base, counter = name, 1
        while name in seen:
            counter += 1
            name = f"{base}_{counter}"
        if name != str(raw).strip():
            renamed.append(f"'{raw}' (column {position}) → '{name}'")
        seen.add(name)
        result.append(name)
    if renamed:
        notes.append("Renamed blank or duplicate column names: " + "; ".join(renamed) + ".")
    return result


def first_bad_line(content: bytes, delimiter: str, width: int) -> tuple[int, int] | None:
    """The first physical line number whose row does not have ``width`` fields, and its count."""
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8", errors="replace", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    header_seen = False
    try:
        for row in reader:
            if not row or not any(cell.strip() for cell in row):
                continue
            if not header_seen:
                header_seen = True
                continue
            if len(row) != width:
                return reader.line_num, len(row)
    except csv.Error:
        return reader.line_num, 0
    return None


def blank_text_to_null(table: pa.Table) -> pa.Table:
    """Empty strings and textual missing markers in string columns become nulls."""
    markers = pa.array(TEXT_MISSING_MARKERS, pa.string())
    for index, column in enumerate(table.columns):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            cleaned = pc.if_else(pc.is_in(column, value_set=markers), None, column)
            table = table.set_column(index, table.field(index), cleaned)
    return table


def overflowing_columns(table: pa.Table) -> list[str]:
    """Float columns holding infinities that may come from numbers beyond float range."""
    names = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_floating(column.type) and pc.any(pc.is_inf(column)).as_py():
            names.append(name)
    return names


def literal_infinities_only(raw: pa.ChunkedArray, parsed: pa.ChunkedArray) -> bool:
    """True when every infinity in ``parsed`` was written as an inf token in ``raw``."""
    mask = pc.fill_null(pc.is_inf(parsed), False)
    tokens = pc.filter(raw, mask).to_pylist()
    return all(str(token).strip().lower() in _INF_TOKENS for token in tokens)


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """A pandas frame from an Arrow table, dates as datetime64."""
    return table.to_pandas(date_as_object=False, split_blocks=True, self_destruct=True)


def normalise(frame: pd.DataFrame, *, max_columns: int, notes: list[str]) -> pd.DataFrame:
    """Clean names and object columns of a frame from any reader; enforce the column limit."""
    if len(frame.columns) > max_columns:
        raise InvalidInputError(
            f"The file has {len(frame.columns):,} columns, over the limit of {max_columns:,}; "
            "drop columns or raise STUDIO_MAX_COLUMNS."
        )
    if len(frame.columns) == 0:
        raise InvalidInputError("The file has no columns; add a header row.")
    names = [str(c) for c in frame.columns]
    cleaned = (
        unique_names(names, notes)
        if len(set(names)) != len(names) or any(not n.strip() or n != n.strip() for n in names)
        else names
    )
    frame = frame.set_axis(cleaned, axis=1)
    for name in frame.columns:
        if frame[name].dtype == object:
            frame[name] = _clean_object_column(frame[name], notes)
    return frame.reset_index(drop=True)


def _clean_object_column(series: pd.Series, notes: list[str]) -> pd.Series:
    values = series.map(_scalar)
    present = values[values.notna()]
    if present.map(lambda v: isinstance(v, bool)).all() and len(present):
        return values.astype("boolean")
    text = present.astype(str).str.strip()
    not_marker = text[~text.isin(MISSING_MARKERS)]
    numbers = pd.to_numeric(not_marker, errors="coerce")
    if len(not_marker) and numbers.notna().all():
        result = pd.to_numeric(
            values.where(~values.astype(str).str.strip().isin(MISSING_MARKERS)), errors="coerce"
        )
        return result
    if len(not_marker) and not_marker.head(1000).str.match(_ISO_DATE).all():
        parsed = pd.to_datetime(values.where(values.notna()), errors="coerce", format="ISO8601")
        if parsed.notna().sum() == len(not_marker):
            return parsed
    as_text = values.map(lambda v: None if v is None else str(v))
    return as_text.where(~as_text.isin(TEXT_MISSING_MARKERS)).astype("str")


def _scalar(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, default=str, ensure_ascii=False)
    return value
