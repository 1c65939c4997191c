"""Drift reports on shifted and unshifted frames, small and bad inputs, and quality problems."""

from __future__ import annotations

import numpy as np
import pandas as pd

from studio.monitor.drift import drift_report


def _frame(n: int, seed: int, shift: float = 0.0, columns: int = 25) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = {f"x{i}": rng.normal(shift if i < 10 else 0.0, 1, n) for i in range(columns - 5)}
    for i in range(5):
        p = [0.5, 0.3, 0.2] if not shift or i > 1 else [0.2, 0.3, 0.5]
        data[f"c{i}"] = rng.choice(["a", "b", "c"], n, p=p)
    return pd.DataFrame(data)


def test_unshifted_batch_raises_no_alarm_small_and_large() -> None:
    """Same law: no dataset drift, and at most a stray feature (p-values are corrected)."""
    for n in (500, 5000):  # p-value tests below 1,000 rows, distances above
        report = drift_report(_frame(n, 1), _frame(n, 2), list(_frame(5, 0).columns))
        assert not report.dataset_drift
        assert sum(f.drifted for f in report.features) <= 1
        assert len(report.features) == 25


def test_shifted_batch_drifts_and_is_ranked_by_severity() -> None:
    """Twelve of 25 columns shifted: those drift, they come first, the verdict uses the share."""
    names = list(_frame(5, 0).columns)
    report = drift_report(_frame(3000, 1), _frame(3000, 2, shift=0.5), names)
    drifted = {f.name for f in report.features if f.drifted}
    assert drifted == {f"x{i}" for i in range(10)} | {"c0", "c1"}
    assert report.drift_share == 12 / 25 and not report.dataset_drift  # below one half
    assert report.features[0].drifted and not report.features[-1].drifted
    assert {f.test for f in report.features} == {"wasserstein", "jensenshannon"}
    strict = drift_report(_frame(3000, 1), _frame(3000, 2, shift=0.5), names, share_threshold=0.4)
    assert strict.dataset_drift
    override = drift_report(_frame(3000, 1), _frame(3000, 2, 0.5), ["x0"], overrides={"x0": "psi"})
    assert override.features[0].test == "psi" and override.features[0].threshold == 0.1


def test_bad_current_data_is_reported_not_raised() -> None:
    """Missing columns, an all-missing column, one row, new categories, more missing values."""
    reference = _frame(800, 1)
    current = _frame(800, 2).drop(columns=["x3"])
    current["x4"] = np.nan
    current.loc[:300, "x5"] = np.nan
    current.loc[:10, "c0"] = "zzz"
    report = drift_report(reference, current, list(reference.columns))
    status = {f.name: f.status for f in report.features}
    assert "x3" not in status and status["x4"] == "not enough data"
    problems = " ".join(report.problems)
    assert "Missing in the current data: x3." in problems
    assert "'x5' is missing in 38% of rows (reference 0%)" in problems
    assert "'c0' has 1 new category: zzz." in problems
    single = drift_report(reference, _frame(1, 3), list(reference.columns))
    assert all(f.status == "not enough data" for f in single.features)
    assert not single.dataset_drift and single.drift_share == 0.0
    document = single.to_json()
    assert set(document["features"][0]) == {
        "name", "kind", "test", "test_name", "statistic", "p_value", "adjusted_p_value",
        "correction", "threshold", "threshold_on", "drifted", "status", "note",
    }  # fmt: skip
