"""Live requests into Monitor: the endpoint's scored rows become logged batches, off the response
path.

A request hands its rows as sent and the model's outputs to :meth:`LiveLog.add`, which only
appends to a bounded in-memory list (every request at ordinary traffic, a random sample above
``STUDIO_SERVE_LOG_ROWS_PER_SECOND``: see ``log_sampling``; when ``MAX_PENDING_ROWS`` are
waiting, further rows are counted as dropped, never waited for). Every
``STUDIO_SERVE_LOG_SECONDS`` (default 60) a background thread hands what has gathered to a
writer process (``studio.serving.log_writer``: writing is pandas work that would
stall the event loop), which writes it as one ``ScoredBatch`` per version and source (``live``
answers, ``shadow`` answers) through the same path as ``studio predict``'s log (the rows
checked against the schema there, a whole window at once), so Monitor's drift over time, label
joins (on ``request_id`` or an identifier column), retraining and the Business view read live
traffic as they read uploaded batches. Each batch's summary also holds the requests, their
latencies (p50/p99 in milliseconds) and the rows dropped. Every request, logged or not, is also
counted per version and source in a ``ServingWindow`` row per write (answered, client errors,
server errors, latency), the numbers the Models page and the A/B verdict show. A write that
fails is logged and the rows dropped: logging never fails a response.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from studio.context import Studio
from studio.registry.versions import VersionInfo
from studio.serving.log_sampling import DEFAULT_ROWS_PER_SECOND, RowRateSampler
from studio.serving.log_writer import WriterProcess, write_all

log = logging.getLogger(__name__)
MAX_PENDING_ROWS = 200_000


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


class LiveLog:
    """Gathers scored requests and writes them as batches in a background thread."""

    def __init__(self, studio: Studio, every: float, rate: float = 1.0,
                 rows_per_second: float = DEFAULT_ROWS_PER_SECOND,
                 sampler: RowRateSampler | None = None) -> None:  # fmt: skip
        """Write every ``every`` seconds; keep a share ``rate`` of requests, sampled further
        above ``rows_per_second`` (``log_sampling.RowRateSampler``; or ``sampler``)."""
        self._studio, self._every = studio, every
        self._sampler = sampler or RowRateSampler(rate, rows_per_second)
        self._kept: set[str] = set()  # first row ids of the live requests logged this window
        self._kept_before: set[str] = set()  # ... and the window before
        self._lock = threading.Lock()
        self._pending: dict[tuple[int, str], _Pending] = {}
        self._counts: dict[tuple[int, str], _Counts] = {}
        self._waiting_rows = 0
        self.dropped_rows = 0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._writer: WriterProcess | None = None

    def add(self, version: VersionInfo, request_ids: list[str], sent: pd.DataFrame | list[dict],
            output: np.ndarray, latency_ms: float, source: str = "live") -> None:  # fmt: skip
        """Count one answered request and queue its rows (a sampled share of requests): their
        ids, the rows as sent (a frame, or the JSON objects of a small request) and the
        model's raw output on them (``model_output``), aligned row for row. The rows are
        checked against the schema when written, many requests at once, so the response
        never waits for it."""
        with self._lock:
            self._count(version, source).latencies.append(latency_ms)
            if not self._sampled(request_ids, source):
                return
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

    def _sampled(self, request_ids: list[str], source: str) -> bool:
        """Whether a request's rows are logged: live ones as the sampler says, a shadow's
        exactly when its live answer was (so the two can be compared row for row)."""
        if source == "shadow":
            first = request_ids[0] if request_ids else ""
            return first in self._kept or first in self._kept_before
        if not self._sampler.keep(len(request_ids)):
            return False
        if request_ids:
            self._kept.add(request_ids[0])
        return True

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
        """Write what has gathered, here and now: each version's window counts, and its
        sampled rows as a batch; returns the new batch ids."""
        return write_all(self._studio, *self._take())

    def _take(self) -> tuple[dict, dict, int]:
        """What has gathered since the last write, taken away: (counts, pending, dropped)."""
        with self._lock:
            pending, self._pending, self._waiting_rows = self._pending, {}, 0
            counts, self._counts = self._counts, {}
            dropped, self.dropped_rows = self.dropped_rows, 0
            self._kept_before, self._kept = self._kept, set()  # a late shadow still matches
        return counts, pending, dropped

    def start(self, in_process: bool = False) -> None:
        """Hand what has gathered to a writer every ``every`` seconds, from a daemon thread,
        until :meth:`stop`: a writer process (``log_writer.WriterProcess``), or with
        ``in_process`` this thread itself."""
        if not in_process:
            self._writer = WriterProcess(self._studio.settings)
        self._thread = threading.Thread(target=self._loop, daemon=True, name="studio-serve-log")
        self._thread.start()

    def _hand_off(self) -> None:
        counts, pending, dropped = self._take()
        if not counts and not pending:
            return
        if self._writer is None:
            write_all(self._studio, counts, pending, dropped)
        else:
            self._writer.submit((counts, pending, dropped))

    def _loop(self) -> None:
        while not self._stopping.wait(self._every):
            self._hand_off()

    def stop(self) -> None:
        """End the thread, writing what is still waiting (the writer process drains first)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._hand_off()
        if self._writer is not None:
            self._writer.stop()
            self._writer = None
