"""`studio monitor run|list|retrain|challenger`: drift of a file or of logged batches against a
model version's baseline, and the retraining loop (`estimate` lives in its own module)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studio.cli.monitor_data_commands import register_data_commands
from studio.cli.monitor_estimate_commands import register_estimate_commands
from studio.cli.output import command, emit, pad
from studio.cli.schedule_commands import register_schedule_commands
from studio.cli.words import status_name
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.i18n import N_, _, format_number, format_percent

DRIFT_EXIT = 3
# A feature's check result as people read it (the JSON keeps the stored words).
FEATURE_STATUS = {"ok": N_("ok"), "not enough data": N_("not enough data")}


def _result(studio: Studio, args: argparse.Namespace) -> Any:
    """The drift of the file, or of the logged batches ``--batches`` names."""
    from studio.monitor.batches import monitor_batches
    from studio.monitor.service import monitor_frame
    from studio.registry.scoring import read_batch

    if args.batches:
        if args.path or args.time_column:
            raise InvalidInputError(_("Give either a file or --batches, not both."))
        ids = parse_ids(args.batches)
        return monitor_batches(
            studio, args.model, ids, studio.settings.user, args.window or "batch"
        )
    if not args.path:
        raise InvalidInputError(_("Give a file to check, or --batches with logged batch ids."))
    path = Path(args.path)
    if not path.is_file():
        raise InvalidInputError(_("There is no file {path}.").format(path=args.path))
    if bool(args.time_column) != bool(args.window):
        raise InvalidInputError(_("Give --time-column and --window together (e.g. --window 1W)."))
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
            _("'{text}' is not a list of batch ids; write e.g. 3,4,5.").format(text=text)
        ) from None


def _run(studio: Studio, args: argparse.Namespace) -> int:
    result = _result(studio, args)
    report = result.overall
    headline = (
        _("{ref}: DATASET DRIFT ({share} of features drifted).")
        if report.dataset_drift
        else _("{ref}: no dataset drift ({share} of features drifted).")
    )
    lines = [headline.format(ref=result.version.ref, share=f"{report.drift_share:.0%}")]
    lines += [f"  {_feature_line(f)}" for f in report.features]
    problem = _("problem: {problem}")
    lines += ["  " + problem.format(problem=p) for p in report.problems]
    if result.performance is not None:
        perf = result.performance
        reference = perf.reference if perf.reference is not None else float("nan")
        said = _("{metric} now {current} on {rows} labelled rows (holdout {holdout}).")
        lines.append("  " + said.format(metric=perf.label, current=f"{perf.current:.4f}",
                                        rows=format_number(perf.rows),
                                        holdout=f"{reference:.4f}"))  # fmt: skip
    lines += [f"  {_window_line(w)}" for w in result.windows]
    emit(args, result.to_json(), "\n".join(lines))
    return DRIFT_EXIT if args.fail_on_drift and report.dataset_drift else 0


def _feature_line(f: Any) -> str:
    """One feature's drift: its test, statistic, threshold and verdict, or why it was not
    tested (names padded by terminal width)."""
    if f.status == "not tested":
        return f"{pad(f.name[:30], 30)} {f.note}"
    shown = "—" if f.statistic is None else f"{f.statistic:.4g}"
    if f.uses_p_value and f.value is not None:
        shown += f" p={f.p_value:.3g}" + (
            f" adj={f.adjusted_p_value:.3g}" if f.adjusted_p_value is not None else ""
        )
    if f.drifted:
        mark = _("DRIFT")
    else:
        mark = _(FEATURE_STATUS[f.status]) if f.status in FEATURE_STATUS else f.status
    return _("{feature} {test} {statistic} (threshold {threshold}) {verdict}").format(
        feature=pad(f.name[:30], 30), test=pad(f.test, 14), statistic=pad(shown, 10, ">"),
        threshold=f"{f.threshold:g}", verdict=mark,
    )  # fmt: skip


def _window_line(w: Any) -> str:
    """One window's rows and drift (or that it was not tested), and its note."""
    words = {"label": w.label, "rows": format_number(w.rows), "share": ""}
    if w.status == "ok":
        said = _("window {label}: {rows} rows, {share} drifted")
        words["share"] = f"{w.report.drift_share:.0%}"
    else:
        said = _("window {label}: {rows} rows, not tested")
    said = said.format(**words) + (" " + _("DRIFT") if w.report.dataset_drift else "")
    return _("{said}; {note}").format(said=said, note=w.note) if w.note else said


