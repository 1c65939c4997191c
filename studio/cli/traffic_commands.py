"""`studio models traffic`: show or change how the endpoint splits a model's live requests."""

from __future__ import annotations

import argparse
from typing import Any

from studio.cli.output import command, emit
from studio.cli.report_commands import add_matrix_options, matrix_from_args
from studio.context import Studio
from studio.errors import InvalidInputError

ABOUT = "show or set the endpoint's split of a model's requests (approvers)"


def _show(name: str, traffic: Any) -> tuple[dict[str, Any], str]:
    if traffic is None:
        return {"model": name, "split": {}, "shadow": None}, "production only"
    return traffic.to_json(), traffic.summary()


def _traffic(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.traffic import get_traffic, parse_split, set_traffic

    if not (args.clear or args.split is not None or args.shadow is not None):
        from studio.serving.stats import variant_stats

        document, summary = _show(args.model, get_traffic(studio, args.model))
        stats = variant_stats(studio, args.model)
        lines = [
            f"  v{s.version} {s.source:<6} {s.requests:>8,} requests ({s.per_minute:,.1f}/min) "
            f"{s.client_errors + s.server_errors:>6,} errors ({s.error_rate:.1%}) "
            f"{s.rows:>9,} rows  p50 {s.latency_ms_p50:.1f} ms  p99 ≤ {s.latency_ms_p99:.1f} ms"
            for s in stats
        ]
        document["variants"] = [s.to_json() for s in stats]
        emit(args, document, "\n".join([f"{args.model}: {summary}", *lines]))
        return 0
    if args.clear and (args.split is not None or args.shadow is not None):
        raise InvalidInputError("--clear goes back to production only; give it alone.")
    if not args.comment:
        raise InvalidInputError("Say why with --comment; it is kept in the model's history.")
    split = parse_split(args.split) if args.split is not None else None
    traffic = set_traffic(
        studio, args.model, split, args.shadow, args.comment, studio.settings.user
    )
    document, summary = _show(args.model, traffic)
    emit(args, document, f"{args.model} traffic is now: {summary}.")
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
            value += f" ({arm.interval[0]:.4f} to {arm.interval[1]:.4f})"
        worth = ""
        if arm.value is not None:
            low, high = arm.value_interval
            worth = f", {arm.value:,.0f} per 1,000 cases ({low:,.0f} to {high:,.0f})"
        lines.append(f"  v{arm.version}: {requests:,} requests, {arm.labelled:,} labelled, "
                     f"{verdict.metric} {value}{worth}")  # fmt: skip
    lines += [f"  shadow v{v}: agrees on {share:.1%} of requests"
              for v, share in verdict.shadow_agreement.items()]  # fmt: skip
    emit(args, verdict.to_json(), "\n".join([verdict.sentence, *lines]))
    return 0


def register(models: Any) -> None:
    """Add `studio models traffic` and `studio models ab` to the ``models`` sub-commands."""
    ab = command(models, "ab", _ab, "the A/B verdict on a model's split")
    ab.add_argument("model")
    add_matrix_options(ab, "the verdict shows no money")
    traffic = command(models, "traffic", _traffic, ABOUT)
    traffic.add_argument("model")
    traffic.add_argument("--split", help="VERSION=WEIGHT[,VERSION=WEIGHT...], e.g. 1=90,2=10")
    traffic.add_argument(
        "--shadow", type=int, help="a version that scores the same requests off the response path"
    )
    traffic.add_argument("--clear", action="store_true", help="every request to production")
    traffic.add_argument("--comment")
