"""The ``studio`` command line: argument parsing and output only; the core does the work.

Contract: ``--json`` prints one JSON document on stdout; exit 0 on success, 2 on a user error
(``error: <sentence>`` on stderr), 1 on an internal failure (with a log reference).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from studio.cli import (
    alerts_commands,
    app_command,
    autopilot_commands,
    data_commands,
    models_commands,
    monitor_commands,
    report_commands,
    runs_commands,
    serve_command,
)
from studio.cli.argparse_words import ArgumentParser, argparse_language
from studio.config import load_settings
from studio.context import Studio
from studio.errors import StudioError, UserError
from studio.i18n import _, default_language, use_language
from studio.logs import configure_logging, log_failure


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (``studio --help``), in the context's language."""
    parser = ArgumentParser(prog="studio", description=_("Local-first MLOps studio."))
    nouns = parser.add_subparsers(dest="noun", required=True)
    data_commands.register(nouns)
    runs_commands.register(autopilot_commands.register(nouns))
    models_commands.register(nouns)
    monitor_commands.register(nouns)
    alerts_commands.register(nouns)
    report_commands.register(nouns)
    app_command.register(nouns)
    serve_command.register(nouns)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command in the language of ``STUDIO_LANGUAGE`` (else ``LC_ALL``/``LANG``);
    return its exit code. Only human sentences change with it: JSON and exit codes do not."""
    with use_language(default_language(os.environ)):
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    with argparse_language():
        args = build_parser().parse_args(argv)
    settings = load_settings()
    try:
        configure_logging(settings.home)
        return args.handler(Studio.open(settings), args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`studio ... | head`): not a failure
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except StudioError as exc:
        ref = log_failure(exc, f"studio {args.noun}")
        sentence = _("{error} (ref {ref})").format(error=exc, ref=ref)
        print(f"error: {sentence}", file=sys.stderr)
        return 1
    except Exception as exc:  # the one boundary that turns a crash into exit 1
        ref = log_failure(exc, f"studio {args.noun}")
        sentence = _("internal failure (ref {ref}); see the Studio log.").format(ref=ref)
        print(f"error: {sentence}", file=sys.stderr)
        return 1
