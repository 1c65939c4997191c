"""The printed report of ``benchmarks/autopilot_vs_anchors.py``: the table, the summary against
the issue's targets and each table's notes.

Results come as plain data (what ``--json`` writes): ``SystemResult`` per system and table,
``TableResult`` per table. Gaps compare each table's primary metric (ROC AUC for binary,
accuracy for multiclass, R² for regression); multiclass tables also show macro F1 on a second
row.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

SYSTEMS = ("studio", "flaml", "ag_medium", "ag_best")  # what --systems runs
# What the report shows: Studio's model (its best candidate registered as a user registers it,
# with the defaults: the fit on all rows the run made in its budget, else the candidate), the
# candidate itself as fitted on the training rows (what the fit on all rows bought), then the
# anchors.
SHOWN = ("studio", "studio_training", "flaml", "ag_medium", "ag_best")
SYSTEM_LABEL = {"studio": "Studio", "studio_training": "Studio training rows", "flaml": "FLAML",
                "ag_medium": "AG medium", "ag_best": "AG best"}  # fmt: skip
REPORTED = {"binary": ("roc_auc",), "multiclass": ("accuracy", "f1_macro"), "regression": ("r2",)}
METRIC_LABEL = {"roc_auc": "ROC AUC", "accuracy": "accuracy", "f1_macro": "macro F1", "r2": "R2"}
WHAT_IS_TIMED = {"studio": "runs (started to finished)",
                 "studio_training": "runs (started to finished)"}  # fmt: skip
NEAR = 0.005  # Studio >= better(FLAML, AG medium) - NEAR counts
FAR_BELOW_FLAML = 0.01  # Studio more than this below FLAML is a violation
WALL_TOLERANCE = 0.05  # a run's wall time within 5% of its budget
TARGET_NEAR = 9  # of 12 tables


@dataclass
class SystemResult:
    """One system on one table: test scores, wall seconds of its process (Studio: the worker;
    an anchor: its child, import to exit), seconds of the fit itself (Studio: run started to
    finished), the best model, remarks, an error (empty when it worked) and when it ran."""

    system: str
    scores: dict[str, float] = field(default_factory=dict)
    wall: float = math.nan
    fit: float = math.nan
    best: str = "-"
    notes: list[str] = field(default_factory=list)
    error: str = ""
    measured: str = ""


@dataclass
class TableResult:
    """Every system's result on one table."""

    name: str
    task: str
    rows: int
    train_rows: int
    systems: dict[str, SystemResult] = field(default_factory=dict)

    def score(self, system: str, metric: str) -> float | None:
        """A system's score (None when it did not run or failed)."""
        result = self.systems.get(system)
        return None if result is None else result.scores.get(metric)

    def primary(self) -> str:
        """The metric the gaps and the summary use."""
        return REPORTED[self.task][0]

    def gap(self, metric: str, *others: str, of: str = "studio") -> float | None:
        """``of`` (Studio) minus the best of ``others`` (those that have a score), or None."""
        studio = self.score(of, metric)
        scores = [s for s in (self.score(o, metric) for o in others) if s is not None]
        return None if studio is None or not scores else studio - max(scores)


HEADER = ("dataset", "task", "rows", "metric", "Studio", "S train rows", "FLAML", "AG medium",
          "AG best", "S-better(F,AGm)", "S-FLAML", "S-AG best", "Strain-better", "Studio s",
          "register s", "FLAML s", "AG med s", "AG best s")  # fmt: skip


def fmt(value: float | None, digits: int = 4, sign: bool = False) -> str:
    """A number for the table ('-' when missing)."""
    if value is None or math.isnan(value):
        return "-"
    return f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"


def table_rows(result: TableResult) -> list[list[str]]:
    """One row per reported metric of a table (two for multiclass: the second, macro F1,
    leaves the table's name and the wall seconds blank)."""
    walls = [fmt(result.systems[s].wall if s in result.systems else None, 1) for s in SHOWN]
    rows = []
    for i, metric in enumerate(REPORTED[result.task]):
        first = i == 0
        rows.append([
            *((result.name, result.task, f"{result.rows:,}") if first else ("", "", "")),
            METRIC_LABEL[metric],
            *(fmt(result.score(s, metric)) for s in SHOWN),
            fmt(result.gap(metric, "flaml", "ag_medium"), sign=True),
            fmt(result.gap(metric, "flaml"), sign=True),
            fmt(result.gap(metric, "ag_best"), sign=True),
            fmt(result.gap(metric, "flaml", "ag_medium", of="studio_training"), sign=True),
            *(walls if first else [""] * len(walls)),
        ])  # fmt: skip
    return rows


def print_table(header: tuple[str, ...], rows: list[list[str]]) -> None:
    """A plain, aligned, pipe-separated table (text left, numbers right)."""
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        cells = zip(row, widths, strict=True)
        line = " | ".join(c.ljust(w) if i < 4 else c.rjust(w) for i, (c, w) in enumerate(cells))
        print(line.rstrip())


