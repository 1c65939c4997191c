"""`studio autopilot ...`, `studio runs export-code` and `studio worker`."""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
from pathlib import Path

from studio.cli.output import command, emit, pad, table
from studio.cli.words import status_name
from studio.context import Studio
from studio.i18n import _, format_number, ngettext


def _autopilot_run(studio: Studio, args: argparse.Namespace) -> int:
    from studio.autopilot.column_types import parse_assignments
    from studio.autopilot.service import AutopilotRequest, launch_run

    types = parse_assignments(args.column_type or []) | {c: "ignored" for c in args.ignore or []}
    request = AutopilotRequest(
        dataset=args.dataset, target=args.target, task=args.task, metric=args.metric,
        budget_seconds=None if args.no_budget else args.budget_seconds,
        max_trials=args.max_trials, top_k=args.top_k,
        families=args.families.split(",") if args.families else None, seed=args.seed,
        per_trial_seconds=args.per_trial_seconds, column_types=types,
        time_column=args.time_column,
        positive_class=args.positive_class,
    )  # fmt: skip
    run_id = launch_run(studio, request, actor=studio.settings.user)
    from studio.tracking import get_run

    launched = get_run(studio, run_id)
    for _at, level, text in reversed(launched.events):
        if level == "warning":
            print(f"warning: {text}", file=sys.stderr)
    if reason := launched.config.get("positive_reason"):
        said = _("{reason} (--positive-class LABEL chooses another.)").format(reason=reason)
        print(f"note: {said}", file=sys.stderr)
    if not (args.wait or args.wait_analysis):
        text = _("Queued run {run}.").format(run=run_id)
        emit(args, {"run_id": run_id, "status": "queued"}, text)
        return 0
    return _wait_for(studio, run_id, args)


def _wait_for(studio: Studio, run_id: int, args: argparse.Namespace) -> int:
    import time

    from studio.jobs.launcher import start_local_worker
    from studio.jobs.queue import idle_workers
    from studio.tracking import get_run

    def one_job_worker() -> subprocess.Popen | None:
        # A worker busy with another job (or one that exits after it, --once) would leave
        # this run queued: start one for it unless a live worker is free.
        return None if idle_workers(studio) else start_local_worker(studio, once=True)

    worker = one_job_worker()
    while True:
        info = get_run(studio, run_id, events=0)
        best = "—" if info.best_score is None else f"{info.best_score:.4f}"
        budget = info.config.get("budget_seconds")
        of = f" / {budget:.0f}" if budget else ""
        progress = _("run {run} {status} {elapsed}{of} s  trials {trials} best {metric} {best}")
        progress = progress.format(
            run=run_id, status=pad(status_name(info.status), 10),
            elapsed=f"{info.elapsed_seconds():6.1f}", of=of, trials=pad(str(info.trials_done), 4),
            metric=info.metric_label, best=best,
        )  # fmt: skip
        print(f"\r{progress}", end="", file=sys.stderr, flush=True)
        if not info.is_active:
            break
        if worker is not None and info.status == "queued" and worker.poll() is not None:
            if worker.returncode != 0:  # it died before taking the run: say so, never hang
                log = studio.settings.home / "logs" / "worker.log"
                said = _(
                    "the local worker ended (exit {code}) before it took run {run}; its log is "
                    "{log}."
                ).format(code=worker.returncode, run=run_id, log=log)
                print(f"\nerror: {said}", file=sys.stderr)
                return 1
            worker = one_job_worker()  # it ran a job queued before this one, then ended
        time.sleep(1.0)
    print(file=sys.stderr)
    if getattr(args, "wait_analysis", False) and info.status in ("finished", "stopped"):
        _wait_for_analysis(studio, run_id)
        if worker is not None:  # a --once worker exits right after the analysis
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.wait(timeout=60)
    emit(args, info.to_json(), _leaderboard_text(info))
    sys.stdout.flush()
    if info.status == "failed":
        said = _("run {run} failed: {message}").format(run=run_id, message=info.message)
        print(f"error: {said}", file=sys.stderr)
        return 1
    return 0


