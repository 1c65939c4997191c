"""Writing the live log into the store: request windows and sampled rows, in this process or in
a writer process.

Writing a window (the schema check of its rows, their summary, Parquet, the database) is pandas
work that holds Python's GIL; on a thread of the serving process it stalls the event loop that
answers requests (measured with a write each second at 8 clients: 9-41% of the throughput and a
p99 of 46 ms, against 10 ms without logging). ``WriterProcess`` does it in a child process
instead: spawned (no threads, locks or connections inherited), fed each window's gathered rows
through a queue, draining it before it stops. A child left behind by a killed server notices its
parent is gone within a second and exits.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from studio.config import Settings
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import ServingWindow
from studio.registry.outputs import outputs_from
from studio.registry.schema import check_batch
from studio.registry.scoring import log_batch

if TYPE_CHECKING:
    from studio.serving.live_log import _Counts, _Pending

log = logging.getLogger(__name__)
SOURCES = {"live": "live requests (studio serve)", "shadow": "shadow requests (studio serve)"}
QUEUED_WINDOWS = 8  # windows waiting for the writer; beyond, a window is dropped (and logged)
STOP_SECONDS = 60.0  # how long stopping waits for the writer to drain
READY_SECONDS = 60.0  # how long starting waits for the writer to be ready


def write_all(studio: Studio, counts: dict[tuple[int, str], _Counts],
              pending: dict[tuple[int, str], _Pending], dropped: int) -> list[int]:  # fmt: skip
    """Write one window: its request counts and its sampled rows as one batch per version
    and source; the new batch ids. A failed write is logged, never raised."""
    if counts:
        try:
            _write_windows(studio, counts)
        except Exception:  # never let logging take the server down
            log.exception("serving: could not record %s request windows", len(counts))
    written = []
    for (_version_id, source), batch in pending.items():
        try:
            written.append(_write_batch(studio, batch, source, dropped))
        except Exception:  # never let logging take the server down
            log.exception("serving: could not log %s rows of %s", batch.rows,
                          batch.version.ref)  # fmt: skip
    return written


def _write_windows(studio: Studio, counts: dict[tuple[int, str], _Counts]) -> None:
    ended = datetime.now(UTC)
    with session_scope(studio.engine) as session:
        for (version_id, source), c in counts.items():
            latency = np.asarray(c.latencies)
            session.add(ServingWindow(
                model_version_id=version_id, source=source, started_at=c.started,
                ended_at=ended, requests=len(latency) + c.client_errors + c.server_errors,
                client_errors=c.client_errors, server_errors=c.server_errors,
                latency_ms_p50=float(np.percentile(latency, 50)) if len(latency) else None,
                latency_ms_p99=float(np.percentile(latency, 99)) if len(latency) else None,
            ))  # fmt: skip


def _write_batch(studio: Studio, batch: _Pending, source: str, dropped: int) -> int:
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
    return log_batch(studio, version, inputs, outputs, SOURCES[source], studio.settings.user,
                     checked.unseen, extra)  # fmt: skip


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


class WriterProcess:
    """A child process that writes the windows handed to it, in order."""

    def __init__(self, settings: Settings) -> None:
        """Start the writer and wait (up to ``READY_SECONDS``) until it has imported what it
        writes with and opened the store, so its start-up does not compete with requests."""
        context = multiprocessing.get_context("spawn")
        self._queue: Any = context.Queue(maxsize=QUEUED_WINDOWS)
        ready = context.Event()
        self._process = context.Process(
            target=_serve_writes, args=(settings, self._queue, ready, os.getpid()),
            daemon=True, name="studio-serve-log",
        )  # fmt: skip
        self._process.start()
        if not ready.wait(READY_SECONDS):
            log.warning("serving: the log writer took over %s s to start", READY_SECONDS)

    def submit(self, window: tuple[Any, Any, int]) -> None:
        """Queue one window ``(counts, pending, dropped)``; dropped (and logged) when the
        writer is that far behind, never waited for."""
        try:
            self._queue.put_nowait(window)
        except queue.Full:
            rows = sum(p.rows for p in window[1].values())
            log.warning("serving: the log writer is %s windows behind; a window of %s rows "
                        "is dropped", QUEUED_WINDOWS, rows)  # fmt: skip

    def stop(self) -> None:
        """Let the writer drain what is queued, then end it."""
        try:
            self._queue.put(None, timeout=STOP_SECONDS)
        except queue.Full:
            log.warning("serving: the log writer did not drain; stopping it")
        self._process.join(timeout=STOP_SECONDS)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
        self._queue.close()
        self._queue.join_thread()


def _serve_writes(settings: Settings, windows: Any, ready: Any, parent: int) -> None:
    """The writer process: write each window until told to stop or the parent is gone."""
    from studio.logs import configure_logging

    configure_logging(settings.home)
    studio = Studio.open(settings)
    ready.set()
    while True:
        try:
            window = windows.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:  # the server died without stopping us
                return
            continue
        if window is None:
            return
        write_all(studio, *window)
