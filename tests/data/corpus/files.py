"""The corpus's building blocks: the Shape record and small in-memory files of each format."""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

N = 60  # rows per shape (identifier rules need at least 50)


@dataclass(frozen=True)
class Shape:
    """One file and what reading and profiling it must give for ``column``."""

    id: str
    filename: str
    content: bytes
    column: str
    kind: str
    reason: str  # words the column's reason must contain
    notice: str | None = None  # words one notice must contain; None: no notice names the column
    suggested: str = ""  # the suggested kind, "" for none
    expected: tuple | None = None  # every value of the column after reading (None: unchecked)
    encoding: str | None = None  # the encoding the report must name (None: unchecked)


def seeded(key: str) -> random.Random:
    return random.Random(key)


def labels(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(["a", "b"]) for _ in range(n)]


def features_x(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.uniform(0, 100):.2f}" for _ in range(n)]


def delimited(
    columns: dict[str, list[str]], delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    """A delimited text file (quoted only where the delimiter or a quote requires it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    names = list(columns)
    writer.writerow(names)
    writer.writerows(zip(*(columns[n] for n in names), strict=True))
    return buffer.getvalue().encode(encoding)


def with_features(key: str, column: str, values: list, **extra: list) -> dict[str, list]:
    """``column`` plus the usual ``x`` and ``y`` (and any ``extra`` columns)."""
    rng = seeded(key)
    n = len(values)
    return {column: values, "x": features_x(rng, n), "y": labels(rng, n), **extra}


def csv_shape(
    key: str,
    column: str,
    values: list[str],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    suffix: str = ".csv",
    **expect: object,
) -> Shape:
    """A delimited-text shape."""
    content = delimited(with_features(key, column, values), delimiter, encoding)
    expect["encoding"] = expect.pop("encoding_", None)  # the one the report must name
    return Shape(key, f"{key}{suffix}", content, column, **expect)  # type: ignore[arg-type]


def parquet_shape(key: str, column: str, array: pa.Array, **expect: object) -> Shape:
    """A Parquet shape whose column under test is the Arrow array ``array``."""
    rng = seeded(key)
    n = len(array)
    table = pa.table(
        {
            column: array,
            "x": pa.array([rng.uniform(0, 100) for _ in range(n)]),
            "y": pa.array(labels(rng, n)),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return Shape(key, f"{key}.parquet", buffer.getvalue(), column, **expect)  # type: ignore[arg-type]


def jsonl_shape(key: str, column: str, values: list, **expect: object) -> Shape:
    """A JSON Lines shape (``values`` are JSON values: None, bools, numbers, strings)."""
    rng = seeded(key)
    lines = [
        json.dumps({column: v, "x": rng.uniform(0, 100), "y": rng.choice("ab")}) for v in values
    ]
    content = ("\n".join(lines) + "\n").encode()
    return Shape(key, f"{key}.jsonl", content, column, **expect)  # type: ignore[arg-type]


def excel_shape(key: str, column: str, values: list, **expect: object) -> Shape:
    """An .xlsx shape (``values`` are cell values: None, bools, numbers, strings)."""
    rng = seeded(key)
    frame = pd.DataFrame(
        {
            column: pd.Series(values, dtype=object),
            "x": [rng.uniform(0, 100) for _ in values],
            "y": labels(rng, len(values)),
        }
    )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False)
    return Shape(key, f"{key}.xlsx", buffer.getvalue(), column, **expect)  # type: ignore[arg-type]


def blanks(values: list, every: int = 7, blank: object = "") -> list:
    """``values`` with every ``every``-th one blank."""
    return [blank if i % every == 3 else v for i, v in enumerate(values)]


def rng_choice(i: int, options: list[str]) -> str:
    """Cycle through ``options`` (every option appears, in a fixed order)."""
    return options[i % len(options)]
