"""`studio monitor estimate`: a classifier's performance estimated without labels, per window of
its logged batches (scored files and live traffic) or of a file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studio.cli.output import command, emit, pad
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.i18n import _, format_number, format_percent

SHOWN = ("accuracy", "precision", "recall", "f1", "roc_auc", "value")


def _matrix(args: argparse.Namespace) -> Any:
    from studio.business.value import CostMatrix

    given = {k: getattr(args, k) for k in ("tp", "fp", "fn", "tn", "unit")}
    return CostMatrix(**{k: v for k, v in given.items() if v is not None})


def _estimate(studio: Studio, args: argparse.Namespace) -> Any:
    from studio.monitor.estimate_windows import estimate_batches, estimate_frame
    from studio.registry.scoring import read_batch

    user, matrix, support = studio.settings.user, _matrix(args), not args.no_support
    if args.path:
        if args.batches:
            raise InvalidInputError(_("Give either a file or --batches, not both."))
        path = Path(args.path)
        if not path.is_file():
            raise InvalidInputError(_("There is no file {path}.").format(path=args.path))
        frame = read_batch(studio, path.read_bytes(), path.name, model=args.model)
        return estimate_frame(studio, args.model, frame, user, time_column=args.time_column,
                              window=args.window, matrix=matrix, support=support)  # fmt: skip
    if args.time_column:
        raise InvalidInputError(_("--time-column splits a file; logged batches use --window."))
    from studio.cli.monitor_commands import parse_ids

    ids = parse_ids(args.batches) if args.batches else None
    return estimate_batches(studio, args.model, user, ids, window=args.window or "batch",
                            matrix=matrix, support=support)  # fmt: skip


def _cell(value: float | None, name: str) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if name == "value" else f"{value:.3f}"


def _text(result: Any) -> str:
    from studio.monitor.cbpe import LABELS

    lines = [
        _("{ref}: estimated performance without labels.").format(ref=result.version.ref),
        result.source,
    ]
    lines += [f"warning: {w}" for w in result.warnings]
    banded = _("{metric} {value} ({level} band {low} to {high})")
    realised = _("{metric} {value} ({level} band {low} to {high})  realised {realised}")
    for w in result.windows:
        said = (
            _("window {label}: {rows} rows, {labelled} labelled")
            if w.labelled
            else _("window {label}: {rows} rows")
        )
        lines.append(said.format(label=w.label, rows=format_number(w.rows),
                                 labelled=format_number(w.labelled or 0)))  # fmt: skip
        for name in SHOWN:
            if name not in w.metrics:
                continue
            m = w.metrics[name]
            known = w.realised is not None and w.realised.get(name) is not None
            text = (realised if known else banded).format(
                metric=pad(_(LABELS[name]), 22), value=pad(_cell(m.value, name), 9, ">"),
                level=format_percent(0.95), low=_cell(m.low, name), high=_cell(m.high, name),
                realised=_cell(w.realised[name], name) if known else "",
            )  # fmt: skip
            lines.append(f"  {text}")
        lines += [f"  warning: {text}" for text in w.warnings]
    holdout = result.holdout.get("accuracy")
    if holdout is not None:
        lines.append(
            _("Holdout accuracy at registration: {accuracy}.").format(accuracy=f"{holdout:.3f}")
        )
    lines.append(result.blind_spot)
    return "\n".join(lines)


def _run(studio: Studio, args: argparse.Namespace) -> int:
    result = _estimate(studio, args)
    emit(args, result.to_json(), _text(result))
    return 0


def register_estimate_commands(monitor: Any) -> None:
    """Add `studio monitor estimate` to the monitor parser."""
    cmd = command(monitor, "estimate", _run,
                  _("a classifier's performance estimated without labels (CBPE)"))  # fmt: skip
    cmd.add_argument("model", help=_("NAME (production), NAME@staging, NAME@N"))
    cmd.add_argument("path", nargs="?", help=_("a file of current data (default: logged batches)"))
    cmd.add_argument("--batches", help=_("logged batch ids, e.g. 3,4,5 (default: every one)"))
    cmd.add_argument("--time-column", help=_("a date column to split the file into windows"))
    cmd.add_argument("--window", help=_("1D, 1W or 1M (with batches also: batch, the default)"))
    cmd.add_argument("--no-support", action="store_true",
                     help=_("skip the domain classifier (support check)"))  # fmt: skip
    group = cmd.add_argument_group(_("value of outcomes (binary; per case)"))
    group.add_argument("--tp", type=float, help=_("value of a true positive (default 100)"))
    group.add_argument("--fp", type=float, help=_("value of a false positive (default -20)"))
    group.add_argument("--fn", type=float, help=_("value of a false negative (default 0)"))
    group.add_argument("--tn", type=float, help=_("value of a true negative (default 0)"))
    group.add_argument("--unit", help=_("currency or unit (default $)"))
