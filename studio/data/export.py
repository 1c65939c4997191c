"""CSV export that is safe to open in a spreadsheet: kept for older imports; the one helper is
``studio.escaping`` (header row and cells alike)."""

from __future__ import annotations

from studio.escaping import FORMULA_PREFIXES, spreadsheet_safe, to_safe_csv

neutralise_formulas = spreadsheet_safe

__all__ = ["FORMULA_PREFIXES", "neutralise_formulas", "spreadsheet_safe", "to_safe_csv"]
