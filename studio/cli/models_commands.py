"""`studio models register|list|show|approve|reject|promote|history|card` and `studio predict`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from studio.cli import traffic_commands
from studio.cli.output import command, emit, pad, table
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.i18n import N_, _, format_number

# What `promote` says, per stage the version lands in (stages stay English in JSON and flags).
PROMOTED = {
    "none": N_("{ref} is now in none."),
    "staging": N_("{ref} is now in staging."),
    "production": N_("{ref} is now in production."),
    "archived": N_("{ref} is now in archived."),
}


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
    text = _("Registered {ref} from run {run} ({candidate}).").format(
        ref=info.ref, run=args.run, candidate=info.candidate_name
    )
    emit(args, info.to_json(), f"{text} {info.training_note}".strip())
    return 0


def _list(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.versions import list_models

    models = list_models(studio)
    headers = [_("MODEL"), _("VERSIONS"), _("PRODUCTION"), _("STAGING"), _("TASK"), _("TARGET")]
    rows = [
        [m.name[:24], str(m.versions), "—" if m.production is None else f"v{m.production}",
         ",".join(map(str, m.staging)) or "—", m.task, m.target]
        for m in models
    ]  # fmt: skip
    text = table(headers, rows, (24, 8, 10, 10, 10, 0), "<>><<<")
    if not models:
        text = _("No models yet; 'studio models register --run RUN --name NAME' adds one.")
    emit(args, {"models": [m.to_json() for m in models]}, text)
    return 0


def _show(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.versions import list_versions, parse_ref

    name, which = parse_ref(args.model)
    versions = list_versions(studio, name)
    if which is not None:
        from studio.registry.versions import get_version

        versions = [get_version(studio, args.model)]
    headers = [_("VERSION"), _("STAGE"), _("APPROVAL"), _("CANDIDATE"), _("METRIC"),
               _("HOLDOUT"), _("REGISTERED"), _("BY")]  # fmt: skip
    rows = []
    for v in versions:
        score = v.metrics.get("holdout", {}).get(v.metric)
        rows.append([
            str(v.version), v.stage, v.approval, v.candidate_name[:20], v.metric,
            "—" if score is None else f"{score:.4f}", f"{v.created_at:%Y-%m-%d %H:%M}",
            v.created_by,
        ])  # fmt: skip
    lines = [table(headers, rows, (7, 11, 9, 20, 9, 8, 16, 0), "><<<<><<")]
    if which is not None and versions[0].training_note:
        lines.append(versions[0].training_note)
    lines += [f"v{v.version}: {line}" for v in versions if (line := _decision(v))]
    emit(args, {"name": name, "versions": [v.to_json() for v in versions]}, "\n".join(lines))
    return 0


def _decision(v) -> str:  # noqa: ANN001 (a VersionInfo)
    """How a binary version turns probabilities into labels ("" for other tasks)."""
    if v.positive_class is None:
        return ""
    if v.decision_threshold is None:
        return _("positive class '{label}', decision threshold 0.5 (none saved).").format(
            label=v.positive_class
        )
    return _("positive class '{label}', decision threshold {cut}.").format(
        label=v.positive_class, cut=f"{v.decision_threshold:g}"
    )


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
        said = _("{ref} is approved.") if approve else _("{ref} is rejected.")
        emit(args, info.to_json(), said.format(ref=info.ref))
        return 0

    return handler


def _promote(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.lifecycle import promote

    info = promote(
        studio, args.model, args.version, args.stage, args.comment or "", studio.settings.user
    )
    said = _(PROMOTED[info.stage]) if info.stage in PROMOTED else "{ref}: {stage}"
    emit(args, info.to_json(), said.format(ref=info.ref, stage=info.stage))
    return 0


def _history(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.versions import history

    events = history(studio, args.model)
    lines = [
        f"{e.at:%Y-%m-%d %H:%M:%S} {pad(e.actor, 12)} v{e.version} {e.action:<10} "
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
        raise InvalidInputError(_("Give --description, --intended-use or --limitations."))
    info = edit_card(studio, args.model, args.version, fields, studio.settings.user)
    emit(args, info.to_json(), _("Updated the card of {ref}.").format(ref=info.ref))
    return 0


def _predict(studio: Studio, args: argparse.Namespace) -> int:
    from studio.registry.scoring import read_batch, score_frame

    path = Path(args.path)
    if not path.is_file():
        raise InvalidInputError(_("There is no file {path}.").format(path=args.path))
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
    text = _("Scored {rows} rows with {ref}; wrote {path}.").format(
        rows=format_number(len(result.output)), ref=result.version.ref, path=out
    )
    emit(args, document, text)
    return 0


def register(nouns: Any) -> None:
    """Add `studio models ...` and `studio predict` to the parser."""
    models = nouns.add_parser("models", help=_("the model registry")).add_subparsers(
        dest="verb", required=True
    )
    reg = command(
        models, "register", _register, _("register a run's candidate as a model version")
    )
    reg.add_argument("--run", type=int, required=True)
    reg.add_argument("--candidate", help=_("candidate name (default: the run's best)"))
    reg.add_argument("--name", required=True, help=_("model name (created on first use)"))
    reg.add_argument("--description")
    rows = reg.add_mutually_exclusive_group()
    rows.add_argument(
        "--refit-all-rows", action="store_true", default=None,
        help=_("the candidate fitted on all rows, holdout included, as the version's model (the "
               "holdout score stays the estimate, measured before that fit); the default for "
               "the candidate the run fitted on all rows itself, its best"),
    )  # fmt: skip
    rows.add_argument(
        "--training-rows-only", action="store_false", dest="refit_all_rows",
        help=_("the candidate as the run fitted it, on the training rows only"),
    )  # fmt: skip
    command(models, "list", _list, _("models with their production and staging versions"))
    command(models, "show", _show, _("a model's versions (NAME or NAME@VERSION)")).add_argument(
        "model"
    )
    decisions = (
        ("approve", _decide(True), N_("approve a version (approvers)")),
        ("reject", _decide(False), N_("reject a version (approvers)")),
    )
    for verb, handler, help_ in decisions:
        cmd = command(models, verb, handler, _(help_))
        cmd.add_argument("model")
        cmd.add_argument("version", type=int)
        cmd.add_argument("--comment", required=True)
    promote = command(models, "promote", _promote, _("move a version to a stage"))
    promote.add_argument("model")
    promote.add_argument("version", type=int)
    promote.add_argument(
        "--stage", required=True, choices=["none", "staging", "production", "archived"]
    )
    promote.add_argument("--comment", required=True)
    command(models, "history", _history, _("a model's audit history")).add_argument("model")
    cut = command(models, "threshold", _threshold,
                  _("save a binary version's decision threshold (approvers)"))  # fmt: skip
    cut.add_argument("model")
    cut.add_argument("version", type=int)
    cut.add_argument(
        "--value",
        type=float,
        required=True,
        help=_("predict the positive class where its probability is at least this"),
    )
    cut.add_argument("--comment", required=True)
    card = command(models, "card", _card, _("edit a version's model card"))
    card.add_argument("model")
    card.add_argument("version", type=int)
    for flag in ("--description", "--intended-use", "--limitations"):
        card.add_argument(flag)
    traffic_commands.register(models)
    predict = command(nouns, "predict", _predict, _("score a file with a registered model"))
    predict.add_argument(
        "model", help=_("NAME (production), NAME@staging, NAME@production, NAME@N")
    )
    predict.add_argument("path")
    predict.add_argument("--out", required=True)
    predict.add_argument("--format", choices=["csv", "parquet"], help=_("default: from --out"))
