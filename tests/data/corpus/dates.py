"""Dates in day-first, month-first, year-first and Chinese forms, and zoned times."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pandas as pd
import pyarrow as pa

from tests.data.corpus.files import (
    N,
    Shape,
    blanks,
    csv_shape,
    delimited,
    excel_shape,
    jsonl_shape,
    labels,
    parquet_shape,
    rng_choice,
    seeded,
    with_features,
)


def _days(key: str, n: int = N, start: datetime = datetime(2023, 1, 1)) -> list[datetime]:
    rng = seeded(key)
    return [start + timedelta(days=rng.randrange(0, 365)) for _ in range(n)]


def _fixed_dates(days: list[datetime]) -> list[datetime]:
    days = days[:]
    days[0] = datetime(2023, 1, 13)  # a day above 12 somewhere
    return days


def date_shapes() -> Iterator[Shape]:
    days = _fixed_dates(_days("dmy"))
    for sep, delimiter in (("/", ","), ("-", ","), (".", ";"), ("/", "|")):
        values = [d.strftime(f"%d{sep}%m{sep}%Y") for d in days]
        yield csv_shape(
            f"day-first-{sep}-{delimiter}",
            "order_date",
            values,
            delimiter=delimiter,
            kind="datetime",
            reason="day first (13",
            notice="dates, day first",
            expected=tuple(days),
        )
    timed = [d.replace(hour=d.day % 24, minute=30) for d in days]
    yield csv_shape(
        "day-first-with-time",
        "when",
        [d.strftime("%d/%m/%Y %H:%M") for d in timed],
        kind="datetime",
        reason="day first",
        notice="dates, day first (13/01/2023 13:30)",
        expected=tuple(timed),
    )
    values = blanks([d.strftime("%d/%m/%Y") for d in days])
    yield csv_shape(
        "day-first-blanks",
        "date",
        values,
        kind="datetime",
        reason="day first",
        notice="day first",
        expected=tuple(None if v == "" else d for v, d in zip(values, days, strict=True)),
    )
    yield csv_shape(
        "day-first-two-digit-year",
        "day",
        [d.strftime("%d/%m/%y") for d in days],
        kind="datetime",
        reason="day first",
        notice="day first (13/01/23)",
        expected=tuple(days),
    )
    yield csv_shape(
        "month-first",
        "order_date",
        [d.strftime("%m/%d/%Y") for d in days],
        kind="datetime",
        reason="month first (01/13/2023)",
        notice="dates, month first",
        expected=tuple(days),
    )
    pm = [d.replace(hour=14, minute=5) for d in days]
    yield csv_shape(
        "month-first-am-pm",
        "created",
        [f"{d.month}/{d.day}/{d.year} 2:05 PM" for d in pm],
        kind="datetime",
        reason="month first",
        notice="month first (1/13/2023 2:05 PM)",
        expected=tuple(pm),
    )
    early = [
        datetime(2023, m, d)
        for m, d in zip([1, 2, 3, 4, 5, 6] * 10, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] * 6, strict=True)
    ]
    yield csv_shape(
        "ambiguous-slashes",
        "d",
        [x.strftime("%m/%d/%Y") for x in early],
        kind="datetime",
        reason="month first",
        notice="fit both day-first",
        expected=tuple(early),
    )
    yield csv_shape(
        "ambiguous-dots",
        "d",
        [x.strftime("%d.%m.%Y") for x in early],
        kind="datetime",
        reason="day first",
        notice="they were read day first",
        expected=tuple(early),
    )
    euro = delimited(
        {
            "d": [x.strftime("%d/%m/%Y") for x in early],
            "x": [f"{i},5" for i in range(N)],
            "y": labels(seeded("e"), N),
        },
        ";",
    )
    yield Shape(
        "ambiguous-in-decimal-comma-file",
        "euro.csv",
        euro,
        "d",
        "datetime",
        "day first",
        "they were read day first",
        expected=tuple(early),
    )
    mixed = [rng_choice(i, ["13/01/2023", "01/13/2023", "05/06/2023"]) for i in range(N)]
    yield csv_shape(
        "mixed-day-month",
        "d",
        mixed,
        kind="categorical",
        reason="text with",
        notice="mixes day-first (13/01/2023) and month-first (01/13/2023)",
    )
    invalid = [rng_choice(i, ["31/02/2023", "13/01/2023", "14/01/2023"]) for i in range(N)]
    yield csv_shape(
        "impossible-date",
        "d",
        invalid,
        kind="categorical",
        reason="text with",
        notice="not real dates, such as '31/02/2023'",
    )
    cjk = [f"{d.year}年{d.month}月{d.day}日" for d in days]
    yield csv_shape(
        "chinese-dates",
        "日期",
        cjk,
        kind="datetime",
        reason="Chinese",
        notice="dates written in Chinese",
        expected=tuple(days),
    )
    yield csv_shape(
        "chinese-dates-blanks",
        "下单日期",
        blanks(cjk),
        kind="datetime",
        reason="Chinese",
        notice="Chinese",
    )
    cjk_time = [f"{d.year}年{d.month}月{d.day}日 {d.day % 24}:30" for d in days]
    yield csv_shape(
        "chinese-date-times",
        "时间",
        cjk_time,
        kind="datetime",
        reason="Chinese",
        notice="Chinese (2023年1月13日 13:30)",
        expected=tuple(d.replace(hour=d.day % 24, minute=30) for d in days),
    )
    yield csv_shape(
        "iso-unpadded",
        "day",
        [f"{d.year}-{d.month}-{d.day}" for d in days],
        kind="datetime",
        reason="ISO dates",
        notice="ISO dates (2023-1-13)",
        expected=tuple(days),
    )
    yield csv_shape(
        "year-first-slashes",
        "day",
        [d.strftime("%Y/%m/%d") for d in days],
        kind="datetime",
        reason="year first",
        notice="year first (2023/01/13)",
        expected=tuple(days),
    )
    yield csv_shape(
        "iso-plain",
        "day",
        [d.strftime("%Y-%m-%d") for d in days],
        kind="datetime",
        reason="dates",
        expected=tuple(days),
    )
    yield excel_shape(
        "excel-day-first-text",
        "date",
        [d.strftime("%d/%m/%Y") for d in days],
        kind="datetime",
        reason="day first",
        notice="day first",
        expected=tuple(days),
    )
    yield jsonl_shape(
        "jsonl-month-first",
        "date",
        [d.strftime("%m/%d/%Y") for d in days],
        kind="datetime",
        reason="month first",
        notice="month first",
        expected=tuple(days),
    )


def zoned_shapes() -> Iterator[Shape]:
    rng = seeded("zoned")
    utc = [datetime(2024, 1, 1) + timedelta(hours=rng.randrange(0, 5000)) for _ in range(N)]
    z = [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in utc]
    yield csv_shape(
        "zoned-z",
        "signup",
        z,
        kind="datetime",
        reason="converted to UTC",
        notice="converted to UTC",
        expected=tuple(utc),
    )
    plus = [(t + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+01:00") for t in utc]
    yield csv_shape(
        "zoned-plus-one",
        "signup",
        plus,
        kind="datetime",
        reason="converted to UTC",
        notice="converted to UTC",
        expected=tuple(utc),
    )
    offsets = [
        (t + timedelta(hours=h)).strftime("%Y-%m-%d %H:%M:%S") + f"{h:+03d}:00"
        for t, h in zip(utc, [1, 2, -4, 0, 5, -8] * 10, strict=True)
    ]
    yield csv_shape(
        "zoned-mixed-offsets",
        "seen_at",
        offsets,
        kind="datetime",
        reason="converted to UTC",
        notice="converted to UTC",
        expected=tuple(utc),
    )
    half = [v if i % 2 else v.replace("Z", "") for i, v in enumerate(z)]
    yield csv_shape(
        "zoned-and-naive",
        "seen_at",
        half,
        kind="datetime",
        reason="converted to UTC",
        notice="taken as UTC",
        expected=tuple(utc),
    )
    compact = [(t + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M+0200") for t in utc]
    yield csv_shape(
        "zoned-compact-offset",
        "seen_at",
        compact,
        kind="datetime",
        reason="converted to UTC",
        notice="converted to UTC",
        expected=tuple(utc),
    )
    paris = pa.array(pd.DatetimeIndex(utc).tz_localize("UTC").tz_convert("Europe/Paris"))
    yield parquet_shape(
        "parquet-zoned",
        "signup",
        paris,
        kind="datetime",
        reason="converted to UTC",
        notice="converted to UTC",
        expected=tuple(utc),
    )
    yield jsonl_shape(
        "jsonl-zoned",
        "signup",
        plus,
        kind="datetime",
        reason="converted to UTC",
        notice="carry UTC offsets (+01:00)",
        expected=tuple(utc),
    )
    aware = [t.replace(tzinfo=UTC) for t in utc]
    yield Shape(
        "naive-control",
        "naive.csv",
        delimited(
            with_features("naive", "signup", [t.strftime("%Y-%m-%d %H:%M:%S") for t in utc])
        ),
        "signup",
        "datetime",
        "dates and times",
        expected=tuple(a.replace(tzinfo=None) for a in aware),
    )
