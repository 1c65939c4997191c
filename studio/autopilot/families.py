"""The model-family registry: estimators, conditional search spaces and known-good defaults.

Every family names its preprocessing style (``linear`` scales numbers and target-encodes
high-cardinality categoricals; ``tree`` uses one-hot and ordinal codes; ``native`` hands
categoricals to histogram gradient boosting as categories) and the row count above which it is
not tried (k-NN and SVM scale badly). Parameters are sampled as ``<family>__<name>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import optuna
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import ElasticNet, LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.svm import SVC, SVR

from studio.errors import InvalidInputError
from studio.i18n import N_, _

Params = dict[str, Any]


@dataclass(frozen=True)
class Family:
    """A model family the autopilot can try."""

    name: str
    label: str
    style: str
    build: Callable[[Params, str, int, int], BaseEstimator]  # params, task, seed, n_native
    suggest: Callable[[optuna.Trial, str], Params]  # trial, task -> params (unprefixed)
    defaults: Callable[[str], Params] = field(default=lambda task: {})
    max_rows: int | None = None


def _weight(p: Params) -> str | None:
    """The class_weight parameter ('none' in the search space means None)."""
    value = p.get("class_weight")
    return None if value in (None, "none") else value


def _linear_build(p: Params, task: str, seed: int, _n: int) -> BaseEstimator:
    if task != "regression":
        return LogisticRegression(C=p["C"], class_weight=_weight(p), max_iter=2000)
    if p.get("model", "ridge") == "ridge":
        return Ridge(alpha=p["alpha"])
    return ElasticNet(alpha=p["alpha"], l1_ratio=p["l1_ratio"], max_iter=5000)


def _linear_suggest(t: optuna.Trial, task: str) -> Params:
    if task != "regression":
        return {
            "C": t.suggest_float("linear__C", 1e-3, 1e2, log=True),
            "class_weight": t.suggest_categorical("linear__class_weight", ["none", "balanced"]),
        }
    model = t.suggest_categorical("linear__model", ["ridge", "elasticnet"])
    params: Params = {
        "model": model,
        "alpha": t.suggest_float("linear__alpha", 1e-4, 1e2, log=True),
    }
    if model == "elasticnet":
        params["l1_ratio"] = t.suggest_float("linear__l1_ratio", 0.05, 0.95)
    return params


def _forest_build(classes: tuple[type, type]) -> Callable[[Params, str, int, int], BaseEstimator]:
    def build(p: Params, task: str, seed: int, _n: int) -> BaseEstimator:
        cls = classes[1] if task == "regression" else classes[0]
        extra = {} if task == "regression" else {"class_weight": _weight(p)}
        return cls(
            n_estimators=p["n_estimators"], max_features=p["max_features"],
            min_samples_leaf=p["min_samples_leaf"], random_state=seed, n_jobs=-1, **extra,
        )  # fmt: skip

    return build


def _forest_suggest(prefix: str) -> Callable[[optuna.Trial, str], Params]:
    def suggest(t: optuna.Trial, task: str) -> Params:
        params: Params = {
            "n_estimators": t.suggest_int(f"{prefix}__n_estimators", 50, 400, log=True),
            "max_features": t.suggest_categorical(f"{prefix}__max_features", ["sqrt", 0.5, 1.0]),
            "min_samples_leaf": t.suggest_int(f"{prefix}__min_samples_leaf", 1, 20, log=True),
        }
        if task != "regression":
            params["class_weight"] = t.suggest_categorical(
                f"{prefix}__class_weight", ["none", "balanced"]
            )
        return params

    return suggest


def _hgb_build(p: Params, task: str, seed: int, n_native: int) -> BaseEstimator:
    cls = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    return cls(
        learning_rate=p["learning_rate"], max_leaf_nodes=p["max_leaf_nodes"],
        min_samples_leaf=p["min_samples_leaf"], l2_regularization=p["l2_regularization"],
        max_features=p.get("max_features", 1.0), max_iter=p.get("max_iter", 300),
        early_stopping=True, n_iter_no_change=20, random_state=seed,
        categorical_features=list(range(n_native)) or None,
    )  # fmt: skip


def _hgb_suggest(t: optuna.Trial, task: str) -> Params:
    return {
        "learning_rate": t.suggest_float("hgb__learning_rate", 0.01, 0.3, log=True),
        "max_leaf_nodes": t.suggest_int("hgb__max_leaf_nodes", 8, 128, log=True),
        "min_samples_leaf": t.suggest_int("hgb__min_samples_leaf", 5, 100, log=True),
        "l2_regularization": t.suggest_float("hgb__l2_regularization", 1e-6, 10.0, log=True),
        "max_features": t.suggest_float("hgb__max_features", 0.4, 1.0),
        "max_iter": t.suggest_int("hgb__max_iter", 100, 800, log=True),
    }


def _knn_build(p: Params, task: str, seed: int, _n: int) -> BaseEstimator:
    cls = KNeighborsRegressor if task == "regression" else KNeighborsClassifier
    return cls(n_neighbors=p["n_neighbors"], weights=p["weights"], p=p["p"])


def _knn_suggest(t: optuna.Trial, task: str) -> Params:
    return {
        "n_neighbors": t.suggest_int("knn__n_neighbors", 1, 60, log=True),
        "weights": t.suggest_categorical("knn__weights", ["uniform", "distance"]),
        "p": t.suggest_categorical("knn__p", [1, 2]),
    }


def _svm_build(p: Params, task: str, seed: int, _n: int) -> BaseEstimator:
    if task == "regression":
        return SVR(C=p["C"], gamma=p["gamma"], epsilon=p.get("epsilon", 0.1))
    svc = SVC(C=p["C"], gamma=p["gamma"], random_state=seed)
    return CalibratedClassifierCV(svc, ensemble=False, cv=3)


def _svm_suggest(t: optuna.Trial, task: str) -> Params:
    params: Params = {
        "C": t.suggest_float("svm__C", 1e-2, 1e3, log=True),
        "gamma": t.suggest_categorical("svm__gamma", ["scale", "auto"]),
    }
    if task == "regression":
        params["epsilon"] = t.suggest_float("svm__epsilon", 1e-3, 1.0, log=True)
    return params


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family("hgb", N_("Histogram gradient boosting"), "native", _hgb_build, _hgb_suggest,
               lambda task: {"learning_rate": 0.1, "max_leaf_nodes": 31, "min_samples_leaf": 20,
                             "l2_regularization": 1e-6, "max_features": 1.0, "max_iter": 300}),
        Family("random_forest", N_("Random forest"), "tree",
               _forest_build((RandomForestClassifier, RandomForestRegressor)),
               _forest_suggest("random_forest"),
               lambda task: {"n_estimators": 200, "max_features": "sqrt" if task != "regression"
                             else 0.5, "min_samples_leaf": 2, "class_weight": "none"}),
        Family("extra_trees", N_("Extra trees"), "tree",
               _forest_build((ExtraTreesClassifier, ExtraTreesRegressor)),
               _forest_suggest("extra_trees"),
               lambda task: {"n_estimators": 200, "max_features": "sqrt" if task != "regression"
                             else 0.5, "min_samples_leaf": 3, "class_weight": "none"}),
        Family("linear", N_("Logistic / linear regression (Ridge, ElasticNet)"), "linear",
               _linear_build, _linear_suggest,
               lambda task: {"C": 1.0, "class_weight": "none"} if task != "regression"
               else {"model": "ridge", "alpha": 1.0}),
        Family("knn", N_("k-nearest neighbours"), "linear", _knn_build, _knn_suggest,
               lambda task: {"n_neighbors": 15, "weights": "distance", "p": 2}, max_rows=30_000),
        Family("svm", N_("Support vector machine"), "linear", _svm_build, _svm_suggest,
               lambda task: {"C": 1.0, "gamma": "scale"}, max_rows=3_000),
    )
}  # fmt: skip
# The order known-good defaults are tried in: strong and fast first (trial 0, the baseline, is
# gradient boosting), the slow forests after the linear model.
DEFAULT_FAMILIES = ("hgb", "linear", "random_forest", "extra_trees", "knn", "svm")


def resolve_families(names: list[str] | None, n_rows: int) -> list[str]:
    """The families to search: the requested ones (validated) or all that suit the data size."""
    if names:
        unknown = [n for n in names if n not in FAMILIES]
        if unknown:
            raise InvalidInputError(
                _("Unknown model family '{name}'; choose from {names}.").format(
                    name=unknown[0], names=", ".join(FAMILIES)
                )
            )
        return list(dict.fromkeys(names))
    return [n for n, f in FAMILIES.items() if f.max_rows is None or n_rows <= f.max_rows]


def prefixed_defaults(name: str, task: str) -> Params:
    """A family's known-good defaults as trial parameters (for ``enqueue_trial``)."""
    params = {f"{name}__{k}": v for k, v in FAMILIES[name].defaults(task).items()}
    return {"family": name} | params


def unprefix(params: Params) -> Params:
    """Strip the family prefix from sampled parameter names."""
    return {k.split("__", 1)[1]: v for k, v in params.items() if "__" in k}
