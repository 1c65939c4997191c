"""Turn uploaded bytes into a clean DataFrame, or one clear sentence saying why not.

Supported: CSV/TSV (encoding, delimiter and decimal comma detected), Parquet, Excel (.xlsx,
first sheet) and JSON Lines. Every column is then read as what it holds, the same way for every
format (``reading.py``): missing-value tokens, booleans, numbers with thousands separators,
dates in day-first, month-first, ISO and Chinese forms, zoned times as UTC, infinities as
missing. Duplicate or blank column names are renamed. Each change a user should know of
is reported as a notice.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from studio.data import frames, phrases
from studio.data.reading import NUMBER_MISSING_MARKERS, Hint
from studio.data.sniff import (
    SAMPLE_BYTES,
    check_text,
    detect_encoding,
    detect_format,
    detect_layout,
    display_name,
    sniff_encoding,
)
from studio.errors import InvalidInputError
from studio.i18n import _, format_number

_NON_BLANK = re.compile(rb"\S")


class NotUtf8Error(Exception):
    """pyarrow met bytes that are not UTF-8 past the sample that looked like UTF-8."""


@dataclass(frozen=True)
class IngestReport:
    """What Studio recognised in a file and every change it made while reading it."""

    source_name: str
    file_format: str
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    notices: tuple[str, ...] = ()
    reads: dict[str, Hint] = field(default_factory=dict)  # column -> how it was read

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "source_name": self.source_name,
            "file_format": self.file_format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "decimal": self.decimal,
            "notices": list(self.notices),
            "reads": dict(self.reads),
        }


@dataclass(frozen=True, eq=False)
class IngestedFrame:
    """A parsed table and the report of how it was read."""

    frame: pd.DataFrame
    report: IngestReport


@dataclass
class _Notes:
    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.items.append(text)


def read_table(
    content: bytes,
    filename: str,
    *,
    max_columns: int,
    max_bytes: int,
    hints: dict[str, Hint] | None = None,
) -> IngestedFrame:
    """Parse ``content`` (the bytes of an upload named ``filename``) into a DataFrame.

    ``hints`` (from a dataset version's ``reads``) make a column read the way the training
    file's column was, for example day first, whatever this file's own values suggest.
    """
    label = display_name(filename)
    if len(content) == 0:
        raise InvalidInputError(_("The file is empty; upload a file with a header and data rows."))
    if len(content) > max_bytes:
        raise InvalidInputError(
            _(
                "The file is {size} MB, over the {limit} MB limit; split it or raise "
                "STUDIO_MAX_UPLOAD_MB."
            ).format(
                size=format_number(round(len(content) / 2**20)),
                limit=format_number(round(max_bytes / 2**20)),
            )
        )
    fmt = detect_format(content, label)
    notes = _Notes()
    hints = hints or {}
    if fmt in ("csv", "tsv"):
        frame, report = _read_delimited(content, label, fmt, max_columns, notes, hints)
    else:
        frame = _READERS[fmt](content, notes)
        report = IngestReport(label, fmt)
    frame, reads = frames.normalise(
        frame, max_columns=max_columns, notes=notes.items, decimal=report.decimal or ".",
        hints=hints,
    )  # fmt: skip
    if len(frame) == 0:
        raise InvalidInputError(_("The file has a header but no data rows; add rows and retry."))
    return IngestedFrame(frame, replace(report, notices=tuple(notes.items), reads=reads))


def _read_delimited(  # noqa: PLR0913
    content: bytes, label: str, fmt: str, max_columns: int, notes: _Notes, hints: dict[str, Hint]
) -> tuple[pd.DataFrame, IngestReport]:
    check_text(content)
    if not _NON_BLANK.search(content):
        raise InvalidInputError(_("The file contains only blank lines; it has no header or rows."))
    encoding = sniff_encoding(content[:SAMPLE_BYTES])
    try:
        return _parse_text(content, encoding, label, fmt, max_columns, notes, hints)
    except NotUtf8Error:  # valid UTF-8 at the start, not further on
        encoding = detect_encoding(content)
        notes.items.clear()
        return _parse_text(content, encoding, label, fmt, max_columns, notes, hints)


def _parse_text(  # noqa: PLR0913
    content: bytes,
    encoding: str,
    label: str,
    fmt: str,
    max_columns: int,
    notes: _Notes,
    hints: dict[str, Hint],
) -> tuple[pd.DataFrame, IngestReport]:
    if encoding not in ("utf-8", "utf-8-sig"):
        content = content.decode(encoding).encode("utf-8")
    data = pa.py_buffer(content)
    if encoding == "utf-8-sig":
        data = data.slice(3)  # zero-copy: drop the byte-order mark
    sample = data.slice(0, min(SAMPLE_BYTES, data.size)).to_pybytes().decode("utf-8", "ignore")
    layout = detect_layout(sample, encoding, fmt)
    header_line, names = frames.read_header(sample, layout.delimiter)
    if len(names) > max_columns:
        raise InvalidInputError(frames.too_many_columns(len(names), max_columns))
    names = frames.unique_names(names, notes.items)
    as_text = tuple(n for n in names if hints.get(n, {}).get("as") in ("number", "text"))
    as_text += tuple(
        n for n in frames.leading_zero_columns(sample, layout.delimiter, header_line, names)
        if n not in as_text and n not in hints
    )  # fmt: skip
    csv = _CsvLayout(
        data, layout.delimiter, layout.decimal, names, header_line, b'"' in content, as_text
    )
    table = _keep_overflowing_numbers(_parse_csv(csv), csv, notes)
    frame = frames.arrow_to_frame(table)
    return frame, IngestReport(label, fmt, encoding, layout.delimiter, layout.decimal)


@dataclass(frozen=True)
class _CsvLayout:
    """Everything pyarrow needs to parse one delimited text (UTF-8) buffer."""

    data: pa.Buffer
    delimiter: str
    decimal: str
    names: list[str]
    header_lines: int
    has_quotes: bool
    text_columns: tuple[str, ...] = ()  # read as text: their hint says how to read the numbers


def _keep_overflowing_numbers(table: pa.Table, csv: _CsvLayout, notes: _Notes) -> pa.Table:
    """Columns whose numbers overflow a float (e.g. 400 digits) stay exact, as text."""
    for name in frames.overflowing_columns(table):
        raw = _parse_csv(csv, text_column=name)
        if frames.literal_infinities_only(raw.column(name), table.column(name)):
            continue
        index = table.column_names.index(name)
        table = table.set_column(index, pa.field(name, pa.string()), raw.column(name))
        notes.add(phrases.english(phrases.OVERFLOW, name=name))
    return table


def _parse_csv(csv: _CsvLayout, text_column: str | None = None) -> pa.Table:
    read = pacsv.ReadOptions(
        column_names=csv.names, skip_rows=csv.header_lines, block_size=8 << 20
    )
    parse = pacsv.ParseOptions(delimiter=csv.delimiter, newlines_in_values=csv.has_quotes)
    as_text = [text_column] if text_column else csv.text_columns
    convert = pacsv.ConvertOptions(
        null_values=list(NUMBER_MISSING_MARKERS),
        strings_can_be_null=False,
        decimal_point="." if text_column else csv.decimal,
        column_types={name: pa.string() for name in as_text} or None,
        include_columns=[text_column] if text_column else None,
    )
    try:
        table = pacsv.read_csv(pa.BufferReader(csv.data), read, parse, convert)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "UTF-8" in str(exc):
            raise NotUtf8Error(str(exc)) from exc
        bad = frames.first_bad_line(csv.data.to_pybytes(), csv.delimiter, len(csv.names))
        if bad is not None:
            line, found = bad
            raise InvalidInputError(
                _(
                    "Line {line} has {found} fields but the header has {expected}; fix or "
                    "remove that line and upload again."
                ).format(line=line, found=found, expected=len(csv.names))
            ) from exc
        raise InvalidInputError(
            _("The file could not be read as a table: {error}").format(error=exc)
        ) from exc
    if any(pa.types.is_binary(t) or pa.types.is_large_binary(t) for t in table.schema.types):
        raise NotUtf8Error("a column holds bytes that are not UTF-8")  # pyarrow infers binary
    return table


def _read_parquet(content: bytes, notes: _Notes) -> pd.DataFrame:
    try:
        return pd.read_parquet(io.BytesIO(content))
    except Exception as exc:  # pyarrow raises several unrelated types for corrupt files
        raise InvalidInputError(
            _("The Parquet file could not be read: {error}").format(error=exc)
        ) from exc


def _read_excel(content: bytes, notes: _Notes) -> pd.DataFrame:
    try:
        book = pd.ExcelFile(io.BytesIO(content), engine="openpyxl")
        sheets = book.sheet_names
        frame = pd.read_excel(book, sheet_name=sheets[0], dtype=object)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for broken workbooks
        raise InvalidInputError(
            _("The Excel workbook could not be read: {error}").format(error=exc)
        ) from exc
    if len(sheets) > 1:
        notes.add(phrases.english(phrases.OTHER_SHEETS, sheet=sheets[0], count=len(sheets) - 1))
    if frame.empty and len(frame.columns) == 0:
        raise InvalidInputError(_("The first sheet of the workbook is empty."))
    return frame


def _read_jsonl(content: bytes, notes: _Notes) -> pd.DataFrame:
    check_text(content)
    if not content.strip():
        raise InvalidInputError(_("The file contains only blank lines; it has no records."))
    try:
        return pd.read_json(io.BytesIO(content), lines=True, dtype=False, encoding="utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInputError(
            _(
                "The JSON Lines file could not be read (one JSON object per line expected): "
                "{error}"
            ).format(error=exc)
        ) from exc


_READERS = {"parquet": _read_parquet, "xlsx": _read_excel, "jsonl": _read_jsonl}
