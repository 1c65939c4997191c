"""`studio monitor schedule|schedules|checks|run-due`: scheduled monitoring of a model."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from studio.cli.output import command, emit, pad
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.i18n import _, format_number, ngettext


def _schedule(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.schedules import set_schedule, stop_schedule

    user = studio.settings.user
    if args.off:
        if args.every or args.cron:
            raise InvalidInputError(_("Give --off alone, without --every or --cron."))
        info = stop_schedule(studio, args.model, user)
        text = _("{model}: scheduled monitoring is off.").format(model=info.model)
        emit(args, info.to_json(), text)
        return 0
    info = set_schedule(studio, args.model, user, every=args.every, cron=args.cron,
                        window=args.window)  # fmt: skip
    text = _(
        "{model}: checked {cadence}, window {window}; next check due {due} UTC (run by any "
        "'studio worker')."
    ).format(model=info.model, cadence=info.cadence, window=info.window,
             due=info.next_due_at.isoformat()[:16])  # fmt: skip
    emit(args, info.to_json(), text)
    return 0


def _schedules(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.schedules import list_schedules

    rows = list_schedules(studio)
    lines = [_schedule_line(s) for s in rows] or [
        _("No schedule yet; 'studio monitor schedule NAME --every 1h' sets one.")
    ]
    emit(args, {"schedules": [s.to_json() for s in rows]}, "\n".join(lines))
    return 0


def _schedule_line(s: Any) -> str:
    """A model's cadence and window, and its next and last checks."""
    line = (
        f"{pad(s.model, 24)} {pad(s.cadence, 28)} "
        + _("window {window}").format(window=pad(s.window, 6))
        + " "
    )
    if s.enabled:
        line += _("next {at}").format(at=s.next_due_at.isoformat()[:16])
    if s.last_check_at:
        line += " " + _("last {at}").format(at=s.last_check_at.isoformat()[:16])
    return line


def _checks(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.checks import list_checks

    rows = list_checks(studio, args.model, args.limit)
    lines = [_check_line(c) for c in rows] or [
        _("No scheduled check of {model} yet.").format(model=args.model)
    ]
    emit(args, {"model": args.model, "checks": [c.to_json() for c in rows]}, "\n".join(lines))
    return 0


def _check_line(check: Any) -> str:
    drift = check.results.get("drift")
    metric = check.results.get("metric")
    batches = len(check.inputs.get("batches", []))
    said = [ngettext("{count} batch", "{count} batches", batches).format(count=batches)]
    if drift:
        said.append(
            _("{share} drifted").format(share=f"{drift['drift_share']:.0%}")
            + (" " + _("DRIFT") if drift["dataset_drift"] else "")
        )
    if metric:
        said.append(
            _("{metric} {current} on {rows} labelled rows").format(
                metric=metric["label"], current=f"{metric['current']:.4f}",
                rows=format_number(metric["rows"]),
            )
        )  # fmt: skip
    if check.error:
        said.append(check.error[:80])
    # Translators: the separator between the parts of a check's line (batches, drift, metric).
    parts = _(", ").join(said)
    return f"#{check.id} {check.started_at.isoformat()[:16]} {check.status:<8} {parts}"


def _run_due(studio: Studio, args: argparse.Namespace) -> int:
    from studio.monitor.checks import run_due_checks

    now = None
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            raise InvalidInputError(
                _("'{text}' is not an ISO time (2026-03-02T09:00+00:00).").format(text=args.now)
            ) from None
        if now.tzinfo is None:
            raise InvalidInputError(_("Give --now with a time zone, e.g. 2026-03-02T09:00+00:00."))
    done = run_due_checks(studio, "cli", now=now)
    lines = [f"{c.model}: {_check_line(c)}" for c in done] or [_("No check is due.")]
    emit(args, {"checks": [c.to_json() for c in done]}, "\n".join(lines))
    return 0


def register_schedule_commands(monitor: Any) -> None:
    """Add the schedule commands under `studio monitor`."""
    schedule = command(monitor, "schedule", _schedule, _("check a model on a schedule (or --off)"))
    schedule.add_argument("model", help=_("the model's name"))
    schedule.add_argument("--every", help=_("a period: 15m, 1h, 1d (any whole m, h or d)"))
    schedule.add_argument("--cron", help=_("a 5-field cron expression in UTC, e.g. '0 7 * * 1-5'"))
    schedule.add_argument("--window", default="batch", help=_("batch (default), 1D or 1W"))
    schedule.add_argument("--off", action="store_true", help=_("stop the schedule"))
    command(monitor, "schedules", _schedules, _("every model's monitoring schedule"))
    checks = command(monitor, "checks", _checks, _("a model's scheduled checks, newest first"))
    checks.add_argument("model")
    checks.add_argument("--limit", type=int, default=20)
    due = command(monitor, "run-due", _run_due, _("run the checks that are due now, once"))
    due.add_argument("--now", help=_("the clock to use (ISO time with zone; default: now)"))
