"""What a scheduled check computes: a list of named parts, each a function of the check's
context that returns a JSON-able result (or None when it has nothing to say).

Parts here: ``drift`` (the logged batches since the last check, through
``monitor.batches.monitor_batches``), ``metric`` (the realised metric on the rows labelled
since the last check, through ``monitor.performance.performance``) and ``data`` (when data
last arrived). ``monitor.check_estimates`` registers ``estimated_metric`` (confidence-based
performance estimation: ``{"metric", "label", "estimated", "reference",
"greater_is_better", ...}``, which the ``estimated_metric_drop`` rule reads) and ``serving``
(the endpoint's requests and errors, which the ``error_rate`` rule reads).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from studio.autopilot.metrics import METRICS
from studio.context import Studio
from studio.monitor.batches import labelled_outputs, monitor_batches
from studio.monitor.performance import performance
from studio.registry.versions import VersionInfo


@dataclass(frozen=True)
class CheckContext:
    """What one check covers: the watched version, the new logged batches and label joins
    (by batch), the window, who it runs for, the check's clock, when data last came, and the
    endpoint's request windows with ids in ``(serving_after, serving_to]``."""

    studio: Studio
    version: VersionInfo
    batch_ids: tuple[int, ...]
    labelled_batch_ids: tuple[int, ...]
    window: str
    actor: str
    now: datetime
    last_data_at: datetime | None
    serving_after: int = 0
    serving_to: int = 0


Part = Callable[[CheckContext], dict[str, Any] | None]


def drift_part(ctx: CheckContext) -> dict[str, Any] | None:
    """Drift of the new logged batches against the version's baseline (stored as a drift
    result too, so Drift over time shows it)."""
    if not ctx.batch_ids:
        return None
    result = monitor_batches(ctx.studio, ctx.version.ref, list(ctx.batch_ids), ctx.actor,
                             ctx.window)  # fmt: skip
    overall = result.overall
    return {
        "dataset_drift": overall.dataset_drift,
        "drift_share": overall.drift_share,
        "share_threshold": overall.share_threshold,
        "rows": sum(w.rows for w in result.windows) or None,
        "features": {
            f.name: {
                "drifted": f.drifted,
                "test": f.test,
                "statistic": f.statistic,
                "threshold": f.threshold,
                "status": f.status,
            }
            for f in overall.features
        },  # fmt: skip
        "windows": [w.to_json() for w in result.windows],
    }


def metric_part(ctx: CheckContext) -> dict[str, Any] | None:
    """The version's metric on every row labelled since the last check (None below 30)."""
    if not ctx.labelled_batch_ids:
        return None
    labels, outputs = [], []
    for batch_id in ctx.labelled_batch_ids:
        y, out = labelled_outputs(ctx.studio, batch_id)
        labels.append(y.reset_index(drop=True))
        outputs.append(out)
    found = performance(ctx.studio, ctx.version, pd.concat(labels, ignore_index=True),
                        np.concatenate(outputs))  # fmt: skip
    if found is None:
        return None
    metric = METRICS[found.metric]
    return found.to_json() | {
        "label": found.label,
        "greater_is_better": metric.greater_is_better,
        "batches": list(ctx.labelled_batch_ids),
    }


def data_part(ctx: CheckContext) -> dict[str, Any]:
    """When the model's newest logged batch arrived (for the 'no data' rule)."""
    return {
        "last_data_at": ctx.last_data_at.isoformat() if ctx.last_data_at else None,
        "new_batches": len(ctx.batch_ids),
    }


PARTS: list[tuple[str, Part]] = [("drift", drift_part), ("metric", metric_part),
                                 ("data", data_part)]  # fmt: skip


def register_part(name: str, part: Part) -> None:
    """Add (or replace) a named part of every scheduled check."""
    PARTS[:] = [(n, p) for n, p in PARTS if n != name] + [(name, part)]
