"""Numbers: thousands separators and decimal commas, infinities, integer codes."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from tests.data.corpus.files import (
    N,
    Shape,
    blanks,
    csv_shape,
    parquet_shape,
    seeded,
)


def number_shapes() -> Iterator[Shape]:
    rng = seeded("numbers")
    ints = [rng.randrange(1_000, 2_000_000) for _ in range(N)]
    commas = [f"{v:,}" for v in ints]
    yield csv_shape(
        "thousands-commas",
        "income",
        commas,
        kind="numeric",
        reason="thousands separated by commas",
        notice="thousands separated by commas",
        expected=tuple(ints),
    )
    with_gaps = blanks(commas)
    with_gaps[5] = "NA"
    expected = tuple(None if v in ("", "NA") else int(v.replace(",", "")) for v in with_gaps)
    yield csv_shape(
        "thousands-commas-blanks",
        "Income",
        with_gaps,
        kind="numeric",
        reason="thousands separated by commas",
        notice="read as missing (NA)",
        expected=expected,
    )
    yield csv_shape(
        "thousands-commas-tsv",
        "amount",
        commas,
        delimiter="\t",
        suffix=".tsv",
        kind="numeric",
        reason="thousands separated by commas",
        notice="thousands separated by commas",
        expected=tuple(ints),
    )
    negative = [f"{-v:,}" if i % 3 == 0 else f"{v:,}" for i, v in enumerate(ints)]
    yield csv_shape(
        "thousands-negative",
        "balance",
        negative,
        kind="numeric",
        reason="thousands separated by commas",
        notice="(-1,312,734)",
        expected=tuple(int(v.replace(",", "")) for v in negative),
    )
    cents = [rng.randrange(100_000, 10**9) for _ in range(N)]

    def european(v: int, group: str) -> str:
        return f"{v // 100:,}".replace(",", group) + f",{v % 100:02d}"

    for label, group in (("points", "."), ("spaces", " "), ("apostrophes", "'")):
        values = [european(v, group) for v in cents]
        yield csv_shape(
            f"decimal-comma-{label}",
            "price",
            values,
            delimiter=";",
            kind="numeric",
            reason=f"thousands separated by {label}",
            notice=f"thousands separated by {label} and a decimal comma",
            expected=tuple(v / 100 for v in cents),
        )
    nbsp = [f"{v:,}".replace(",", "\u00a0") for v in ints]
    yield csv_shape(
        "thousands-nbsp",
        "population",
        nbsp,
        kind="numeric",
        reason="thousands separated by spaces",
        notice="separated by spaces",
        expected=tuple(ints),
    )
    swiss = [f"{v:,}".replace(",", "'") + ".50" for v in ints]
    yield csv_shape(
        "swiss-apostrophes",
        "chf",
        swiss,
        kind="numeric",
        reason="thousands separated by apostrophes",
        notice="by apostrophes",
        expected=tuple(v + 0.5 for v in ints),
    )
    small = [rng.randrange(1, 999) for _ in range(N)]
    quoted = [f"{v // 10},{v % 10}" for v in small]
    yield csv_shape(
        "decimal-comma-in-comma-file",
        "rate",
        quoted,
        kind="numeric",
        reason="a decimal comma",
        notice="a decimal comma",
        expected=tuple(v / 10 for v in small),
    )
    mixed = [rng.choice(["1,234.5", "1.234,5", "2,500.0", "3.100,25"]) for _ in range(N)]
    yield csv_shape(
        "mixed-number-formats", "total", mixed, kind="categorical", reason="text with 4 categories"
    )
    versions = [rng.choice(["1.2.3", "1.10.0", "2.0.1"]) for _ in range(N)]
    yield csv_shape(
        "version-strings", "release", versions, kind="categorical", reason="text with 3 categories"
    )


def infinity_shapes() -> Iterator[Shape]:
    rng = seeded("inf")
    base = [f"{rng.uniform(0, 5):.3f}" for _ in range(N)]
    for spelled in (("inf", "-inf"), ("Infinity", "-Infinity"), ("INF", "-INF")):
        values = base[:]
        values[4], values[9], values[11] = spelled[0], spelled[1], spelled[0]
        expected = tuple(None if i in (4, 9, 11) else float(v) for i, v in enumerate(values))
        yield csv_shape(
            f"inf-{spelled[0]}",
            "ratio",
            values,
            kind="numeric",
            reason="numbers",
            notice="3 infinite value(s) in 'ratio' (inf, -inf) were read as missing",
            expected=expected,
        )
    floats = [float(v) for v in base]
    floats[2], floats[3] = np.inf, -np.inf
    yield parquet_shape(
        "parquet-inf",
        "ratio",
        pa.array(floats),
        kind="numeric",
        reason="numbers",
        notice="2 infinite value(s) in 'ratio'",
        expected=tuple(None if i in (2, 3) else v for i, v in enumerate(floats)),
    )
    thousands = [f"{rng.randrange(1000, 99999):,}" for _ in range(N)]
    thousands[7] = "inf"
    yield csv_shape(
        "inf-with-thousands",
        "amount",
        thousands,
        kind="numeric",
        reason="thousands",
        notice="1 infinite value(s) in 'amount' (inf)",
    )


def code_shapes() -> Iterator[Shape]:
    def cycle(options: list[int]) -> list[str]:
        return [str(options[i % len(options)]) for i in range(N)]

    for name in (
        "store_code",
        "zip",
        "postcode",
        "category",
        "type",
        "class",
        "level",
        "邮编",
        "ProductType",
    ):
        yield csv_shape(
            f"named-code-{name}",
            name,
            cycle([101, 205, 307, 412, 518]),
            kind="numeric",
            reason="whole numbers",
            suggested="categorical",
        )
    yield csv_shape(
        "repeating-region-id",
        "region_id",
        cycle(list(range(1, 13))),
        kind="numeric",
        reason="whole numbers",
        suggested="categorical",
    )
    yield csv_shape(
        "unnamed-store-codes",
        "shop",
        cycle([101, 205, 307]),
        kind="numeric",
        reason="whole numbers",
        suggested="categorical",
    )
    yield csv_shape(
        "zip-like-codes",
        "served",
        cycle([10001, 94105, 60601, 30301]),
        kind="numeric",
        reason="whole numbers",
        suggested="categorical",
    )
    yield csv_shape(
        "years-are-not-codes",
        "year",
        cycle([2007, 2008, 2009]),
        kind="numeric",
        reason="whole numbers, 3 distinct",
    )
    yield csv_shape(
        "round-prices-are-not-codes",
        "price",
        cycle([100, 250, 500, 990]),
        kind="numeric",
        reason="whole numbers",
    )
    yield csv_shape(
        "counts-are-not-codes",
        "visits",
        cycle(list(range(11))),
        kind="numeric",
        reason="whole numbers",
    )


def unit_shapes() -> Iterator[Shape]:
    """Currency and percent signs, and codes whose leading zeros carry meaning."""
    rng = seeded("units")
    cents = [rng.randrange(100, 900_000) for _ in range(N)]
    amounts = [c / 100 for c in cents]
    yield csv_shape(
        "currency-dollar-commas", "price", [f"${a:,.2f}" for a in amounts], kind="numeric",
        reason="amounts in $, thousands separated by commas", notice="amounts in $",
        expected=tuple(amounts),
    )  # fmt: skip
    negative = [f"-${a:,.2f}" if i % 4 == 0 else f"${a:,.2f}" for i, a in enumerate(amounts)]
    yield csv_shape(
        "currency-negative", "balance", negative, kind="numeric", reason="amounts in $",
        notice="amounts in $",
        expected=tuple(-a if i % 4 == 0 else a for i, a in enumerate(amounts)),
    )  # fmt: skip
    euros = [f"{a:.2f}".replace(".", ",") + " €" for a in amounts]
    yield csv_shape(
        "currency-euro-suffix-semicolon", "Preis", blanks(euros), delimiter=";", kind="numeric",
        reason="amounts in €", notice="amounts in €",
        expected=tuple(None if v == "" else a for v, a in zip(blanks(euros), amounts,
                                                              strict=True)),
    )  # fmt: skip
    yuan = [f"¥{c // 100:,}" for c in cents]
    yield csv_shape(
        "currency-yuan", "金额", yuan, kind="numeric", reason="amounts in ¥",
        notice="amounts in ¥", expected=tuple(c // 100 for c in cents),
    )  # fmt: skip
    shares = [rng.randrange(0, 100) for _ in range(N)]
    yield csv_shape(
        "percent", "discount", [f"{s}%" for s in shares], kind="numeric",
        reason="percentages without the % sign", notice="percentages",
        expected=tuple(shares),
    )  # fmt: skip
    zips = [f"{rng.choice([2134, 2139, 1002, 7030, 8540]):05d}" for _ in range(N)]
    yield csv_shape(
        "zip-leading-zeros", "zip", zips, kind="categorical", reason="text with",
        notice="leading zeros", expected=tuple(zips),
    )  # fmt: skip
    mixed = [z if i % 2 else f"{90210 + i % 3}" for i, z in enumerate(zips)]
    yield csv_shape(
        "zip-some-leading-zeros-blanks", "postcode", blanks(mixed), kind="categorical",
        reason="text with", notice="leading zeros",
        expected=tuple(None if v == "" else v for v in blanks(mixed)),
    )  # fmt: skip
    accounts = [f"{i:06d}" for i in range(N)]
    yield csv_shape(
        "account-codes-leading-zeros", "account", accounts, kind="identifier",
        reason="fixed-width codes", notice="leading zeros", expected=tuple(accounts),
    )  # fmt: skip
