"""`studio autopilot ...`, `studio runs export-code` and `studio worker`."""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
from pathlib import Path

from studio.cli.output import command, emit
from studio.context import Studio


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
        print(f"note: {reason} (--positive-class LABEL chooses another.)", file=sys.stderr)
    if not (args.wait or args.wait_analysis):
        emit(args, {"run_id": run_id, "status": "queued"}, f"Queued run {run_id}.")
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
        print(
            f"\rrun {run_id} {info.status:<10} {info.elapsed_seconds():6.1f}{of} s  "
            f"trials {info.trials_done:<4} best {info.metric_label} {best}",
            end="", file=sys.stderr, flush=True,
        )  # fmt: skip
        if not info.is_active:
            break
        if worker is not None and info.status == "queued" and worker.poll() is not None:
            if worker.returncode != 0:  # it died before taking the run: say so, never hang
                log = studio.settings.home / "logs" / "worker.log"
                print(f"\nerror: the local worker ended (exit {worker.returncode}) before it "
                      f"took run {run_id}; its log is {log}.", file=sys.stderr)  # fmt: skip
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
        print(f"error: run {run_id} failed: {info.message}", file=sys.stderr)
        return 1
    return 0


def _wait_for_analysis(studio: Studio, run_id: int) -> None:
    """Until the worker has stored the run's analysis (diagnostics, Optuna views)."""
    import time

    from studio.experiments.analysis import ANALYSIS_SECONDS
    from studio.experiments.detail import run_detail

    print(f"run {run_id}: waiting for its analysis", file=sys.stderr)
    deadline = time.monotonic() + ANALYSIS_SECONDS + 30
    while run_detail(studio, run_id).analysis.status == "pending":
        if time.monotonic() > deadline:
            print("warning: the worker is still analysing the run.", file=sys.stderr)
            return
        time.sleep(1.0)


def _leaderboard_text(info) -> str:  # noqa: ANN001 (a RunInfo)
    from studio.autopilot.splits import describe_split

    lines = [f"Run {info.id}: {info.status}. {info.message}".strip()]
    if info.positive_class is not None:
        lines.append(f"Positive class: '{info.positive_class}'.")
    if info.leaderboard:
        metrics = list(info.leaderboard[0].holdout)
        rounds = info.rounds > 1  # a resumed run: say which round made each candidate
        lines.append(
            f"{'RANK':>4} "
            + ("ROUND " if rounds else "")
            + f"{'CANDIDATE':<22} {'CV':>14} "
            + " ".join(f"{m.upper():>9}" for m in metrics)
            + f" {'FIT S':>7} {'MS/1K':>7}"
        )
        for c in info.leaderboard:
            lines.append(
                f"{c.rank:>4} "
                + (f"{c.round:>5} " if rounds else "")
                + f"{c.name + (' (baseline)' if c.is_baseline else ''):<22} "
                f"{c.cv_score:>7.4f}±{c.cv_std:<6.4f} "
                + " ".join(f"{c.holdout[m]:>9.4f}" for m in metrics)
                + f" {c.fit_seconds:>7.2f} {c.predict_ms_per_1k:>7.1f}"
            )
        lines += [f"{c.name}'s CV score is {c.cv_note}." for c in info.leaderboard if c.cv_note]
    return "\n".join([*lines, describe_split(info.config)])


def _autopilot_status(studio: Studio, args: argparse.Namespace) -> int:
    from studio.tracking import get_run

    info = get_run(studio, args.run)
    emit(args, info.to_json(), _leaderboard_text(info))
    return 0


def _autopilot_stop(studio: Studio, args: argparse.Namespace) -> int:
    from studio.autopilot.service import request_stop

    status = request_stop(studio, args.run, actor=studio.settings.user)
    emit(args, {"run_id": args.run, "status": status}, f"Run {args.run}: {status}.")
    return 0


