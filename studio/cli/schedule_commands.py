"""`studio monitor schedule|schedules|checks|run-due`: scheduled monitoring of a model."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from studio.cli.output import command, emit
from studio.context import Studio
from studio.errors import InvalidInputError


def _schedule(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.schedules import set_schedule, stop_schedule

    user = studio.settings.user
    if args.off:
        if args.every or args.cron:
            raise InvalidInputError("Give --off alone, without --every or --cron.")
        info = stop_schedule(studio, args.model, user)
        emit(args, info.to_json(), f"{info.model}: scheduled monitoring is off.")
        return 0
    info = set_schedule(studio, args.model, user, every=args.every, cron=args.cron,
                        window=args.window)  # fmt: skip
    emit(args, info.to_json(),
         f"{info.model}: checked {info.cadence}, window {info.window}; next check due "
         f"{info.next_due_at.isoformat()[:16]} UTC (run by any 'studio worker').")  # fmt: skip
    return 0


def _schedules(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.schedules import list_schedules

    rows = list_schedules(studio)
    lines = [
        f"{s.model:<24} {s.cadence:<28} window {s.window:<6} "
        + (f"next {s.next_due_at.isoformat()[:16]}" if s.enabled else "")
        + (f" last {s.last_check_at.isoformat()[:16]}" if s.last_check_at else "")
        for s in rows
    ] or ["No schedule yet; 'studio monitor schedule NAME --every 1h' sets one."]
    emit(args, {"schedules": [s.to_json() for s in rows]}, "\n".join(lines))
    return 0


def _checks(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.checks import list_checks

    rows = list_checks(studio, args.model, args.limit)
    lines = [_check_line(c) for c in rows] or [f"No scheduled check of {args.model} yet."]
    emit(args, {"model": args.model, "checks": [c.to_json() for c in rows]}, "\n".join(lines))
    return 0


def _check_line(check: Any) -> str:
    drift = check.results.get("drift")
    metric = check.results.get("metric")
    said = [f"{len(check.inputs.get('batches', []))} batch(es)"]
    if drift:
        said.append(
            f"{drift['drift_share']:.0%} drifted" + (" DRIFT" if drift["dataset_drift"] else "")
        )
    if metric:
        said.append(
            f"{metric['label']} {metric['current']:.4f} on {metric['rows']:,} labelled rows"
        )
    if check.error:
        said.append(check.error[:80])
    return f"#{check.id} {check.started_at.isoformat()[:16]} {check.status:<8} " + ", ".join(said)


def _run_due(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.checks import run_due_checks

    now = None
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            raise InvalidInputError(
                f"'{args.now}' is not an ISO time (2026-03-02T09:00+00:00)."
            ) from None
        if now.tzinfo is None:
            raise InvalidInputError("Give --now with a time zone, e.g. 2026-03-02T09:00+00:00.")
    done = run_due_checks(studio, "cli", now=now)
    lines = [f"{c.model}: {_check_line(c)}" for c in done] or ["No check is due."]
    emit(args, {"checks": [c.to_json() for c in done]}, "\n".join(lines))
    return 0


def register_schedule_commands(monitor: Any) -> None:
    """Add the schedule commands under `studio monitor`."""
    schedule = command(monitor, "schedule", _schedule, "check a model on a schedule (or --off)")
    schedule.add_argument("model", help="the model's name")
    schedule.add_argument("--every", help="a period: 15m, 1h, 1d (any whole m, h or d)")
    schedule.add_argument("--cron", help="a 5-field cron expression in UTC, e.g. '0 7 * * 1-5'")
    schedule.add_argument("--window", default="batch", help="batch (default), 1D or 1W")
    schedule.add_argument("--off", action="store_true", help="stop the schedule")
    command(monitor, "schedules", _schedules, "every model's monitoring schedule")
    checks = command(monitor, "checks", _checks, "a model's scheduled checks, newest first")
    checks.add_argument("model")
    checks.add_argument("--limit", type=int, default=20)
    due = command(monitor, "run-due", _run_due, "run the checks that are due now, once")
    due.add_argument("--now", help="the clock to use (ISO time with zone; default: now)")