def _list(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.service import list_results

    rows = list_results(studio, args.model)
    said = _("v{version} {at} {window} {rows} rows {share} drifted")
    lines = [
        said.format(
            version=r["version"], at=r["at"][:16], window=pad(r["window"], 10),
            rows=pad(str(r["rows"]), 8, ">"), share=f"{r['drift_share']:.0%}",
        ) + (" " + _("DRIFT") if r["dataset_drift"] else "")
        for r in rows
    ] or [_("No drift results yet; 'studio monitor run' makes one.")]  # fmt: skip
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
            raise InvalidInputError(
                _("Give a file of labelled rows, or --batch with labels joined.")
            )
        path = Path(args.path)
        if not path.is_file():
            raise InvalidInputError(_("There is no file {path}.").format(path=args.path))
        frame = read_batch(studio, path.read_bytes(), path.name, model=args.model)
    retrain_id = start_retrain(
        studio, args.model, frame, studio.settings.user,
        budget_seconds=None if args.no_budget else args.budget_seconds,
        max_trials=args.max_trials,
        families=args.families.split(",") if args.families else None,
    )  # fmt: skip
    ensure_local_worker(studio)
    text = _(
        "Retraining {id} queued; 'studio monitor challenger {id}' compares the challenger with "
        "the champion once its run has finished."
    ).format(id=retrain_id)
    emit(args, {"retrain_id": retrain_id}, text)
    return 0


def _challenger(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.retrain import challenger_report

    report = challenger_report(studio, args.retrain)
    if report.challenger_score is None:
        text = _("The challenger's run {run} is {status}.").format(
            run=report.run_id, status=status_name(report.run_status)
        )
        text += f"\n{report.held_back}" if report.held_back else ""
    else:
        low, high = report.interval
        text = _(
            "{metric} on {rows} held-back recent rows: champion {champion} {champion_score}, "
            "challenger run {run} {challenger} {challenger_score} (difference {difference}, "
            "{level} interval {low} to {high})."
        ).format(
            metric=report.metric, rows=format_number(report.rows), champion=report.champion,
            champion_score=f"{report.champion_score:.4f}", run=report.run_id,
            challenger=report.challenger, challenger_score=f"{report.challenger_score:.4f}",
            difference=f"{report.difference:+.4f}", level=format_percent(0.95),
            low=f"{low:+.4f}", high=f"{high:+.4f}",
        )  # fmt: skip
        text += f"\n{report.recommendation}"
        text += f"\n{report.held_back}" if report.held_back else ""
    emit(args, report.to_json(), text)
    return 0


def register(nouns: Any) -> None:
    """Add `studio monitor ...` to the parser."""
    monitor = nouns.add_parser("monitor", help=_("drift of new data")).add_subparsers(
        dest="verb", required=True
    )
    run = command(monitor, "run", _run, _("drift of a file against a model's training baseline"))
    run.add_argument("model", help=_("NAME (production), NAME@staging, NAME@N"))
    run.add_argument("path", nargs="?", help=_("a file of current data (or use --batches)"))
    run.add_argument("--batches", help=_("logged batch ids instead of a file, e.g. 3,4,5"))
    run.add_argument("--time-column", help=_("a date column to split the file into windows"))
    run.add_argument("--window", help=_("1D, 1W or 1M (with --batches also: batch, the default)"))
    run.add_argument(
        "--fail-on-drift",
        action="store_true",
        help=_("exit {code} when the dataset drifts (for pipelines)").format(code=DRIFT_EXIT),
    )
    command(monitor, "list", _list, _("stored drift results of a model")).add_argument("model")
    retrain = command(
        monitor, "retrain", _retrain,
        _("train a challenger on the reference plus new labelled rows"),
    )  # fmt: skip
    retrain.add_argument("model")
    retrain.add_argument("path", nargs="?", help=_("a file with new rows and their labels"))
    retrain.add_argument("--batch", type=int, help=_("a logged batch whose labels were joined"))
    retrain.add_argument("--budget-seconds", type=float, default=120.0)
    retrain.add_argument(
        "--no-budget", action="store_true", help=_("no time limit: end on --max-trials alone")
    )
    retrain.add_argument("--max-trials", type=int)
    retrain.add_argument("--families", help=_("comma-separated, e.g. hgb,linear"))
    command(
        monitor, "challenger", _challenger,
        _("compare a retraining's challenger with the champion"),
    ).add_argument("retrain", type=int)  # fmt: skip
    register_data_commands(monitor)
    register_estimate_commands(monitor)
    register_schedule_commands(monitor)
