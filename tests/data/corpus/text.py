"""Booleans, missing-value tokens, encodings and header names."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from tests.data.corpus.files import (
    N,
    Shape,
    blanks,
    csv_shape,
    excel_shape,
    jsonl_shape,
    parquet_shape,
    rng_choice,
    seeded,
)


def boolean_shapes() -> Iterator[Shape]:
    rng = seeded("booleans")
    truth = [rng.random() < 0.5 for _ in range(N)]
    truth[0], truth[1] = True, False

    def spelled(yes: str, no: str, every: int | None = 7) -> list[str]:
        values = [yes if t else no for t in truth]
        return blanks(values, every) if every else values

    def expect(values: list[str], yes: str) -> tuple:
        return tuple(None if v == "" else v == yes for v in values)

    for yes, no in (("true", "false"), ("True", "False"), ("TRUE", "FALSE")):
        values = spelled(yes, no)
        yield csv_shape(
            f"bool-{yes}-blanks",
            "member",
            values,
            kind="boolean",
            reason="true/false",
            expected=expect(values, yes),
        )
    values = spelled("True", "False", None)
    yield csv_shape(
        "bool-no-blanks",
        "member",
        values,
        kind="boolean",
        reason="true/false",
        expected=expect(values, "True"),
    )
    mixed = [
        rng_choice(i, ["true", "TRUE", "True"]) if t else rng_choice(i, ["false", "False"])
        for i, t in enumerate(truth)
    ]
    mixed = blanks(mixed, 9)
    yield csv_shape(
        "bool-mixed-case",
        "active",
        mixed,
        kind="boolean",
        reason="true/false",
        expected=tuple(None if v == "" else v.lower() == "true" for v in mixed),
    )
    for yes, no in (("yes", "no"), ("Y", "N"), ("t", "f"), ("是", "否"), ("on", "off")):
        yield csv_shape(
            f"bool-words-{yes}",
            "flag",
            spelled(yes, no),
            kind="boolean",
            reason=f"two values: {yes}/{no}",
        )
    zero_one = spelled("1", "0")
    yield csv_shape(
        "bool-zero-one-blanks", "flag01", zero_one, kind="boolean", reason="two values: 0/1"
    )
    yield csv_shape(
        "yes-no-maybe",
        "answer",
        [rng_choice(i, ["yes", "no", "maybe"]) for i in range(N)],
        kind="categorical",
        reason="text with 3 categories",
    )
    nullable = [None if i % 7 == 3 else t for i, t in enumerate(truth)]
    yield parquet_shape(
        "parquet-bool-nulls",
        "member",
        pa.array(nullable, pa.bool_()),
        kind="boolean",
        reason="true/false",
        expected=tuple(nullable),
    )
    yield jsonl_shape(
        "jsonl-bool-nulls",
        "member",
        nullable,
        kind="boolean",
        reason="true/false",
        expected=tuple(nullable),
    )
    yield excel_shape(
        "excel-bool-blanks",
        "member",
        nullable,
        kind="boolean",
        reason="true/false",
        expected=tuple(nullable),
    )


def missing_shapes() -> Iterator[Shape]:
    rng = seeded("missing")
    sexes = [rng.choice(["male", "female"]) for _ in range(N)]
    for token in (
        "NA",
        "NULL",
        "None",
        "#N/A",
        "nan",
        "n/a",
        "<NA>",
        "-NaN",
        "1.#IND",
        "null",
        "NaN",
        "N/A",
    ):
        values = [token if i % 6 == 2 else s for i, s in enumerate(sexes)]
        yield csv_shape(
            f"text-missing-{token}",
            "sex",
            values,
            kind="categorical",
            reason="text with 2 categories",
            notice=f"10 cells in 'sex' were read as missing ({token})",
            expected=tuple(None if v == token else v for v in values),
        )
    several = [
        rng_choice(i, ["NA", "NULL", "#N/A"]) if i % 5 == 1 else s for i, s in enumerate(sexes)
    ]
    yield csv_shape(
        "text-missing-several",
        "Sex",
        several,
        kind="categorical",
        reason="text with 2 categories",
        notice="12 cells in 'Sex' were read as",
    )
    padded = [" NA " if i % 6 == 2 else s for i, s in enumerate(sexes)]
    yield csv_shape(
        "text-missing-padded",
        "sex",
        padded,
        kind="categorical",
        reason="text with 2 categories",
        notice="read as missing (NA)",
    )
    grades = [rng_choice(i, ["A", "B", "-", "?"]) for i in range(N)]
    yield csv_shape(
        "dash-and-question-stay",
        "grade",
        grades,
        kind="categorical",
        reason="text with 4 categories",
        expected=tuple(grades),
    )
    elements = [rng_choice(i, ["Na", "K", "Ca", "na"]) for i in range(N)]
    yield csv_shape(
        "sodium-stays",
        "element",
        elements,
        kind="categorical",
        reason="text with 4 categories",
        expected=tuple(elements),
    )
    numbers = ["NA" if i % 6 == 2 else f"{rng.uniform(30, 60):.1f}" for i in range(N)]
    yield csv_shape(
        "numeric-na",
        "bill_length_mm",
        numbers,
        kind="numeric",
        reason="numbers",
        expected=tuple(None if v == "NA" else float(v) for v in numbers),
    )
    yield excel_shape(
        "excel-text-missing",
        "sex",
        [None if i % 6 == 2 else s for i, s in enumerate(sexes)],
        kind="categorical",
        reason="text with 2 categories",
    )
    yield jsonl_shape(
        "jsonl-text-missing",
        "sex",
        ["NA" if i % 6 == 2 else s for i, s in enumerate(sexes)],
        kind="categorical",
        reason="text with 2 categories",
        notice="read as missing (NA)",
    )


def encoding_shapes() -> Iterator[Shape]:
    notes = ["prix 5€", "coût – bas", "“ok”", "naïve", "‘quoted’ …"]
    values = [rng_choice(i, notes) for i in range(N)]
    for delimiter in (";", ","):
        yield csv_shape(
            f"cp1252-{ord(delimiter)}",
            "note",
            values,
            delimiter=delimiter,
            encoding="cp1252",
            kind="categorical",
            reason="text with 5 categories",
            expected=tuple(values),
            encoding_="cp1252",
        )
    latin = [rng_choice(i, ["café", "Zürich", "Genève"]) for i in range(N)]
    yield csv_shape(
        "latin-1",
        "ville",
        latin,
        encoding="latin-1",
        kind="categorical",
        reason="text with 3 categories",
        expected=tuple(latin),
        encoding_="latin-1",
    )
    yield csv_shape(
        "utf-8-euro",
        "note",
        values,
        kind="categorical",
        reason="text with 5 categories",
        expected=tuple(values),
        encoding_="utf-8",
    )
    yield csv_shape(
        "utf-8-bom",
        "note",
        values,
        encoding="utf-8-sig",
        kind="categorical",
        reason="text with 5 categories",
        expected=tuple(values),
        encoding_="utf-8-sig",
    )
    cities = [rng_choice(i, ["北京", "上海", "广州"]) for i in range(N)]
    yield csv_shape(
        "gbk",
        "城市",
        cities,
        encoding="gbk",
        kind="categorical",
        reason="text with 3 categories",
        expected=tuple(cities),
        encoding_="gb18030",
    )


def header_shapes() -> Iterator[Shape]:
    rows = "\n".join(f"{i % 5},{i % 3},{'ab'[i % 2]}" for i in range(N))
    yield Shape(
        "duplicate-header",
        "dups.csv",
        f"x,x,y\n{rows}\n".encode(),
        "x_2",
        "numeric",
        "whole numbers",
        "Renamed blank or duplicate column names",
    )
    yield Shape(
        "blank-header",
        "blank.csv",
        f"x,,y\n{rows}\n".encode(),
        "column_2",
        "numeric",
        "whole numbers",
        "Renamed blank or duplicate column names",
    )
