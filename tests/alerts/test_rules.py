"""The rule evaluation is one pure function of a rule and a check's results; a table of
results against each kind, including the estimated-metric hook."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from studio.alerts.rules import RuleInfo, evaluate

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
DRIFT = {"dataset_drift": True, "drift_share": 0.75, "share_threshold": 0.5,
         "features": {"tenure": {"drifted": True, "test": "ks", "statistic": 0.4,
                                 "threshold": 0.05, "status": "ok"},
                      "plan": {"drifted": False, "test": "chi2", "statistic": 1.0,
                               "threshold": 0.05, "status": "ok"}}}  # fmt: skip
AUC = {"metric": "roc_auc", "label": "ROC AUC", "current": 0.80, "reference": 0.90,
       "greater_is_better": True, "rows": 200}  # fmt: skip
LOSS = {"metric": "log_loss", "label": "Log loss", "current": 0.50, "reference": 0.40,
        "greater_is_better": False, "rows": 200}  # fmt: skip
ESTIMATED = {"metric": "roc_auc", "label": "ROC AUC", "estimated": 0.70, "reference": 0.90,
             "greater_is_better": True}  # fmt: skip


def _rule(kind: str, feature: str = "", delta: float | None = None, period: int | None = None):
    return RuleInfo(1, "m", kind, feature, delta, period, ("c",), NOW, "bob")


@pytest.mark.parametrize(
    ("rule", "results", "fires", "words"),
    [
        (_rule("dataset_drift"), {"drift": DRIFT}, True, "75% of features drifted"),
        (_rule("dataset_drift"), {"drift": DRIFT | {"dataset_drift": False}}, False, ""),
        (_rule("dataset_drift"), {}, False, ""),
        (_rule("feature_drift", "tenure"), {"drift": DRIFT}, True, "'tenure' drifted"),
        (_rule("feature_drift", "plan"), {"drift": DRIFT}, False, ""),
        (_rule("metric_drop", delta=0.05), {"metric": AUC}, True, "0.1000 worse"),
        (_rule("metric_drop", delta=0.2), {"metric": AUC}, False, ""),
        (_rule("metric_drop", delta=0.05), {"metric": LOSS}, True, "Log loss is 0.5000"),
        (_rule("metric_drop", delta=0.05), {}, False, ""),
        (_rule("estimated_metric_drop", delta=0.1), {"estimated_metric": ESTIMATED}, True,
         "Estimated ROC AUC is 0.7000"),
        (_rule("estimated_metric_drop", delta=0.1), {"metric": AUC}, False, ""),  # no part
        (_rule("no_data", period=3600), {"data": {"last_data_at": "2026-03-02T10:00:00+00:00"}},
         True, "No data since 2026-03-02T10:00"),
        (_rule("no_data", period=3600), {"data": {"last_data_at": "2026-03-02T11:30:00+00:00"}},
         False, ""),
        (_rule("no_data", period=3600), {"data": {"last_data_at": None}}, True, "No data ever"),
    ],
)  # fmt: skip
def test_each_kind_fires_on_its_own_evidence_only(
    rule: RuleInfo, results: dict, fires: bool, words: str
) -> None:
    finding = evaluate(rule, results, NOW)
    assert (finding is not None) == fires
    if fires:
        assert words in finding.message