def _wait_for_analysis(studio: Studio, run_id: int) -> None:
    """Until the worker has stored the run's analysis (diagnostics, Optuna views)."""
    import time

    from studio.experiments.analysis import ANALYSIS_SECONDS
    from studio.experiments.detail import run_detail

    print(_("run {run}: waiting for its analysis").format(run=run_id), file=sys.stderr)
    deadline = time.monotonic() + ANALYSIS_SECONDS + 30
    while run_detail(studio, run_id).analysis.status == "pending":
        if time.monotonic() > deadline:
            said = _("the worker is still analysing the run.")
            print(f"warning: {said}", file=sys.stderr)
            return
        time.sleep(1.0)


def _leaderboard_text(info) -> str:  # noqa: ANN001 (a RunInfo)
    from studio.autopilot.splits import describe_split

    said = _("Run {id}: {status}. {message}").format(
        id=info.id, status=status_name(info.status), message=info.message
    )
    lines = [said.strip()]
    if info.positive_class is not None:
        lines.append(_("Positive class: '{label}'.").format(label=info.positive_class))
    if info.leaderboard:
        lines.append(_leaderboard_table(info))
        noted = _("{name}'s CV score is {note}.")
        lines += [noted.format(name=c.name, note=c.cv_note) for c in info.leaderboard if c.cv_note]
    return "\n".join([*lines, describe_split(info.config)])


def _leaderboard_table(info) -> str:  # noqa: ANN001 (a RunInfo)
    """The candidates by rank: CV score with its spread, holdout metrics, fit and predict
    times; a resumed run also says which round made each one."""
    metrics = list(info.leaderboard[0].holdout)
    rounds = info.rounds > 1
    headers = [_("RANK"), *([_("ROUND")] if rounds else []), _("CANDIDATE"), "CV",
               *(m.upper() for m in metrics), _("FIT S"), "MS/1K"]  # fmt: skip
    baseline = _("{name} (baseline)")
    rows = [
        [str(c.rank), *([str(c.round)] if rounds else []),
         baseline.format(name=c.name) if c.is_baseline else c.name,
         f"{c.cv_score:>7.4f}±{c.cv_std:<6.4f}", *(f"{c.holdout[m]:.4f}" for m in metrics),
         f"{c.fit_seconds:.2f}", f"{c.predict_ms_per_1k:.1f}"]
        for c in info.leaderboard
    ]  # fmt: skip
    widths = (4, *((5,) if rounds else ()), 22, 14, *(9 for _m in metrics), 7, 7)
    aligns = ">" + (">" if rounds else "") + "<>" + ">" * len(metrics) + ">>"
    return table(headers, rows, widths, aligns)


def _autopilot_status(studio: Studio, args: argparse.Namespace) -> int:
    from studio.tracking import get_run

    info = get_run(studio, args.run)
    emit(args, info.to_json(), _leaderboard_text(info))
    return 0


def _autopilot_stop(studio: Studio, args: argparse.Namespace) -> int:
    from studio.autopilot.service import request_stop

    status = request_stop(studio, args.run, actor=studio.settings.user)
    text = _("Run {id}: {status}.").format(id=args.run, status=status_name(status))
    emit(args, {"run_id": args.run, "status": status}, text)
    return 0


def _autopilot_resume(studio: Studio, args: argparse.Namespace) -> int:
    from studio.autopilot.service import resume_run

    resume_run(studio, args.run, actor=studio.settings.user)
    if args.wait:
        return _wait_for(studio, args.run, args)
    text = _("Run {id} queued again.").format(id=args.run)
    emit(args, {"run_id": args.run, "status": "queued"}, text)
    return 0


