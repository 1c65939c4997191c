"""The model's metric on labelled current data against its holdout metric, with intervals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from studio.autopilot.metrics import METRICS, score
from studio.context import Studio
from studio.experiments.bootstrap import bootstrap_metrics
from studio.experiments.detail import diagnostics_for
from studio.registry.versions import VersionInfo

MIN_LABELLED = 30


@dataclass(frozen=True)
class Performance:
    """The metric now (with a 95% bootstrap interval) and at registration (holdout)."""

    metric: str
    label: str
    rows: int
    current: float
    current_interval: tuple[float, float] | None
    reference: float | None
    reference_interval: tuple[float, float] | None

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "metric": self.metric,
            "rows": self.rows,
            "current": self.current,
            "current_interval": self.current_interval,
            "reference": self.reference,
            "reference_interval": self.reference_interval,
        }

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> Performance:
        """The object a stored ``to_json`` document describes."""

        def pair(value: list | None) -> tuple[float, float] | None:
            return None if value is None else (float(value[0]), float(value[1]))

        return cls(
            stored["metric"],
            METRICS[stored["metric"]].label,
            int(stored["rows"]),
            float(stored["current"]),
            pair(stored.get("current_interval")),
            stored.get("reference"),
            pair(stored.get("reference_interval")),
        )


def _interval(values: list[float | None]) -> tuple[float, float] | None:
    known = np.array([v for v in values if v is not None], dtype=float)
    if len(known) < 10:
        return None
    low, high = np.percentile(known, [2.5, 97.5])
    return float(low), float(high)


def encode_labels(version: VersionInfo, labels: pd.Series) -> np.ndarray | None:
    """Labels as the model's codes (values for regression); None if a class is unknown."""
    if version.task == "regression":
        return pd.to_numeric(labels, errors="coerce").to_numpy(dtype=float)
    codes = {label: i for i, label in enumerate(version.labels)}
    mapped = labels.astype(str).map(codes)
    return None if mapped.isna().any() else mapped.to_numpy(dtype=int)


def performance(
    studio: Studio, version: VersionInfo, labels: pd.Series, output: np.ndarray
) -> Performance | None:
    """The version's metric on rows with a label (None with fewer than 30 usable labels)."""
    keep = labels.notna().to_numpy()
    y = encode_labels(version, labels[keep])
    if y is None or int(keep.sum()) < MIN_LABELLED:
        return None
    metric = METRICS[version.metric]
    out = output[keep]
    current = score(metric, y, out)
    samples = bootstrap_metrics(version.task, (version.metric,), y, out, seed=0)
    stored = diagnostics_for(studio, [version.candidate_id]) if version.candidate_id else {}
    reference_samples = stored.get(version.candidate_id, {}).get("bootstrap", {})
    return Performance(
        version.metric,
        metric.label,
        int(keep.sum()),
        current,
        _interval(samples[version.metric]),
        version.metrics.get("holdout", {}).get(version.metric),
        _interval(reference_samples.get(version.metric, [])),
    )
