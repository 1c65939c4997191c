"""Two parts of a scheduled check that read beyond drift and labels: ``estimated_metric``
(confidence-based performance estimation on the new logged rows, ``monitor.estimate``) and
``serving`` (the endpoint's requests and errors since the last check, from the request windows
``studio serve`` writes). The alert rules ``estimated_metric_drop`` and ``error_rate`` read
them (``alerts.rules``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from studio.errors import InvalidInputError
from studio.monitor.batches import logged_rows
from studio.monitor.cbpe import LABELS
from studio.monitor.check_parts import CheckContext, register_part
from studio.monitor.estimate import estimate_window, reference, reference_warnings
from studio.registry.versions import VersionInfo
from studio.serving.stats import request_counts

# The run's metric -> the estimated metric that stands for it (CBPE estimates these only;
# anything else, e.g. log loss, is watched through ROC AUC).
STANDS_FOR = {"accuracy": "accuracy", "roc_auc": "roc_auc", "f1": "f1", "f1_macro": "f1"}
HEADLINE_DEFAULT = "roc_auc"


def headline_metric(version: VersionInfo) -> str:
    """The estimated metric a check reports and the ``estimated_metric_drop`` rule watches:
    the run's metric where CBPE estimates it (macro F1 only for multiclass, where CBPE's F1
    is the macro average), else ROC AUC."""
    found = STANDS_FOR.get(version.metric, HEADLINE_DEFAULT)
    if version.metric == "f1_macro" and len(version.labels) == 2:
        return HEADLINE_DEFAULT  # binary CBPE F1 is the positive class's, not the macro mean
    return found


def estimated_part(ctx: CheckContext) -> dict[str, Any] | None:
    """The estimated metrics of the new logged rows (None without new batches). A regression
    model or a version whose holdout cannot be rebuilt gets ``{"offered": False, "reason"}``,
    which no rule fires on; the check itself still succeeds."""
    if not ctx.batch_ids:
        return None
    version = ctx.version
    try:
        ref = reference(ctx.studio, version, None)
        frame = pd.concat([logged_rows(ctx.studio, b) for b in ctx.batch_ids], ignore_index=True)
        found = estimate_window(ctx.studio, version, frame, label="since the last check")
    except InvalidInputError as exc:
        return {"offered": False, "reason": str(exc)}
    metric = headline_metric(version)
    estimate = found.metrics[metric]
    return {
        "offered": True,
        "metric": metric,
        "label": LABELS[metric],
        "estimated": estimate.value,
        "low": estimate.low,
        "high": estimate.high,
        "reference": ref.holdout.get(metric),
        "greater_is_better": True,
        "rows": found.rows,
        "metrics": {name: m.to_json() for name, m in found.metrics.items()},
        "warnings": [*reference_warnings(ref), *found.warnings],
    }


def serving_part(ctx: CheckContext) -> dict[str, Any] | None:
    """The endpoint's requests for the model since the last check, over every version and
    source (live and shadow): received, 4xx, 5xx and the error rate; None when none came."""
    counts = request_counts(ctx.studio, ctx.version.name, ctx.serving_after, ctx.serving_to)
    requests = sum(c.requests for c in counts)
    if not requests:
        return None
    errors = sum(c.errors for c in counts)
    return {
        "requests": requests,
        "client_errors": sum(c.client_errors for c in counts),
        "server_errors": sum(c.server_errors for c in counts),
        "error_rate": errors / requests,
        "variants": [
            {
                "version": c.version,
                "source": c.source,
                "requests": c.requests,
                "client_errors": c.client_errors,
                "server_errors": c.server_errors,
            }
            for c in counts
        ],  # fmt: skip
    }


register_part("estimated_metric", estimated_part)
register_part("serving", serving_part)
