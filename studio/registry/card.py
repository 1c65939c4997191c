"""Comparing two versions of one model: metrics with their change, and what else changed."""

from __future__ import annotations

import pandas as pd

from studio.autopilot.metrics import metric_label
from studio.registry.versions import VersionInfo


def version_diff(a: VersionInfo, b: VersionInfo) -> pd.DataFrame:
    """Metrics (with B − A) and what changed between two versions."""
    rows = []
    for metric in a.metrics.get("holdout", {}):
        x, y = a.metrics["holdout"].get(metric), b.metrics.get("holdout", {}).get(metric)
        delta = "" if x is None or y is None else f"{y - x:+.4f}"
        shown = ["—" if v is None else f"{v:.4f}" for v in (x, y)]
        rows.append((f"holdout {metric_label(metric)}", *shown, delta))
    fields = ("candidate_name", "family", "dataset", "run_id", "stage", "approval",
              "positive_class", "decision_threshold")  # fmt: skip
    for field in fields:
        x, y = getattr(a, field), getattr(b, field)
        rows.append((field.replace("_", " "), str(x), str(y), "" if x == y else "changed"))
    for key in sorted(set(a.params) | set(b.params)):
        x, y = a.params.get(key), b.params.get(key)
        if x != y:
            rows.append((f"param {key}", str(x), str(y), "changed"))
    return pd.DataFrame(rows, columns=["", f"v{a.version}", f"v{b.version}", "B − A"]).set_index(
        ""
    )
