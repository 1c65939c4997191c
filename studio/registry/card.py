"""Comparing two versions of one model: metrics with their change, and what else changed."""

from __future__ import annotations

import pandas as pd

from studio.autopilot.metrics import metric_label
from studio.i18n import N_, _
from studio.registry.labels import approval_name, stage_name
from studio.registry.versions import VersionInfo

# What else is compared, and how a row names it.
FIELDS = {
    "candidate_name": N_("candidate name"),
    "family": N_("family"),
    "dataset": N_("dataset"),
    "run_id": N_("run id"),
    "stage": N_("stage"),
    "approval": N_("approval"),
    "positive_class": N_("positive class"),
    "decision_threshold": N_("decision threshold"),
}
SHOWN = {"stage": stage_name, "approval": approval_name}


def version_diff(a: VersionInfo, b: VersionInfo) -> pd.DataFrame:
    """Metrics (with B − A) and what changed between two versions, in the caller's words."""
    rows = []
    changed = _("changed")
    for metric in a.metrics.get("holdout", {}):
        x, y = a.metrics["holdout"].get(metric), b.metrics.get("holdout", {}).get(metric)
        delta = "" if x is None or y is None else f"{y - x:+.4f}"
        shown = ["—" if v is None else f"{v:.4f}" for v in (x, y)]
        rows.append((_("holdout {metric}").format(metric=metric_label(metric)), *shown, delta))
    for field, name in FIELDS.items():
        x, y = getattr(a, field), getattr(b, field)
        show = SHOWN.get(field, str)
        rows.append((_(name), show(str(x)), show(str(y)), "" if x == y else changed))
    for key in sorted(set(a.params) | set(b.params)):
        x, y = a.params.get(key), b.params.get(key)
        if x != y:
            rows.append((_("param {name}").format(name=key), str(x), str(y), changed))
    columns = ["", f"v{a.version}", f"v{b.version}", "B − A"]
    return pd.DataFrame(rows, columns=columns).set_index("")
