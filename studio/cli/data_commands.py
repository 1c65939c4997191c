"""`studio data ...`, `studio demo` and `studio sweep`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from studio.cli.output import command, emit
from studio.context import Studio
from studio.errors import UserError

if TYPE_CHECKING:
    from studio.data.profile import ColumnProfile


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
    # What reading changed and what the profile found go to stderr, in text and JSON mode alike.
    for notice in info.notices:
        print(f"notice: {notice}", file=sys.stderr)
    for warning in info.profile.warnings:
        print(f"{warning.severity}: {warning.message}", file=sys.stderr)
    text = f"{verb} {info.ref}: {info.rows:,} rows x {info.columns} columns, sha256 {info.sha256}"
    document = info.summary() | {"created": result.created, "notices": list(info.notices)}
    emit(args, document, text)
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
    emit(args, document, "\n".join([header, *rows]) if rows else "No datasets yet.")
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
        f"{'COLUMN':<28} {'TYPE':<12} {'MISSING':>8} {'DISTINCT':>9}  WHY",
        *(
            f"{c.name[:28]:<28} {c.kind:<12} {c.missing_share:>8.1%} {c.distinct:>9,}  {_why(c)}"
            for c in profile.column_profiles
        ),
        "",
        *(f"notice: {n}" for n in info.notices),
        *(f"{w.severity}: {w.message}" for w in profile.warnings),
    ]
    emit(args, document, "\n".join(lines))
    return 0


def _why(column: ColumnProfile) -> str:
    """The reason for a column's kind, and the suggested kind if any."""
    if column.suggested_kind:
        return f"{column.reason} (maybe {column.suggested_kind}: {column.suggestion_reason})"
    return column.reason


def _data_delete(studio: Studio, args: argparse.Namespace) -> int:
    from studio.data.versions import delete_version

    info = delete_version(studio, args.ref, actor=studio.settings.user)
    emit(args, {"deleted": info.ref}, f"Deleted {info.ref}.")
    return 0


def _data_export(studio: Studio, args: argparse.Namespace) -> int:
    from studio.data.versions import get_version, load_frame
    from studio.escaping import to_safe_csv

    info = get_version(studio, args.ref)
    Path(args.out).write_bytes(to_safe_csv(load_frame(studio, info)))
    emit(args, {"ref": info.ref, "out": args.out}, f"Wrote {info.ref} to {args.out}.")
    return 0


def _demo(studio: Studio, args: argparse.Namespace) -> int:
    from studio.demo import load_demo

    results = load_demo(studio, actor=studio.settings.user)
    document = [r.version.summary() | {"created": r.created} for r in results]
    text = "\n".join(
        f"{'added' if r.created else 'present'}  {r.version.ref}: {r.version.rows:,} rows"
        for r in results
    )
    emit(args, document, text)
    return 0


def _sweep(studio: Studio, args: argparse.Namespace) -> int:
    from studio.maintenance import sweep_orphans

    removed = sweep_orphans(studio, grace_seconds=args.grace_seconds)
    emit(args, {"removed": removed}, f"Removed {len(removed)} orphaned file(s).")
    return 0


def register(nouns: argparse._SubParsersAction) -> None:
    """Add the data commands to the parser."""
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
