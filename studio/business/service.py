"""The business view of candidates named by the user, or of a registered model version."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import func, select

from studio.business.summary import BusinessView, build_view
from studio.business.value import CostMatrix
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Candidate
from studio.errors import ConflictError, InvalidInputError, NotFoundError
from studio.experiments.compare import check_comparable, load_entries
from studio.experiments.runs import RunFilter, list_runs
from studio.i18n import N_, _
from studio.registry.versions import get_version
from studio.tracking import get_run

VALUED_STATUSES = ("finished", "stopped")  # a stopped run keeps its candidates
# Run statuses as people read them (the stored values stay English).
STATUS_NAMES = {
    "queued": N_("queued"), "running": N_("running"), "stopping": N_("stopping"),
    "finalizing": N_("finalizing"), "finished": N_("finished"), "stopped": N_("stopped"),
    "failed": N_("failed"),
}  # fmt: skip


def status_name(status: str) -> str:
    """A run status in the current language (an unknown one as stored)."""
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


@dataclass(frozen=True)
class ValuedRun:
    """A run whose candidates the Business page can value."""

    id: int
    dataset: str
    target: str
    task: str
    status: str

    @property
    def label(self) -> str:
        """``run 3 · churn@1 → churn`` (with the status when it did not finish)."""
        values = {"id": self.id, "dataset": self.dataset, "target": self.target}
        if self.status == "finished":
            return _("run {id} · {dataset} → {target}").format(**values)
        status = status_name(self.status)
        return _("run {id} · {dataset} → {target} ({status})").format(**values, status=status)


def valued_runs(studio: Studio, asked: int | None = None) -> list[ValuedRun]:
    """Finished and stopped runs, newest first (at most 100), plus the run ``asked`` (a link's
    ``?run=``) when it is another one that has candidates.

    Raises NotFoundError ("Run 99 does not exist.") or ConflictError ("Run 4 has no candidates
    yet.") when ``asked`` names a run that cannot be shown, so a link never shows another run.
    """
    page = list_runs(studio, RunFilter(statuses=VALUED_STATUSES, page_size=100))
    runs = [ValuedRun(r.id, r.dataset, r.target, r.task, r.status) for r in page.rows]
    if asked is None or any(r.id == asked for r in runs):
        return runs
    try:
        run = get_run(studio, asked, events=0)
    except NotFoundError:
        raise NotFoundError(_("Run {run} does not exist.").format(run=asked)) from None
    if not _candidate_count(studio, asked):
        status = status_name(run.status)
        if run.is_active:
            text = _(
                "Run {run} has no candidates yet: it is {status}, and its candidates can be "
                "valued once it has made them."
            )
        else:
            text = _("Run {run} has no candidates ({status}), so there is nothing to value.")
        raise ConflictError(text.format(run=asked, status=status))
    return [ValuedRun(run.id, run.dataset, run.target, run.task, run.status), *runs]


def _candidate_count(studio: Studio, run_id: int) -> int:
    with session_scope(studio.engine) as session:
        query = select(func.count()).select_from(Candidate).where(Candidate.run_id == run_id)
        return int(session.exec(query).one())


def business_view(
    studio: Studio,
    refs: list[str | int],
    matrix: CostMatrix | None = None,
    tolerance: float = 0.1,
    relative: bool = True,
) -> BusinessView:
    """One candidate, or up to eight comparable ones (ids or RUN:NAME), in business terms."""
    if not refs:
        raise InvalidInputError(_("Pick at least one candidate."))
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
            _(
                "{version} was not registered from a run's candidate, so there are no holdout "
                "diagnostics to value."
            ).format(version=version.ref)
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
    with session_scope(studio.engine) as session:
        query = select(Candidate.id).where(Candidate.run_id == run_id)
        own = set(session.exec(query).all())
    kept = [(cid, label) for cid, label in options if cid in valued]
    return sorted(kept, key=lambda o: o[0] not in own)
