"""The ``studio`` command line: argument parsing and output only; the core does the work.

Contract: ``--json`` prints one JSON document on stdout; exit 0 on success, 2 on a user error
(``error: <sentence>`` on stderr), 1 on an internal failure (with a log reference).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from studio.config import load_settings
from studio.context import Studio
from studio.errors import StudioError, UserError
from studio.logs import configure_logging, log_failure

Handler = Callable[[Studio, argparse.Namespace], int]


def _emit(args: argparse.Namespace, document: Any, text: str) -> None:
    print(json.dumps(document, default=str, ensure_ascii=False) if args.json else text)


def _data_add(studio: Studio, args: argparse.Namespace) -> int:
    from studio.data.versions import add_dataset_version

    path = Path(args.path)
    if not path.is_file():
        raise UserError(f"There is no file at '{args.path}'.")
    result = add_dataset_version(
        studio, path.read_bytes(), path.name, name=args.name, actor=studio.settings.user
    )
    info = result.version
    verb = "Added" if result.created else "Unchanged (identical content):"
    lines = [
        f"{verb} {info.ref}: {info.rows:,} rows x {info.columns} columns, sha256 {info.sha256}"
    ]
    lines += [f"  notice: {n}" for n in info.ingest.get("notices", [])]
    lines += [f"  {w.severity}: {w.message}" for w in info.profile.warnings]
    _emit(args, info.summary() | {"created": result.created}, "\n".join(lines))
    return 0


def _data_list(studio: Studio, args: argparse.Namespace) -> int:
    from studio.data.versions import list_datasets

    datasets = list_datasets(studio)
    document = [
        {
            "name": d.name,
            "versions": d.versions,
            "latest": d.latest.version,
            "rows": d.latest.rows,
            "columns": d.latest.columns,
            "updated": d.latest.created_at.isoformat(),
        }
        for d in datasets
    ]
    header = f"{'NAME':<24} {'VERSIONS':>8} {'LATEST':>6} {'ROWS':>12} {'COLUMNS':>7}"
    rows = [
        f"{d['name']:<24} {d['versions']:>8} {d['latest']:>6} {d['rows']:>12,} {d['columns']:>7}"
        for d in document
    ]
    _emit(args, document, "\n".join([header, *rows]) if rows else "No datasets yet.")
    return 0


def _data_show(studio: Studio, args: argparse.Namespace) -> int:
    from studio.data.versions import get_version

    info = get_version(studio, args.ref)
    profile = info.profile
    document = info.summary() | {
        "ref": info.ref,
        "source_name": info.source_name,
        "file_format": info.file_format,
        "size_bytes": info.size_bytes,
        "created_at": info.created_at.isoformat(),
        "created_by": info.created_by,
        "ingest": info.ingest,
        "profile": profile.to_dict(),
    }
    lines = [
        f"{info.ref}  ({info.source_name}, {info.file_format}, {info.size_bytes:,} bytes)",
        f"{info.rows:,} rows x {info.columns} columns, {profile.duplicate_rows:,} duplicate rows",
        "",
        f"{'COLUMN':<28} {'TYPE':<12} {'MISSING':>8} {'DISTINCT':>9}",
        *(
            f"{c.name[:28]:<28} {c.kind:<12} {c.missing_share:>8.1%} {c.distinct:>9,}"
            for c in profile.column_profiles
        ),
        "",
        *(f"{w.severity}: {w.message}" for w in profile.warnings),
    ]
    _emit(args, document, "\n".join(lines))
    return 0


def _data_delete(studio: Studio, args: argparse.Namespace) -> int:
    from studio.data.versions import delete_version

    info = delete_version(studio, args.ref, actor=studio.settings.user)
    _emit(args, {"deleted": info.ref}, f"Deleted {info.ref}.")
    return 0


def _data_export(studio: Studio, args: argparse.Namespace) -> int:
    from studio.data.export import to_safe_csv
    from studio.data.versions import get_version, load_frame

    info = get_version(studio, args.ref)
    Path(args.out).write_bytes(to_safe_csv(load_frame(studio, info)))
    _emit(args, {"ref": info.ref, "out": args.out}, f"Wrote {info.ref} to {args.out}.")
    return 0


def _demo(studio: Studio, args: argparse.Namespace) -> int:
    from studio.demo import load_demo

    results = load_demo(studio, actor=studio.settings.user)
    document = [r.version.summary() | {"created": r.created} for r in results]
    text = "\n".join(
        f"{'added' if r.created else 'present'}  {r.version.ref}: {r.version.rows:,} rows"
        for r in results
    )
    _emit(args, document, text)
    return 0


def _sweep(studio: Studio, args: argparse.Namespace) -> int:
    from studio.maintenance import sweep_orphans

    removed = sweep_orphans(studio, grace_seconds=args.grace_seconds)
    _emit(args, {"removed": removed}, f"Removed {len(removed)} orphaned file(s).")
    return 0


def _autopilot_run(studio: Studio, args: argparse.Namespace) -> int:
    from studio.autopilot.service import AutopilotRequest, launch_run

    request = AutopilotRequest(
        dataset=args.dataset, target=args.target, task=args.task, metric=args.metric,
        budget_seconds=args.budget_seconds, max_trials=args.max_trials,
        families=args.families.split(",") if args.families else None, seed=args.seed,
        per_trial_seconds=args.per_trial_seconds,
    )  # fmt: skip
    run_id = launch_run(studio, request, actor=studio.settings.user)
    from studio.tracking import get_run

    for _at, level, text in reversed(get_run(studio, run_id).events):
        if level == "warning":
            print(f"warning: {text}", file=sys.stderr)
    if not args.wait:
        _emit(args, {"run_id": run_id, "status": "queued"}, f"Queued run {run_id}.")
        return 0
    return _wait_for(studio, run_id, args)


def _wait_for(studio: Studio, run_id: int, args: argparse.Namespace) -> int:
    import time

    from studio.jobs.launcher import start_local_worker
    from studio.jobs.queue import live_workers
    from studio.tracking import get_run

    worker = None if live_workers(studio) else start_local_worker(studio, once=True)
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
        time.sleep(1.0)
    print(file=sys.stderr)
    if worker is not None:
        worker.wait(timeout=30)
    _emit(args, info.to_json(), _leaderboard_text(info))
    return 1 if info.status == "failed" else 0


def _leaderboard_text(info) -> str:  # noqa: ANN001 (a RunInfo)
    lines = [f"Run {info.id}: {info.status}. {info.message}".strip()]
    if info.leaderboard:
        metrics = list(info.leaderboard[0].holdout)
        lines.append(
            f"{'RANK':>4} {'CANDIDATE':<22} {'CV':>14} "
            + " ".join(f"{m.upper():>9}" for m in metrics)
            + f" {'FIT S':>7} {'MS/1K':>7}"
        )
        for c in info.leaderboard:
            lines.append(
                f"{c.rank:>4} {c.name + (' (baseline)' if c.is_baseline else ''):<22} "
                f"{c.cv_score:>7.4f}±{c.cv_std:<6.4f} "
                + " ".join(f"{c.holdout[m]:>9.4f}" for m in metrics)
                + f" {c.fit_seconds:>7.2f} {c.predict_ms_per_1k:>7.1f}"
            )
    return "\n".join(lines)


def _autopilot_status(studio: Studio, args: argparse.Namespace) -> int:
    from studio.tracking import get_run

    info = get_run(studio, args.run)
    _emit(args, info.to_json(), _leaderboard_text(info))
    return 0


def _autopilot_stop(studio: Studio, args: argparse.Namespace) -> int:
    from studio.autopilot.service import request_stop

    status = request_stop(studio, args.run, actor=studio.settings.user)
    _emit(args, {"run_id": args.run, "status": status}, f"Run {args.run}: {status}.")
    return 0


def _autopilot_resume(studio: Studio, args: argparse.Namespace) -> int:
    from studio.autopilot.service import resume_run

    resume_run(studio, args.run, actor=studio.settings.user)
    if args.wait:
        return _wait_for(studio, args.run, args)
    _emit(args, {"run_id": args.run, "status": "queued"}, f"Run {args.run} queued again.")
    return 0


def _runs_export_code(studio: Studio, args: argparse.Namespace) -> int:
    from studio.autopilot.export import export_code

    code = export_code(studio, args.run, args.candidate)
    Path(args.out).write_text(code, encoding="utf-8")
    _emit(args, {"run_id": args.run, "out": args.out}, f"Wrote {args.out}.")
    return 0


def _worker(studio: Studio, args: argparse.Namespace) -> int:
    from studio.jobs.worker import serve

    done = serve(studio, once=args.once, idle_exit=args.idle_exit)
    _emit(args, {"jobs": done}, f"Worker stopped after {done} job(s).")
    return 0


def _app(_studio: Studio, args: argparse.Namespace) -> int:
    app = Path(__file__).resolve().parent.parent / "app.py"
    if not app.is_file():
        raise UserError("app.py was not found next to the studio package; run from a checkout.")
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port)]
    return subprocess.call(command, cwd=app.parent, env=os.environ.copy())


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (``studio --help``)."""
    parser = argparse.ArgumentParser(prog="studio", description="Local-first MLOps studio.")
    nouns = parser.add_subparsers(dest="noun", required=True)

    def command(sub: Any, name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_, description=help_)
        cmd.add_argument("--json", action="store_true", help="print one JSON document")
        cmd.set_defaults(handler=handler)
        return cmd

    data = nouns.add_parser("data", help="datasets and their versions").add_subparsers(
        dest="verb", required=True
    )
    add = command(data, "add", _data_add, "add a file as a new dataset version")
    add.add_argument("path")
    add.add_argument("--name", help="dataset name (default: the file name without extension)")
    command(data, "list", _data_list, "list datasets")
    command(data, "show", _data_show, "show a version's profile").add_argument("ref")
    command(data, "delete", _data_delete, "delete a dataset version").add_argument("ref")
    export = command(data, "export", _data_export, "export a version as spreadsheet-safe CSV")
    export.add_argument("ref")
    export.add_argument("--out", required=True)
    command(nouns, "demo", _demo, "load the demo datasets")
    sweep = command(nouns, "sweep", _sweep, "delete artifact files that no row references")
    sweep.add_argument("--grace-seconds", type=float, default=3600.0)
    auto = nouns.add_parser("autopilot", help="automatic model search").add_subparsers(
        dest="verb", required=True
    )
    run = command(auto, "run", _autopilot_run, "launch an autopilot run")
    run.add_argument("--dataset", required=True, help="NAME or NAME@VERSION")
    run.add_argument("--target", required=True)
    run.add_argument("--task", choices=["binary", "multiclass", "regression"])
    run.add_argument("--metric")
    run.add_argument("--budget-seconds", type=float, default=60.0)
    run.add_argument("--max-trials", type=int)
    run.add_argument("--families", help="comma-separated, e.g. hgb,linear")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--per-trial-seconds", type=float, help="default: half the budget")
    run.add_argument("--wait", action="store_true", help="show progress; print the result")
    command(auto, "status", _autopilot_status, "a run's status and leaderboard").add_argument(
        "run", type=int
    )
    command(
        auto, "stop", _autopilot_stop, "end a run's search after the current trial"
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
    app = command(nouns, "app", _app, "start the Streamlit app")
    app.add_argument("--port", type=int, default=8501)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    args = build_parser().parse_args(argv)
    settings = load_settings()
    try:
        configure_logging(settings.home)
        return args.handler(Studio.open(settings), args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StudioError as exc:
        ref = log_failure(exc, f"studio {args.noun}")
        print(f"error: {exc} (ref {ref})", file=sys.stderr)
        return 1
    except Exception as exc:  # the one boundary that turns a crash into exit 1
        ref = log_failure(exc, f"studio {args.noun}")
        print(f"error: internal failure (ref {ref}); see the Studio log.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
