"""Numbers written as text with thousands separators, a decimal comma, or a currency or percent
sign, decided per column; and digit codes whose leading zeros must stay (``02134``).

A column is read as numbers only when every value (missing markers aside) fits ONE format: a
decimal mark (``.`` or ``,``) and at most one thousands separator (``,`` ``.`` space, no-break
space or ``'``), grouped by three digits. ``37,993`` is 37993 in a file written with decimal
points and 37.993 in a file written with decimal commas; ``1.234.567,89`` and ``1'234.50`` are
the same everywhere. A column that mixes formats (``1,234.5`` next to ``1.234,5``) stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

GROUP_MARKS = {".": (",", " ", "\u00a0", "\u202f", "'"), ",": (".", " ", "\u00a0", "\u202f", "'")}
INFINITY_TOKENS = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"})
_LOOKS_NUMERIC = re.compile(r"^[+-]?[\d.,' \u00a0\u202f]*\d[\d.,' \u00a0\u202f]*([eE][+-]?\d+)?$")
_GROUP_NAMES = {",": "commas", ".": "points", " ": "spaces", "\u00a0": "spaces",
                "\u202f": "spaces", "'": "apostrophes"}  # fmt: skip


@dataclass(frozen=True)
class NumberFormat:
    """How the numbers of one column are written."""

    decimal: str  # "." or ","
    group: str = ""  # thousands separator, "" when none is used

    def pattern(self) -> re.Pattern[str]:
        """A regular expression that matches exactly the numbers written this way."""
        d = re.escape(self.decimal)
        whole = r"\d+"
        if self.group:
            whole = rf"(?:\d{{1,3}}(?:{re.escape(self.group)}\d{{3}})+|\d+)"
        return re.compile(rf"^[+-]?(?:{whole}(?:{d}\d*)?|{d}\d+)(?:[eE][+-]?\d+)?$")

    def to_hint(self) -> dict[str, str]:
        """The JSON form stored with a dataset version and a model's schema."""
        return {"as": "number", "decimal": self.decimal, "group": self.group}

    def describe(self, example: str, unit: Unit | None = None) -> str:
        """A few words for the column's reason, e.g. "numbers with thousands separators"."""
        if unit is not None:
            what = "percentages without the % sign" if unit.symbol == "%" else (
                f"amounts in {unit.symbol}"
            )  # fmt: skip
            if not (self.group or self.decimal == ","):
                return f"{what} ({example})"
            return f"{what}, {self.describe(example).removeprefix('numbers written with ')}"
        parts = []
        if self.group:
            parts.append(f"thousands separated by {_GROUP_NAMES[self.group]}")
        if self.decimal == ",":
            parts.append("a decimal comma")
        return f"numbers written with {' and '.join(parts)} ({example})"


@dataclass(frozen=True)
class Unit:
    """A currency or percent sign written before (``$1,234``) or after (``12%``) each number."""

    symbol: str
    side: str  # "prefix" | "suffix"


# Signs written before or after amounts; the longer spellings first ("US$" before "$").
PREFIX_UNITS = ("US$", "HK$", "NT$", "R$", "A$", "C$", "$", "€", "£", "¥", "￥", "₹", "₽", "₩")
SUFFIX_UNITS = ("%", "€", "元", "円", "₽", "£", "$", "¥", "￥")
UNIT_SHARE = 0.5  # at least this share of the values carry the sign (the rest: bare numbers)
_LEADING_ZERO = re.compile(r"^0\d+$")
_DIGITS = re.compile(r"^\d+$")


def detect_unit(values: pd.Series) -> Unit | None:
    """The sign most values carry on one side (None if none does); ``values`` are distinct."""
    stripped = values.head(2000).str.lstrip("+-").str.strip()
    for side, units in (("prefix", PREFIX_UNITS), ("suffix", SUFFIX_UNITS)):
        for symbol in units:
            has = stripped.str.startswith(symbol) if side == "prefix" else stripped.str.endswith(
                symbol
            )  # fmt: skip
            if has.mean() >= UNIT_SHARE:
                return Unit(symbol, side)
    return None


def without_unit(values: pd.Series, unit: Unit) -> pd.Series:
    """``values`` without ``unit`` (a sign before it kept: "-$5" is "-5")."""
    sign = values.str.extract(r"^\s*([+-]?)", expand=False).fillna("")
    body = values.str.strip().str.lstrip("+-").str.strip()
    if unit.side == "prefix":
        body = body.str.removeprefix(unit.symbol)
    else:
        body = body.str.removesuffix(unit.symbol)
    return sign + body.str.strip()


def unit_hint(unit: Unit | None) -> dict[str, str]:
    """The unit's part of a stored hint ({} when none)."""
    return {} if unit is None else {"unit": unit.symbol, "unit_side": unit.side}


def from_hint_unit(hint: dict[str, str]) -> Unit | None:
    """The unit a stored hint names, if any."""
    return Unit(hint["unit"], hint.get("unit_side", "prefix")) if hint.get("unit") else None


def leading_zero_codes(values: pd.Series) -> bool:
    """True when the values are digit strings and some start with 0 (zip codes such as 02134,
    account codes such as 0042): as numbers their zeros, and so their meaning, would be lost."""
    sample = values.head(5000)
    return bool(sample.str.fullmatch(_DIGITS).all() and sample.str.match(_LEADING_ZERO).any())


def candidate_formats(preferred_decimal: str) -> list[NumberFormat]:
    """Every format, those with the file's decimal mark first."""
    order = [preferred_decimal, "," if preferred_decimal == "." else "."]
    return [NumberFormat(d, g) for d in order for g in ("", *GROUP_MARKS[d])]


def detect_format(values: pd.Series, preferred_decimal: str) -> NumberFormat | None:
    """The one format every value in ``values`` (distinct, stripped, no markers) is written in.

    None when the values are not all numbers of one format. ``values`` must not be empty.
    """
    finite = values[~values.str.lower().isin(INFINITY_TOKENS)]
    if finite.empty or not all(_LOOKS_NUMERIC.match(v) for v in finite.head(200).tolist()):
        return None
    if not finite.str.match(_LOOKS_NUMERIC).all():
        return None
    for fmt in candidate_formats(preferred_decimal):
        if finite.str.fullmatch(fmt.pattern()).all():
            if fmt.group and not finite.str.contains(fmt.group, regex=False).any():
                continue  # the format without a separator is listed first
            return fmt
    return None


def from_hint(hint: dict[str, str]) -> NumberFormat:
    """The format a stored hint names."""
    return NumberFormat(hint.get("decimal", "."), hint.get("group", ""))


def parse(values: pd.Series, fmt: NumberFormat) -> pd.Series | None:
    """``values`` (distinct, stripped) as numbers written in ``fmt``; None if one is not.

    Whole numbers become int64, the rest float64 (parsed exactly, by Arrow).
    """
    finite = ~values.str.lower().isin(INFINITY_TOKENS)
    if not values[finite].str.fullmatch(fmt.pattern()).all():
        return None
    text = values
    if fmt.group:
        text = text.str.replace(fmt.group, "", regex=False)
    has_fraction = text[finite].str.contains(f"[{re.escape(fmt.decimal)}eE]", regex=True).any()
    if fmt.decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    array = pa.array(text.str.lstrip("+").astype(object).tolist(), pa.string())
    try:
        if not has_fraction and finite.all():
            return pd.Series(pc.cast(array, pa.int64()).to_numpy(), index=values.index)
        return pd.Series(pc.cast(array, pa.float64()).to_numpy(), index=values.index)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # an integer beyond int64, or a spelling Arrow refuses
