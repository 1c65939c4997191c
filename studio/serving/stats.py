"""What the endpoint did per version of a model: requests, rows, latency and the predictions it
gave, read from the live batches ``studio serve`` logged (``studio.serving.live_log``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlmodel import col, select

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import ModelVersion, ScoredBatch


@dataclass(frozen=True)
class VariantStats:
    """One version's live (or shadow) traffic: ``requests`` and ``rows`` answered, latency in
    milliseconds (p50: the request-weighted median of the batches' medians; p99: the highest
    batch p99, an upper bound), and the share of each predicted class (classifiers)."""

    version: int
    source: str
    requests: int
    rows: int
    latency_ms_p50: float
    latency_ms_p99: float
    predictions: dict[str, float]
    last_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "version": self.version, "source": self.source, "requests": self.requests,
            "rows": self.rows, "latency_ms_p50": round(self.latency_ms_p50, 3),
            "latency_ms_p99": round(self.latency_ms_p99, 3), "predictions": self.predictions,
            "last_at": self.last_at.isoformat(),
        }  # fmt: skip


def _weighted_median(values: list[float], weights: list[int]) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(values)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _summarise(version: int, source: str, batches: list[ScoredBatch]) -> VariantStats:
    endpoint = [b.summary["endpoint"] for b in batches]
    requests = [int(e["requests"]) for e in endpoint]
    shares: dict[str, float] = {}
    rows = sum(b.rows for b in batches)
    for batch in batches:
        top = batch.summary.get("outputs", {}).get("prediction", {}).get("top", {})
        for label, share in top.items():
            shares[label] = shares.get(label, 0.0) + share * batch.rows / rows
    return VariantStats(
        version, source, sum(requests), rows,
        _weighted_median([e["latency_ms_p50"] for e in endpoint], requests),
        max(e["latency_ms_p99"] for e in endpoint),
        {k: round(v, 4) for k, v in sorted(shares.items())}, max(b.at for b in batches),
    )  # fmt: skip


def variant_stats(studio: Studio, name: str) -> list[VariantStats]:
    """Per version and source (live, shadow) of model ``name``, what the endpoint answered,
    live first, in version order. Empty when the endpoint has logged nothing."""
    with session_scope(studio.engine) as session:
        found = session.exec(
            select(ScoredBatch, ModelVersion.version)
            .join(ModelVersion, col(ModelVersion.id) == col(ScoredBatch.model_version_id))
            .where(ModelVersion.model_name == name)
        ).all()
        groups: dict[tuple[str, int], list[ScoredBatch]] = {}
        for batch, version in found:
            endpoint = (batch.summary or {}).get("endpoint")
            if endpoint:
                groups.setdefault((endpoint["source"], version), []).append(batch)
        return [
            _summarise(version, source, batches)
            for (source, version), batches in sorted(groups.items())
        ]
