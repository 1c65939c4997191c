"""The one place user text is made safe: HTML, Streamlit Markdown and spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from studio.escaping import html_line, html_text, markdown_text, spreadsheet_safe, to_safe_csv

IMG = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x","y")'


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


def test_headers_are_neutralised_like_cells() -> None:
    """A column named like a formula is a live formula in the header row: it is quoted too."""
    frame = pd.DataFrame({FORMULA: ["ok"], "@sum": [1], "plain": [2], 3: [4]})
    header = next(csv.reader(io.StringIO(to_safe_csv(frame).decode("utf-8"))))
    assert header == [f"'{FORMULA}", "'@sum", "plain", "3"]


def test_missing_cells_stay_empty_and_every_text_dtype_is_covered() -> None:
    """Categories, pyarrow strings and mixed object columns are neutralised; a missing cell is
    written empty (not 'nan' or 'None'), and the index may repeat."""
    frame = pd.DataFrame(
        {
            "cat": pd.Categorical(["=1+1", "b", None]),
            "arrow": pd.array(["\t=x", None, "c"], dtype="string[pyarrow]"),
            "mixed": [1, "@y", None],
            "when": pd.to_datetime(["2024-01-01", None, "2024-01-03"]),
        },
        index=[0, 0, 1],
    )
    rows = list(csv.reader(io.StringIO(to_safe_csv(frame).decode("utf-8"))))
    assert rows[1][:3] == ["'=1+1", "'\t=x", "1"]
    assert rows[2][0] == "b" and rows[2][1] in ("", '""') and rows[2][2] == "'@y"
    assert rows[3][0] == "" and rows[3][2] == ""
    assert spreadsheet_safe(frame)["when"].dtype == frame["when"].dtype


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("**x**", r"\*\*x\*\*"),
        ("[a](javascript:alert(1))", r"\[a\](javascript:alert(1))"),
        ("![](http://x/p.png)", r"!\[\](http://x/p.png)"),
        (IMG, r"\<img src=x onerror=alert(1)\>"),
        ("customer_id", "customer_id"),
        ("_x_", r"\_x\_"),
        ("# title", r"\# title"),
        ("- item", r"\- item"),
        ("1. first", r"1\. first"),
        ("a\n\nb", "a  b"),
        ("$1 to $2", r"\$1 to \$2"),
        ("~~gone~~", r"\~\~gone\~\~"),
        ("a & b &amp;", r"a \& b \&amp;"),
        ("`code`", r"\`code\`"),
        ("back\\slash", r"back\\slash"),
        (":red[x]", r":red\[x\]"),
    ],
)
def test_markdown_text_shows_user_text_literally(text: str, shown: str) -> None:
    assert markdown_text(text) == shown


def test_html_text_and_html_line() -> None:
    """Everything that starts markup or ends an attribute is escaped; html_line also keeps the
    text on one line (a blank line would end an HTML block inside Markdown)."""
    assert html_text(IMG + "\"'&") == "&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;&amp;"
    assert html_line("a\n\n<b>") == "a  &lt;b&gt;"
