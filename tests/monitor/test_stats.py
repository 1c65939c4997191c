"""Drift statistics against scipy and naive references, defaults, and false alarms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from studio.errors import InvalidInputError
from studio.monitor.stats import TESTS, adjust, default_test, get_test, psi

rng = np.random.default_rng(0)
REF = rng.normal(10, 2, 3000)
CUR = rng.normal(10.8, 2, 2500)


def test_numeric_statistics_match_scipy_and_naive_references() -> None:
    """KS D and p-value and normed Wasserstein from scipy; PSI and JS from a loop over deciles;
    distances have no p-value."""
    ks = TESTS["ks"].compute(REF, CUR)
    oracle = stats.ks_2samp(REF, CUR)
    assert ks.statistic == pytest.approx(oracle.statistic) and 0 < ks.statistic < 1
    assert ks.p_value == pytest.approx(oracle.pvalue)
    expected = stats.wasserstein_distance(REF, CUR) / np.std(REF)
    assert TESTS["wasserstein"].compute(REF, CUR).statistic == pytest.approx(expected)
    assert TESTS["wasserstein"].compute(REF, CUR).p_value is None
    edges = np.quantile(REF, np.linspace(0, 1, 11))
    ref_share, cur_share = [], []
    for i in range(10):  # naive binning: deciles of the reference, open at both ends
        low = -math.inf if i == 0 else edges[i]
        high = math.inf if i == 9 else edges[i + 1]
        ref_share.append(np.mean((low <= REF) & (high > REF)))
        cur_share.append(np.mean((low <= CUR) & (high > CUR)))
    naive_psi = sum((c - r) * math.log(c / r) for r, c in zip(ref_share, cur_share, strict=True))
    assert TESTS["psi"].compute(REF, CUR).statistic == pytest.approx(naive_psi, rel=1e-3)
    naive_js = jensenshannon(ref_share, cur_share)  # natural log, as Evidently
    assert TESTS["jensenshannon"].compute(REF, CUR).statistic == pytest.approx(naive_js, rel=1e-3)


def test_categorical_statistics() -> None:
    """Chi-square against scipy's test of homogeneity on the 2 x k table of counts (a category
    only one side has included); the Z-test against a hand computation."""
    ref = rng.choice(["a", "b", "c"], 2000, p=[0.5, 0.3, 0.2])
    cur = np.concatenate([rng.choice(["a", "b", "c"], 1500, p=[0.4, 0.3, 0.3]), ["d"] * 7])
    table = np.array([[np.sum(side == k) for k in "abcd"] for side in (ref, cur)])
    oracle = stats.chi2_contingency(table)
    chi = TESTS["chisquare"].compute(ref, cur)
    assert chi.statistic == pytest.approx(oracle.statistic) and chi.statistic > 1
    assert chi.p_value == pytest.approx(oracle.pvalue)
    yes_ref, yes_cur = rng.random(800) < 0.3, rng.random(600) < 0.4
    ref2, cur2 = np.where(yes_ref, "yes", "no"), np.where(yes_cur, "yes", "no")
    p1, p2 = np.mean(ref2 == "no"), np.mean(cur2 == "no")
    pooled = (p1 * 800 + p2 * 600) / 1400
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / 800 + 1 / 600))
    assert TESTS["z"].compute(ref2, cur2).statistic == pytest.approx(z)
    assert TESTS["z"].compute(ref2, cur2).p_value == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert psi(np.array([0.5, 0.5]), np.array([0.5, 0.5])) == 0


def test_unshifted_data_does_not_drift_and_shifted_data_does() -> None:
    """Each test calls the shifted sample drifted and a fresh draw of the same law not."""
    same = rng.normal(10, 2, 2500)
    for name in ("ks", "wasserstein", "psi", "jensenshannon"):
        test = TESTS[name]

        def decided(current: np.ndarray, test=test) -> float:  # noqa: ANN001
            outcome = test.compute(REF, current)
            return outcome.p_value if test.p_value else outcome.statistic

        assert test.drifted(decided(CUR), test.default_threshold), name
        assert not test.drifted(decided(same), test.default_threshold), name


def test_default_selection_table() -> None:
    """Small references get p-value tests, large ones distances; binary columns the Z-test."""
    assert default_test("numeric", 1000, 500).name == "ks"
    assert default_test("numeric", 1001, 500).name == "wasserstein"
    assert default_test("categorical", 300, 2).name == "z"
    assert default_test("categorical", 300, 7).name == "chisquare"
    assert default_test("categorical", 50_000, 2).name == "jensenshannon"
    with pytest.raises(InvalidInputError, match="choose one of psi, jensenshannon, chisquare, z"):
        get_test("ks", "categorical")


def test_benjamini_hochberg_keeps_false_alarms_down() -> None:
    """25 unshifted columns at p<0.05: raw p-values raise false alarms in many batches,
    the adjusted ones almost never (and the adjustment matches scipy's definition)."""
    raw_alarms = adjusted_alarms = 0
    local = np.random.default_rng(7)
    for _ in range(40):
        ps = [stats.ks_2samp(local.normal(size=300), local.normal(size=300)).pvalue
              for _ in range(25)]  # fmt: skip
        raw_alarms += sum(p < 0.05 for p in ps)
        adjusted_alarms += sum(p < 0.05 for p in adjust(ps))
    assert raw_alarms >= 25  # about 1.25 per batch of 25 columns
    assert adjusted_alarms <= 4
    ps = [0.01, 0.04, 0.03, 0.5]
    ranked = sorted(ps)
    naive = [min(1, min(ranked[j] * 4 / (j + 1) for j in range(i, 4))) for i in range(4)]
    assert sorted(adjust(ps)) == pytest.approx(naive)
