"""Monitoring schedules and scheduled checks, driven by an explicit clock: due times, one
claim per due check, a missed stretch run once, and what each check records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from studio.context import Studio
from studio.errors import InvalidInputError, NotFoundError
from studio.monitor.batches import attach_labels
from studio.monitor.checks import claim_due_check, list_checks, run_due_checks
from studio.monitor.schedules import (
    list_schedules,
    next_due,
    parse_every,
    set_schedule,
    stop_schedule,
)
from studio.registry.scoring import score_frame
from tests.autopilot.conftest import churn_like

T0 = datetime(2026, 3, 2, 9, 7, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("every", "cron", "after", "expected"),
    [
        ("15m", None, T0, T0 + timedelta(minutes=15)),
        ("1h", None, T0, T0 + timedelta(hours=1)),
        ("1d", None, T0, T0 + timedelta(days=1)),
        (None, "*/15 * * * *", T0, datetime(2026, 3, 2, 9, 15, tzinfo=UTC)),
        (None, "0 7 * * 1-5", T0, datetime(2026, 3, 3, 7, 0, tzinfo=UTC)),
        (None, "0 7 * * 1-5", datetime(2026, 3, 6, 8, tzinfo=UTC),
         datetime(2026, 3, 9, 7, 0, tzinfo=UTC)),  # Friday after 7:00 → Monday
    ],
)  # fmt: skip
def test_the_next_due_time_is_the_first_slot_after_now(
    every: str | None, cron: str | None, after: datetime, expected: datetime
) -> None:
    """Periods add to now; cron expressions are read in UTC."""
    seconds = parse_every(every) if every else None
    assert next_due(seconds, cron or "", after) == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"every": "15x"}, "is not a period"),
        ({"every": "0m"}, "at most once a minute"),
        ({"cron": "0 7 * *"}, "is not a cron expression"),
        ({"cron": "61 * * * *"}, "is not a cron expression"),
        ({"every": "1h", "cron": "* * * * *"}, "not both"),
        ({}, "Give either"),
        ({"every": "1h", "window": "1M"}, "is not a window"),
    ],
)
def test_bad_schedules_are_refused(registered: Studio, kwargs: dict, message: str) -> None:
    """Each mistake names what was wrong and what is allowed; nothing is stored."""
    with pytest.raises(InvalidInputError, match=message):
        set_schedule(registered, "m", "ana", **kwargs)
    assert list_schedules(registered) == []


def test_an_unknown_model_cannot_be_scheduled(registered: Studio) -> None:
    with pytest.raises(NotFoundError):
        set_schedule(registered, "nope", "ana", every="1h")


def _score(studio: Studio, rows: pd.DataFrame, name: str) -> int:
    return score_frame(studio, "m@1", rows.drop(columns=["churn"]), name, "ana").batch_id


def test_a_check_covers_the_batches_since_the_last_one_and_stores_what_decided_it(
    registered: Studio,
) -> None:
    """Due at T0+1h: the check covers batches 1-2 (drift per batch), the next only batch 3;
    labels joined between them give the realised metric; a check with nothing new says so."""
    set_schedule(registered, "m", "ana", every="1h", now=T0)
    assert run_due_checks(registered, "w1", now=T0 + timedelta(minutes=59)) == []
    first_rows = churn_like(200, seed=3)
    b1, b2 = _score(registered, first_rows, "a.csv"), _score(registered, churn_like(200, 4), "b")
    [first] = run_due_checks(registered, "w1", now=T0 + timedelta(hours=1))
    assert first.status == "done", first
    assert first.version == 1
    assert first.inputs["batches"] == [b1, b2] and first.inputs["window"] == "batch"
    assert first.inputs["actor"] == "ana"
    drift = first.results["drift"]
    assert [w["window"] for w in drift["windows"]] == [f"#{b1} a.csv", f"#{b2} b"]
    assert set(drift["features"]) >= {"tenure", "plan"}
    assert "metric" not in first.results
    b3 = _score(registered, churn_like(200, seed=5), "c.csv")
    attach_labels(registered, b1, first_rows[["customer_id", "churn"]], "customer_id", "ana")
    [second] = run_due_checks(registered, "w2", now=T0 + timedelta(hours=2))
    assert second.inputs["batches"] == [b3] and second.inputs["labelled_batches"] == [b1]
    assert second.results["metric"]["rows"] == 200
    assert second.results["metric"]["metric"] == "roc_auc"
    [third] = run_due_checks(registered, "w2", now=T0 + timedelta(hours=3))
    assert third.status == "no data" and "drift" not in third.results
    assert [c.id for c in list_checks(registered, "m")] == [third.id, second.id, first.id]


def test_a_check_missed_while_no_worker_ran_runs_once(registered: Studio) -> None:
    """Three days without a worker on an hourly schedule: one check, then the next hour's."""
    set_schedule(registered, "m", "ana", every="1h", now=T0)
    later = T0 + timedelta(days=3, minutes=30)
    assert len(run_due_checks(registered, "w1", now=later)) == 1
    assert run_due_checks(registered, "w1", now=later + timedelta(minutes=29)) == []
    [schedule] = list_schedules(registered)
    assert schedule.next_due_at == later + timedelta(hours=1)
    assert len(run_due_checks(registered, "w1", now=later + timedelta(hours=1))) == 1


