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

from studio.context import Studio
from studio.monitor.batches import logged_rows
from studio.registry.versions import get_version
from studio.serving.live_log import LiveLog
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
