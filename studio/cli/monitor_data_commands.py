"""`studio monitor config|batches|labels`: a model's drift tests and thresholds, its logged
batches, and labels that arrived after scoring."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studio.cli.output import command, emit, pad
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.i18n import _, format_number, format_percent


def _thresholds(pairs: dict[str, str]) -> dict[str, float]:
    try:
        return {name: float(value) for name, value in pairs.items()}
    except ValueError:
        raise InvalidInputError(
            _("Each --threshold must be COLUMN=NUMBER, e.g. age=0.2.")
        ) from None


def _config(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.config import (
        MonitorSettings,
        get_settings,
        parse_pairs,
        save_settings,
    )

    current = MonitorSettings() if args.reset else get_settings(studio, args.model)
    changing = args.reset or args.test or args.threshold or args.share is not None
    if changing:
        tests = current.tests | parse_pairs(args.test or [], "--test")
        thresholds = current.thresholds | _thresholds(
            parse_pairs(args.threshold or [], "--threshold")
        )
        share = current.share_threshold if args.share is None else args.share
        current = save_settings(
            studio, args.model, studio.settings.user, MonitorSettings(tests, thresholds, share)
        )
    lines = [
        _("Dataset drift when at least {share} of features drift.").format(
            share=f"{current.share_threshold:.0%}"
        )
    ]
    test, threshold = _("{name}: test {test}"), _("{name}: threshold {value}")
    lines += [
        "  " + test.format(name=name, test=kind) for name, kind in sorted(current.tests.items())
    ]
    lines += [
        "  " + threshold.format(name=name, value=f"{value:g}")
        for name, value in current.thresholds.items()
    ]
    if not current.tests and not current.thresholds:
        lines.append("  " + _("Every feature uses the default test and threshold."))
    emit(args, current.to_json(), "\n".join(lines))
    return 0


def _batches(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.batches import list_batches

    batches = list_batches(studio, args.model)
    plain = _("#{id} v{version} {at} {rows} rows  {source}")
    labelled = _("#{id} v{version} {at} {rows} rows  {source} labelled {labelled}")
    lines = [
        (labelled if b.labelled else plain).format(
            id=f"{b.id:<5}", version=b.version, at=f"{b.at:%Y-%m-%d %H:%M}",
            rows=pad(format_number(b.rows), 9, ">"), source=pad(b.source[:30], 30),
            labelled=format_number(b.labelled),
        ).rstrip()
        for b in batches
    ] or [_("No scored batches yet; 'studio predict' logs one.")]  # fmt: skip
    emit(args, {"model": args.model, "batches": [b.to_json() for b in batches]}, "\n".join(lines))
    return 0


def _labels(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.batches import attach_labels
    from studio.registry.scoring import read_batch

    path = Path(args.path)
    if not path.is_file():
        raise InvalidInputError(_("There is no file {path}.").format(path=args.path))
    frame = read_batch(studio, path.read_bytes(), path.name)
    result = attach_labels(studio, args.batch, frame, args.id_column, studio.settings.user)
    perf = result.performance
    reference = _("n/a") if perf.reference is None else f"{perf.reference:.4f}"
    interval = perf.current_interval
    joined = _(
        "Joined {matched} labels to batch #{batch} ({unmatched} labels matched no row, "
        "{unlabelled} rows still unlabelled)."
    ).format(
        matched=format_number(result.matched), batch=args.batch,
        unmatched=format_number(result.unmatched_labels),
        unlabelled=format_number(result.unlabelled_rows),
    )  # fmt: skip
    now = (
        _("{metric} now {current} ({level} interval {low} to {high}); holdout {holdout}.")
        if interval
        else _("{metric} now {current}; holdout {holdout}.")
    )
    low, high = interval or (0.0, 0.0)
    text = joined + "\n" + now.format(
        metric=perf.label, current=f"{perf.current:.4f}", level=format_percent(0.95),
        low=f"{low:.4f}",
        high=f"{high:.4f}", holdout=reference,
    )  # fmt: skip
    emit(args, result.to_json(), text)
    return 0


def register_data_commands(monitor: Any) -> None:
    """Add `studio monitor config|batches|labels` to the parser."""
    config = command(monitor, "config", _config, _("a model's drift tests and thresholds"))
    config.add_argument("model")
    config.add_argument(
        "--test", action="append", help=_("COLUMN=TEST, e.g. age=psi (repeatable)")
    )
    config.add_argument(
        "--threshold", action="append", help=_("COLUMN=NUMBER, e.g. age=0.2 (repeatable)")
    )
    config.add_argument(
        "--share", type=float, help=_("share of drifted features for dataset drift")
    )
    config.add_argument("--reset", action="store_true", help=_("back to the documented defaults"))
    command(monitor, "batches", _batches, _("a model's logged scored batches")).add_argument(
        "model"
    )
    labels = command(monitor, "labels", _labels, _("join labels that arrived later to a batch"))
    labels.add_argument("batch", type=int, help=_("the logged batch id (see 'monitor batches')"))
    labels.add_argument("path", help=_("a file with the id column and the target column"))
    labels.add_argument("--id-column", required=True, help=_("the column to join on"))
