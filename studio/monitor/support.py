"""Does current data lie inside the reference's support? A domain classifier says.

A logistic regression (numbers standardised with a missing-value indicator, categories one-hot;
no OpenMP, so it is safe in a worker process that forks later) learns to tell reference rows
from current rows; its cross-validated ROC AUC is 0.5 when they cannot be
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
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

SAMPLE = 2_000  # rows per side at most
OUTSIDE_P = 0.95
AUC_LIMIT = 0.9
OUTSIDE_LIMIT = 0.10
MIN_ROWS = 50
MAX_CATEGORIES = 20


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


def _prepared(frame: pd.DataFrame, kinds: dict[str, str]) -> tuple[pd.DataFrame, list, list]:
    """Numbers as floats and categories as text; dates left out (a later window is always
    later, which says nothing about support)."""
    numeric = [n for n, k in kinds.items() if k == "numeric" and n in frame.columns]
    categorical = [n for n, k in kinds.items() if k == "categorical" and n in frame.columns]
    columns = {n: pd.to_numeric(frame[n], errors="coerce").astype(float) for n in numeric}
    columns |= {n: frame[n].astype("string").fillna("(missing)").astype(object)
                for n in categorical}  # fmt: skip
    return pd.DataFrame(columns, index=frame.index), numeric, categorical


def _classifier(numeric: list[str], categorical: list[str]) -> Pipeline:
    numbers = make_pipeline(SimpleImputer(add_indicator=True), StandardScaler())
    categories = OneHotEncoder(handle_unknown="ignore", max_categories=MAX_CATEGORIES)
    columns = ColumnTransformer([("num", numbers, numeric), ("cat", categories, categorical)])
    return make_pipeline(columns, LogisticRegression(max_iter=500))


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
    X, numeric, categorical = _prepared(both, kinds)
    if X.shape[1] == 0:
        return None
    y = np.r_[np.zeros(rows), np.ones(rows)].astype(int)
    model = _classifier(numeric, categorical)
    folds = StratifiedKFold(3, shuffle=True, random_state=seed)
    p = cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1]
    return Support(float(roc_auc_score(y, p)), float(np.mean(p[rows:] >= OUTSIDE_P)), rows)
