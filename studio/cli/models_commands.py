"""`studio models register|list|show|approve|reject|promote|history|card` and `studio predict`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from studio.cli import traffic_commands
from studio.cli.output import command, emit
from studio.context import Studio
from studio.errors import InvalidInputError


def _register(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.register import register_candidate

    info = register_candidate(
        studio,
        args.run,
        args.name,
        studio.settings.user,
        candidate=args.candidate,
        description=args.description or "",
        refit_all_rows=args.refit_all_rows,
    )
    text = f"Registered {info.ref} from run {args.run} ({info.candidate_name})."
    emit(args, info.to_json(), f"{text} {info.training_note}".strip())
    return 0


def _list(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.versions import list_models

    models = list_models(studio)
    lines = [
        f"{'MODEL':<24} {'VERSIONS':>8} {'PRODUCTION':>10} {'STAGING':<10} {'TASK':<10} TARGET"
    ]
    for m in models:
        staging = ",".join(map(str, m.staging)) or "—"
        production = "—" if m.production is None else f"v{m.production}"
        lines.append(
            f"{m.name[:24]:<24} {m.versions:>8} {production:>10} {staging:<10} "
            f"{m.task:<10} {m.target}"
        )
    if not models:
        lines = ["No models yet; 'studio models register --run RUN --name NAME' adds one."]
    emit(args, {"models": [m.to_json() for m in models]}, "\n".join(lines))
    return 0


def _show(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.versions import list_versions, parse_ref

    name, which = parse_ref(args.model)
    versions = list_versions(studio, name)
    if which is not None:
        from studio.registry.versions import get_version

        versions = [get_version(studio, args.model)]
    lines = [
        f"{'VERSION':>7} {'STAGE':<11} {'APPROVAL':<9} {'CANDIDATE':<20} {'METRIC':<9} "
        f"{'HOLDOUT':>8} {'REGISTERED':<16} BY"
    ]
    for v in versions:
        score = v.metrics.get("holdout", {}).get(v.metric)
        shown = "—" if score is None else f"{score:.4f}"
        lines.append(
            f"{v.version:>7} {v.stage:<11} {v.approval:<9} {v.candidate_name[:20]:<20} "
            f"{v.metric:<9} {shown:>8} {v.created_at:%Y-%m-%d %H:%M} {v.created_by}"
        )
    if which is not None and versions[0].training_note:
        lines.append(versions[0].training_note)
    lines += [f"v{v.version}: {line}" for v in versions if (line := _decision(v))]
    emit(args, {"name": name, "versions": [v.to_json() for v in versions]}, "\n".join(lines))
    return 0


def _decision(v) -> str:  # noqa: ANN001 (a VersionInfo)
    """How a binary version turns probabilities into labels ("" for other tasks)."""
    if v.positive_class is None:
        return ""
    cut = "0.5 (none saved)" if v.decision_threshold is None else f"{v.decision_threshold:g}"
    return f"positive class '{v.positive_class}', decision threshold {cut}."


def _threshold(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.lifecycle import set_threshold

    info = set_threshold(
        studio, args.model, args.version, args.value, args.comment, studio.settings.user
    )
    emit(args, info.to_json(), f"{info.ref}: {info.cut_sentence}")
    return 0


def _decide(approve: bool):  # noqa: ANN202
    def handler(studio: Studio, args: argparse.Namespace) -> int:
        from studio.registry.lifecycle import decide

        info = decide(
            studio, args.model, args.version, approve, args.comment, studio.settings.user
        )
        emit(args, info.to_json(), f"{info.ref} is {info.approval}.")
        return 0

    return handler


def _promote(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.lifecycle import promote

    info = promote(
        studio, args.model, args.version, args.stage, args.comment or "", studio.settings.user
    )
    emit(args, info.to_json(), f"{info.ref} is now in {info.stage}.")
    return 0


def _history(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.versions import history

    events = history(studio, args.model)
    lines = [
        f"{e.at:%Y-%m-%d %H:%M:%S} {e.actor:<12} v{e.version} {e.action:<10} "
        f"{e.from_value or '—'} → {e.to_value or '—'}  {e.comment}"
        for e in events
    ]
    emit(args, {"name": args.model, "events": [e.to_json() for e in events]}, "\n".join(lines))
    return 0


def _card(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.lifecycle import edit_card

    fields = {
        k: getattr(args, k)
        for k in ("description", "intended_use", "limitations")
        if getattr(args, k) is not None
    }
    if not fields:
        raise InvalidInputError("Give --description, --intended-use or --limitations.")
    info = edit_card(studio, args.model, args.version, fields, studio.settings.user)
    emit(args, info.to_json(), f"Updated the card of {info.ref}.")
    return 0


def _predict(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.scoring import read_batch, score_frame

    path = Path(args.path)
    if not path.is_file():
        raise InvalidInputError(f"There is no file {args.path}.")
    out = Path(args.out)
    fmt = args.format or ("parquet" if out.suffix.lower() == ".parquet" else "csv")
    frame = read_batch(studio, path.read_bytes(), path.name, model=args.model)
    result = score_frame(studio, args.model, frame, path.name, studio.settings.user)
    out.write_bytes(result.to_bytes(fmt))
    for notice in result.notices:
        print(f"notice: {notice}", file=sys.stderr)
    document: dict[str, Any] = {
        "model": result.version.name,
        "version": result.version.version,
        "stage": result.version.stage,
        "rows": len(result.output),
        "out": str(out),
        "format": fmt,
        "columns": list(result.output.columns),
        "notices": result.notices,
        "batch_id": result.batch_id,
    }
    emit(
        args,
        document,
        f"Scored {len(result.output):,} rows with {result.version.ref}; wrote {out}.",
    )
    return 0


def register(nouns: Any) -> None:
    """Add `studio models ...` and `studio predict` to the parser."""
    models = nouns.add_parser("models", help="the model registry").add_subparsers(
        dest="verb", required=True
    )
    reg = command(models, "register", _register, "register a run's candidate as a model version")
    reg.add_argument("--run", type=int, required=True)
    reg.add_argument("--candidate", help="candidate name (default: the run's best)")
    reg.add_argument("--name", required=True, help="model name (created on first use)")
    reg.add_argument("--description")
    rows = reg.add_mutually_exclusive_group()
    rows.add_argument(
        "--refit-all-rows", action="store_true", default=None,
        help="the candidate fitted on all rows, holdout included, as the version's model (the "
        "holdout score stays the estimate, measured before that fit); the default for the "
        "candidate the run fitted on all rows itself, its best",
    )  # fmt: skip
    rows.add_argument(
        "--training-rows-only", action="store_false", dest="refit_all_rows",
        help="the candidate as the run fitted it, on the training rows only",
    )  # fmt: skip
    command(models, "list", _list, "models with their production and staging versions")
    command(models, "show", _show, "a model's versions (NAME or NAME@VERSION)").add_argument(
        "model"
    )
    for verb, handler in (("approve", _decide(True)), ("reject", _decide(False))):
        cmd = command(models, verb, handler, f"{verb} a version (approvers)")
        cmd.add_argument("model")
        cmd.add_argument("version", type=int)
        cmd.add_argument("--comment", required=True)
    promote = command(models, "promote", _promote, "move a version to a stage")
    promote.add_argument("model")
    promote.add_argument("version", type=int)
    promote.add_argument(
        "--stage", required=True, choices=["none", "staging", "production", "archived"]
    )
    promote.add_argument("--comment", required=True)
    command(models, "history", _history, "a model's audit history").add_argument("model")
    cut = command(models, "threshold", _threshold,
                  "save a binary version's decision threshold (approvers)")  # fmt: skip
    cut.add_argument("model")
    cut.add_argument("version", type=int)
    cut.add_argument(
        "--value",
        type=float,
        required=True,
        help="predict the positive class where its probability is at least this",
    )
    cut.add_argument("--comment", required=True)
    card = command(models, "card", _card, "edit a version's model card")
    card.add_argument("model")
    card.add_argument("version", type=int)
    for flag in ("--description", "--intended-use", "--limitations"):
        card.add_argument(flag)
    traffic_commands.register(models)
    predict = command(nouns, "predict", _predict, "score a file with a registered model")
    predict.add_argument("model", help="NAME (production), NAME@staging, NAME@production, NAME@N")
    predict.add_argument("path")
    predict.add_argument("--out", required=True)
    predict.add_argument("--format", choices=["csv", "parquet"], help="default: from --out")
