"""Histogram gradient boosting's trees walked all at once give scikit-learn's raw predictions
bit for bit: numbers, NaN, known, unknown and negative categories, binary, multiclass and a
regression with a log link."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from studio.serving.lean_trees import compile_forest


def _table(n: int, rng: np.random.Generator, codes: tuple[int, int]) -> np.ndarray:
    """A number with blanks, a category code (blanks too), a second number, a second code."""
    X = np.column_stack([rng.normal(size=n), rng.integers(*codes, n).astype(float),
                         rng.normal(size=n), rng.integers(0, 5, n).astype(float)])  # fmt: skip
    X[rng.random(n) < 0.15, 0] = np.nan
    X[rng.random(n) < 0.15, 1] = np.nan
    return X


def _boosters(X: np.ndarray, rng: np.random.Generator) -> list:
    signal = np.nan_to_num(X[:, 0]) + (np.nan_to_num(X[:, 1]) % 4 == 1)
    binary = (signal + rng.normal(0, 0.5, len(X)) > 0.5).astype(int)
    three = (np.nan_to_num(X[:, 1]).astype(int) + (signal > 0)) % 3
    counts = np.abs(X[:, 2]) + 1
    return [
        HistGradientBoostingClassifier(categorical_features=[1, 3], max_iter=60, random_state=0)
        .fit(X, binary),
        HistGradientBoostingClassifier(categorical_features=[1], max_iter=30, random_state=0)
        .fit(X, three),
        HistGradientBoostingRegressor(categorical_features=[1], loss="poisson", max_iter=40,
                                      random_state=0).fit(X, counts),
        HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X[:, [0, 2]], binary),
    ]  # fmt: skip


def test_raw_predictions_equal_scikit_learns_bit_for_bit() -> None:
    rng = np.random.default_rng(0)
    X = _table(3000, rng, (0, 12))
    new = _table(400, rng, (-2, 20))  # codes never seen in fit, and negative ones
    for booster in _boosters(X, rng):
        columns = new[:, : booster.n_features_in_]
        encoded = (booster._preprocessor.transform(columns) if booster._preprocessor
                   else columns)  # fmt: skip
        forest = compile_forest(booster)
        assert np.array_equal(forest.raw(encoded), booster._raw_predict(columns))
        for i in range(20):  # one row at a time, as the endpoint asks
            row = slice(i, i + 1)
            assert np.array_equal(forest.raw(encoded[row]), booster._raw_predict(columns[row]))


def test_a_code_scikit_learn_would_read_as_uint8_is_refused() -> None:
    rng = np.random.default_rng(1)
    X = _table(500, rng, (0, 6))
    booster = _boosters(X, rng)[0]
    encoded = booster._preprocessor.transform(X[:1])
    encoded[0, :2] = 300.0  # both categorical columns come first after the booster's encoder
    with pytest.raises(ValueError, match="above 255"):
        compile_forest(booster).raw(encoded)