def primary_gaps(results: list[TableResult], *others: str,
                 of: str = "studio") -> dict[str, float]:  # fmt: skip
    """Table name -> ``of``'s primary-metric gap to the best of ``others`` (where defined)."""
    gaps = {r.name: r.gap(r.primary(), *others, of=of) for r in results}
    return {name: gap for name, gap in gaps.items() if gap is not None}


def listing(gaps: dict[str, float]) -> str:
    """'name +0.0123, ...' worst first."""
    return ", ".join(f"{n} {g:+.4f}" for n, g in sorted(gaps.items(), key=lambda kv: kv[1]))


def print_summary(results: list[TableResult], budget: float) -> None:
    """The issue's targets: near the better anchor, never far below FLAML, budgets kept, and
    the distance to AutoGluon best_quality."""
    print()
    print("Summary (primary metric: ROC AUC binary, accuracy multiclass, R2 regression)")
    for of in ("studio", "studio_training"):
        print_targets(results, of)
    print_walls(results, budget)
    failed = [f"{SYSTEM_LABEL[s]} on {r.name}" for r in results
              for s, x in r.systems.items() if x.error]  # fmt: skip
    if failed:
        print(f"- Failed (no score; see the notes): {', '.join(failed)}.")
    best = primary_gaps(results, "ag_best")
    if best:
        values = list(best.values())
        worst = min(best, key=best.__getitem__)
        print(
            f"- Distance to AG best_quality (the next mark): median "
            f"{statistics.median(values):+.4f}, mean {statistics.fmean(values):+.4f}, worst "
            f"{worst} {best[worst]:+.4f}; Studio at or above it on "
            f"{sum(g >= 0 for g in values)} of {len(best)}."
        )


def print_targets(results: list[TableResult], of: str) -> None:
    """How ``of`` (Studio, or its candidate on the training rows) stands against the issue's
    targets: near the better of FLAML and AG medium_quality, never far below FLAML."""
    label = SYSTEM_LABEL[of]
    better = primary_gaps(results, "flaml", "ag_medium", of=of)
    if better:
        near = [n for n, g in better.items() if g >= -NEAR]
        print(f"- {label} within {NEAR} of the better of FLAML and AG medium_quality, or "
              f"above: {len(near)} of {len(better)} tables (target >= {TARGET_NEAR} of "
              "12).")  # fmt: skip
        below = {n: g for n, g in better.items() if g < -NEAR}
        if below:
            print(f"  below: {listing(below)}")
    flaml = primary_gaps(results, "flaml", of=of)
    if flaml:
        far = {n: g for n, g in flaml.items() if g < -FAR_BELOW_FLAML}
        print(f"- {label} more than {FAR_BELOW_FLAML} below FLAML: {len(far)} of {len(flaml)} "
              f"tables (target 0)" + (f": {listing(far)}" if far else "."))  # fmt: skip


def print_walls(results: list[TableResult], budget: float) -> None:
    """How many runs kept their budget (+5%): Studio's run (started to finished, as the run
    records it) and each anchor's fit call; then the processes' wall seconds, which add
    start-up, imports, prediction and exit."""
    limit = budget * (1 + WALL_TOLERANCE)
    for system in SHOWN:
        done = [r.systems[system] for r in results if system in r.systems]
        fits = {r.name: r.systems[system].fit for r in results if system in r.systems}
        fits = {n: t for n, t in fits.items() if not math.isnan(t)}
        if not fits:
            continue
        over = {n: t for n, t in fits.items() if t > limit}
        what = WHAT_IS_TIMED.get(system, "fit calls")
        walls = [s.wall for s in done if not math.isnan(s.wall)]
        print(
            f"- {SYSTEM_LABEL[system]} {what} within {WALL_TOLERANCE:.0%} of the budget "
            f"(<= {limit:.1f} s): {len(fits) - len(over)} of {len(fits)}, max "
            f"{max(fits.values()):.1f} s"
            + (f" (over: {', '.join(f'{n} {t:.1f} s' for n, t in over.items())})" if over else "")
            + (f"; process wall max {max(walls):.1f} s" if walls else "")
        )


def print_notes(results: list[TableResult]) -> None:
    """Per table: each system's best model, fit seconds and remarks (Studio's run events)."""
    print()
    print("Notes")
    for r in results:
        print(f"- {r.name}: {r.rows:,} rows ({r.train_rows:,} train), {r.task}")
        for system in SYSTEMS:
            s = r.systems.get(system)
            if s is None:
                continue
            head = f"FAILED: {s.error}" if s.error else f"best {s.best}, fit {fmt(s.fit, 1)} s"
            print(f"    {SYSTEM_LABEL[system]}: {head}")
            for note in s.notes:
                print(f"      {note}")
