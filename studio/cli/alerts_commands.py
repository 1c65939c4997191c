"""`studio alerts channel|rule|list|ack|resolve`: where alerts go, what makes one, and the
alerts themselves. Secrets are read from an environment variable (``--secret-env``) so they
stay out of shell history, and are never printed back."""

from __future__ import annotations

import argparse
import os
from typing import Any

from studio.cli.output import command, emit, pad
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.i18n import N_, _

# What `ack` and `resolve` say, per state the alert lands in (the states stay English in JSON).
MOVED = {
    "acknowledged": N_("Alert {id} is acknowledged."),
    "resolved": N_("Alert {id} is resolved."),
}


def _secret(args: argparse.Namespace) -> str:
    if args.secret_env:
        value = os.environ.get(args.secret_env)
        if not value:
            raise InvalidInputError(
                _("The environment variable {name} is not set.").format(name=args.secret_env)
            )
        return value
    return args.secret or ""


def _channel_add(studio: Studio, args: argparse.Namespace) -> int:
    from studio.alerts.channels import add_channel

    options: dict[str, Any] = {}
    if args.kind == "email":
        options = {"host": args.smtp_host, "port": args.smtp_port, "user": args.smtp_user,
                   "sender": args.sender, "starttls": not args.no_starttls,
                   "to": [t.strip() for t in (args.to or "").split(",") if t.strip()]}  # fmt: skip
        options = {k: v for k, v in options.items() if v not in (None, "", [])}
    elif args.format:
        options = {"format": args.format}
    info = add_channel(studio, args.name, args.kind, studio.settings.user, url=args.url or "",
                       secret=_secret(args), options=options)  # fmt: skip
    text = _(
        "Channel '{name}' ({kind}, {target}) added; 'studio alerts channel test {name}' sends "
        "a test."
    ).format(name=info.name, kind=info.kind, target=info.target)
    emit(args, info.to_json(), text)
    return 0


def _channel_list(studio: Studio, args: argparse.Namespace) -> int:
    from studio.alerts.channels import list_channels

    rows = list_channels(studio)
    signed = _("{target} (signed)")
    lines = [
        f"{pad(c.name, 20)} {pad(c.kind, 9)} "
        + (signed.format(target=c.target) if c.has_secret else c.target)
        for c in rows
    ] or [_("No channel yet; 'studio alerts channel add' adds one.")]
    emit(args, {"channels": [c.to_json() for c in rows]}, "\n".join(lines))
    return 0


def _channel_test(studio: Studio, args: argparse.Namespace) -> int:
    from studio.alerts.delivery import send_test

    attempts = send_test(studio, args.name, studio.settings.user)
    ok = bool(attempts) and attempts[-1].ok
    lines = [_attempt_line(a) for a in attempts]
    emit(args, {"delivered": ok, "attempts": [a.to_json() for a in attempts]}, "\n".join(lines))
    if not ok:
        raise InvalidInputError(
            _("The test did not reach channel '{name}'; check its URL.").format(name=args.name)
        )
    return 0


def _attempt_line(a: Any) -> str:
    """One delivery attempt: delivered, or failed with the error, and the HTTP status."""
    said = (
        _("attempt {n}: delivered").format(n=a.attempt)
        if a.ok
        else _("attempt {n}: failed ({error})").format(n=a.attempt, error=a.error)
    )
    return said + (f" HTTP {a.status_code}" if a.status_code else "")


def _rule_add(studio: Studio, args: argparse.Namespace) -> int:
    from studio.alerts.rules import add_rule
    from studio.monitor.schedules import parse_every

    period = parse_every(args.period) if args.period else None
    info = add_rule(
        studio,
        args.model,
        args.kind,
        args.channel or [],
        studio.settings.user,
        feature=args.feature or "",
        delta=args.delta,
        period_seconds=period,
        above=args.above,
    )
    text = _("Rule {id} on {model}: {summary} → {channels}.").format(
        id=info.id, model=info.model, summary=info.summary, channels=", ".join(info.channels)
    )
    emit(args, info.to_json(), text)
    return 0


def _rule_list(studio: Studio, args: argparse.Namespace) -> int:
    from studio.alerts.rules import list_rules

    rows = list_rules(studio, args.model)
    lines = [f"{r.id:>4} {pad(r.model, 20)} {r.summary} → {', '.join(r.channels)}" for r in rows]
    emit(args, {"rules": [r.to_json() for r in rows]}, "\n".join(lines) or _("No rule yet."))
    return 0