def _autopilot_resume(studio: Studio, args: argparse.Namespace) -> int:
    from studio.autopilot.service import resume_run

    resume_run(studio, args.run, actor=studio.settings.user)
    if args.wait:
        return _wait_for(studio, args.run, args)
    emit(args, {"run_id": args.run, "status": "queued"}, f"Run {args.run} queued again.")
    return 0


def _runs_export_code(studio: Studio, args: argparse.Namespace) -> int:
    from studio.autopilot.export import export_code

    code = export_code(studio, args.run, args.candidate)
    Path(args.out).write_text(code, encoding="utf-8")
    emit(args, {"run_id": args.run, "out": args.out}, f"Wrote {args.out}.")
    return 0


def _worker(studio: Studio, args: argparse.Namespace) -> int:
    from studio.jobs.worker import serve

    done = serve(studio, once=args.once, idle_exit=args.idle_exit)
    emit(args, {"jobs": done}, f"Worker stopped after {done} job(s).")
    return 0


def register(nouns: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """Add the autopilot, runs and worker commands to the parser; returns ``runs``."""
    auto = nouns.add_parser("autopilot", help="automatic model search").add_subparsers(
        dest="verb", required=True
    )
    run = command(auto, "run", _autopilot_run, "launch an autopilot run")
    run.add_argument("--dataset", required=True, help="NAME or NAME@VERSION")
    run.add_argument("--target", required=True)
    run.add_argument("--task", choices=["binary", "multiclass", "regression"])
    run.add_argument("--metric")
    run.add_argument(
        "--positive-class", metavar="LABEL",
        help="binary targets: the outcome to detect (F1, recall, ROC and value are about it); "
        "default: Studio's guess, printed with its reason",
    )  # fmt: skip
    run.add_argument("--budget-seconds", type=float, default=60.0)
    run.add_argument(
        "--no-budget", action="store_true", help="no time limit: end on --max-trials alone"
    )
    run.add_argument("--max-trials", type=int)
    run.add_argument("--top-k", type=int, default=5, help="best trials refit and kept (1-20)")
    run.add_argument("--families", help="comma-separated, e.g. hgb,linear")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--per-trial-seconds", type=float, help="default: half the budget")
    run.add_argument(
        "--column-type", action="append", metavar="COL=TYPE",
        help="use column COL as TYPE (numeric, categorical, boolean, datetime, text, "
        "identifier, ignored); repeatable",
    )  # fmt: skip
    run.add_argument(
        "--time-column", metavar="COL",
        help="hold out the latest rows by this date column and cross-validate on time-ordered "
        "folds (it is then not a feature unless --column-type sets its type)",
    )  # fmt: skip
    run.add_argument("--ignore", action="append", metavar="COL",
                     help="leave column COL out; repeatable")  # fmt: skip
    run.add_argument(
        "--wait", action="store_true", help="show progress; print the result when the run ends"
    )
    run.add_argument(
        "--wait-analysis", action="store_true",
        help="like --wait, and also wait for the run's analysis (diagnostics, Optuna views)",
    )  # fmt: skip
    command(auto, "status", _autopilot_status, "a run's status and leaderboard").add_argument(
        "run", type=int
    )
    command(
        auto, "stop", _autopilot_stop, "end a run's search now (the trial in flight is ended)"
    ).add_argument("run", type=int)
    resume = command(auto, "resume", _autopilot_resume, "resume a stopped or failed run")
    resume.add_argument("run", type=int)
    resume.add_argument("--wait", action="store_true")
    runs = nouns.add_parser("runs", help="autopilot runs").add_subparsers(
        dest="verb", required=True
    )
    export_cmd = command(runs, "export-code", _runs_export_code, "write a candidate as a script")
    export_cmd.add_argument("run", type=int)
    export_cmd.add_argument("--out", required=True)
    export_cmd.add_argument("--candidate", help="candidate name (default: rank 1)")
    worker = command(nouns, "worker", _worker, "run a worker that drains the job queue")
    worker.add_argument("--once", action="store_true", help="handle one job, then exit")
    worker.add_argument("--idle-exit", type=float, help="exit after this many idle seconds")
    return runs