def _runs_export_code(studio: Studio, args: argparse.Namespace) -> int:
    from studio.autopilot.export import export_code

    code = export_code(studio, args.run, args.candidate)
    Path(args.out).write_text(code, encoding="utf-8")
    emit(args, {"run_id": args.run, "out": args.out}, _("Wrote {path}.").format(path=args.out))
    return 0


def _worker(studio: Studio, args: argparse.Namespace) -> int:
    from studio.jobs.worker import serve

    done = serve(studio, once=args.once, idle_exit=args.idle_exit)
    text = ngettext(
        "Worker stopped after {count} job.", "Worker stopped after {count} jobs.", done
    ).format(count=format_number(done))
    emit(args, {"jobs": done}, text)
    return 0


def register(nouns: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """Add the autopilot, runs and worker commands to the parser; returns ``runs``."""
    auto = nouns.add_parser("autopilot", help=_("automatic model search")).add_subparsers(
        dest="verb", required=True
    )
    run = command(auto, "run", _autopilot_run, _("launch an autopilot run"))
    run.add_argument("--dataset", required=True, help=_("NAME or NAME@VERSION"))
    run.add_argument("--target", required=True)
    run.add_argument("--task", choices=["binary", "multiclass", "regression"])
    run.add_argument("--metric")
    run.add_argument(
        "--positive-class", metavar="LABEL",
        help=_("binary targets: the outcome to detect (F1, recall, ROC and value are about it); "
               "default: Studio's guess, printed with its reason"),
    )  # fmt: skip
    run.add_argument("--budget-seconds", type=float, default=60.0)
    run.add_argument(
        "--no-budget", action="store_true", help=_("no time limit: end on --max-trials alone")
    )
    run.add_argument("--max-trials", type=int)
    run.add_argument("--top-k", type=int, default=5, help=_("best trials refit and kept (1-20)"))
    run.add_argument("--families", help=_("comma-separated, e.g. hgb,linear"))
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--per-trial-seconds", type=float, help=_("default: half the budget"))
    run.add_argument(
        "--column-type", action="append", metavar="COL=TYPE",
        help=_("use column COL as TYPE (numeric, categorical, boolean, datetime, text, "
               "identifier, ignored); repeatable"),
    )  # fmt: skip
    run.add_argument(
        "--time-column", metavar="COL",
        help=_("hold out the latest rows by this date column and cross-validate on "
               "time-ordered folds (it is then not a feature unless --column-type sets its "
               "type)"),
    )  # fmt: skip
    run.add_argument("--ignore", action="append", metavar="COL",
                     help=_("leave column COL out; repeatable"))  # fmt: skip
    run.add_argument(
        "--wait", action="store_true",
        help=_("show progress; print the result when the run ends"),
    )  # fmt: skip
    run.add_argument(
        "--wait-analysis", action="store_true",
        help=_("like --wait, and also wait for the run's analysis (diagnostics, Optuna views)"),
    )  # fmt: skip
    command(auto, "status", _autopilot_status, _("a run's status and leaderboard")).add_argument(
        "run", type=int
    )
    command(
        auto, "stop", _autopilot_stop,
        _("end a run's search now (the trial in flight is ended)"),
    ).add_argument("run", type=int)  # fmt: skip
    resume = command(auto, "resume", _autopilot_resume, _("resume a stopped or failed run"))
    resume.add_argument("run", type=int)
    resume.add_argument("--wait", action="store_true")
    runs = nouns.add_parser("runs", help=_("autopilot runs")).add_subparsers(
        dest="verb", required=True
    )
    export_cmd = command(
        runs, "export-code", _runs_export_code, _("write a candidate as a script")
    )
    export_cmd.add_argument("run", type=int)
    export_cmd.add_argument("--out", required=True)
    export_cmd.add_argument("--candidate", help=_("candidate name (default: rank 1)"))
    worker = command(nouns, "worker", _worker, _("run a worker that drains the job queue"))
    worker.add_argument("--once", action="store_true", help=_("handle one job, then exit"))
    worker.add_argument("--idle-exit", type=float, help=_("exit after this many idle seconds"))
    return runs
