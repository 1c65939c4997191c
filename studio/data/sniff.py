"""Recognise what an uploaded file is: its format, text encoding, delimiter and decimal mark."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from charset_normalizer import from_bytes

from studio.errors import InvalidInputError
from studio.i18n import _

FORMATS_BY_EXTENSION = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
SUPPORTED_EXTENSIONS = tuple(sorted(FORMATS_BY_EXTENSION))
DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 256 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_DECIMAL_POINT = re.compile(r"^[+-]?\d*\.\d+$")


@dataclass(frozen=True)
class TextLayout:
    """How a delimited text file is written."""

    encoding: str
    delimiter: str
    decimal: str


def display_name(filename: str) -> str:
    """The last part of a user-supplied file name: a label, never a path."""
    name = PurePosixPath(str(filename).replace("\\", "/")).name.strip()
    return name or "upload"


def detect_format(content: bytes, filename: str) -> str:
    """The file format from its extension, cross-checked against its first bytes."""
    suffix = PurePosixPath(display_name(filename).lower()).suffix
    fmt = FORMATS_BY_EXTENSION.get(suffix)
    if fmt is None:
        ending = suffix or _("(no extension)")
        raise InvalidInputError(
            _("Files ending in '{ending}' are not supported; upload one of {extensions}.").format(
                ending=ending, extensions=", ".join(SUPPORTED_EXTENSIONS)
            )
        )
    head = content[:4]
    if fmt == "xlsx":
        if head != _ZIP_MAGIC:
            raise InvalidInputError(
                _("This file is not a valid Excel workbook; save it as .xlsx.")
            )
        return fmt
    if fmt == "parquet":
        if head != _PARQUET_MAGIC or content[-4:] != _PARQUET_MAGIC:
            raise InvalidInputError(_("This file is not a valid Parquet file."))
        return fmt
    if head == _ZIP_MAGIC:
        raise InvalidInputError(
            _(
                "This file is a ZIP archive or Excel workbook, not {format} text; unzip it or "
                "upload the workbook with the .xlsx extension."
            ).format(format=fmt.upper())
        )
    if head[:2] == _GZIP_MAGIC:
        raise InvalidInputError(
            _("This file is gzip-compressed; decompress it and upload it again.")
        )
    return fmt


def check_text(content: bytes) -> None:
    """Refuse binary data and NUL bytes in a file that should be text."""
    sample = content[:SAMPLE_BYTES]
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if control > max(8, len(sample) // 100):
        raise InvalidInputError(
            _(
                "This file does not look like a text table (it holds binary data); upload a "
                "CSV, TSV, Parquet, Excel or JSON Lines file."
            )
        )
    if b"\x00" in content:
        raise InvalidInputError(
            _(
                "This file contains NUL bytes (binary data or UTF-16 text); save it as UTF-8 "
                "and upload it again."
            )
        )


def _is_utf8_prefix(sample: bytes) -> bool:
    """True when ``sample`` is UTF-8, allowing a character cut off at its end."""
    try:
        codecs.utf_8_decode(sample, "strict", False)
    except UnicodeDecodeError:
        return False
    return True


def sniff_encoding(sample: bytes) -> str:
    """The encoding judged from the first bytes: UTF-8 (with or without BOM) when they are.

    The parser confirms UTF-8 for the rest of the file; ``detect_encoding`` decides otherwise.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if _is_utf8_prefix(sample):
        return "utf-8"
    return detect_encoding(sample)


def detect_encoding(content: bytes) -> str:
    """For text that is not UTF-8 throughout: GB18030, Windows-1252 or Latin-1.

    GB18030 when a sample reads as Chinese and the whole file decodes. Otherwise the file is
    single-byte: Windows-1252 when it holds bytes 0x80-0x9F (in cp1252 they are € – “ ” and
    friends; in Latin-1 invisible control characters no one types) and decodes as cp1252,
    else Latin-1 (the two agree on every other byte).
    """
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    best = from_bytes(content[:SAMPLE_BYTES], cp_isolation=["gb18030", "cp1252", "latin_1"]).best()
    if best is not None and best.encoding == "gb18030" and _decodes(content, "gb18030"):
        return "gb18030"
    if _C1_BYTES.search(content) and _decodes(content, "cp1252"):
        return "cp1252"
    return "latin-1"


def _decodes(content: bytes, encoding: str) -> bool:
    try:
        content.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _sample_rows(text: str, delimiter: str, limit: int = 50) -> list[list[str]]:
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end mid-line
    reader = csv.reader(io.StringIO("".join(lines)), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if row:
                rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def detect_delimiter(sample_text: str, preferred: str | None = None) -> str:
    """The delimiter among , ; tab | that splits the sample into the most consistent columns."""
    best, best_score = preferred or ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        rows = _sample_rows(sample_text, delimiter)
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistency = sum(len(r) == width for r in rows) / len(rows)
        score = (consistency + (0.01 if delimiter == preferred else 0.0), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def detect_decimal(sample_text: str, delimiter: str) -> str:
    """',' when numbers in the sample are written with a decimal comma, else '.'."""
    if delimiter == ",":
        return "."
    commas = points = 0
    for row in _sample_rows(sample_text, delimiter)[1:]:
        for field in row:
            field = field.strip()
            commas += bool(_DECIMAL_COMMA.match(field))
            points += bool(_DECIMAL_POINT.match(field))
    return "," if commas > 0 and points == 0 else "."


def detect_layout(text_sample: str, encoding: str, fmt: str) -> TextLayout:
    """Delimiter and decimal mark of a delimited text file from a decoded sample."""
    delimiter = detect_delimiter(text_sample, preferred="\t" if fmt == "tsv" else None)
    return TextLayout(encoding, delimiter, detect_decimal(text_sample, delimiter))
