"""`studio report compare|model|drift`: standalone HTML reports for stakeholders."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studio.cli.output import command, emit
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.i18n import N_, _


def matrix_from_args(args: argparse.Namespace) -> Any:
    """The values given (the unset ones at CostMatrix's defaults, as --help says), or None when
    none was given: the report then shows no money rather than pricing with defaults."""
    from studio.business.value import CostMatrix

    given = {k: getattr(args, k) for k in ("tp", "fp", "fn", "tn", "population", "unit")}
    if all(v is None for v in given.values()):
        return None
    return CostMatrix(**{k: v for k, v in given.items() if v is not None})


def _target(args: argparse.Namespace) -> Path:
    path = Path(args.html)
    if path.suffix.lower() not in (".html", ".htm"):
        raise InvalidInputError(
            _("--html must name an .html file, not '{path}'.").format(path=args.html)
        )
    return path


def _save(args: argparse.Namespace, report: Any, sentence: str) -> int:
    """Write ``report``; ``sentence`` (marked with N_) says what was written where."""
    from studio.reports.html import save_report

    path = _target(args)
    size = save_report(report, path)
    text = _(sentence).format(path=path, size=f"{size / 1e6:.1f}")
    emit(args, {"path": str(path), "bytes": size}, text)
    return 0


def _compare(studio: Studio, args: argparse.Namespace) -> int:
    from studio.reports.builders import compare_report

    _target(args)
    report = compare_report(
        studio, list(args.candidates), studio.settings.user, matrix_from_args(args),
        args.tolerance, not args.absolute,
    )  # fmt: skip
    return _save(args, report, N_("Wrote the comparison report to {path} ({size} MB); it "
                                  "opens offline in any browser."))  # fmt: skip


def _model(studio: Studio, args: argparse.Namespace) -> int:
    from studio.reports.builders import model_report

    _target(args)
    report = model_report(
        studio,
        args.model,
        studio.settings.user,
        matrix_from_args(args),
        args.tolerance,
        not args.absolute,
    )
    return _save(args, report, N_("Wrote the model card report to {path} ({size} MB); it "
                                  "opens offline in any browser."))  # fmt: skip


def _drift(studio: Studio, args: argparse.Namespace) -> int:
    from studio.reports.drift import drift_report_document

    _target(args)
    return _save(args, drift_report_document(studio, args.model, studio.settings.user),
                 N_("Wrote the drift report to {path} ({size} MB); it opens offline in any "
                    "browser."))  # fmt: skip


def _values(cmd: argparse.ArgumentParser) -> None:
    group = add_matrix_options(cmd, N_("a report shows no money"))
    group.add_argument("--tolerance", type=float, default=0.1,
                       help=_("regression: share of the actual value (0.1 = ±10%%)"))  # fmt: skip
    group.add_argument("--absolute", action="store_true",
                       help=_("regression: the tolerance is in the target's units"))  # fmt: skip


def add_matrix_options(cmd: argparse.ArgumentParser, without: str) -> Any:
    """The cost-matrix options (``matrix_from_args`` reads them); ``without`` (marked with N_)
    says what happens when none is given. Returns the argument group."""
    group = cmd.add_argument_group(
        _(
            "business values (binary: per case; without any of them {without}; regression: "
            "tolerance)"
        ).format(without=_(without))
    )
    group.add_argument("--tp", type=float, help=_("value of a true positive (default 100)"))
    group.add_argument("--fp", type=float, help=_("value of a false positive (default -20)"))
    group.add_argument("--fn", type=float, help=_("value of a false negative (default 0)"))
    group.add_argument("--tn", type=float, help=_("value of a true negative (default 0)"))
    group.add_argument("--population", type=int, help=_("cases the model decides (default 10000)"))
    group.add_argument("--unit", help=_("currency or unit, e.g. EUR or hours (default $)"))
    return group


def register(nouns: Any) -> None:
    """Add `studio report ...` to the parser."""
    report = nouns.add_parser("report", help=_("standalone HTML reports")).add_subparsers(
        dest="verb", required=True
    )
    compare = command(report, "compare", _compare, _("compare candidates in business terms"))
    compare.add_argument("candidates", nargs="+", help=_("candidate ids or RUN:NAME (1 to 8)"))
    compare.add_argument("--html", required=True, help=_("the file to write"))
    _values(compare)
    model = command(report, "model", _model, _("a registered model's card"))
    model.add_argument("model", help=_("NAME (production), NAME@staging, NAME@N"))
    model.add_argument("--html", required=True)
    _values(model)
    drift = command(report, "drift", _drift, _("a model's drift: newest check and over time"))
    drift.add_argument("model", help=_("NAME (production), NAME@staging, NAME@N"))
    drift.add_argument("--html", required=True)
