"""Histogram gradient boosting's trees evaluated all at once, for the lean path.

scikit-learn predicts with one Cython call per tree (``_predict_iterations``: for a churn
booster of 95 trees, 95 calls, each validating and allocating), which on a one-row request costs
far more than walking the trees. Here every node of every tree is laid out in flat arrays, each
node's decision for each row is computed in one vectorised pass, and the rows descend all trees
together, one gather per level. The decisions are those of ``_predict_one_from_raw_data``
(``sklearn/ensemble/_hist_gradient_boosting/_predictor.pyx``, scikit-learn 1.9): NaN follows
``missing_go_to_left``; a categorical value goes left when its bit is set in the node's left
bitset, right when the category was known at fit time, else (unknown, or negative) as missing;
a number goes left when ``value <= num_threshold`` (a table per categorical node, built once,
holds where each of the 256 codes goes). The leaf values are summed per class in
iteration order starting from the baseline, as ``_raw_predict`` adds them, so the sums and
the probabilities (the booster's own loss) are bit for bit the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_CODE = 255  # categorical codes are read as uint8 by scikit-learn


@dataclass(frozen=True)
class Forest:
    """All trees of a fitted booster as flat node arrays (global node indices)."""

    feature: np.ndarray  # (N,) feature index of each node
    threshold: np.ndarray  # (N,) numerical threshold
    missing_left: np.ndarray  # (N,) bool
    left: np.ndarray  # (N,) next node when going left (a leaf points at itself)
    right: np.ndarray  # (N,) next node when going right (a leaf points at itself)
    value: np.ndarray  # (N,) leaf value
    categorical: np.ndarray  # (C,) global indices of categorical split nodes
    goes_left: np.ndarray  # (C * 257,) bool: where codes 0-255, then "missing", go at each
    table_rows: np.ndarray  # (C,) where each categorical node's 257 entries start
    roots: np.ndarray  # (T,) root of each tree, iteration-major, class-minor
    depth: int  # the deepest leaf's depth
    iterations: int
    per_iteration: int
    baseline: np.ndarray  # (per_iteration,)

    def raw(self, X: np.ndarray) -> np.ndarray:
        """Raw predictions (n, per_iteration) for the booster's encoded input ``X`` (n,
        features, float64). Raises ValueError for a categorical code above 255, which
        scikit-learn would cast to uint8."""
        n = X.shape[0]
        x = X.take(self.feature, axis=1)  # (n, N): each node's input value, row by row
        go_left = (x <= self.threshold) | (np.isnan(x) & self.missing_left)
        if len(self.categorical):
            go_left[:, self.categorical] = self._categorical(x[:, self.categorical])
        following = np.where(go_left, self.left, self.right)
        # Row i's nodes live at i * N + node in the flattened array: one gather per level.
        start = np.arange(n)[:, np.newaxis] * len(self.feature)
        following = (following + start).ravel()
        node = (self.roots + start).ravel()
        for _ in range(self.depth):
            node = following.take(node)
        node = node.reshape(n, -1) - start
        leaves = self.value.take(node).reshape(n, self.iterations, self.per_iteration)
        terms = np.empty((self.iterations + 1, n, self.per_iteration))
        terms[0] = np.zeros((n, self.per_iteration)) + self.baseline  # as _raw_predict starts
        terms[1:] = leaves.transpose(1, 0, 2)
        return np.cumsum(terms, axis=0)[-1]  # sequential sums, as _raw_predict adds them

    def _categorical(self, x: np.ndarray) -> np.ndarray:
        if np.any(x > MAX_CODE):
            raise ValueError("a categorical code above 255")
        code = np.where(x >= 0, x, MAX_CODE + 1).astype(np.intp)  # NaN and negatives: missing
        return self.goes_left.take(code + self.table_rows)


def _goes_left(left_bits: np.ndarray, known_bits: np.ndarray, missing_left: bool) -> np.ndarray:
    """Where each code 0-255 goes at one categorical node: left when it is in the node's left
    bitset, right when the category was known at fit time, else as a missing value."""
    code = np.arange(MAX_CODE + 1)
    in_left = (left_bits[code >> 5] >> (code & 31).astype(np.uint32)) & 1
    known = (known_bits[code >> 5] >> (code & 31).astype(np.uint32)) & 1
    goes = (in_left == 1) | ((known == 0) & missing_left)
    return np.append(goes, missing_left)  # code 256: a missing, negative or unknown value


def compile_forest(booster: Any) -> Forest:
    """The trees of a fitted ``HistGradientBoostingClassifier`` or ``...Regressor``."""
    known, f_idx_map = booster._bin_mapper.make_known_categories_bitsets()
    arrays: dict[str, list[np.ndarray]] = {k: [] for k in ("feat", "thr", "ml", "l", "r", "v")}
    categorical, goes_left, roots = [], [], []
    offset, depth = 0, 0
    for iteration in booster._predictors:
        for predictor in iteration:
            nodes = predictor.nodes
            n = len(nodes)
            own = np.arange(offset, offset + n)
            leaf = nodes["is_leaf"].astype(bool)
            arrays["feat"].append(np.where(leaf, 0, nodes["feature_idx"]).astype(np.intp))
            arrays["thr"].append(nodes["num_threshold"].astype(np.float64))
            arrays["ml"].append(nodes["missing_go_to_left"].astype(bool))
            arrays["l"].append(np.where(leaf, own, offset + nodes["left"].astype(np.intp)))
            arrays["r"].append(np.where(leaf, own, offset + nodes["right"].astype(np.intp)))
            arrays["v"].append(nodes["value"].astype(np.float64))
            split_cat = np.flatnonzero(~leaf & nodes["is_categorical"].astype(bool))
            for i in split_cat:
                categorical.append(offset + i)
                goes_left.append(_goes_left(
                    predictor.raw_left_cat_bitsets[nodes["bitset_idx"][i]],
                    known[f_idx_map[nodes["feature_idx"][i]]],
                    bool(nodes["missing_go_to_left"][i]),
                ))  # fmt: skip
            roots.append(offset)
            depth = max(depth, int(nodes["depth"].max()))
            offset += n
    return Forest(
        np.concatenate(arrays["feat"]), np.concatenate(arrays["thr"]),
        np.concatenate(arrays["ml"]), np.concatenate(arrays["l"]), np.concatenate(arrays["r"]),
        np.concatenate(arrays["v"]), np.asarray(categorical, dtype=np.intp),
        np.asarray(goes_left, dtype=bool).ravel(),
        np.arange(len(categorical), dtype=np.intp) * (MAX_CODE + 2),
        np.asarray(roots, dtype=np.intp), depth, len(booster._predictors),
        booster.n_trees_per_iteration_, np.asarray(booster._baseline_prediction).ravel(),
    )  # fmt: skip
