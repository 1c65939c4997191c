"""The live log writes what the endpoint answered in the order it answered it: small requests'
JSON rows and large requests' frames interleaved, each row under its request id."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from studio.config import load_settings
from studio.context import Studio
from studio.monitor.batches import logged_rows
from studio.registry.versions import get_version
from studio.serving.live_log import LiveLog
from studio.serving.log_sampling import RowRateSampler
from tests.autopilot.conftest import churn_like
from tests.cli import ROOT
from tests.serving.endpoint import call, free_port
from tests.stores import StoreCopy
from tests.waits import wait_until


def test_interleaved_small_and_large_requests_keep_their_order(
    prepared: Callable[..., StoreCopy],
) -> None:
    studio = Studio.open(prepared("shipped_churn").settings)
    version = get_version(studio, "churn")
    rows = churn_like(40, seed=3).drop(columns=["churn"]).iloc[:6]
    records = json.loads(rows.to_json(orient="records", date_format="iso"))
    log = LiveLog(studio, every=3600)
    requests = [  # (ids, rows as sent) in the order the endpoint answered them
        (["a"], records[0:1]), (["b"], records[1:2]),
        (["c-0", "c-1"], rows.iloc[2:4]),
        (["d"], records[4:5]), (["e"], [{**records[5], "extra": "ignored"}]),
    ]  # fmt: skip
    for ids, sent in requests:
        log.add(version, ids, sent, np.tile([0.25, 0.75], (len(ids), 1)), 1.0)
    [batch_id] = log.flush()
    logged = logged_rows(studio, batch_id)
    assert list(logged["request_id"]) == ["a", "b", "c-0", "c-1", "d", "e"]
    expected = rows.reset_index(drop=True)
    assert list(logged["tenure"].astype(int)) == list(expected["tenure"])
    assert list(logged["plan"]) == list(expected["plan"])
    assert pd.api.types.is_numeric_dtype(logged["charges"])


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_a_killed_server_leaves_no_writer_behind(prepared: Callable[..., StoreCopy]) -> None:
    """`studio serve` hands its windows to a writer process (that it writes them when the
    server stops is in test_traffic); a server killed outright leaves no writer behind."""
    env = prepared("shipped_churn").env("bob") | {"STUDIO_SERVE_LOG_SECONDS": "3600"}
    port = free_port()
    command = [sys.executable, "-m", "studio.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}"), "the server to answer")
        children = _children(server.pid)  # the writer (and multiprocessing's resource tracker)
        assert children
        server.send_signal(signal.SIGKILL)
        server.wait()
        wait_until(lambda: all(_gone(pid) for pid in children), "the orphaned writer to exit")
    finally:
        if server.poll() is None:
            server.kill()


def _answers(url: str) -> bool:
    try:
        return call(f"{url}/v1/health", timeout=2)[0] == 200
    except OSError:
        return False


def _gone(pid: int) -> bool:
    """Ended (a zombie waiting for its reaper counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_every_request_is_logged_at_ordinary_traffic_and_a_sample_above_the_rate() -> None:
    """Below 200 rows a second every request is kept; at 2,000 a second about 200 are, a
    uniform sample across the second; a quiet second resets it."""
    clock, draws = _Clock(), np.random.default_rng(0)
    sampler = RowRateSampler(1.0, 200, clock, lambda: float(draws.random()))
    kept = [sampler.keep(1) for _ in range(150)]
    clock.now = 101.0
    kept += [sampler.keep(1) for _ in range(150)]
    assert all(kept)  # 150 rows a second: all of them

    clock.now = 102.0
    busy = []
    for i in range(2000):  # 2,000 one-row requests spread over one second, twice
        clock.now = 102.0 + i / 2000
        busy.append(sampler.keep(1))
    for i in range(2000):
        clock.now = 103.0 + i / 2000
        busy.append(sampler.keep(1))
    second = np.asarray(busy[2000:])
    assert 160 <= second.sum() <= 240  # about 200 of the 2,000 kept
    assert 0.3 < second[:1000].sum() / max(second.sum(), 1) < 0.7  # spread over the second

    clock.now = 106.0  # two quiet seconds: the next request is logged again
    assert sampler.keep(1)
    # A share below 1 applies at any traffic; one large request counts all its rows.
    shared = RowRateSampler(0.5, 200, clock, lambda: float(draws.random()))
    assert 400 <= sum(shared.keep(1) for _ in range(1000)) <= 600


def test_the_endpoint_reads_its_logging_rate_from_the_environment() -> None:
    assert load_settings({}).serve_log_rows_per_second == 200
    assert load_settings({"STUDIO_SERVE_LOG_ROWS_PER_SECOND": "0"}).serve_log_rows_per_second == 0


def test_a_sampled_live_log_keeps_the_shadow_rows_of_the_requests_it_kept(
    prepared: Callable[..., StoreCopy],
) -> None:
    """Above the rate, the shadow's rows are logged for exactly the live requests that were,
    so the shadow agreement compares the same requests."""
    studio = Studio.open(prepared("shipped_churn").settings)
    version = get_version(studio, "churn")
    record = json.loads(churn_like(40, seed=1).drop(columns=["churn"]).to_json(orient="records"))
    clock, draws = _Clock(), np.random.default_rng(1)
    sampler = RowRateSampler(1.0, 10, clock, lambda: float(draws.random()))
    log = LiveLog(studio, every=3600, sampler=sampler)
    output = np.array([[0.4, 0.6]])
    for second in range(3):
        for i in range(100):  # 100 requests a second against a limit of 10 rows a second
            clock.now = 100 + second + i / 100
            ids = [f"r{second}-{i}"]
            log.add(version, ids, record[:1], output, 1.0)
            log.add(version, ids, record[:1], output, 1.0, source="shadow")
    batches = {b: logged_rows(studio, b) for b in log.flush()}
    live, shadow = (set(frame["request_id"]) for frame in batches.values())
    assert live == shadow and 100 < len(live) < 140  # the first second whole, then ~10 a second
