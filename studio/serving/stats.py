"""What the endpoint did per version of a model: requests (per minute too), errors, latency and
the predictions it gave, read from what ``studio serve`` wrote (``studio.serving.live_log``):
the request windows every serving process records, and the live batches of sampled rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlmodel import col, select

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import ModelVersion, ScoredBatch, ServingWindow

RECENT = timedelta(minutes=5)  # "requests per minute" averages this much recent traffic


@dataclass(frozen=True)
class VariantStats:
    """One version's live (or shadow) traffic: ``requests`` received (answered or failed),
    ``client_errors`` (4xx) and ``server_errors`` (5xx), ``per_minute`` (requests per minute
    over the last 5 minutes), ``rows`` logged, latency of answered requests in milliseconds
    (p50: the request-weighted median of the windows' medians; p99: the highest window p99,
    an upper bound), and the share of each predicted class among logged rows (classifiers)."""

    version: int
    source: str
    requests: int
    rows: int
    latency_ms_p50: float
    latency_ms_p99: float
    predictions: dict[str, float]
    last_at: datetime
    client_errors: int = 0
    server_errors: int = 0
    per_minute: float = 0.0

    @property
    def error_rate(self) -> float:
        """Failed requests as a share of all received (0 when none)."""
        return (self.client_errors + self.server_errors) / self.requests if self.requests else 0

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "version": self.version, "source": self.source, "requests": self.requests,
            "client_errors": self.client_errors, "server_errors": self.server_errors,
            "error_rate": round(self.error_rate, 6), "per_minute": round(self.per_minute, 3),
            "rows": self.rows, "latency_ms_p50": round(self.latency_ms_p50, 3),
            "latency_ms_p99": round(self.latency_ms_p99, 3), "predictions": self.predictions,
            "last_at": self.last_at.isoformat(),
        }  # fmt: skip


def _weighted_median(values: list[float], weights: list[int]) -> float:
    if not values or sum(weights) == 0:
        return float("nan")
    order = np.argsort(values)
    cumulative = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(values)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _shares(batches: list[ScoredBatch]) -> dict[str, float]:
    shares: dict[str, float] = {}
    rows = sum(b.rows for b in batches)
    for batch in batches:
        top = batch.summary.get("outputs", {}).get("prediction", {}).get("top", {})
        for label, share in top.items():
            shares[label] = shares.get(label, 0.0) + share * batch.rows / rows
    return {k: round(v, 4) for k, v in sorted(shares.items())}


def _summarise(
    version: int, source: str, batches: list[ScoredBatch], windows: list[ServingWindow]
) -> VariantStats:
    if not windows:  # logged before request windows were recorded: the batches alone
        endpoint = [b.summary["endpoint"] for b in batches]
        requests = [int(e["requests"]) for e in endpoint]
        return VariantStats(
            version, source, sum(requests), sum(b.rows for b in batches),
            _weighted_median([e["latency_ms_p50"] for e in endpoint], requests),
            max(e["latency_ms_p99"] for e in endpoint), _shares(batches),
            _aware(max(b.at for b in batches)),
        )  # fmt: skip
    answered = [(w.latency_ms_p50, w.requests - w.client_errors - w.server_errors)
                for w in windows if w.latency_ms_p50 is not None]  # fmt: skip
    last = max(_aware(w.ended_at) for w in windows)
    recent = sum(w.requests for w in windows if _aware(w.ended_at) >= datetime.now(UTC) - RECENT)
    p99 = [w.latency_ms_p99 for w in windows if w.latency_ms_p99 is not None]
    return VariantStats(
        version, source, sum(w.requests for w in windows), sum(b.rows for b in batches),
        _weighted_median([a[0] for a in answered], [a[1] for a in answered]),
        max(p99) if p99 else float("nan"), _shares(batches), last,
        sum(w.client_errors for w in windows), sum(w.server_errors for w in windows),
        recent / (RECENT.total_seconds() / 60),
    )  # fmt: skip


def _model_windows(name: str) -> Any:
    """(request window, version number) of model ``name``."""
    return (
        select(ServingWindow, ModelVersion.version)
        .join(ModelVersion, col(ModelVersion.id) == col(ServingWindow.model_version_id))
        .where(ModelVersion.model_name == name)
    )


def variant_stats(studio: Studio, name: str) -> list[VariantStats]:
    """Per version and source (live, shadow) of model ``name``, what the endpoint answered,
    live first, in version order. Empty when the endpoint has recorded nothing."""
    with session_scope(studio.engine) as session:
        join = col(ModelVersion.id) == col(ScoredBatch.model_version_id)
        found = session.exec(
            select(ScoredBatch, ModelVersion.version).join(ModelVersion, join)
            .where(ModelVersion.model_name == name)
        ).all()  # fmt: skip
        batches: dict[tuple[str, int], list[ScoredBatch]] = {}
        for batch, version in found:
            endpoint = (batch.summary or {}).get("endpoint")
            if endpoint:
                batches.setdefault((endpoint["source"], version), []).append(batch)
        windows: dict[tuple[str, int], list[ServingWindow]] = {}
        for window, version in session.exec(_model_windows(name)).all():
            windows.setdefault((window.source, version), []).append(window)
        keys = sorted(set(batches) | set(windows))
        return [
            _summarise(v, s, batches.get((s, v), []), windows.get((s, v), [])) for s, v in keys
        ]


@dataclass(frozen=True)
class RequestCounts:
    """What the endpoint received for one version and source over a stretch of windows."""

    version: int
    source: str
    requests: int
    client_errors: int
    server_errors: int

    @property
    def errors(self) -> int:
        """Failed requests, 4xx and 5xx."""
        return self.client_errors + self.server_errors


def request_counts(studio: Studio, name: str, after_id: int, to_id: int) -> list[RequestCounts]:
    """Model ``name``'s requests per version and source in the request windows with ids in
    ``(after_id, to_id]`` (what one scheduled check covers), in version order."""
    totals: dict[tuple[int, str], list[int]] = {}
    with session_scope(studio.engine) as session:
        found = session.exec(_model_windows(name).where(
            col(ServingWindow.id) > after_id, col(ServingWindow.id) <= to_id)).all()  # fmt: skip
        for window, version in found:
            total = totals.setdefault((version, window.source), [0, 0, 0])
            total[0] += window.requests
            total[1] += window.client_errors
            total[2] += window.server_errors
    return [RequestCounts(v, s, *totals[(v, s)]) for v, s in sorted(totals)]
