"""Stakeholder reports as standalone HTML bytes, and written to a file."""

from __future__ import annotations

from studio.business.value import CostMatrix
from studio.context import Studio
from studio.reports.builders import compare_report, model_report
from studio.reports.drift import drift_report_document
from studio.reports.html import render_html


def compare_html(
    studio: Studio, refs: list[str | int], actor: str, matrix: CostMatrix | None = None,
    tolerance: float = 0.1, relative: bool = True,
) -> bytes:  # fmt: skip
    """The comparison report of candidates ``refs`` as HTML."""
    return render_html(compare_report(studio, refs, actor, matrix, tolerance, relative))


def model_html(
    studio: Studio, ref: str, actor: str, matrix: CostMatrix | None = None,
    tolerance: float = 0.1, relative: bool = True,
) -> bytes:  # fmt: skip
    """The model card report of the version ``ref`` names as HTML."""
    return render_html(model_report(studio, ref, actor, matrix, tolerance, relative))


def drift_html(studio: Studio, ref: str, actor: str) -> bytes:
    """The drift report of the version ``ref`` names as HTML."""
    return render_html(drift_report_document(studio, ref, actor))
