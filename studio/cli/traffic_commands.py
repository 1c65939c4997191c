"""`studio models traffic`: show or change how the endpoint splits a model's live requests."""

from __future__ import annotations

import argparse
from typing import Any

from studio.cli.output import command, emit, pad
from studio.cli.report_commands import add_matrix_options, matrix_from_args
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.i18n import N_, _, format_number

ABOUT = N_("show or set the endpoint's split of a model's requests (approvers)")


def _show(name: str, traffic: Any) -> tuple[dict[str, Any], str]:
    if traffic is None:
        return {"model": name, "split": {}, "shadow": None}, _("production only")
    return traffic.to_json(), traffic.summary()


def _traffic(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.traffic import get_traffic, parse_split, set_traffic

    if not (args.clear or args.split is not None or args.shadow is not None):
        from studio.serving.stats import variant_stats

        document, summary = _show(args.model, get_traffic(studio, args.model))
        stats = variant_stats(studio, args.model)
        line = _(
            "v{version} {source} {requests} requests ({per_minute}/min) {errors} errors "
            "({error_rate}) {rows} rows  p50 {p50} ms  p99 ≤ {p99} ms"
        )
        lines = [
            "  " + line.format(
                version=s.version, source=pad(s.source, 6),
                requests=pad(format_number(s.requests), 8, ">"),
                per_minute=f"{s.per_minute:,.1f}",
                errors=pad(format_number(s.client_errors + s.server_errors), 6, ">"),
                error_rate=f"{s.error_rate:.1%}", rows=pad(format_number(s.rows), 9, ">"),
                p50=f"{s.latency_ms_p50:.1f}", p99=f"{s.latency_ms_p99:.1f}",
            )
            for s in stats
        ]  # fmt: skip
        document["variants"] = [s.to_json() for s in stats]
        emit(args, document, "\n".join([f"{args.model}: {summary}", *lines]))
        return 0
    if args.clear and (args.split is not None or args.shadow is not None):
        raise InvalidInputError(_("--clear goes back to production only; give it alone."))
    if not args.comment:
        raise InvalidInputError(_("Say why with --comment; it is kept in the model's history."))
    split = parse_split(args.split) if args.split is not None else None
    traffic = set_traffic(
        studio, args.model, split, args.shadow, args.comment, studio.settings.user
    )
    document, summary = _show(args.model, traffic)
    text = _("{model} traffic is now: {summary}.").format(model=args.model, summary=summary)
    emit(args, document, text)
    return 0


def _ab(studio: Studio, args: argparse.Namespace) -> int:
    from studio.serving.ab import ab_verdict

    verdict = ab_verdict(studio, args.model, matrix_from_args(args))
    lines = []
    for arm in (verdict.champion, verdict.challenger):
        if arm is None:
            continue
        requests = arm.traffic.requests if arm.traffic else 0
        value = "—" if arm.metric is None else f"{arm.metric:.4f}"
        if arm.interval:
            value = _("{value} ({low} to {high})").format(
                value=value, low=f"{arm.interval[0]:.4f}", high=f"{arm.interval[1]:.4f}"
            )
        words = {
            "version": arm.version, "requests": format_number(requests),
            "labelled": format_number(arm.labelled), "metric": verdict.metric, "value": value,
        }  # fmt: skip
        said = _("v{version}: {requests} requests, {labelled} labelled, {metric} {value}")
        if arm.value is not None:
            low, high = arm.value_interval
            words |= {"worth": f"{arm.value:,.0f}", "low": f"{low:,.0f}", "high": f"{high:,.0f}"}
            said = _(
                "v{version}: {requests} requests, {labelled} labelled, {metric} {value}, "
                "{worth} per 1,000 cases ({low} to {high})"
            )
        said = said.format(**words)
        lines.append(f"  {said}")
    lines += [
        "  " + _("shadow v{version}: agrees on {share} of requests").format(
            version=v, share=f"{share:.1%}"
        )
        for v, share in verdict.shadow_agreement.items()
    ]  # fmt: skip
    emit(args, verdict.to_json(), "\n".join([verdict.sentence, *lines]))
    return 0


def register(models: Any) -> None:
    """Add `studio models traffic` and `studio models ab` to the ``models`` sub-commands."""
    ab = command(models, "ab", _ab, _("the A/B verdict on a model's split"))
    ab.add_argument("model")
    add_matrix_options(ab, N_("the verdict shows no money"))
    traffic = command(models, "traffic", _traffic, _(ABOUT))
    traffic.add_argument("model")
    traffic.add_argument("--split", help=_("VERSION=WEIGHT[,VERSION=WEIGHT...], e.g. 1=90,2=10"))
    traffic.add_argument(
        "--shadow",
        type=int,
        help=_("a version that scores the same requests off the response path"),
    )
    traffic.add_argument("--clear", action="store_true", help=_("every request to production"))
    traffic.add_argument("--comment")
