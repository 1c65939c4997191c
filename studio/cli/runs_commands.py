"""`studio runs list|show|compare|trials|analyze|tag|note`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from studio.cli.output import command, emit, pad, table
from studio.context import Studio
from studio.i18n import N_, _, format_number, format_percent, ngettext

# What `runs tag` and `runs note` say, per subject (the JSON key stays "run" or "candidate").
TAGGED = {
    "run": N_("Tags of run {id}: {tags}."),
    "candidate": N_("Tags of candidate {id}: {tags}."),
}
# A comparison's verdict per word the core gives ("" for any other word, shown as it is).
VERSUS = {
    "better": N_("{challenger} vs {first}: better on {metric} ({level} interval of the difference "
                 "{low} to {high})."),
    "worse": N_("{challenger} vs {first}: worse on {metric} ({level} interval of the difference "
                "{low} to {high})."),
    "no clear difference": N_("{challenger} vs {first}: no clear difference on {metric} ({level} "
                              "interval of the difference {low} to {high})."),
    "": N_("{challenger} vs {first}: {verdict} on {metric} ({level} interval of the difference "
           "{low} to {high})."),
}  # fmt: skip
NOTED = {
    "run": N_("Saved the note of run {id}."),
    "candidate": N_("Saved the note of candidate {id}."),
}


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a date like 2026-01-31").format(text=text)
        ) from None


def _list(studio: Studio, args: argparse.Namespace) -> int:
    from studio.experiments.runs import RunFilter, list_runs

    page = list_runs(studio, RunFilter(
        datasets=tuple(args.dataset), tasks=tuple(args.task), statuses=tuple(args.status),
        tags=tuple(args.tag), since=args.since, until=args.until, threshold=args.min_score,
        text=args.search or "", sort=args.sort, page=args.page, page_size=args.limit,
    ))  # fmt: skip
    headers = [_("RUN"), _("DATASET"), _("TARGET"), _("TASK"), _("STATUS"), _("BEST CV"),
               _("METRIC"), _("TRIALS"), _("LAUNCHED"), _("BY")]  # fmt: skip
    rows = [
        [str(r.id), r.dataset[:20], r.target[:16], r.task, r.status,
         "—" if r.best_score is None else f"{r.best_score:.4f}", r.metric,
         format_number(r.trials), f"{r.created_at:%Y-%m-%d %H:%M}", r.created_by]
        for r in page.rows
    ]  # fmt: skip
    total = ngettext(
        "{total} run; page {page} of {pages}.", "{total} runs; page {page} of {pages}.",
        page.total,
    ).format(total=format_number(page.total), page=page.page, pages=page.pages)  # fmt: skip
    lines = [table(headers, rows, (5, 20, 16, 10, 10, 9, 9, 6, 16, 0), "><<<<><><<"), total]
    if page.total == 0:
        lines = [_("No run matches; 'studio runs list' without filters shows every run.")]
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
        set_ = ", ".join(f"{k}={v}" for k, v in types.items())
        text += "\n" + _("Column types set: {types}.").format(types=set_)
    text += "\n" + _("Analysis: {status}. Tags: {tags}.").format(
        status=detail.analysis.status, tags=", ".join(detail.tags) or "—"
    )
    if detail.note:
        text += "\n" + _("Note:") + f"\n{detail.note}"
    emit(args, document, text)
    return 0


def _compare(studio: Studio, args: argparse.Namespace) -> int:
    from studio.experiments.compare import compare

    result = compare(studio, args.candidates)
    names = [e.ref for e in result.entries]
    lines = [pad(_("METRIC"), 18) + "".join(pad(n[:22], 24, ">") for n in names)]
    for m in result.metrics:
        cells = []
        for i, value in enumerate(m.values):
            text = "—" if value is None else f"{value:.4f}" + ("*" if m.is_best(i) else "")
            if i and m.deltas[i] is not None:
                text += f" ({m.deltas[i]:+.4f})"
            cells.append(pad(text, 24, ">"))
        lines.append(pad(m.label[:18], 18) + "".join(cells))
    main = result.metrics[0]
    for i in range(1, len(names)):
        if main.delta_intervals[i] is not None:
            low, high = main.delta_intervals[i]
            verdict = main.verdict(i)
            versus = VERSUS.get(verdict, VERSUS[""])
            lines.append(_(versus).format(
                challenger=names[i], first=names[0], verdict=verdict,
                metric=main.label, level=format_percent(0.95), low=f"{low:+.4f}",
                high=f"{high:+.4f}",
            ))  # fmt: skip
    lines.append(_("* best value; in brackets the difference from the first candidate."))
    emit(args, result.to_json(), "\n".join(lines))
    return 0


def _trials(studio: Studio, args: argparse.Namespace) -> int:
    from studio.experiments.detail import run_detail, trial_csv, trial_table

    frame = trial_table(studio, run_detail(studio, args.run))
    Path(args.out).write_bytes(trial_csv(frame))
    text = ngettext(
        "Wrote {count} trial to {path}.", "Wrote {count} trials to {path}.", len(frame)
    ).format(count=format_number(len(frame)), path=args.out)
    emit(args, {"run_id": args.run, "trials": len(frame), "path": args.out}, text)
    return 0


def _analyze(studio: Studio, args: argparse.Namespace) -> int:
    from studio.experiments.analysis import request_analysis
    from studio.jobs.launcher import ensure_local_worker

    request_analysis(studio, args.run)
    ensure_local_worker(studio)
    text = _("Queued the analysis of run {run}; a worker computes it.").format(run=args.run)
    emit(args, {"run_id": args.run, "analysis": "pending"}, text)
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
    text = _(TAGGED[subject]).format(id=subject_id, tags=", ".join(stored) or "—")
    emit(args, {subject: subject_id, "tags": stored}, text)
    return 0


def _note(studio: Studio, args: argparse.Namespace) -> int:
    from studio.experiments.annotations import set_note

    subject, subject_id = _subject(studio, args)
    body = Path(args.file).read_text(encoding="utf-8") if args.file else (args.text or "")
    set_note(studio, subject, subject_id, body, studio.settings.user)
    text = _(NOTED[subject]).format(id=subject_id)
    emit(args, {subject: subject_id, "note": body}, text)
    return 0


def register(runs: Any) -> None:
    """Add the experiment commands to ``studio runs``."""
    lst = command(runs, "list", _list, _("list runs (filter, search, sort, page)"))
    for flag in ("dataset", "task", "status", "tag"):
        lst.add_argument(f"--{flag}", action="append", default=[], help=_("repeatable"))
    lst.add_argument("--since", type=_date, help=_("launched on or after (YYYY-MM-DD)"))
    lst.add_argument("--until", type=_date, help=_("launched on or before (YYYY-MM-DD)"))
    lst.add_argument(
        "--min-score", type=float, help=_("best CV score at least (at most for losses)")
    )
    lst.add_argument("--search", help=_("free text: dataset, target, user, tag, note, run id"))
    lst.add_argument(
        "--sort", default="newest", help=_("newest, oldest, best, trials or duration")
    )
    lst.add_argument("--page", type=int, default=1)
    lst.add_argument("--limit", type=int, default=50, help=_("runs per page"))
    command(runs, "show", _show, _("a run: configuration, leaderboard, notes")).add_argument(
        "run", type=int
    )
    cmp = command(runs, "compare", _compare, _("compare candidates (ids or RUN:NAME)"))
    cmp.add_argument("candidates", nargs="+", metavar="CANDIDATE")
    trials = command(runs, "trials", _trials, _("write a run's trial table as CSV"))
    trials.add_argument("run", type=int)
    trials.add_argument("--out", required=True)
    command(runs, "analyze", _analyze, _("(re)compute a run's diagnostics")).add_argument(
        "run", type=int
    )
    annotate = (
        ("tag", _tag, N_("set the tags of a run or a candidate")),
        ("note", _note, N_("set the Markdown note of a run or candidate")),
    )
    for name, handler, help_ in annotate:
        cmd = command(runs, name, handler, _(help_))
        cmd.add_argument("run", type=int)
        cmd.add_argument(
            "--candidate", metavar="NAME", help=_("a candidate of the run instead (before RUN)")
        )
        if name == "tag":
            cmd.add_argument("tags", nargs="*", metavar="TAG", help=_("no tags clears them"))
        else:
            cmd.add_argument("text", nargs="?", help=_("the note (Markdown)"))
            cmd.add_argument("--file", help=_("read the note from a file"))
