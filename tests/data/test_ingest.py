"""Ingestion: awkward but valid files load correctly; bad files get one clear sentence."""

from __future__ import annotations

import io
import math
import random
import zipfile

import numpy as np
import pandas as pd
import pytest

from studio.data.ingest import read_table
from studio.errors import InvalidInputError

LIMITS = {"max_columns": 2_000, "max_bytes": 50 * 2**20}


def read(content: bytes, name: str = "data.csv", **limits: int) -> tuple[pd.DataFrame, object]:
    parsed = read_table(content, name, **(LIMITS | limits))
    return parsed.frame, parsed.report


def _excel_bytes() -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"a": [1, 2, "N/A"], "when": ["2024-01-01", "2024-02-01", None]}).to_excel(
            writer, sheet_name="first", index=False
        )
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="second", index=False)
    return buffer.getvalue()


def _parquet_bytes() -> bytes:
    buffer = io.BytesIO()
    frame = pd.DataFrame(
        {"n": [1.5, 2.5], "s": ["x", "y"], "d": pd.to_datetime(["2024-01-01"] * 2)}
    )
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # A fixed date: the bytes are part of a test id, which every xdist process must
        # compute alike ("Different tests were collected" otherwise).
        archive.writestr(zipfile.ZipInfo("inner.csv", (2026, 1, 1, 0, 0, 0)), "a,b\n1,2\n")
    return buffer.getvalue()


def test_gbk_chinese_headers_are_decoded() -> None:
    """A GBK spreadsheet export keeps its Chinese headers and values."""
    content = "城市,人口,面积\n北京,2189,16410.5\n上海,2487,6340.5\n广州,1868,7434.4\n".encode(
        "gbk"
    )
    frame, report = read(content)
    assert list(frame.columns) == ["城市", "人口", "面积"]
    assert frame["城市"].tolist() == ["北京", "上海", "广州"]
    assert report.encoding == "gb18030"


def test_latin1_with_semicolons_and_decimal_comma() -> None:
    """A European export: Latin-1, ';' delimiter and decimal commas become floats."""
    content = "nom;prix;ville\ncafé;1,5;Zürich\nthé;2,25;Genève\n".encode("latin-1")
    frame, report = read(content)
    assert (report.encoding, report.delimiter, report.decimal) == ("latin-1", ";", ",")
    assert frame["prix"].tolist() == [1.5, 2.25]
    assert frame["nom"].tolist() == ["café", "thé"]


def test_utf8_bom_is_removed_from_the_first_header() -> None:
    """A BOM does not end up inside the first column's name."""
    frame, report = read(b"\xef\xbb\xbfid,value\n1,2\n")
    assert list(frame.columns) == ["id", "value"]
    assert report.encoding == "utf-8-sig"


@pytest.mark.parametrize(
    ("delimiter", "name"), [("\t", "data.tsv"), ("|", "data.csv"), ("\t", "t.txt")]
)
def test_tab_and_pipe_delimiters(delimiter: str, name: str) -> None:
    """Tab and pipe separated files split into their columns."""
    content = delimiter.join(["a", "b", "c"]).encode() + b"\n" + delimiter.join("123").encode()
    frame, report = read(content + b"\n", name)
    assert report.delimiter == delimiter
    assert frame.iloc[0].tolist() == [1, 2, 3]


def test_quoted_newlines_stay_inside_their_cell() -> None:
    """A quoted value with a line break is one cell, not two rows."""
    frame, _ = read(b'id,comment\n1,"first line\nsecond line"\n2,plain\n')
    assert len(frame) == 2
    assert frame["comment"][0] == "first line\nsecond line"


def test_400_digit_numbers_are_kept_exact() -> None:
    """A number beyond float range is kept exactly as text, with a notice, never as inf."""
    big = "9" * 400
    frame, report = read(f"big,small\n{big},1\n12,2\n".encode())
    assert frame["big"][0] == big
    assert any("too large for a float" in n for n in report.notices)
    assert frame["small"].tolist() == [1, 2]


def test_inf_and_nan_tokens_are_missing_numbers_with_a_notice() -> None:
    """Literal inf/-inf/nan tokens keep the column numeric; infinities are read as missing
    (most models cannot use them) and a notice names the column and the count."""
    frame, report = read(b"x\n1.5\ninf\n-inf\nnan\n")
    values = frame["x"].tolist()
    assert values[0] == 1.5 and all(math.isnan(v) for v in values[1:])
    assert any("2 infinite value(s) in 'x'" in n for n in report.notices)


def test_missing_markers_in_numeric_columns() -> None:
    """N/A, -, ? and empty cells are missing in a numeric column; text keeps '-' as a value."""
    frame, _ = read(b"n,t\n1,a\nN/A,-\n-,b\n?,c\n,d\n6,e\n")
    assert pd.api.types.is_numeric_dtype(frame["n"])
    assert frame["n"].isna().tolist() == [False, True, True, True, True, False]
    assert frame["t"].tolist() == ["a", "-", "b", "c", "d", "e"]


