"""One awkward file through the whole journey: add → plan → run → register → predict → monitor.

The file holds, at once, the shapes of issue 13's bug reports: a feature sorted by itself with
thousands separators (``income``, the signal), an amount named ``amount_paid``, true/false with
blanks, day-first dates, ISO timestamps with ``Z``, R's ``NA`` in a text column, infinite values,
integer store codes, an order number, in Windows-1252 with a ``€`` in the text. Every column
gets the type a person would give it, no step is an internal failure, and the holdout score
shows that the signal column was used.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from studio.autopilot.service import AutopilotRequest, launch_run, plan_run
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.monitor.service import monitor_frame
from studio.registry.register import register_candidate
from studio.registry.scoring import read_batch, score_frame
from studio.tracking import get_run
from tests.autopilot.test_runs import run_worker_once

EXPECTED_KINDS = {
    "order_no": "identifier", "income": "numeric", "amount_paid": "numeric",
    "member": "boolean", "signup": "datetime", "seen_at": "datetime", "region": "categorical",
    "ratio": "numeric", "store_code": "numeric", "note": "categorical",
}  # fmt: skip


def awkward_file(n: int = 500, seed: int = 0, target: bool = True) -> bytes:
    """The file as a user would attach it (cp1252, sorted by income)."""
    rng = np.random.default_rng(seed)
    income = np.sort(rng.choice(np.arange(15_000, 120_000), n, replace=False))
    member = rng.random(n) < 0.5
    logit = 3.0 * (income - income.mean()) / income.std() + 1.0 * member
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*EXPECTED_KINDS, *(["churned"] if target else [])])
    for i in range(n):
        writer.writerow([
            f"A{i:05d}-{rng.integers(10, 99)}" if i % 2 else f"B{i:05d}-{rng.integers(10, 99)}",
            f"{income[i]:,}",
            int(rng.integers(1, 500)),
            "" if i % 9 == 0 else ("True" if member[i] else "False"),
            f"{1 + i % 28:02d}/{1 + i % 12:02d}/2023",
            f"2024-05-{1 + i % 28:02d}T{i % 24:02d}:15:00Z",
            "NA" if i % 11 == 0 else ["north", "south", "east"][i % 3],
            "inf" if i % 50 == 0 else f"{rng.random():.3f}",
            [101, 205, 307, 412][i % 4],
            ["ok", "late €", "paid – early"][i % 3],
            *(["yes" if churned[i] else "no"] if target else []),
        ])  # fmt: skip
    return out.getvalue().encode("cp1252")


@pytest.mark.database
def test_an_awkward_file_goes_through_the_whole_journey(studio: Studio) -> None:
    added = add_dataset_version(studio, awkward_file(), "bug-report.csv", actor="t").version
    kinds = {c.name: c.kind for c in added.profile.column_profiles}
    assert {k: kinds[k] for k in EXPECTED_KINDS} == EXPECTED_KINDS
    assert added.ingest["encoding"] == "cp1252"
    notices = " ".join(added.notices)
    assert "'region'" in notices and "'ratio'" in notices and "'seen_at'" in notices
    assert added.profile.column("store_code").suggested_kind == "categorical"

    request = AutopilotRequest(
        dataset="bug-report", target="churned", budget_seconds=None, max_trials=3,
        families=["linear", "hgb"], top_k=1, column_types={"store_code": "categorical"},
    )  # fmt: skip
    plan = plan_run(studio, request)
    assert {"income", "amount_paid", "member", "signup", "seen_at", "ratio"} <= set(
        plan.columns.features
    )
    assert [c.name for c in plan.unused] == ["order_no"]
    run_id = launch_run(studio, request, actor="t")
    run_worker_once(studio)
    run = get_run(studio, run_id, events=0)
    assert run.status == "finished", run.message
    assert run.leaderboard[0].holdout["roc_auc"] > 0.85  # income carries it

    version = register_candidate(studio, run_id, "awkward", actor="t")
    content = awkward_file(120, seed=1)  # the target column included, blanks in 'member'
    frame = read_batch(studio, content, "batch.csv", model="awkward@1")
    scored = score_frame(studio, "awkward@1", frame, "batch.csv", actor="t")
    assert len(scored.output) == 120
    assert scored.output["order_no"].iloc[1].startswith("A00001")
    assert any("target column 'churned'" in n for n in scored.notices)
    assert version.input_schema["features"]
    result = monitor_frame(studio, "awkward@1", frame, actor="t")
    drift = {f.name: f.kind for f in result.overall.features}
    assert drift["store_code"] == "categorical" and drift["income"] == "numeric"
