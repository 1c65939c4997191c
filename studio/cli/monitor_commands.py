"""`studio monitor run|list`: drift of a file against a model version's baseline."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studio.cli.output import command, emit
from studio.context import Studio
from studio.errors import InvalidInputError

DRIFT_EXIT = 3


def _run(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.service import monitor_frame
    from studio.registry.scoring import read_batch

    path = Path(args.path)
    if not path.is_file():
        raise InvalidInputError(f"There is no file {args.path}.")
    if bool(args.time_column) != bool(args.window):
        raise InvalidInputError("Give --time-column and --window together (e.g. --window 1W).")
    frame = read_batch(studio, path.read_bytes(), path.name)
    result = monitor_frame(
        studio,
        args.model,
        frame,
        studio.settings.user,
        time_column=args.time_column,
        window=args.window,
        source_name=path.name,
    )
    report = result.overall
    lines = [
        f"{result.version.ref}: {'DATASET DRIFT' if report.dataset_drift else 'no dataset drift'}"
        f" ({report.drift_share:.0%} of features drifted)."
    ]
    for f in report.features:
        shown = "—" if f.statistic is None else f"{f.statistic:.4g}"
        mark = "DRIFT" if f.drifted else f.status
        lines.append(
            f"  {f.name[:30]:<30} {f.test:<14} {shown:>10} (threshold {f.threshold:g}) {mark}"
        )
    lines += [f"  problem: {p}" for p in report.problems]
    if result.performance is not None:
        perf = result.performance
        lines.append(
            f"  {perf.label} now {perf.current:.4f} on {perf.rows:,} labelled rows "
            f"(holdout {perf.reference if perf.reference is not None else float('nan'):.4f})."
        )
    lines += [
        f"  window {w.label}: {w.rows:,} rows, {w.report.drift_share:.0%} drifted"
        + (" DRIFT" if w.report.dataset_drift else "")
        for w in result.windows
    ]
    emit(args, result.to_json(), "\n".join(lines))
    return DRIFT_EXIT if args.fail_on_drift and report.dataset_drift else 0


def _list(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.service import list_results

    rows = list_results(studio, args.model)
    lines = [
        f"v{r['version']} {r['at'][:16]} {r['window']:<10} {r['rows']:>8} rows "
        f"{r['drift_share']:.0%} drifted{' DRIFT' if r['dataset_drift'] else ''}"
        for r in rows
    ] or ["No drift results yet; 'studio monitor run' makes one."]
    emit(args, {"model": args.model, "results": rows}, "\n".join(lines))
    return 0


def register(nouns: Any) -> None:
    """Add `studio monitor ...` to the parser."""
    monitor = nouns.add_parser("monitor", help="drift of new data").add_subparsers(
        dest="verb", required=True
    )
    run = command(monitor, "run", _run, "drift of a file against a model's training baseline")
    run.add_argument("model", help="NAME (production), NAME@staging, NAME@N")
    run.add_argument("path")
    run.add_argument("--time-column", help="a date column to split the file into windows")
    run.add_argument("--window", help="1D, 1W or 1M")
    run.add_argument(
        "--fail-on-drift",
        action="store_true",
        help=f"exit {DRIFT_EXIT} when the dataset drifts (for pipelines)",
    )
    command(monitor, "list", _list, "stored drift results of a model").add_argument("model")
