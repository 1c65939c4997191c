"""`studio monitor config|batches|labels`: a model's drift tests and thresholds, its logged
batches, and labels that arrived after scoring."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studio.cli.output import command, emit
from studio.context import Studio
from studio.errors import InvalidInputError


def _thresholds(pairs: dict[str, str]) -> dict[str, float]:
    try:
        return {name: float(value) for name, value in pairs.items()}
    except ValueError:
        raise InvalidInputError("Each --threshold must be COLUMN=NUMBER, e.g. age=0.2.") from None


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
    lines = [f"Dataset drift when at least {current.share_threshold:.0%} of features drift."]
    lines += [f"  {name}: test {test}" for name, test in sorted(current.tests.items())]
    lines += [f"  {name}: threshold {value:g}" for name, value in current.thresholds.items()]
    if not current.tests and not current.thresholds:
        lines.append("  Every feature uses the default test and threshold.")
    emit(args, current.to_json(), "\n".join(lines))
    return 0


def _batches(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.batches import list_batches

    batches = list_batches(studio, args.model)
    lines = [
        f"#{b.id:<5} v{b.version} {b.at:%Y-%m-%d %H:%M} {b.rows:>9,} rows  {b.source[:30]:<30}"
        + (f" labelled {b.labelled:,}" if b.labelled else "")
        for b in batches
    ] or ["No scored batches yet; 'studio predict' logs one."]
    emit(args, {"model": args.model, "batches": [b.to_json() for b in batches]}, "\n".join(lines))
    return 0


def _labels(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.batches import attach_labels
    from studio.registry.scoring import read_batch

    path = Path(args.path)
    if not path.is_file():
        raise InvalidInputError(f"There is no file {args.path}.")
    frame = read_batch(studio, path.read_bytes(), path.name)
    result = attach_labels(studio, args.batch, frame, args.id_column, studio.settings.user)
    perf = result.performance
    reference = "n/a" if perf.reference is None else f"{perf.reference:.4f}"
    interval = perf.current_interval
    shown = f" (95% interval {interval[0]:.4f} to {interval[1]:.4f})" if interval else ""
    text = (
        f"Joined {result.matched:,} labels to batch #{args.batch} "
        f"({result.unmatched_labels:,} labels matched no row, {result.unlabelled_rows:,} rows "
        f"still unlabelled).\n{perf.label} now {perf.current:.4f}{shown}; holdout {reference}."
    )
    emit(args, result.to_json(), text)
    return 0


def register_data_commands(monitor: Any) -> None:
    """Add `studio monitor config|batches|labels` to the parser."""
    config = command(monitor, "config", _config, "a model's drift tests and thresholds")
    config.add_argument("model")
    config.add_argument("--test", action="append", help="COLUMN=TEST, e.g. age=psi (repeatable)")
    config.add_argument(
        "--threshold", action="append", help="COLUMN=NUMBER, e.g. age=0.2 (repeatable)"
    )
    config.add_argument("--share", type=float, help="share of drifted features for dataset drift")
    config.add_argument("--reset", action="store_true", help="back to the documented defaults")
    command(monitor, "batches", _batches, "a model's logged scored batches").add_argument("model")
    labels = command(monitor, "labels", _labels, "join labels that arrived later to a batch")
    labels.add_argument("batch", type=int, help="the logged batch id (see 'monitor batches')")
    labels.add_argument("path", help="a file with the id column and the target column")
    labels.add_argument("--id-column", required=True, help="the column to join on")
