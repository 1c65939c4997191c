"""`studio monitor run|list|retrain|challenger`: drift of a file or of logged batches against a
model version's baseline, and the retraining loop (`estimate` lives in its own module)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studio.cli.monitor_data_commands import register_data_commands
from studio.cli.monitor_estimate_commands import register_estimate_commands
from studio.cli.output import command, emit
from studio.cli.schedule_commands import register_schedule_commands
from studio.context import Studio
from studio.errors import InvalidInputError

DRIFT_EXIT = 3


def _result(studio: Studio, args: argparse.Namespace) -> Any:
    """The drift of the file, or of the logged batches ``--batches`` names."""
    from studio.monitor.batches import monitor_batches
    from studio.monitor.service import monitor_frame
    from studio.registry.scoring import read_batch

    if args.batches:
        if args.path or args.time_column:
            raise InvalidInputError("Give either a file or --batches, not both.")
        ids = parse_ids(args.batches)
        return monitor_batches(
            studio, args.model, ids, studio.settings.user, args.window or "batch"
        )
    if not args.path:
        raise InvalidInputError("Give a file to check, or --batches with logged batch ids.")
    path = Path(args.path)
    if not path.is_file():
        raise InvalidInputError(f"There is no file {args.path}.")
    if bool(args.time_column) != bool(args.window):
        raise InvalidInputError("Give --time-column and --window together (e.g. --window 1W).")
    frame = read_batch(studio, path.read_bytes(), path.name, model=args.model)
    return monitor_frame(
        studio,
        args.model,
        frame,
        studio.settings.user,
        time_column=args.time_column,
        window=args.window,
        source_name=path.name,
    )


def parse_ids(text: str) -> list[int]:
    """``3,4,5`` as batch ids."""
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InvalidInputError(
            f"'{text}' is not a list of batch ids; write e.g. 3,4,5."
        ) from None


def _run(studio: Studio, args: argparse.Namespace) -> int:
    result = _result(studio, args)
    report = result.overall
    lines = [
        f"{result.version.ref}: {'DATASET DRIFT' if report.dataset_drift else 'no dataset drift'}"
        f" ({report.drift_share:.0%} of features drifted)."
    ]
    for f in report.features:
        if f.status == "not tested":
            lines.append(f"  {f.name[:30]:<30} {f.note}")
            continue
        shown = "—" if f.statistic is None else f"{f.statistic:.4g}"
        if f.uses_p_value and f.value is not None:
            shown += f" p={f.p_value:.3g}" + (
                f" adj={f.adjusted_p_value:.3g}" if f.adjusted_p_value is not None else ""
            )
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
        f"  window {w.label}: {w.rows:,} rows, "
        + (f"{w.report.drift_share:.0%} drifted" if w.status == "ok" else "not tested")
        + (" DRIFT" if w.report.dataset_drift else "")
        + (f"; {w.note}" if w.note else "")
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


def _retrain(studio: Studio, args: argparse.Namespace) -> int:
    from studio.jobs.launcher import ensure_local_worker
    from studio.monitor.retrain import start_retrain
    from studio.registry.scoring import read_batch

    if args.batch is not None:
        from studio.monitor.batches import labelled_rows

        frame = labelled_rows(studio, args.batch)
    else:
        if not args.path:
            raise InvalidInputError("Give a file of labelled rows, or --batch with labels joined.")
        path = Path(args.path)
        if not path.is_file():
            raise InvalidInputError(f"There is no file {args.path}.")
        frame = read_batch(studio, path.read_bytes(), path.name, model=args.model)
    retrain_id = start_retrain(
        studio, args.model, frame, studio.settings.user,
        budget_seconds=None if args.no_budget else args.budget_seconds,
        max_trials=args.max_trials,
        families=args.families.split(",") if args.families else None,
    )  # fmt: skip
    ensure_local_worker(studio)
    emit(
        args,
        {"retrain_id": retrain_id},
        f"Retraining {retrain_id} queued; 'studio monitor challenger {retrain_id}' compares "
        "the challenger with the champion once its run has finished.",
    )
    return 0


def _challenger(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.retrain import challenger_report

    report = challenger_report(studio, args.retrain)
    if report.challenger_score is None:
        text = f"The challenger's run {report.run_id} is {report.run_status}."
        text += f"\n{report.held_back}" if report.held_back else ""
    else:
        low, high = report.interval
        text = (
            f"{report.metric} on {report.rows:,} held-back recent rows: champion "
            f"{report.champion} {report.champion_score:.4f}, challenger run {report.run_id} "
            f"{report.challenger} {report.challenger_score:.4f} (difference "
            f"{report.difference:+.4f}, 95% interval {low:+.4f} to {high:+.4f}).\n"
            f"{report.recommendation}"
        ) + (f"\n{report.held_back}" if report.held_back else "")
    emit(args, report.to_json(), text)
    return 0


def register(nouns: Any) -> None:
    """Add `studio monitor ...` to the parser."""
    monitor = nouns.add_parser("monitor", help="drift of new data").add_subparsers(
        dest="verb", required=True
    )
    run = command(monitor, "run", _run, "drift of a file against a model's training baseline")
    run.add_argument("model", help="NAME (production), NAME@staging, NAME@N")
    run.add_argument("path", nargs="?", help="a file of current data (or use --batches)")
    run.add_argument("--batches", help="logged batch ids instead of a file, e.g. 3,4,5")
    run.add_argument("--time-column", help="a date column to split the file into windows")
    run.add_argument("--window", help="1D, 1W or 1M (with --batches also: batch, the default)")
    run.add_argument(
        "--fail-on-drift",
        action="store_true",
        help=f"exit {DRIFT_EXIT} when the dataset drifts (for pipelines)",
    )
    command(monitor, "list", _list, "stored drift results of a model").add_argument("model")
    retrain = command(
        monitor, "retrain", _retrain, "train a challenger on the reference plus new labelled rows"
    )
    retrain.add_argument("model")
    retrain.add_argument("path", nargs="?", help="a file with new rows and their labels")
    retrain.add_argument("--batch", type=int, help="a logged batch whose labels were joined")
    retrain.add_argument("--budget-seconds", type=float, default=120.0)
    retrain.add_argument(
        "--no-budget", action="store_true", help="no time limit: end on --max-trials alone"
    )
    retrain.add_argument("--max-trials", type=int)
    retrain.add_argument("--families", help="comma-separated, e.g. hgb,linear")
    command(
        monitor, "challenger", _challenger, "compare a retraining's challenger with the champion"
    ).add_argument("retrain", type=int)
    register_data_commands(monitor)
    register_estimate_commands(monitor)
    register_schedule_commands(monitor)
