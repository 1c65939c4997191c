"""Does current data lie inside the reference's support? A domain classifier says.

A gradient-boosting classifier (``HistGradientBoostingClassifier``, categories native) learns to
tell reference rows from current rows; its cross-validated ROC AUC is 0.5 when they cannot be
told apart and 1.0 when they never overlap (the "domain classifier" drift method of NannyML and
of Rabanser et al., "Failing Loudly", NeurIPS 2019). Covariate shift alone does not break
performance estimation (it is what CBPE is for), but current rows the reference never covered
leave the calibrated probabilities extrapolated. So besides the AUC, ``outside`` is the share of
current rows the classifier puts at P(current) >= ``OUTSIDE_P`` on balanced samples: a
density ratio of at least 19 to 1, rows the reference barely has.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

SAMPLE = 2_000  # rows per side at most
OUTSIDE_P = 0.95
AUC_LIMIT = 0.9
OUTSIDE_LIMIT = 0.10
MIN_ROWS = 50


@dataclass(frozen=True)
class Support:
    """How well the domain classifier tells current rows from reference rows."""

    auc: float
    outside: float  # share of current rows at P(current) >= OUTSIDE_P
    rows: int  # rows per side it was fit on

    @property
    def poor(self) -> bool:
        """The current rows are easily told apart, or many lie where the reference has none."""
        return self.auc >= AUC_LIMIT or self.outside >= OUTSIDE_LIMIT

    def to_json(self) -> dict:
        """The CLI's entry."""
        return {"auc": self.auc, "outside_share": self.outside, "rows": self.rows,
                "poor": self.poor}  # fmt: skip


def _encoded(frame: pd.DataFrame, kinds: dict[str, str]) -> tuple[pd.DataFrame, list[bool]]:
    """Numbers as floats, categories as codes (NaN when missing); dates left out (a later
    window is always later, which says nothing about support)."""
    columns, categorical = {}, []
    for name, kind in kinds.items():
        if kind == "datetime" or name not in frame.columns:
            continue
        if kind == "numeric":
            columns[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
            categorical.append(False)
        else:
            codes = frame[name].astype("string").astype("category").cat.codes.clip(upper=250)
            columns[name] = codes.where(codes >= 0).astype(float)  # codes past 250 share one
            categorical.append(True)
    return pd.DataFrame(columns, index=frame.index), categorical


def domain_support(
    reference: pd.DataFrame, current: pd.DataFrame, kinds: dict[str, str], seed: int = 0
) -> Support | None:
    """The domain classifier's 3-fold cross-validated AUC and outside share for ``current``
    against ``reference`` (features named in ``kinds``: numeric | categorical | datetime).
    None when a side has fewer than ``MIN_ROWS`` rows or no feature can be used."""
    rows = min(len(reference), len(current), SAMPLE)
    if rows < MIN_ROWS:
        return None
    both = pd.concat(
        [reference.sample(rows, random_state=seed), current.sample(rows, random_state=seed)],
        ignore_index=True,
    )
    X, categorical = _encoded(both, kinds)
    if X.shape[1] == 0:
        return None
    y = np.r_[np.zeros(rows), np.ones(rows)].astype(int)
    model = HistGradientBoostingClassifier(
        max_iter=60, learning_rate=0.1, max_leaf_nodes=15, categorical_features=categorical,
        random_state=seed,
    )  # fmt: skip
    folds = StratifiedKFold(3, shuffle=True, random_state=seed)
    p = cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1]
    return Support(float(roc_auc_score(y, p)), float(np.mean(p[rows:] >= OUTSIDE_P)), rows)
