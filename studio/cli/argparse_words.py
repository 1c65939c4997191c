"""argparse's own words (``usage:``, ``options``, its usage errors) in the caller's language,
and help texts wrapped by terminal width.

argparse marks them with the standard library's ``gettext`` in the process-wide domain, whose
language comes from ``LANGUAGE``/``LANG``, not from ``STUDIO_LANGUAGE``; Studio ships them in
its own catalog instead and, while the parser is built and parses, routes argparse's lookups
through :func:`studio.i18n.gettext`. ``%(prog)s: error: %(message)s`` is not in the catalog:
the ``error:`` prefix stays English in every language, as the command line's contract says.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from studio.cli.output import width
from studio.i18n import N_, gettext, ngettext

# argparse's messages (Python 3.11+) that people read; the catalog translates them.
MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"),
    N_("show this help message and exit"), N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"), N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"), N_("expected one argument"),
    N_("expected at least one argument"), N_("invalid %(type)s value: %(value)r"),
    N_("one of the arguments %s is required"), N_("not allowed with argument %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)  # fmt: skip


def _gettext(message: str | None) -> str | None:
    return gettext(message) if message else message


@contextmanager
def argparse_language() -> Iterator[None]:
    """Inside the block, argparse's words follow the context's language (English unchanged:
    an English msgid is its own translation, and any message not in the catalog stays)."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _gettext, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


# Wide characters (CJK, full-width forms) take two terminal columns and may break anywhere;
# a line never starts with closing punctuation (，。；：、）」), which stays on the line before.
_WIDE = "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffe6"
_PIECE = re.compile(f"[{_WIDE}]|[^\\s{_WIDE}]+|\\s+")
_HAS_WIDE = re.compile(f"[{_WIDE}]")
_CLOSING = set("，。；：、）」』？！")


def wrap(text: str, columns: int) -> list[str]:
    """``text`` (single-spaced) in lines of at most ``columns`` terminal columns, broken at
    spaces or between wide characters, as Chinese text breaks; a longer word keeps its own
    line. English breaks where ``textwrap`` breaks it."""
    lines, line = [], ""
    for piece in _PIECE.findall(text):
        if piece.isspace():
            line += " " if line else ""
            continue
        if line and width(line + piece) > columns and piece not in _CLOSING:
            lines.append(line.rstrip())
            line = ""
        line += piece
    return [*lines, line.rstrip()] if line.strip() else lines


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, with texts holding wide characters wrapped by terminal width
    (Chinese lines fit); other texts are wrapped by argparse itself, exactly as before."""

    class _Section(argparse.HelpFormatter._Section):  # type: ignore[name-defined]
        # argparse ends a heading with an ASCII colon; a Chinese one ends with "：", as
        # "用法：" does.
        def format_help(self) -> str:
            text = super().format_help()
            heading = self.heading
            if isinstance(heading, str) and _HAS_WIDE.search(heading):
                text = text.replace(f"{heading}:\n", f"{heading}：\n", 1)
            return text

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any) -> str:
        # argparse measures the prefix with len(): lay the usage out after blanks as wide as
        # "用法：" on a terminal, then put the prefix back.
        if prefix is None:
            prefix = argparse._("usage: ")  # type: ignore[attr-defined]
        if not _HAS_WIDE.search(prefix):
            return super()._format_usage(usage, actions, groups, prefix)
        blank = " " * width(prefix)
        return prefix + super()._format_usage(usage, actions, groups, blank)[len(blank) :]

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not _HAS_WIDE.search(text):
            return super()._split_lines(text, width)
        return wrap(self._whitespace_matcher.sub(" ", text).strip(), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not _HAS_WIDE.search(text):
            return super()._fill_text(text, width, indent)
        lines = wrap(self._whitespace_matcher.sub(" ", text).strip(), width - len(indent))
        return "\n".join(indent + line for line in lines)


class ArgumentParser(argparse.ArgumentParser):
    """A parser (and, through ``add_subparsers``, every sub-parser) with that layout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
