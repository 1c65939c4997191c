"""The Business view as a link: every choice that changes what is shown, read from and written
to query parameters, so a shared URL reproduces the same analysis in a new tab.

Parameters: ``run`` and ``candidates`` (ids, comma-separated), or ``model`` and ``version``
(``production``, ``staging`` or a number); the values ``tp``, ``fp``, ``fn``, ``tn``,
``population`` and ``unit`` (binary) or ``tolerance`` and ``relative`` (regression). The page
binds ``present`` (presentation mode) itself. A malformed value is refused with one sentence
that names it, never silently replaced by a default.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from studio.business.value import CostMatrix
from studio.errors import InvalidInputError
from studio.i18n import N_, _

VALUE_KEYS = ("tp", "fp", "fn", "tn")
KEYS = ("run", "candidates", "model", "version", *VALUE_KEYS, "population", "unit",
        "tolerance", "relative")  # fmt: skip


@dataclass(frozen=True)
class BusinessLink:
    """What a Business link asks for; None where the link says nothing (the page's default)."""

    run: int | None = None
    candidates: tuple[int, ...] = ()
    model: str | None = None
    version: str | None = None
    values: dict[str, float] | None = None  # tp, fp, fn, tn given in the link
    population: int | None = None
    unit: str | None = None
    tolerance: float | None = None
    relative: bool | None = None

    def matrix(self) -> CostMatrix:
        """The link's values over the defaults (the page's inputs start from these)."""
        given = dict(self.values or {})
        if self.population is not None:
            given["population"] = self.population
        if self.unit is not None:
            given["unit"] = self.unit
        return CostMatrix(**given)


def read_link(params: Mapping[str, str]) -> BusinessLink:
    """The link in ``params`` (query parameters); InvalidInputError names a malformed one."""
    values = {k: _number(params, k) for k in VALUE_KEYS if params.get(k, "") != ""}
    population = _whole(params, "population") if params.get("population") else None
    relative = params.get("relative")
    if relative not in (None, "", "true", "false"):
        raise _bad("relative", relative, N_("true or false"))
    return BusinessLink(
        run=_whole(params, "run") if params.get("run") else None,
        candidates=_ids(params.get("candidates", "")),
        model=params.get("model") or None,
        version=params.get("version") or None,
        values=values or None,
        population=population,
        unit=params.get("unit") or None,
        tolerance=_number(params, "tolerance") if params.get("tolerance") else None,
        relative=None if not relative else relative == "true",
    )


def candidate_params(run_id: int, candidate_ids: list[int]) -> dict[str, str | None]:
    """The link's part that names candidates of a run (and no model)."""
    ids = ",".join(str(c) for c in candidate_ids)
    return {"run": str(run_id), "candidates": ids, "model": None, "version": None}


def value_params(
    task: str, matrix: CostMatrix, tolerance: float, relative: bool
) -> dict[str, str | None]:
    """The link's part that holds the values the view was computed with (all of them, so the
    link shows the same figures even if the page's defaults change)."""
    binary, regression = task == "binary", task == "regression"
    out: dict[str, str | None] = {
        k: _text(getattr(matrix, k)) if binary else None for k in VALUE_KEYS
    }
    out["population"] = str(matrix.population) if binary else None
    out["unit"] = matrix.unit if binary else None
    out["tolerance"] = _text(tolerance) if regression else None
    out["relative"] = ("true" if relative else "false") if regression else None
    return out


def _text(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else repr(float(value))


def _number(params: Mapping[str, str], key: str) -> float:
    raw = params.get(key, "")
    try:
        value = float(raw)
    except ValueError:
        raise _bad(key, raw, N_("a number")) from None
    if not math.isfinite(value):
        raise _bad(key, raw, N_("a finite number"))
    return value


def _whole(params: Mapping[str, str], key: str) -> int:
    raw = params.get(key, "")
    if not raw.isdigit():
        raise _bad(key, raw, N_("a whole number"))
    return int(raw)


def _ids(raw: str) -> tuple[int, ...]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if any(not p.isdigit() for p in parts):
        raise _bad("candidates", raw, N_("candidate ids separated by commas"))
    return tuple(int(p) for p in parts)


def _bad(key: str, raw: str, wanted: str) -> InvalidInputError:
    """The error for a malformed parameter; ``wanted`` is an N_() phrase, translated here."""
    return InvalidInputError(
        _(
            "The link's {param} is not {wanted}; correct the link or open the Business page "
            "without it."
        ).format(param=f"{key}={raw!r}", wanted=_(wanted))
    )
