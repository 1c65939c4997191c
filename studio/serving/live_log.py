"""Live requests into Monitor: the endpoint's scored rows become logged batches, off the
response path.

A request hands its rows as sent and the model's outputs to :meth:`LiveLog.add`, which only
appends to a bounded in-memory list (a sampled share ``STUDIO_SERVE_LOG_RATE`` of requests,
default all; when ``MAX_PENDING_ROWS`` are waiting, further rows are counted as dropped, never
waited for). A background thread writes what has gathered every ``STUDIO_SERVE_LOG_SECONDS``
(default 60) as one ``ScoredBatch`` per version and source (``live`` answers, ``shadow``
answers) through the same path as ``studio predict``'s log (the rows checked against the
schema there, a whole window at once), so Monitor's drift over time, label joins (on
``request_id`` or an identifier column), retraining and the Business view read live traffic as
they read uploaded batches. Each batch's summary also holds the requests, their latencies
(p50/p99 in milliseconds) and the rows dropped. Every request, logged or not, is also counted
per version and source in a ``ServingWindow`` row per write (answered, client errors, server
errors, latency), the numbers the Models page and the A/B verdict show. A write that fails is
logged and the rows dropped: logging never fails a response.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import ServingWindow
from studio.registry.outputs import outputs_from
from studio.registry.schema import check_batch
from studio.registry.scoring import log_batch
from studio.registry.versions import VersionInfo

log = logging.getLogger(__name__)
MAX_PENDING_ROWS = 200_000
SOURCES = {"live": "live requests (studio serve)", "shadow": "shadow requests (studio serve)"}


@dataclass
class _Pending:
    """The sampled rows of one version and source, waiting to be written as a batch."""

    version: VersionInfo
    sent: list[pd.DataFrame | list[dict]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    outputs: list[np.ndarray] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    rows: int = 0


@dataclass
class _Counts:
    """Every request of one version and source since the last write (sampled or not)."""

    started: datetime
    latencies: list[float] = field(default_factory=list)
    client_errors: int = 0
    server_errors: int = 0


def _frames(sent: list[pd.DataFrame | list[dict]]) -> list[pd.DataFrame]:
    """The requests' rows as few frames as possible, in order: consecutive small requests'
    JSON objects become one frame (one frame per one-row request cost about 1 ms each to
    build and concatenate, as much as answering it)."""
    frames: list[pd.DataFrame] = []
    records: list[dict] = []
    for part in sent:
        if isinstance(part, list):
            records.extend(part)
            continue
        if records:
            frames.append(pd.DataFrame.from_records(records))
            records = []
        frames.append(part.reset_index(drop=True))
    if records:
        frames.append(pd.DataFrame.from_records(records))
    return frames


class LiveLog:
    """Gathers scored requests and writes them as batches in a background thread."""

    def __init__(self, studio: Studio, every: float, rate: float = 1.0) -> None:
        self._studio, self._every, self._rate = studio, every, rate
        self._lock = threading.Lock()
        self._pending: dict[tuple[int, str], _Pending] = {}
        self._counts: dict[tuple[int, str], _Counts] = {}
        self._waiting_rows = 0
        self.dropped_rows = 0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, version: VersionInfo, request_ids: list[str], sent: pd.DataFrame | list[dict],
            output: np.ndarray, latency_ms: float, source: str = "live") -> None:  # fmt: skip
        """Count one answered request and queue its rows (a sampled share of requests): their
        ids, the rows as sent (a frame, or the JSON objects of a small request) and the
        model's raw output on them (``model_output``), aligned row for row. The rows are
        checked against the schema when written, many requests at once, so the response
        never waits for it."""
        with self._lock:
            self._count(version, source).latencies.append(latency_ms)
        if self._rate < 1 and random.random() >= self._rate:
            return
        with self._lock:
            if self._waiting_rows + len(request_ids) > MAX_PENDING_ROWS:
                self.dropped_rows += len(request_ids)
                return
            pending = self._pending.setdefault((version.id, source), _Pending(version))
            pending.sent.append(sent)
            pending.ids.extend(request_ids)
            pending.outputs.append(output)
            pending.latencies.append(latency_ms)
            pending.rows += len(request_ids)
            self._waiting_rows += len(request_ids)

    def fail(self, version: VersionInfo, status: int, source: str = "live") -> None:
        """Count one request to ``version`` that was answered with error ``status``."""
        with self._lock:
            counts = self._count(version, source)
            if status >= 500:
                counts.server_errors += 1
            else:
                counts.client_errors += 1

    def _count(self, version: VersionInfo, source: str) -> _Counts:
        key = (version.id, source)
        if key not in self._counts:
            self._counts[key] = _Counts(datetime.now(UTC))
        return self._counts[key]

    def flush(self) -> list[int]:
        """Write what has gathered: each version's window counts, and its sampled rows as a
        batch; returns the new batch ids."""
        with self._lock:
            pending, self._pending, self._waiting_rows = self._pending, {}, 0
            counts, self._counts = self._counts, {}
            dropped, self.dropped_rows = self.dropped_rows, 0
        if counts:
            try:
                self._write_windows(counts)
            except Exception:  # never let logging take the server down
                log.exception("serving: could not record %s request windows", len(counts))
        written = []
        for (_version_id, source), batch in pending.items():
            try:
                written.append(self._write(batch, source, dropped))
            except Exception:  # never let logging take the server down
                log.exception("serving: could not log %s rows of %s", batch.rows,
                              batch.version.ref)  # fmt: skip
        return written

    def _write_windows(self, counts: dict[tuple[int, str], _Counts]) -> None:
        ended = datetime.now(UTC)
        with session_scope(self._studio.engine) as session:
            for (version_id, source), c in counts.items():
                latency = np.asarray(c.latencies)
                session.add(ServingWindow(
                    model_version_id=version_id, source=source, started_at=c.started,
                    ended_at=ended, requests=len(latency) + c.client_errors + c.server_errors,
                    client_errors=c.client_errors, server_errors=c.server_errors,
                    latency_ms_p50=float(np.percentile(latency, 50)) if len(latency) else None,
                    latency_ms_p99=float(np.percentile(latency, 99)) if len(latency) else None,
                ))  # fmt: skip

    def _write(self, batch: _Pending, source: str, dropped: int) -> int:
        version = batch.version
        sent = pd.concat(_frames(batch.sent), ignore_index=True)
        checked = check_batch(sent, version.input_schema, source="request")
        ids = pd.DataFrame({"request_id": batch.ids})
        inputs = pd.concat([ids, checked.identifiers, checked.features], axis=1)
        outputs = outputs_from(np.concatenate(batch.outputs), version.labels,
                               version.decision_threshold)  # fmt: skip
        latency = np.asarray(batch.latencies)
        extra = {"endpoint": {
            "source": source, "requests": len(latency), "dropped_rows": dropped,
            "latency_ms_p50": float(np.percentile(latency, 50)),
            "latency_ms_p99": float(np.percentile(latency, 99)),
        }}  # fmt: skip
        actor = self._studio.settings.user
        return log_batch(self._studio, version, inputs, outputs, SOURCES[source], actor,
                         checked.unseen, extra)  # fmt: skip

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
