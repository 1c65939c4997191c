"""The business view of candidates named by the user, or of a registered model version."""

from __future__ import annotations

from studio.business.summary import BusinessView, build_view
from studio.business.value import CostMatrix
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.experiments.compare import check_comparable, load_entries
from studio.registry.versions import get_version


def business_view(
    studio: Studio,
    refs: list[str | int],
    matrix: CostMatrix | None = None,
    tolerance: float = 0.1,
    relative: bool = True,
) -> BusinessView:
    """One candidate, or up to eight comparable ones (ids or RUN:NAME), in business terms."""
    if not refs:
        raise InvalidInputError("Pick at least one candidate.")
    entries = load_entries(studio, refs)
    if len(entries) > 1:
        check_comparable(entries)
    return build_view(entries, matrix, tolerance, relative)


def model_view(
    studio: Studio,
    ref: str,
    matrix: CostMatrix | None = None,
    tolerance: float = 0.1,
    relative: bool = True,
) -> BusinessView:
    """A registered version (``NAME``, ``NAME@staging``, ``NAME@3``) in business terms."""
    version = get_version(studio, ref)
    if not version.candidate_id:
        raise InvalidInputError(
            f"{version.ref} was not registered from a run's candidate, so there are no holdout "
            "diagnostics to value."
        )
    entries = load_entries(studio, [version.candidate_id])
    return build_view(entries, matrix, tolerance, relative, names=[version.ref])


def candidate_choices(studio: Studio, run_id: int) -> list[tuple[int, str]]:
    """Candidates comparable with run ``run_id``'s (same data, target and task) that have
    stored holdout diagnostics, as (id, label); the run's own first."""
    from studio.experiments.compare import comparable_candidates
    from studio.experiments.detail import diagnostics_for

    options = comparable_candidates(studio, run_id)
    valued = diagnostics_for(studio, [cid for cid, _ in options])
    own = f"run {run_id} ·"
    kept = [(cid, label) for cid, label in options if cid in valued]
    return sorted(kept, key=lambda o: not o[1].startswith(own))
