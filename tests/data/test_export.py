"""Spreadsheet-safe CSV export."""

from __future__ import annotations

import io

import pandas as pd

from studio.data.export import to_safe_csv


def test_formula_like_text_is_escaped_and_numbers_are_not() -> None:
    """Text starting with = + - @ gets a leading quote; negative numbers stay numbers."""
    frame = pd.DataFrame(
        {
            "text": ["=SUM(A1:A9)", "+33 6 12", "-rm", "@cmd", "plain", None],
            "number": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0],
        }
    )
    back = pd.read_csv(io.BytesIO(to_safe_csv(frame)))
    assert back["text"].tolist()[:5] == ["'=SUM(A1:A9)", "'+33 6 12", "'-rm", "'@cmd", "plain"]
    assert pd.isna(back["text"].iloc[5])
    assert back["number"].tolist() == [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0]
