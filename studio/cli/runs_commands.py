"""`studio runs list|show|compare|trials|analyze|tag|note`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from studio.cli.output import command, emit
from studio.context import Studio


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-01-31") from None


def _list(studio: Studio, args: argparse.Namespace) -> int:
    from studio.experiments.runs import RunFilter, list_runs

    page = list_runs(studio, RunFilter(
        datasets=tuple(args.dataset), tasks=tuple(args.task), statuses=tuple(args.status),
        tags=tuple(args.tag), since=args.since, until=args.until, threshold=args.min_score,
        text=args.search or "", sort=args.sort, page=args.page, page_size=args.limit,
    ))  # fmt: skip
    lines = [f"{'RUN':>5} {'DATASET':<20} {'TARGET':<16} {'TASK':<10} {'STATUS':<10} "
             f"{'BEST CV':>9} {'METRIC':<9} {'TRIALS':>6} {'LAUNCHED':<16} BY"]  # fmt: skip
    for r in page.rows:
        best = "—" if r.best_score is None else f"{r.best_score:.4f}"
        lines.append(
            f"{r.id:>5} {r.dataset[:20]:<20} {r.target[:16]:<16} {r.task:<10} {r.status:<10} "
            f"{best:>9} {r.metric:<9} {r.trials:>6} {r.created_at:%Y-%m-%d %H:%M} {r.created_by}"
        )
    lines.append(f"{page.total} run(s); page {page.page} of {page.pages}.")
    if page.total == 0:
        lines = ["No run matches; 'studio runs list' without filters shows every run."]
    document = {"runs": [r.to_json() for r in page.rows], "total": page.total,
                "page": page.page, "pages": page.pages}  # fmt: skip
    emit(args, document, "\n".join(lines))
    return 0


def _show(studio: Studio, args: argparse.Namespace) -> int:
    from studio.cli.autopilot_commands import _leaderboard_text
    from studio.experiments.detail import run_detail

    detail = run_detail(studio, args.run)
    document = detail.run.to_json() | {
        "config": detail.run.config, "created_by": detail.run.created_by,
        "created_at": detail.run.created_at.isoformat(), "analysis": detail.analysis.status,
        "note": detail.note, "tags": list(detail.tags),
        "candidate_ids": {c.name: c.id for c in detail.run.leaderboard},
    }  # fmt: skip
    text = _leaderboard_text(detail.run)
    if types := detail.run.config.get("column_types"):
        text += "\nColumn types set: " + ", ".join(f"{k}={v}" for k, v in types.items()) + "."
    text += f"\nAnalysis: {detail.analysis.status}. Tags: {', '.join(detail.tags) or '—'}."
    if detail.note:
        text += f"\nNote:\n{detail.note}"
    emit(args, document, text)
    return 0


def _compare(studio: Studio, args: argparse.Namespace) -> int:
    from studio.experiments.compare import compare

    result = compare(studio, args.candidates)
    names = [e.ref for e in result.entries]
    lines = [f"{'METRIC':<18}" + "".join(f"{n[:22]:>24}" for n in names)]
    for m in result.metrics:
        cells = []
        for i, value in enumerate(m.values):
            text = "—" if value is None else f"{value:.4f}" + ("*" if m.is_best(i) else "")
            if i and m.deltas[i] is not None:
                text += f" ({m.deltas[i]:+.4f})"
            cells.append(f"{text:>24}")
        lines.append(f"{m.label[:18]:<18}" + "".join(cells))
    main = result.metrics[0]
    for i in range(1, len(names)):
        if main.delta_intervals[i] is not None:
            low, high = main.delta_intervals[i]
            lines.append(
                f"{names[i]} vs {names[0]}: {main.verdict(i)} on {main.label} "
                f"(95% interval of the difference {low:+.4f} to {high:+.4f})."
            )
    lines.append("* best value; in brackets the difference from the first candidate.")
    emit(args, result.to_json(), "\n".join(lines))
    return 0


def _trials(studio: Studio, args: argparse.Namespace) -> int:
    from studio.experiments.detail import run_detail, trial_csv, trial_table

    frame = trial_table(studio, run_detail(studio, args.run))
    Path(args.out).write_bytes(trial_csv(frame))
    emit(args, {"run_id": args.run, "trials": len(frame), "path": args.out},
         f"Wrote {len(frame):,} trials to {args.out}.")  # fmt: skip
    return 0


def _analyze(studio: Studio, args: argparse.Namespace) -> int:
    from studio.experiments.analysis import request_analysis
    from studio.jobs.launcher import ensure_local_worker

    request_analysis(studio, args.run)
    ensure_local_worker(studio)
    emit(args, {"run_id": args.run, "analysis": "pending"},
         f"Queued the analysis of run {args.run}; a worker computes it.")  # fmt: skip
    return 0


def _subject(studio: Studio, args: argparse.Namespace) -> tuple[str, int]:
    if args.candidate is None:
        return "run", args.run
    from studio.experiments.compare import load_entries

    return "candidate", load_entries(studio, [f"{args.run}:{args.candidate}"])[0].id


def _tag(studio: Studio, args: argparse.Namespace) -> int:
    from studio.experiments.annotations import set_tags

    subject, subject_id = _subject(studio, args)
    stored = set_tags(studio, subject, subject_id, args.tags, studio.settings.user)
    emit(args, {subject: subject_id, "tags": stored},
         f"Tags of {subject} {subject_id}: {', '.join(stored) or '—'}.")  # fmt: skip
    return 0


def _note(studio: Studio, args: argparse.Namespace) -> int:
    from studio.experiments.annotations import set_note

    subject, subject_id = _subject(studio, args)
    body = Path(args.file).read_text(encoding="utf-8") if args.file else (args.text or "")
    set_note(studio, subject, subject_id, body, studio.settings.user)
    emit(args, {subject: subject_id, "note": body}, f"Saved the note of {subject} {subject_id}.")
    return 0


def register(runs: Any) -> None:
    """Add the experiment commands to ``studio runs``."""
    lst = command(runs, "list", _list, "list runs (filter, search, sort, page)")
    for flag in ("dataset", "task", "status", "tag"):
        lst.add_argument(f"--{flag}", action="append", default=[], help="repeatable")
    lst.add_argument("--since", type=_date, help="launched on or after (YYYY-MM-DD)")
    lst.add_argument("--until", type=_date, help="launched on or before (YYYY-MM-DD)")
    lst.add_argument("--min-score", type=float, help="best CV score at least (at most for losses)")
    lst.add_argument("--search", help="free text: dataset, target, user, tag, note, run id")
    lst.add_argument("--sort", default="newest", help="newest, oldest, best, trials or duration")
    lst.add_argument("--page", type=int, default=1)
    lst.add_argument("--limit", type=int, default=50, help="runs per page")
    command(runs, "show", _show, "a run: configuration, leaderboard, notes").add_argument(
        "run", type=int
    )
    cmp = command(runs, "compare", _compare, "compare candidates (ids or RUN:NAME)")
    cmp.add_argument("candidates", nargs="+", metavar="CANDIDATE")
    trials = command(runs, "trials", _trials, "write a run's trial table as CSV")
    trials.add_argument("run", type=int)
    trials.add_argument("--out", required=True)
    command(runs, "analyze", _analyze, "(re)compute a run's diagnostics").add_argument(
        "run", type=int
    )
    annotate = (
        ("tag", _tag, "set the tags of a run or a candidate"),
        ("note", _note, "set the Markdown note of a run or candidate"),
    )
    for name, handler, help_ in annotate:
        cmd = command(runs, name, handler, help_)
        cmd.add_argument("run", type=int)
        cmd.add_argument(
            "--candidate", metavar="NAME", help="a candidate of the run instead (before RUN)"
        )
        if name == "tag":
            cmd.add_argument("tags", nargs="*", metavar="TAG", help="no tags clears them")
        else:
            cmd.add_argument("text", nargs="?", help="the note (Markdown)")
            cmd.add_argument("--file", help="read the note from a file")