def test_a_schedule_turned_off_runs_nothing(registered: Studio) -> None:
    set_schedule(registered, "m", "ana", every="15m", now=T0)
    stop_schedule(registered, "m", "ana")
    assert run_due_checks(registered, "w1", now=T0 + timedelta(days=1)) == []
    assert list_schedules(registered)[0].cadence == "off"


@pytest.mark.database
def test_two_workers_racing_for_one_due_check_run_it_once(registered: Studio) -> None:
    """Both workers read the due schedule before either claims it (two sessions, two
    connections): the compare-and-set lets the first claim win and the second find nothing."""
    from sqlmodel import Session, select

    from studio.db.models import MonitorSchedule
    from studio.monitor.claims import _claim_one

    set_schedule(registered, "m", "ana", every="1h", now=T0)
    due = T0 + timedelta(hours=1)
    with Session(registered.engine) as one, Session(registered.engine) as two:
        seen = [s.exec(select(MonitorSchedule)).one() for s in (one, two)]
        won_first = _claim_one(one, seen[0], "w1", due)
        one.commit()
        won_second = _claim_one(two, seen[1], "w2", due)
        two.commit()
    assert won_first and not won_second
    assert [c.worker_id for c in list_checks(registered, "m")] == ["w1"]
    assert claim_due_check(registered, "w2", due) is None


@pytest.mark.database
def test_two_worker_processes_run_a_due_check_once(registered: Studio, backend: str) -> None:
    """Two real `studio worker --once` processes start together on an overdue schedule: one
    check is stored, run in a worker's forked child, covering the logged batch. On PostgreSQL,
    the team set-up where several workers share one store."""
    if backend != "postgresql":
        pytest.skip("several workers on one store is the team (PostgreSQL) set-up")
    from studio.db.models import utcnow
    from tests.waits import HANG_GUARD_SECONDS
    from tests.workers import worker_process

    batch = _score(registered, churn_like(200, seed=3), "a.csv")
    set_schedule(registered, "m", "ana", every="1h", now=utcnow() - timedelta(hours=5))
    workers = [worker_process(registered, "--once") for _ in range(2)]
    assert [w.wait(timeout=HANG_GUARD_SECONDS) for w in workers] == [0, 0]
    [check] = list_checks(registered, "m")
    assert check.status == "done", check.error
    assert check.inputs["batches"] == [batch] and "drift" in check.results


def test_a_check_whose_worker_died_is_failed_by_the_sweep(registered: Studio) -> None:
    """A worker that claimed a check and stopped beating: its check becomes failed; a check
    run from the command line (no worker row) is left alone."""
    from studio.jobs.queue import register_worker, retire_worker
    from studio.monitor.checks import fail_stale_checks, get_check

    set_schedule(registered, "m", "ana", every="1h", now=T0)
    register_worker(registered, "dead")
    dead = claim_due_check(registered, "dead", T0 + timedelta(hours=1))
    cli = claim_due_check(registered, "cli", T0 + timedelta(hours=2))
    retire_worker(registered, "dead")
    assert fail_stale_checks(registered) == [dead]
    assert get_check(registered, dead).status == "failed"
    assert get_check(registered, cli).status == "running"
    assert fail_stale_checks(registered) == []
