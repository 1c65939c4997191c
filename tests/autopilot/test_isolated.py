"""Isolated fitting: a child that runs past its deadline is killed, and stop requests work."""

from __future__ import annotations

import time

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from studio.autopilot.ensemble import blend, greedy_weights
from studio.autopilot.isolated import run_isolated
from studio.autopilot.metrics import METRICS, score


def test_child_past_its_deadline_is_killed() -> None:
    """A job that would sleep 60 s returns 'timeout' as soon as its 1 s deadline passes."""
    start = time.monotonic()
    outcome = run_isolated(lambda send: time.sleep(60), time.monotonic() + 1.0)
    assert outcome.status == "timeout"
    assert time.monotonic() - start < 30  # far below the 60 s the child wanted


def test_no_deadline_waits_for_the_result() -> None:
    """A run without a time budget has an infinite deadline; the child's result still arrives
    (polling an infinite timeout used to raise OverflowError)."""
    outcome = run_isolated(lambda send: time.sleep(0.2) or 42, float("inf"))
    assert outcome.status == "done" and outcome.result == 42


def test_messages_stream_and_a_refusal_stops_the_child() -> None:
    """The parent sees each message and stops the child by answering False."""
    seen: list[int] = []

    def work(send) -> None:  # noqa: ANN001
        for i in range(100):
            send(("fold", i))
            time.sleep(0.05)

    def on_message(message: tuple) -> bool:
        seen.append(message)
        return message[1] < 2

    outcome = run_isolated(work, time.monotonic() + 60, on_message)
    assert outcome.status == "stopped" and seen == [("fold", 0), ("fold", 1), ("fold", 2)]


def test_results_and_errors_come_back() -> None:
    """A returned value arrives as 'done'; an exception as 'error' with its traceback."""
    assert run_isolated(lambda send: 41 + 1, time.monotonic() + 30).result == 42
    failed = run_isolated(lambda send: 1 / 0, time.monotonic() + 30)
    assert failed.status == "error" and "ZeroDivisionError" in failed.error


def test_scores_match_sklearn() -> None:
    """Probabilities give ROC AUC and, via argmax, accuracy exactly as sklearn computes them."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    proba = np.clip(y * 0.6 + rng.uniform(0, 0.5, 200), 0, 1)
    output = np.column_stack([1 - proba, proba])
    assert score(METRICS["roc_auc"], y, output) == pytest.approx(roc_auc_score(y, proba))
    assert score(METRICS["accuracy"], y, output) == pytest.approx(np.mean((proba >= 0.5) == y))


def test_greedy_ensemble_beats_or_matches_each_member() -> None:
    """Greedy selection never ends worse than its best single member (it can pick it alone)."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 500)
    members = []
    for noise in (0.9, 1.0, 1.1):
        p = 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(0, noise, 500))))
        members.append(np.column_stack([1 - p, p]))
    weights = greedy_weights(members, y, METRICS["roc_auc"])
    blended = blend(members, weights.astype(float))
    manual = sum(w * m for w, m in zip(weights, members, strict=True)) / weights.sum()
    assert np.allclose(blended, manual) and weights.sum() == 25
    best_single = max(score(METRICS["roc_auc"], y, m) for m in members)
    assert score(METRICS["roc_auc"], y, blended) >= best_single


def test_a_forked_child_uses_its_own_database_connections(studio) -> None:  # noqa: ANN001
    """The parent's pooled connection is never used by a child (SQLite and psycopg connections
    are not fork-safe): the child reads the store on a fresh pool, and the parent's pool still
    works afterwards."""
    from sqlalchemy import text

    def count(engine) -> int:  # noqa: ANN001
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT COUNT(*) FROM dataset")).scalar_one())

    assert count(studio.engine) == 0  # the parent's pool now holds a connection
    parent_pool = id(studio.engine.pool)

    def child(send) -> tuple[int, int]:  # noqa: ANN001
        return id(studio.engine.pool), count(studio.engine)

    outcome = run_isolated(child, time.monotonic() + 60)
    assert outcome.status == "done", outcome.error
    child_pool, rows = outcome.result
    assert child_pool != parent_pool and rows == 0
    assert id(studio.engine.pool) == parent_pool and count(studio.engine) == 0
