"""Shared command-line plumbing: output in text or JSON, and declaring a command."""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Callable
from typing import Any

from studio.context import Studio
from studio.db.jsoncodec import dumps
from studio.i18n import _

Handler = Callable[[Studio, argparse.Namespace], int]


def emit(args: argparse.Namespace, document: Any, text: str) -> None:
    """Print ``document`` as one JSON document with ``--json``, else ``text``."""
    print(dumps(document, strict=False) if args.json else text)


def command(sub: Any, name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
    """Declare a command (every command takes ``--json``)."""
    cmd = sub.add_parser(name, help=help_, description=help_)
    cmd.add_argument("--json", action="store_true", help=_("print one JSON document"))
    cmd.set_defaults(handler=handler)
    return cmd


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters take two, combining marks
    none (Unicode's East Asian Width; enough for names and headers, not for emoji sequences)."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def pad(text: str, columns: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (``align``: "<" or ">"), so
    tables line up when names or headers hold Chinese characters; longer text is kept whole."""
    fill = " " * max(0, columns - width(text))
    return text + fill if align == "<" else fill + text


def table(headers: list[str], rows: list[list[str]], widths: tuple[int, ...], aligns: str) -> str:
    """Lines of an aligned table: each column as wide as its widest cell on a terminal, and at
    least ``widths``; ``aligns`` holds "<" or ">" per column. The last column is not padded."""
    lines = [headers, *rows]
    sizes = [max(base, *(width(line[i]) for line in lines)) for i, base in enumerate(widths)]
    return "\n".join(
        " ".join(
            pad(cell, size, align) for cell, size, align in zip(line, sizes, aligns, strict=True)
        ).rstrip()
        for line in lines
    )