def _rule_remove(studio: Studio, args: argparse.Namespace) -> int:
    from studio.alerts.rules import remove_rule

    info = remove_rule(studio, args.id, studio.settings.user)
    text = _("Rule {id} on {model} removed.").format(id=info.id, model=info.model)
    emit(args, info.to_json(), text)
    return 0


def _list(studio: Studio, args: argparse.Namespace) -> int:
    from studio.alerts.state import list_alerts

    rows = list_alerts(studio, args.model, args.state)
    lines = [f"#{a.id:<4} {a.state:<12} {pad(a.model, 20)} {a.opened_at.isoformat()[:16]} "
             f"{a.message}" + (f" (×{a.repeats + 1})" if a.repeats else "")
             for a in rows] or [_("No alert.")]  # fmt: skip
    emit(args, {"alerts": [a.to_json() for a in rows]}, "\n".join(lines))
    return 0


def _move(studio: Studio, args: argparse.Namespace) -> int:
    from studio.alerts.state import acknowledge, resolve

    move = acknowledge if args.verb == "ack" else resolve
    info = move(studio, args.id, args.comment, studio.settings.user)
    said = MOVED.get(info.state, N_("Alert {id} is {state}."))
    emit(args, info.to_json(), _(said).format(id=info.id, state=info.state))
    return 0


def register(nouns: Any) -> None:
    """Add `studio alerts ...` to the parser."""
    about = _("alert channels, rules and alerts")
    alerts = nouns.add_parser("alerts", help=about, description=about)
    verbs = alerts.add_subparsers(dest="verb", required=True)
    channel = verbs.add_parser("channel", help=_("where alerts go")).add_subparsers(
        dest="action", required=True)  # fmt: skip
    add = command(channel, "add", _channel_add, _("add a channel (approvers)"))
    add.add_argument("name")
    add.add_argument("--kind", required=True,
                     help=_("webhook, slack, feishu, dingtalk, wecom or email"))  # fmt: skip
    add.add_argument("--url", help=_("the webhook URL (kept secret: lists show the host only)"))
    add.add_argument("--secret-env", help=_("an environment variable holding the signing "
                                            "secret or SMTP password"))  # fmt: skip
    add.add_argument("--secret", help=_("the secret itself (prefer --secret-env)"))
    add.add_argument("--format", choices=["text", "markdown"], help=_("WeCom messages"))
    add.add_argument("--smtp-host")
    add.add_argument("--smtp-port", type=int)
    add.add_argument("--smtp-user")
    add.add_argument("--sender")
    add.add_argument("--to", help=_("comma-separated recipients"))
    add.add_argument("--no-starttls", action="store_true")
    command(channel, "list", _channel_list, _("every channel (no secrets)"))
    command(channel, "test", _channel_test, _("send a test message")).add_argument("name")
    rule = verbs.add_parser("rule", help=_("what makes an alert")).add_subparsers(
        dest="action", required=True)  # fmt: skip
    radd = command(rule, "add", _rule_add, _("add a rule to a model (approvers)"))
    radd.add_argument("model")
    radd.add_argument("--kind", required=True, help=_(
        "dataset_drift, feature_drift, metric_drop, estimated_metric_drop, no_data or "
        "error_rate"))  # fmt: skip
    radd.add_argument("--channel", action="append", required=True,
                      help=_("a channel name (repeat for more)"))  # fmt: skip
    radd.add_argument("--feature", help=_("feature_drift: the feature"))
    radd.add_argument("--delta", type=float, help=_("metric drops: the largest drop allowed"))
    radd.add_argument("--period", help=_("no_data: how long without data (e.g. 6h)"))
    radd.add_argument(
        "--above",
        type=float,
        help=_("error_rate: the largest share of failed requests (0.05 for 5%%)"),
    )
    command(rule, "list", _rule_list, _("rules in force")).add_argument("model", nargs="?")
    command(rule, "remove", _rule_remove, _("stop a rule")).add_argument("id", type=int)
    listing = command(verbs, "list", _list, _("alerts, newest first"))
    listing.add_argument("--model")
    listing.add_argument("--state", help=_("open, acknowledged or resolved"))
    for verb, help_ in (("ack", N_("acknowledge an alert")), ("resolve", N_("resolve an alert"))):
        move = command(verbs, verb, _move, _(help_))
        move.add_argument("id", type=int)
        move.add_argument("--comment", required=True)
