"""Dates written as text: year first, day first, month first or Chinese, decided per column.

Every value of a column must be written in ONE form. Day and month order is decided from the
whole column: a first number above 12 means day first, a second number above 12 means month
first, both in one column is refused (the column stays text). When no value tells, the file's
locale decides: day first when the numbers are separated by dots or the file writes decimal
commas, month first otherwise; the notice says which was chosen. Times with a UTC offset
(``Z``, ``+01:00``, mixed offsets) are converted to UTC and stored without a time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

_TIME = (
    r"(?:[T ]\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
)
_TZ = r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
_CJK_TIME = r"(?:\s*(?P<H>\d{1,2})[:时点](?P<M>\d{1,2})分?(?:[:]?(?P<S>\d{1,2})秒?)?)?"
FORMS = {
    "ymd": re.compile(rf"^(?P<y>\d{{4}})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})"
                      rf"{_TIME}{_TZ}$"),
    "dmy": re.compile(rf"^(?P<a>\d{{1,2}})(?P<sep>[-/.])(?P<b>\d{{1,2}})(?P=sep)"
                      rf"(?P<y>\d{{4}}|\d{{2}}){_TIME}{_TZ}$"),
    "cjk": re.compile(rf"^(?P<y>\d{{4}})\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*[日号]?"
                      rf"{_CJK_TIME}$"),
}  # fmt: skip
WORDS = {"ymd": "year first", "dmy": "day first", "mdy": "month first", "cjk": "in Chinese"}


@dataclass(frozen=True)
class DateRead:
    """The outcome of reading one column's distinct values as dates."""

    values: pd.Series | None  # datetime64 (naive UTC) per distinct value, None when refused
    # When refused: why, e.g. "mixes day-first (13/01/2023) and month-first (01/13/2023)
    # order"; else what the user should know, e.g. that an ambiguous order was chosen.
    form: str = ""  # ymd | dmy | mdy | cjk
    example: str = ""
    offsets: tuple[str, ...] = ()  # distinct UTC offsets written, e.g. ("+01:00", "Z")
    naive_with_offsets: int = 0  # values without an offset in a column where others have one
    notes: list[str] = field(default_factory=list)

    def to_hint(self) -> dict[str, str]:
        """The JSON form stored with a dataset version and a model's schema."""
        return {"as": "datetime", "form": self.form}

    @property
    def reason(self) -> str:
        """A few words, e.g. "dates, day first (13/01/2023)"."""
        words = "dates written in Chinese" if self.form == "cjk" else f"dates, {WORDS[self.form]}"
        if self.form == "ymd" and self.example[4:5] == "-":
            words = "ISO dates"
        text = f"{words} ({self.example})"
        return text + (", converted to UTC" if self.offsets else "")


def _looks_like(values: pd.Series, form: str) -> pd.DataFrame | None:
    regex = FORMS["dmy" if form == "mdy" else form]
    if not all(regex.match(value) for value in values.head(50).tolist()):
        return None  # a plain loop on a sample first: cheaper than a vectorised miss
    parts = values.str.extract(regex)
    return None if parts["y"].isna().any() else parts


def read_dates(values: pd.Series, *, hint: str | None = None, decimal: str = ".") -> DateRead:
    """``values`` (distinct, stripped text) as dates, or a refusal (``values`` None)."""
    forms = [hint] if hint else ["ymd", "dmy", "cjk"]
    for form in forms:
        parts = _looks_like(values, form)
        if parts is None:
            continue
        if form in ("dmy", "mdy"):
            order, note = _order(values, parts, hint, decimal)
            if order is None:
                return DateRead(None, notes=[note])
            parts, form = _arrange(parts, order), order
        else:
            note = ""
        return _parse(values, parts, form, [note] if note else [])
    return DateRead(None)