def test_iso_dates_become_datetimes() -> None:
    """ISO dates and date-times parse as datetime64 columns."""
    frame, _ = read(b"day,at\n2024-01-31,2024-01-31 10:15:00\n2024-02-29,2024-02-29T23:59:59\n")
    assert pd.api.types.is_datetime64_any_dtype(frame["day"])
    assert pd.api.types.is_datetime64_any_dtype(frame["at"])
    assert frame["day"][1] == pd.Timestamp("2024-02-29")


def test_60kb_text_cells() -> None:
    """Very long text cells load whole."""
    long_text = "lorem ipsum " * 5_000
    frame, _ = read(f'id,body\n1,"{long_text}"\n2,short\n'.encode())
    assert frame["body"][0] == long_text


def test_duplicate_and_blank_column_names_are_renamed_and_reported() -> None:
    """Duplicate names get a suffix, a blank name gets a position; the report says so."""
    frame, report = read(b"a,a,,b\n1,2,3,4\n")
    assert list(frame.columns) == ["a", "a_2", "column_3", "b"]
    assert any("Renamed" in n and "a_2" in n for n in report.notices)


def test_file_name_is_only_a_label() -> None:
    """Path parts in the uploaded name are dropped from the label."""
    _, report = read(b"a\n1\n", "../../etc/evil.csv")
    assert report.source_name == "evil.csv"


def test_excel_first_sheet_with_markers_and_dates() -> None:
    """An .xlsx reads its first sheet; markers become missing, ISO strings dates; others noted."""
    frame, report = read(_excel_bytes(), "book.xlsx")
    assert pd.api.types.is_numeric_dtype(frame["a"]) and frame["a"].isna().sum() == 1
    assert pd.api.types.is_datetime64_any_dtype(frame["when"])
    assert any("first sheet" in n for n in report.notices)


def test_parquet_round_trip() -> None:
    """Parquet keeps its types."""
    frame, report = read(_parquet_bytes(), "x.parquet")
    assert report.file_format == "parquet"
    assert frame["n"].tolist() == [1.5, 2.5]
    assert pd.api.types.is_datetime64_any_dtype(frame["d"])


def test_json_lines_with_nested_values() -> None:
    """JSON Lines: one record a line; nested values become JSON text."""
    content = b'{"a": 1, "b": {"k": 2}}\n{"a": 2, "b": null}\n\n{"a": 3, "b": [1]}\n'
    frame, _ = read(content, "x.jsonl")
    assert frame["a"].tolist() == [1, 2, 3]
    assert frame["b"][0] == '{"k": 2}'


def _random_bytes() -> bytes:
    rng = random.Random(0)
    return bytes(rng.randrange(256) for _ in range(4096))


BAD_FILES = [
    (b"", "data.csv", "The file is empty"),
    (b"a,b,c\n", "data.csv", "header but no data rows"),
    (b"\n\n  \n\r\n", "data.csv", "only blank lines"),
    (_random_bytes(), "data.csv", "does not look like a text table"),
    (_zip_bytes(), "data.csv", "ZIP archive"),
    (b"a,b\n1,2\n", "data.exe", "'.exe' are not supported"),
    (b"a,b\n1,2\n3,4\n5,6,7\n8,9\n", "data.csv", "Line 4 has 3 fields but the header has 2"),
    (b"a,b\n1,2\n3\x004,5\n", "data.csv", "NUL bytes"),
    (",".join(f"c{i}" for i in range(30)).encode() + b"\n" + b"1," * 29 + b"1\n", "data.csv",
     "30 columns, over the limit of 10"),
    (b"a,b\n" + b"1,2\n" * 2000, "data.csv", "over the"),
    (b"not a workbook", "data.xlsx", "not a valid Excel workbook"),
    (b"PAR1 garbage", "data.parquet", "not a valid Parquet file"),
    (b'{"a": 1}\n{not json}\n', "data.jsonl", "JSON Lines file could not be read"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "name", "message"), BAD_FILES)
def test_bad_files_get_one_clear_sentence(content: bytes, name: str, message: str) -> None:
    """Each bad file raises InvalidInputError whose message says what is wrong."""
    with pytest.raises(InvalidInputError, match=None) as caught:
        read(content, name, max_columns=10, max_bytes=4096)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_floats_round_trip_exactly() -> None:
    """Floats written by pandas are read back bit for bit (no precision lost on the way)."""
    values = np.random.default_rng(0).normal(size=5_000)
    content = pd.DataFrame({"x": values}).to_csv(index=False).encode()
    frame, _ = read(content)
    assert np.array_equal(frame["x"].to_numpy(), values)


def test_latin1_bytes_far_past_the_sample_are_still_decoded() -> None:
    """A file that looks like UTF-8 at the start but has Latin-1 later is read as Latin-1."""
    rows = "".join(f"{i},plain\n" for i in range(40_000))
    content = ("id,word\n" + rows).encode() + "40000,café\n".encode("latin-1")
    frame, report = read(content)
    assert report.encoding == "latin-1"
    assert frame["word"].iloc[-1] == "café" and len(frame) == 40_001
