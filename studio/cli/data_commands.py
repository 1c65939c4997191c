"""`studio data ...`, `studio demo` and `studio sweep`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from studio.cli.output import command, emit, table
from studio.context import Studio
from studio.errors import UserError
from studio.i18n import _, format_number, format_percent, ngettext

if TYPE_CHECKING:
    from studio.data.profile import ColumnProfile


def _data_add(studio: Studio, args: argparse.Namespace) -> int:
    from studio.data.versions import add_dataset_version

    path = Path(args.path)
    if not path.is_file():
        raise UserError(_("There is no file at '{path}'.").format(path=args.path))
    result = add_dataset_version(
        studio, path.read_bytes(), path.name, name=args.name, actor=studio.settings.user
    )
    info = result.version
    # What reading changed and what the profile found go to stderr, in text and JSON mode alike.
    for notice in info.notices:
        print(f"notice: {notice}", file=sys.stderr)
    for warning in info.profile.warnings:
        print(f"{warning.severity}: {warning.message}", file=sys.stderr)
    sentence = (
        _("Added {ref}: {rows} rows x {columns} columns, sha256 {sha256}")
        if result.created
        else _("Unchanged (identical content): {ref}: {rows} rows x {columns} columns, "
               "sha256 {sha256}")
    )  # fmt: skip
    text = sentence.format(
        ref=info.ref, rows=format_number(info.rows), columns=info.columns, sha256=info.sha256
    )
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
    emit(args, document, _datasets_table(document) if document else _("No datasets yet."))
    return 0


def _datasets_table(document: list[dict]) -> str:
    """The datasets as an aligned table (Chinese headers and names line up)."""
    headers = [_("NAME"), _("VERSIONS"), _("LATEST"), _("ROWS"), _("COLUMNS")]
    rows = [
        [str(d["name"]), str(d["versions"]), str(d["latest"]), format_number(d["rows"]),
         str(d["columns"])]
        for d in document
    ]  # fmt: skip
    return table(headers, rows, (24, 8, 6, 12, 7), "<>>>>")


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
    headers = [_("COLUMN"), _("TYPE"), _("MISSING"), _("DISTINCT"), " " + _("WHY")]
    columns = [
        [c.name[:28], c.kind, format_percent(c.missing_share, digits=1),
         format_number(c.distinct), " " + _why(c)]
        for c in profile.column_profiles
    ]  # fmt: skip
    lines = [
        _("{ref}  ({source}, {format}, {size} bytes)").format(
            ref=info.ref,
            source=info.source_name,
            format=info.file_format,
            size=format_number(info.size_bytes),
        ),
        _("{rows} rows x {columns} columns, {duplicates} duplicate rows").format(
            rows=format_number(info.rows),
            columns=info.columns,
            duplicates=format_number(profile.duplicate_rows),
        ),
        "",
        table(headers, columns, (28, 12, 8, 9, 0), "<<>><"),
        "",
        *(f"notice: {n}" for n in info.notices),
        *(f"{w.severity}: {w.message}" for w in profile.warnings),
    ]
    emit(args, document, "\n".join(lines))
    return 0


def _why(column: ColumnProfile) -> str:
    """The reason for a column's kind, and the suggested kind if any."""
    if column.suggested_kind:
        return _("{reason} (maybe {kind}: {why})").format(
            reason=column.reason, kind=column.suggested_kind, why=column.suggestion_reason
        )
    return column.reason


def _data_delete(studio: Studio, args: argparse.Namespace) -> int:
    from studio.data.versions import delete_version

    info = delete_version(studio, args.ref, actor=studio.settings.user)
    emit(args, {"deleted": info.ref}, _("Deleted {ref}.").format(ref=info.ref))
    return 0


def _data_export(studio: Studio, args: argparse.Namespace) -> int:
    from studio.data.versions import get_version, load_frame
    from studio.escaping import to_safe_csv

    info = get_version(studio, args.ref)
    Path(args.out).write_bytes(to_safe_csv(load_frame(studio, info)))
    text = _("Wrote {ref} to {path}.").format(ref=info.ref, path=args.out)
    emit(args, {"ref": info.ref, "out": args.out}, text)
    return 0


def _demo(studio: Studio, args: argparse.Namespace) -> int:
    from studio.demo import load_demo

    results = load_demo(studio, actor=studio.settings.user)
    document = [r.version.summary() | {"created": r.created} for r in results]
    added, present = _("added  {ref}: {rows} rows"), _("present  {ref}: {rows} rows")
    text = "\n".join(
        (added if r.created else present).format(
            ref=r.version.ref, rows=format_number(r.version.rows)
        )
        for r in results
    )
    emit(args, document, text)
    return 0


def _sweep(studio: Studio, args: argparse.Namespace) -> int:
    from studio.maintenance import sweep_orphans

    removed = sweep_orphans(studio, grace_seconds=args.grace_seconds)
    sentence = ngettext(
        "Removed {count} orphaned file.", "Removed {count} orphaned files.", len(removed)
    )
    emit(args, {"removed": removed}, sentence.format(count=format_number(len(removed))))
    return 0


def register(nouns: argparse._SubParsersAction) -> None:
    """Add the data commands to the parser."""
    data = nouns.add_parser("data", help=_("datasets and their versions")).add_subparsers(
        dest="verb", required=True
    )
    add = command(data, "add", _data_add, _("add a file as a new dataset version"))
    add.add_argument("path")
    add.add_argument("--name", help=_("dataset name (default: the file name without extension)"))
    command(data, "list", _data_list, _("list datasets"))
    command(data, "show", _data_show, _("show a version's profile")).add_argument("ref")
    command(data, "delete", _data_delete, _("delete a dataset version")).add_argument("ref")
    export = command(data, "export", _data_export, _("export a version as spreadsheet-safe CSV"))
    export.add_argument("ref")
    export.add_argument("--out", required=True)
    command(nouns, "demo", _demo, _("load the demo datasets"))
    sweep = command(nouns, "sweep", _sweep, _("delete artifact files that no row references"))
    sweep.add_argument("--grace-seconds", type=float, default=3600.0)
