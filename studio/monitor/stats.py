"""The drift stat-test registry: each test compares a reference sample with a current one.

Numeric columns: Kolmogorov-Smirnov (``ks``: statistic D and its p-value), Wasserstein
distance normed by the reference standard deviation (``wasserstein``), population stability
index on reference quantile bins (``psi``), Jensen-Shannon distance on the same bins
(``jensenshannon``). Categorical columns: chi-square test of homogeneity on the two samples'
category counts (``chisquare``: statistic and p-value, as ``scipy.stats.chi2_contingency``),
Jensen-Shannon distance and PSI on category shares, and a two-proportion Z-test for binary
columns (``z``: statistic z and p-value).

Defaults (``default_test``), as Evidently chose them after its own study: up to 1,000
reference rows a p-value test at 0.05 (KS for numbers, Z for two categories, chi-square for
more); above, a distance at 0.1 (normed Wasserstein for numbers, Jensen-Shannon for
categories, natural log as in Evidently so its thresholds carry over). P-value tests over many
columns are corrected with Benjamini-Hochberg (see ``adjust``). Every result records the test
and threshold that decided it. A test's ``compute`` gives an :class:`Outcome`: the test's own
statistic, and its p-value for p-value tests (None for distances).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

from studio.errors import InvalidInputError

SMALL_REFERENCE = 1_000
EPS = 1e-4  # floor for empty bins in PSI
BINS = 10


@dataclass(frozen=True)
class Outcome:
    """What a test computed: its statistic (chi-square, KS D, z, PSI, distance) and, for a
    p-value test, the p-value (None for distances)."""

    statistic: float
    p_value: float | None = None


@dataclass(frozen=True)
class DriftTest:
    """A named test: what it computes, for which columns, and when it calls drift."""

    name: str
    label: str
    kinds: tuple[str, ...]  # numeric | categorical
    p_value: bool  # True: drift when the p-value < threshold; False: when statistic > it
    default_threshold: float
    compute: Callable[[np.ndarray, np.ndarray], Outcome]

    def drifted(self, value: float, threshold: float) -> bool:
        """Whether ``value`` (the p-value of a p-value test, else the statistic) means drift."""
        return value < threshold if self.p_value else value > threshold


def _quantile_bins(reference: np.ndarray) -> np.ndarray:
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, BINS + 1)))
    edges[0], edges[-1] = -np.inf, np.inf
    return edges


def _binned(reference: np.ndarray, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    edges = _quantile_bins(reference)
    ref = np.histogram(reference, edges)[0] / len(reference)
    cur = np.histogram(current, edges)[0] / len(current)
    return ref, cur


def _counts(reference: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Count of each category (over both samples' categories) in each sample, shape
    (2, categories): one hashing pass (factorize) and two counts, not one pass per category."""
    codes, categories = pd.factorize(np.concatenate([reference, current]))
    return np.vstack(
        [
            np.bincount(part, minlength=len(categories))
            for part in (codes[: len(reference)], codes[len(reference) :])
        ]
    )


def _shares(reference: np.ndarray, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Share of each category (over both samples' categories) in each sample."""
    counts = _counts(reference, current)
    return counts[0] / len(reference), counts[1] / len(current)


def _distributions(reference: np.ndarray, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shares per reference-quantile bin (numbers) or per category (anything else)."""
    if reference.dtype.kind in "fiu":
        return _binned(reference, current)
    return _shares(reference, current)


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    """Population stability index of two share vectors (empty bins floored at 1e-4)."""
    e, a = np.maximum(expected, EPS), np.maximum(actual, EPS)
    return float(np.sum((a - e) * np.log(a / e)))


def wasserstein(u: np.ndarray, v: np.ndarray) -> float:
    """The 1-Wasserstein distance of two samples: scipy's formula (the area between the two
    empirical CDFs), with both CDFs read off one stable merge of the sorted samples instead of
    two binary searches."""
    both = np.concatenate([np.sort(u), np.sort(v)])
    order = np.argsort(both, kind="stable")  # two sorted runs: a linear merge
    points = both[order]
    from_u = order < len(u)
    u_cdf = np.cumsum(from_u)[:-1] / len(u)
    v_cdf = np.cumsum(~from_u)[:-1] / len(v)
    return float(np.sum(np.abs(u_cdf - v_cdf) * np.diff(points)))


def _wasserstein(reference: np.ndarray, current: np.ndarray) -> Outcome:
    scale = np.std(reference)
    return Outcome(wasserstein(reference, current) / (scale if scale > 0 else 1.0))


def _ks(reference: np.ndarray, current: np.ndarray) -> Outcome:
    result = stats.ks_2samp(reference, current)
    return Outcome(float(result.statistic), float(result.pvalue))


def _chisquare(reference: np.ndarray, current: np.ndarray) -> Outcome:
    """Chi-square test of homogeneity on the 2 x categories table of counts: both samples
    are samples (the reference is not taken as the truth), so a small reference does not
    inflate false alarms."""
    result = stats.chi2_contingency(_counts(reference, current))
    return Outcome(float(result.statistic), float(result.pvalue))


def _z_test(reference: np.ndarray, current: np.ndarray) -> Outcome:
    first = np.unique(np.concatenate([reference, current]))[0]
    p1, p2 = np.mean(reference == first), np.mean(current == first)
    n1, n2 = len(reference), len(current)
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return Outcome(0.0, 1.0)
    z = float((p1 - p2) / se)
    return Outcome(z, float(2 * stats.norm.sf(abs(z))))


TESTS: dict[str, DriftTest] = {
    t.name: t
    for t in (
        DriftTest(
            "ks",
            "Kolmogorov-Smirnov test",
            ("numeric",),
            True,
            0.05,
            _ks,
        ),
        DriftTest(
            "wasserstein", "Wasserstein distance (normed)", ("numeric",), False, 0.1, _wasserstein
        ),
        DriftTest(
            "psi",
            "Population stability index",
            ("numeric", "categorical"),
            False,
            0.1,
            lambda r, c: Outcome(psi(*_distributions(r, c))),
        ),
        DriftTest(
            "jensenshannon",
            "Jensen-Shannon distance",
            ("numeric", "categorical"),
            False,
            0.1,
            lambda r, c: Outcome(float(jensenshannon(*_distributions(r, c)))),
        ),
        DriftTest("chisquare", "Chi-square test", ("categorical",), True, 0.05, _chisquare),
        DriftTest("z", "Two-proportion Z-test", ("categorical",), True, 0.05, _z_test),
    )
}


def get_test(name: str, kind: str) -> DriftTest:
    """The test ``name`` for a ``kind`` column; unknown or unsuitable names list the valid ones."""
    valid = [t.name for t in TESTS.values() if kind in t.kinds]
    if name not in valid:
        raise InvalidInputError(
            f"'{name}' is not a drift test for {kind} columns; choose one of {', '.join(valid)}."
        )
    return TESTS[name]


def default_test(kind: str, reference_rows: int, distinct: int) -> DriftTest:
    """The documented default for a column of ``kind`` with ``distinct`` reference values."""
    small = reference_rows <= SMALL_REFERENCE
    if kind == "numeric":
        return TESTS["ks" if small else "wasserstein"]
    if small:
        return TESTS["z" if distinct <= 2 else "chisquare"]
    return TESTS["jensenshannon"]


def adjust(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (false discovery rate over many columns)."""
    if not p_values:
        return []
    return [float(v) for v in stats.false_discovery_control(np.asarray(p_values), method="bh")]