def _order(
    values: pd.Series, parts: pd.DataFrame, hint: str | None, decimal: str
) -> tuple[str | None, str]:
    first, second = parts["a"].astype(int), parts["b"].astype(int)
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first and month_first:
        a, b = values[first > 12].iloc[0], values[second > 12].iloc[0]
        return None, f"mixes day-first ({a}) and month-first ({b}) order"
    if hint:
        fits = not (month_first if hint == "dmy" else day_first)
        return (hint, "") if fits else (None, f"is not written {WORDS[hint]} as in training")
    if day_first or month_first:
        return ("dmy" if day_first else "mdy"), ""
    dots = bool((parts["sep"] == ".").all())
    order = "dmy" if dots or decimal == "," else "mdy"
    example = values.iloc[0]
    return order, (
        f"fit both day-first and month-first order (no number above 12); they were read "
        f"{WORDS[order]}, so {example} is {{example_iso}}"
    )  # completed by _parse


def _arrange(parts: pd.DataFrame, order: str) -> pd.DataFrame:
    day, month = ("a", "b") if order == "dmy" else ("b", "a")
    parts = parts.assign(d=parts[day], m=parts[month])
    year = parts["y"].astype(int)
    two_digits = parts["y"].str.len() == 2
    year = year.where(~two_digits, year + 2000).where(~two_digits | (year < 69), year + 1900)
    return parts.assign(y=year.astype(str))


def _offsets(tz: pd.Series) -> pd.Series:
    text = tz.fillna("").str.upper().replace({"Z": "+00:00", "UTC": "+00:00", "GMT": "+00:00"})
    text = text.str.replace(r"^([+-]\d{2})$", r"\1:00", regex=True)
    return text.str.replace(r"^([+-]\d{2})(\d{2})$", r"\1:\2", regex=True)


def _iso(parts: pd.DataFrame) -> pd.Series:
    hour = parts["H"].fillna("0").astype(int) if "H" in parts else 0
    if "ampm" in parts:
        pm = parts["ampm"].fillna("").str.upper().str.startswith("P")
        am = parts["ampm"].fillna("").str.upper().str.startswith("A")
        hour = hour.where(~(pm | am), hour % 12 + pm.astype(int) * 12)
    clock = pd.Series(hour, index=parts.index).astype(str).str.zfill(2)
    for unit in ("M", "S"):
        column = parts[unit] if unit in parts else pd.Series("0", index=parts.index)
        clock = clock + ":" + column.fillna("0").astype(str).str.zfill(2)
    if "f" in parts:
        clock = clock + ("." + parts["f"]).fillna("")
    day = parts["y"].str.zfill(4) + "-" + parts["m"].str.zfill(2) + "-" + parts["d"].str.zfill(2)
    offsets = _offsets(parts["tz"]) if "tz" in parts else ""
    return day + "T" + clock + offsets


def _parse(values: pd.Series, parts: pd.DataFrame, form: str, notes: list[str]) -> DateRead:
    iso = _iso(parts)
    stamps = pd.to_datetime(iso, format="ISO8601", utc=True, errors="coerce")
    bad = stamps.isna()
    if bad.any():
        return DateRead(
            None, notes=[f"has {int(bad.sum()):,} value(s) that are not real dates, such as "
                         f"'{values[bad].iloc[0]}'"],
        )  # fmt: skip
    written = parts["tz"].dropna() if "tz" in parts else pd.Series(dtype=str)
    offsets = tuple(sorted(set(written.str.upper())))
    naive = int(len(parts) - len(written)) if offsets else 0
    example = _example(values, parts, form)
    stored = stamps.dt.tz_localize(None)
    notes = [n.replace("{example_iso}", f"{stored.iloc[0]:%Y-%m-%d}") for n in notes]
    return DateRead(stored.set_axis(values.index), form, example, offsets, naive, notes)


def _example(values: pd.Series, parts: pd.DataFrame, form: str) -> str:
    """A value that shows the form: one whose day is above 12 for day- or month-first dates."""
    if form in ("dmy", "mdy"):
        telling = parts["d"].astype(int) > 12
        if telling.any():
            return str(values[telling].iloc[0])
    return str(values.iloc[0])
