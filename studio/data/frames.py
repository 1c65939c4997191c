"""Clean-up shared by every reader: column names, bad lines, overflowing numbers, and
reading every column as what it holds (``reading.py``)."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from studio.data.numbers import INFINITY_TOKENS
from studio.data.phrases import RENAMED, RENAMED_ONE, english
from studio.data.reading import Hint, read_column
from studio.errors import InvalidInputError
from studio.i18n import _, format_number


def read_header(sample: str, delimiter: str) -> tuple[int, list[str]]:
    """The number of physical lines up to the end of the header, and the header's names."""
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                return reader.line_num, [cell.strip() for cell in row]
    except csv.Error as exc:
        raise InvalidInputError(
            _("The header row could not be read: {error}.").format(error=exc)
        ) from exc
    raise InvalidInputError(_("The file contains only blank lines; it has no header or rows."))


_LEADING_ZERO = re.compile(r"0\d+")


def leading_zero_columns(
    sample: str, delimiter: str, header_lines: int, names: list[str]
) -> tuple[str, ...]:
    """Columns whose sampled cells are digits, some with a leading zero (``02134``): a CSV
    parser would read them as integers and drop the zeros, so they are read as text."""
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    rows = [row for i, row in enumerate(reader) if i >= header_lines][:-1]  # last may be cut
    found = []
    for j, name in enumerate(names):
        cells = [row[j].strip() for row in rows if j < len(row) and row[j].strip()]
        if (
            cells
            and all(c.isdigit() and c.isascii() for c in cells)
            and any(_LEADING_ZERO.fullmatch(c) for c in cells)
        ):
            found.append(name)
    return tuple(found)


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
            renamed.append(english(RENAMED_ONE, raw=raw, position=position, name=name))
        seen.add(name)
        result.append(name)
    if renamed:
        notes.append(english(RENAMED, renamed="; ".join(renamed)))
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
    return all(str(token).strip().lower() in INFINITY_TOKENS for token in tokens)


def too_many_columns(found: int, limit: int) -> str:
    """The refusal of a file with more columns than ``limit``, in the caller's language."""
    return _(
        "The file has {found} columns, over the limit of {limit}; drop columns or raise "
        "STUDIO_MAX_COLUMNS."
    ).format(found=format_number(found), limit=format_number(limit))


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """A pandas frame from an Arrow table, dates as datetime64."""
    return table.to_pandas(date_as_object=False, split_blocks=True, self_destruct=True)


def normalise(
    frame: pd.DataFrame,
    *,
    max_columns: int,
    notes: list[str],
    decimal: str = ".",
    hints: dict[str, Hint] | None = None,
) -> tuple[pd.DataFrame, dict[str, Hint]]:
    """Clean names and read every column as what it holds; enforce the column limit.

    Returns the frame and, per column read in a way scoring must repeat, its hint.
    """
    if len(frame.columns) > max_columns:
        raise InvalidInputError(too_many_columns(len(frame.columns), max_columns))
    if len(frame.columns) == 0:
        raise InvalidInputError(_("The file has no columns; add a header row."))
    names = [str(c) for c in frame.columns]
    cleaned = (
        unique_names(names, notes)
        if len(set(names)) != len(names) or any(not n.strip() or n != n.strip() for n in names)
        else names
    )
    frame = frame.set_axis(cleaned, axis=1).reset_index(drop=True)
    reads: dict[str, Hint] = {}
    for name in frame.columns:
        column = frame[name]
        read = read_column(column, decimal=decimal, hint=(hints or {}).get(name))
        if read.values is not column:  # only changed columns are replaced (memory)
            frame[name] = read.values
        notes.extend(read.notes)
        if read.hint is not None:
            reads[name] = read.hint
    return frame, reads
