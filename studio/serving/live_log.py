"""Live requests into Monitor: the endpoint's scored rows become logged batches, off the
response path.

A request hands its checked rows and outputs to :meth:`LiveLog.add`, which only appends to a
bounded in-memory list (a sampled share ``STUDIO_SERVE_LOG_RATE`` of requests, default all;
when ``MAX_PENDING_ROWS`` are waiting, further rows are counted as dropped, never waited for).
A background thread writes what has gathered every ``STUDIO_SERVE_LOG_SECONDS`` (default 60)
as one ``ScoredBatch`` per version and source (``live`` answers, ``shadow`` answers) through
the same path as ``studio predict``'s log, so Monitor's drift over time, label joins (on
``request_id`` or an identifier column), retraining and the Business view read live traffic as
they read uploaded batches. Each batch's summary also holds the requests, their latencies
(p50/p99 in milliseconds) and the rows dropped. A write that fails is logged and the rows
dropped: logging never fails a response.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from studio.context import Studio
from studio.registry.scoring import log_batch
from studio.registry.versions import VersionInfo

log = logging.getLogger(__name__)
MAX_PENDING_ROWS = 200_000
SOURCES = {"live": "live requests (studio serve)", "shadow": "shadow requests (studio serve)"}


@dataclass
class _Pending:
    version: VersionInfo
    inputs: list[pd.DataFrame] = field(default_factory=list)
    outputs: list[pd.DataFrame] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    rows: int = 0


class LiveLog:
    """Gathers scored requests and writes them as batches in a background thread."""

    def __init__(self, studio: Studio, every: float, rate: float = 1.0) -> None:
        self._studio, self._every, self._rate = studio, every, rate
        self._lock = threading.Lock()
        self._pending: dict[tuple[int, str], _Pending] = {}
        self._waiting_rows = 0
        self.dropped_rows = 0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, version: VersionInfo, inputs: pd.DataFrame, outputs: pd.DataFrame,
            latency_ms: float, source: str = "live") -> None:  # fmt: skip
        """Queue one request's rows: ``inputs`` (request ids, identifiers, features) and
        ``outputs`` (prediction, probabilities), aligned row for row."""
        if self._rate < 1 and random.random() >= self._rate:
            return
        with self._lock:
            if self._waiting_rows + len(inputs) > MAX_PENDING_ROWS:
                self.dropped_rows += len(inputs)
                return
            pending = self._pending.setdefault((version.id, source), _Pending(version))
            pending.inputs.append(inputs)
            pending.outputs.append(outputs)
            pending.latencies.append(latency_ms)
            pending.rows += len(inputs)
            self._waiting_rows += len(inputs)

    def flush(self) -> list[int]:
        """Write what has gathered; returns the new batch ids."""
        with self._lock:
            pending, self._pending, self._waiting_rows = self._pending, {}, 0
            dropped, self.dropped_rows = self.dropped_rows, 0
        written = []
        for (_version_id, source), batch in pending.items():
            try:
                written.append(self._write(batch, source, dropped))
            except Exception:  # never let logging take the server down
                log.exception("serving: could not log %s rows of %s", batch.rows,
                              batch.version.ref)  # fmt: skip
        return written

    def _write(self, batch: _Pending, source: str, dropped: int) -> int:
        inputs = pd.concat(batch.inputs, ignore_index=True)
        outputs = pd.concat(batch.outputs, ignore_index=True)
        latency = np.asarray(batch.latencies)
        extra = {"endpoint": {
            "source": source, "requests": len(latency), "dropped_rows": dropped,
            "latency_ms_p50": float(np.percentile(latency, 50)),
            "latency_ms_p99": float(np.percentile(latency, 99)),
        }}  # fmt: skip
        actor = self._studio.settings.user
        return log_batch(self._studio, batch.version, inputs, outputs, SOURCES[source], actor,
                         {}, extra)  # fmt: skip

    def start(self) -> None:
        """Flush every ``every`` seconds in a daemon thread until :meth:`stop`."""
        self._thread = threading.Thread(target=self._loop, daemon=True, name="studio-serve-log")
        self._thread.start()

    def _loop(self) -> None:
        while not self._stopping.wait(self._every):
            self.flush()

    def stop(self) -> None:
        """End the thread, writing what is still waiting."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.flush()
