"""CSV export that is safe to open in a spreadsheet."""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells that a spreadsheet would run as a formula start with ``'``.

    Only text columns are touched: a negative number stays a number.
    """
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_string_dtype(column) or column.dtype == object:
            text = column.astype("str")
            risky = text.str.startswith(FORMULA_PREFIXES, na=False)
            if risky.any():
                out[name] = text.where(~risky, "'" + text)
    return out


def to_safe_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV bytes of ``frame`` with formula-like cells neutralised."""
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8")
