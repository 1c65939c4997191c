"""Shared command-line plumbing: output in text or JSON, and declaring a command."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from studio.context import Studio
from studio.db.jsoncodec import dumps

Handler = Callable[[Studio, argparse.Namespace], int]


def emit(args: argparse.Namespace, document: Any, text: str) -> None:
    """Print ``document`` as one JSON document with ``--json``, else ``text``."""
    print(dumps(document, strict=False) if args.json else text)


def command(sub: Any, name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
    """Declare a command (every command takes ``--json``)."""
    cmd = sub.add_parser(name, help=help_, description=help_)
    cmd.add_argument("--json", action="store_true", help="print one JSON document")
    cmd.set_defaults(handler=handler)
    return cmd
