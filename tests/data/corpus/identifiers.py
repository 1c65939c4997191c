"""Identifiers, and the measurements and text that only look like them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from tests.data.corpus.files import (
    N,
    Shape,
    csv_shape,
    seeded,
)


def identifier_shapes() -> Iterator[Shape]:
    rng = seeded("ids")
    yield csv_shape(
        "row-number",
        "row",
        [str(i) for i in range(1, N + 1)],
        kind="identifier",
        reason="consecutive integers 1…60",
    )
    shuffled = [str(i) for i in range(1000, 1000 + N)]
    rng.shuffle(shuffled)
    yield csv_shape(
        "shuffled-consecutive",
        "ref",
        shuffled,
        kind="identifier",
        reason="consecutive integers 1,000…1,059",
    )
    yield csv_shape(
        "consecutive-400",
        "#",
        [str(i) for i in range(400)],
        kind="identifier",
        reason="consecutive integers 0…399",
    )
    gaps = sorted(rng.sample(range(1, 65), N))
    yield csv_shape(
        "consecutive-with-gaps",
        "line",
        [str(v) for v in gaps],
        kind="identifier",
        reason="with a few gaps",
    )
    unique = [str(v) for v in rng.sample(range(10**6, 10**7), N)]
    for name in (
        "customer_id",
        "CustomerID",
        "user-id",
        "userId",
        "订单号",
        "编号",
        "ID号",
        "key",
        "order_no",
        "Transaction ID",
    ):
        yield csv_shape(
            f"named-id-{name}",
            name,
            unique,
            kind="identifier",
            reason="all values distinct and named like an id",
        )
    yield csv_shape(
        "named-id-text",
        "user_id",
        [f"u{rng.randrange(10**8)}x" for _ in range(N)],
        kind="identifier",
        reason="named like an id",
    )
    yield csv_shape(
        "uuid-text",
        "token",
        [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(N)],
        kind="identifier",
        reason="UUIDs",
    )
    yield csv_shape(
        "hex-text",
        "digest",
        [f"{rng.getrandbits(64):016x}" for _ in range(N)],
        kind="identifier",
        reason="hexadecimal keys",
    )
    skus = [f"SKU-{i:05d}" for i in rng.sample(range(99999), N)]
    yield csv_shape("sku-codes", "sku", skus, kind="identifier", reason="codes such as SKU-")
    tickets = [
        "".join(rng.choice("ABCDEFGHJK0123456789") for _ in range(7)) + str(i % 10)
        for i in range(N)
    ]
    yield csv_shape(
        "fixed-width-codes", "ticket", tickets, kind="identifier", reason="fixed-width codes"
    )
    yield csv_shape(
        "prefix-codes",
        "member",
        [f"C{i}" for i in range(1, N + 1)],
        kind="identifier",
        reason="codes such as C1",
    )
    yield csv_shape(
        "emails",
        "contact",
        [f"person{i}@example.org" for i in range(N)],
        kind="identifier",
        reason="e-mail addresses",
    )


def measurement_shapes() -> Iterator[Shape]:
    rng = seeded("measures")
    incomes = sorted(rng.sample(range(20_000, 200_000), N))
    for name in ("income", "salary", "revenue"):
        yield csv_shape(
            f"sorted-{name}",
            name,
            [str(v) for v in incomes],
            kind="numeric",
            reason="not consecutive",
            expected=tuple(incomes),
        )
    shuffled = incomes[:]
    rng.shuffle(shuffled)
    yield csv_shape(
        "shuffled-income",
        "income",
        [str(v) for v in shuffled],
        kind="numeric",
        reason="not consecutive",
    )
    unique = [str(v) for v in rng.sample(range(100, 10**6), N)]
    for name in ("amount_paid", "valid", "bid", "humid", "paid", "rapid_count", "Liquidity"):
        yield csv_shape(
            f"id-ending-{name}", name, unique, kind="numeric", reason="not consecutive"
        )
    yield csv_shape(
        "small-consecutive",
        "row",
        [str(i) for i in range(1, 31)],
        kind="numeric",
        reason="whole numbers, 30 distinct",
    )
    yield csv_shape(
        "float-measure",
        "ratio",
        [f"{rng.random():.6f}" for _ in range(N)],
        kind="numeric",
        reason="numbers, 60 distinct",
    )
    yield csv_shape(
        "repeated-city",
        "city",
        [rng.choice(["Lyon", "Nice", "Metz"]) for _ in range(N)],
        kind="categorical",
        reason="text with 3 categories",
    )
    names = [f"{rng.choice(['Ana', 'Bo', 'Cy', 'Di'])} Smith{i}" for i in range(N)]
    yield csv_shape("unique-names", "name", names, kind="text", reason="short text")
    long = [
        " ".join(rng.choice(["good", "bad", "slow", "fast", "ok"]) for _ in range(14))
        for _ in range(N)
    ]
    yield csv_shape("free-text", "comment", long, kind="text", reason="free text")
