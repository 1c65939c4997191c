"""Profiles: statistics checked against plain pandas/numpy; types and warnings on known data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from studio.data.profile import DatasetProfile, profile_frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 500
    data = pd.DataFrame(
        {
            "customer_id": np.arange(1000, 1000 + n),
            "income": rng.lognormal(10, 0.5, n),
            "age": rng.integers(18, 90, n).astype(float),
            "city": rng.choice(["Paris", "Lyon", "Nice", "Lille"], n),
            "active": rng.choice([0, 1], n),
            "joined": pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), "D"),
            "comment": [f"free text comment number {i} with several words" for i in range(n)],
            "constant": ["same"] * n,
            "empty": [np.nan] * n,
            "sku": [f"SKU-{i:05d}" for i in range(n)],
            "zip": rng.choice([f"{i:05d}" for i in range(3000)], n),
        }
    )
    data.loc[rng.choice(n, 200, replace=False), "age"] = np.nan
    return pd.concat([data, data.iloc[:7]], ignore_index=True)


@pytest.fixture(scope="module")
def profile(frame: pd.DataFrame) -> DatasetProfile:
    return profile_frame(frame)


def test_kinds_are_inferred(profile: DatasetProfile) -> None:
    """Each column gets the type a person would give it."""
    kinds = {c.name: c.kind for c in profile.column_profiles}
    assert kinds == {
        "customer_id": "identifier",
        "income": "numeric",
        "age": "numeric",
        "city": "categorical",
        "active": "boolean",
        "joined": "datetime",
        "comment": "text",
        "constant": "categorical",
        "empty": "numeric",
        "sku": "identifier",
        "zip": "categorical",
    }


def test_counts_match_pandas(frame: pd.DataFrame, profile: DatasetProfile) -> None:
    """Missing, distinct and duplicate counts equal pandas' own."""
    assert profile.rows == len(frame) and profile.columns == frame.shape[1]
    assert profile.duplicate_rows == int(frame.duplicated().sum()) == 7
    for column in profile.column_profiles:
        series = frame[column.name]
        assert column.missing == int(series.isna().sum())
        assert column.missing_share == pytest.approx(series.isna().mean())
        assert column.distinct == series.nunique()


def test_numeric_statistics_match_numpy(frame: pd.DataFrame, profile: DatasetProfile) -> None:
    """Mean, std, quantiles and extremes equal numpy's on the non-missing values."""
    for name in ("income", "age"):
        values = frame[name].dropna().to_numpy()
        stats = profile.column(name).stats
        assert stats["mean"] == pytest.approx(values.mean())
        assert stats["std"] == pytest.approx(values.std(ddof=1))
        assert stats["median"] == pytest.approx(np.median(values))
        assert stats["p25"] == pytest.approx(np.quantile(values, 0.25))
        assert (stats["min"], stats["max"]) == (values.min(), values.max())


def test_histogram_counts_every_value(frame: pd.DataFrame, profile: DatasetProfile) -> None:
    """The histogram's bins hold every non-missing value, as numpy.histogram counts them."""
    dist = profile.column("income").distribution
    expected, _ = np.histogram(frame["income"], bins=len(dist.counts))
    assert dist.kind == "histogram" and list(dist.counts) == expected.tolist()
    assert sum(profile.column("joined").distribution.counts) == len(frame)


def test_top_values_and_bars_match_value_counts(
    frame: pd.DataFrame, profile: DatasetProfile
) -> None:
    """Top values and category bars are pandas' value_counts, with the rest in 'other'."""
    counts = frame["city"].value_counts()
    assert profile.column("city").top_values == tuple(
        zip(counts.index, counts.tolist(), strict=True)
    )
    zip_bars = profile.column("zip").distribution
    assert sum(zip_bars.counts) + zip_bars.other == len(frame)
    assert list(zip_bars.counts) == frame["zip"].value_counts().head(20).tolist()


def test_warnings_are_ranked_by_severity(profile: DatasetProfile) -> None:
    """Empty and constant columns come first (high), then missingness/identifiers, then dups."""
    found = [(w.severity, w.kind, w.column) for w in profile.warnings]
    assert found[:2] == [("high", "constant", "constant"), ("high", "all_empty", "empty")]
    assert ("medium", "heavy_missing", "age") in found
    assert ("medium", "identifier", "customer_id") in found
    assert ("medium", "identifier", "sku") in found
    assert found[-1] == ("low", "duplicate_rows", "")
    order = ["high", "medium", "low"]
    assert [order.index(s) for s, _, _ in found] == sorted(order.index(s) for s, _, _ in found)


def test_high_cardinality_categorical_is_flagged() -> None:
    """A text column with thousands of repeated codes warns about cardinality."""
    codes = [f"c{i % 1500}" for i in range(6000)]
    profile = profile_frame(pd.DataFrame({"code": codes, "y": range(6000)}))
    assert [w.kind for w in profile.warnings if w.column == "code"] == ["high_cardinality"]


def test_round_trip_through_json(profile: DatasetProfile) -> None:
    """A stored profile comes back equal."""
    import json

    again = DatasetProfile.from_dict(json.loads(json.dumps(profile.to_dict())))
    assert again == profile
