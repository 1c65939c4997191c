"""The lean path: a fitted Studio pipeline compiled to plain NumPy steps for a few rows.

A one-row request through a registered pipeline spends almost all its time in per-call pandas
and scikit-learn input validation (a ColumnTransformer on a DataFrame, a FunctionTransformer,
an imputer, an encoder, each checking its input again), not in the estimator: measured here, a
churn pipeline's ``predict_proba`` on a one-row DataFrame took 11 ms, of which the boosted trees
needed well under one. This module rebuilds the fitted preprocessing from its learnt attributes
(``statistics_``, ``categories_``, ``encodings_``, ``mean_``, ``scale_``, ``transformers_``) as
NumPy operations in the same order and arithmetic as scikit-learn's own ``transform``, and
hands the estimator the array it would have received (a histogram booster's trees are walked
all at once by ``studio.serving.lean_trees``, its 95 per-tree calls being most of the rest).

It is an optimisation, never a second model: :func:`compile_model` raises ``Unsupported`` for
any step it does not know, and ``studio.serving.fast`` serves a version on this path only after
its outputs on the version's reference rows were found identical to the pipeline's; otherwise
the pipeline itself answers. Steps follow scikit-learn 1.9's implementations
(``sklearn/impute/_base.py``, ``sklearn/preprocessing/_encoders.py``, ``_target_encoder.py``,
``_data.py``, ``sklearn/compose/_column_transformer.py``).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import is_classifier
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    OrdinalEncoder,
    StandardScaler,
    TargetEncoder,
)
from sklearn.utils.validation import check_array

from studio.autopilot.prepare import as_category_text, as_numbers, calendar_parts
from studio.serving.lean_trees import compile_forest

Step = Callable[[Any], np.ndarray]
# What the first step of a column's pipeline reads it as: a number, a category label, or a
# date as its calendar parts (year, month, day, weekday, hour: five numbers per value).
NUMBER, LABEL, DATE = "number", "label", "date"
READERS = {as_numbers: NUMBER, as_category_text: LABEL, calendar_parts: DATE}


def run_serially(model: Any) -> Any:
    """``model`` (changed in place, and returned) with every step that fans its predictions
    out over threads (``n_jobs``: forests, neighbours) set to run them in the calling thread.

    A server answers many small requests side by side, where a thread pool per request only
    adds overhead; and a forest's per-thread sums arrive in any order, so its probabilities
    differ in the last bits from call to call, while serially they are reproducible."""
    if hasattr(model, "n_jobs"):
        model.n_jobs = None
    for child in _children(model):
        run_serially(child)
    return model


def _children(model: Any) -> list[Any]:
    if isinstance(model, Pipeline):
        return [step for _, step in model.steps]
    if isinstance(model, ColumnTransformer):
        return [step for _, step, _ in getattr(model, "transformers_", [])]
    children = list(getattr(model, "estimators_", None) or [])
    for calibrated in getattr(model, "calibrated_classifiers_", None) or []:
        children.append(calibrated.estimator)
    return [c for c in children if hasattr(c, "get_params")]


class Unsupported(Exception):
    """A fitted object the lean path does not rebuild (the pipeline answers instead)."""


def compile_model(model: Any) -> tuple[Callable[[dict[str, np.ndarray]], np.ndarray], dict]:
    """``model`` (a fitted Pipeline of ColumnTransformer + estimator, or a soft-voting ensemble
    of such pipelines) as a function of named input columns to its output: class
    probabilities (n, classes) for classifiers, predictions (n,) for regressors, float64, as
    ``studio.autopilot.pipeline.model_output`` gives. Input columns are 1-D arrays of n rows,
    already read as the pipeline's first step reads them (floats, labels with NaN for missing,
    or (n, 5) calendar parts for dates); the second value maps each input column to
    ``NUMBER``, ``LABEL`` or ``DATE``.
    Raises ``Unsupported``."""
    if isinstance(model, VotingClassifier | VotingRegressor):
        return _voting(model)
    if not isinstance(model, Pipeline) or len(model.steps) != 2:
        raise Unsupported(f"not a Studio pipeline: {type(model).__name__}")
    prepare, estimator = model.steps[0][1], model.steps[1][1]
    if not isinstance(prepare, ColumnTransformer):
        raise Unsupported("the pipeline does not start with a ColumnTransformer")
    transform, reads = _named_columns(prepare)
    output = _estimator(estimator)
    return (lambda columns: output(transform(columns))), reads


def _voting(model: Any) -> tuple[Callable[[dict[str, np.ndarray]], np.ndarray], dict]:
    members = [compile_model(member) for member in model.estimators_]
    reads: dict[str, str] = {}
    for _, member_reads in members:
        for name, kind in member_reads.items():
            if reads.setdefault(name, kind) != kind:
                raise Unsupported(f"column {name!r} is read two ways by the members")
    weights = model._weights_not_none  # as VotingClassifier/VotingRegressor average them

    def classify(columns: dict[str, np.ndarray]) -> np.ndarray:
        probas = np.asarray([member(columns) for member, _ in members])
        return np.average(probas, axis=0, weights=weights)

    def regress(columns: dict[str, np.ndarray]) -> np.ndarray:
        predictions = np.asarray([member(columns) for member, _ in members]).T
        return np.average(predictions, axis=1, weights=weights)

    return (classify if isinstance(model, VotingClassifier) else regress), reads


def _estimator(estimator: Any) -> Step:
    """The final estimator's output on the prepared array: its own public method, except a
    histogram booster, whose internal ordinal encoder is rebuilt and whose trees are walked
    all at once (``lean_trees``), ending in the booster's own loss as its methods do."""
    if isinstance(estimator, HistGradientBoostingClassifier | HistGradientBoostingRegressor):
        return _booster(estimator)
    if isinstance(estimator, TransformedTargetRegressor):  # its predict, on the lean regressor
        inner, back = _estimator(estimator.regressor_), estimator.transformer_.inverse_transform
        return lambda X: np.asarray(back(inner(X).reshape(-1, 1)), dtype=float).squeeze(axis=1)
    method = estimator.predict_proba if is_classifier(estimator) else estimator.predict
    return lambda X: np.asarray(method(X), dtype=float)


def _booster(booster: Any) -> Step:
    encode = _columns_by_index(booster._preprocessor) if booster._preprocessor else None
    bare = copy.copy(booster)
    bare._preprocessor = None  # it validates the encoded array as a plain one
    method = bare.predict_proba if is_classifier(bare) else bare.predict
    forest, loss = compile_forest(booster), booster._loss
    classify = is_classifier(booster)

    def output(X: np.ndarray) -> np.ndarray:
        encoded = encode(X) if encode is not None else X.astype(np.float64, copy=False)
        try:
            raw = forest.raw(encoded)
        except ValueError:  # a code scikit-learn reads as uint8: let the booster decide
            return np.asarray(method(encoded), dtype=float)
        if classify:  # HistGradientBoostingClassifier.predict_proba
            return np.asarray(loss.predict_proba(raw), dtype=float)
        return np.asarray(loss.link.inverse(raw.ravel()), dtype=float)  # ...Regressor.predict

    return output


def _named_columns(transformer: ColumnTransformer) -> tuple[Step, dict[str, str]]:
    """A ColumnTransformer fitted on a DataFrame, selecting columns by name."""
    parts, reads = [], {}
    for name, step, columns in _fitted_parts(transformer):
        if not all(isinstance(c, str) for c in columns):
            raise Unsupported(f"transformer {name!r} selects columns by position")
        kind, rest = _reader(step)
        for column in columns:
            reads[column] = kind
        parts.append((list(columns), rest))

    def transform(data: dict[str, np.ndarray]) -> np.ndarray:
        return np.hstack([step(np.column_stack([data[c] for c in cols])) for cols, step in parts])

    return transform, reads


def _columns_by_index(transformer: ColumnTransformer) -> Step:
    """A ColumnTransformer fitted on an array, selecting columns by position or mask."""
    parts = []
    for _name, step, columns in _fitted_parts(transformer):
        index = np.asarray(columns)
        index = np.flatnonzero(index) if index.dtype == bool else index.astype(int)
        parts.append((index, _step(step)))
    return lambda X: np.hstack([step(X[:, index]) for index, step in parts])


def _fitted_parts(transformer: ColumnTransformer) -> list[tuple[str, Any, Any]]:
    """The fitted (name, step, columns) that produce output, in output order."""
    if transformer.sparse_output_:
        raise Unsupported("sparse ColumnTransformer output")
    parts = []
    for name, step, columns in transformer.transformers_:
        if isinstance(columns, str | int):
            raise Unsupported(f"transformer {name!r} selects a single column")
        selected = np.asarray(columns)
        empty = not selected.any() if selected.dtype == bool else len(selected) == 0
        if empty or (isinstance(step, str) and step == "drop"):
            continue
        parts.append((name, step, columns))
    return parts


def _reader(step: Any) -> tuple[str, Step]:
    """The kind of input a named column's pipeline starts with, and its remaining steps."""
    first = step.steps[0][1] if isinstance(step, Pipeline) else step
    func = getattr(first, "func", None) if isinstance(first, FunctionTransformer) else None
    if func not in READERS:
        raise Unsupported(f"a column pipeline starts with {type(first).__name__}")
    rest = step.steps[1:] if isinstance(step, Pipeline) else []
    return READERS[func], _chain([s for _, s in rest])


def _chain(steps: list[Any]) -> Step:
    compiled = [_step(s) for s in steps]
    return functools.reduce(lambda f, g: lambda X: g(f(X)), compiled, lambda X: X)


def _step(step: Any) -> Step:
    if isinstance(step, Pipeline):
        return _chain([s for _, s in step.steps])
    if isinstance(step, str) and step == "passthrough":
        return lambda X: X
    builders = ((SimpleImputer, _imputer), (StandardScaler, _scaler),
                (OneHotEncoder, _one_hot), (OrdinalEncoder, _ordinal),
                (TargetEncoder, _target), (FunctionTransformer, _function))  # fmt: skip
    for kind, build in builders:
        if type(step) is kind:
            return build(step)
    raise Unsupported(f"step {type(step).__name__}")


def _function(step: FunctionTransformer) -> Step:
    """Only the booster's own check of its numeric columns (``check_array``, float64)."""
    func = step.func
    if isinstance(func, functools.partial) and func.func is check_array:
        return lambda X: X.astype(np.float64, copy=False)
    raise Unsupported("a FunctionTransformer inside a column pipeline")


def _missing(X: np.ndarray) -> np.ndarray:
    """NaN cells of a float or object array (scikit-learn's ``_get_mask`` for NaN)."""
    if X.dtype.kind == "f":
        return np.isnan(X)
    return np.frompyfunc(lambda v: v != v, 1, 1)(X).astype(bool)


def _imputer(imputer: SimpleImputer) -> Step:
    if imputer.keep_empty_features or not _is_nan(imputer.missing_values):
        raise Unsupported("an imputer that keeps empty features or imputes a value")
    statistics = imputer.statistics_
    valid = ~_missing(np.asarray(statistics).reshape(1, -1))[0]
    kept = np.flatnonzero(valid)
    fill = statistics[valid].astype(imputer._fill_dtype, copy=False)
    indicator = imputer.indicator_.features_ if imputer.add_indicator else None

    def transform(X: np.ndarray) -> np.ndarray:
        X = X.astype(imputer._fit_dtype, copy=True)
        mask = _missing(X)
        if len(kept) != X.shape[1]:
            X = X[:, kept]
        cells = mask[:, kept]
        X[cells] = np.broadcast_to(fill, X.shape)[cells]
        if indicator is None:
            return X
        return np.hstack((X, mask[:, indicator]))

    return transform


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def _scaler(scaler: StandardScaler) -> Step:
    mean = scaler.mean_ if scaler.with_mean else None
    scale = scaler.scale_ if scaler.with_std else None

    def transform(X: np.ndarray) -> np.ndarray:
        X = np.array(X, dtype=np.float64)
        if mean is not None:
            X -= mean
        if scale is not None:
            X /= scale
        return X

    return transform


def _codes(categories: list[np.ndarray]) -> list[tuple[dict[Any, int], int | None]]:
    """Per feature: category → index, and the index of a NaN category (or None)."""
    out = []
    for values in categories:
        nan_at = next((i for i, v in enumerate(values) if v != v), None)
        out.append(({v: i for i, v in enumerate(values) if v == v}, nan_at))
    return out


def _lookup(X: np.ndarray, codes: list[tuple[dict[Any, int], int | None]]) -> np.ndarray:
    """Category indices (n, features), -1 where unknown."""
    out = np.full(X.shape, -1, dtype=np.int64)
    for j, (index, nan_at) in enumerate(codes):
        for i, value in enumerate(X[:, j]):
            if value != value:
                out[i, j] = -1 if nan_at is None else nan_at
            else:
                out[i, j] = index.get(value, -1)
    return out


def _plain_encoder(encoder: Any) -> None:
    if getattr(encoder, "_infrequent_enabled", False) or getattr(encoder, "drop_idx_", None):
        raise Unsupported("an encoder with infrequent or dropped categories")


def _one_hot(encoder: OneHotEncoder) -> Step:
    _plain_encoder(encoder)
    if encoder.handle_unknown != "ignore" or encoder.sparse_output:
        raise Unsupported("a one-hot encoder that is sparse or refuses unknown categories")
    codes = _codes(encoder.categories_)
    offsets = np.cumsum([0] + [len(c) for c in encoder.categories_])

    def transform(X: np.ndarray) -> np.ndarray:
        found = _lookup(X, codes)
        out = np.zeros((X.shape[0], offsets[-1]), dtype=encoder.dtype)
        for j in range(found.shape[1]):
            rows = np.flatnonzero(found[:, j] >= 0)
            out[rows, offsets[j] + found[rows, j]] = 1
        return out

    return transform


def _ordinal(encoder: OrdinalEncoder) -> Step:
    _plain_encoder(encoder)
    if encoder.handle_unknown != "use_encoded_value":
        raise Unsupported("an ordinal encoder that refuses unknown categories")
    codes = _codes(encoder.categories_)
    missing = encoder.encoded_missing_value

    def transform(X: np.ndarray) -> np.ndarray:
        found = _lookup(X, codes)
        out = found.astype(encoder.dtype)
        out[found < 0] = encoder.unknown_value
        for j, (_, nan_at) in enumerate(codes):
            if nan_at is not None:
                out[found[:, j] == nan_at, j] = missing
        return out

    return transform


def _target(encoder: TargetEncoder) -> Step:
    codes = _codes(encoder.categories_)
    classes = len(encoder.classes_) if encoder.target_type_ == "multiclass" else 1
    encodings, means = encoder.encodings_, np.atleast_1d(encoder.target_mean_)

    def transform(X: np.ndarray) -> np.ndarray:
        found = _lookup(X, codes)
        out = np.empty((X.shape[0], len(encodings)), dtype=np.float64)
        for e, encoding in enumerate(encodings):
            feature, klass = divmod(e, classes)
            known = found[:, feature] >= 0
            out[:, e] = encoding[np.where(known, found[:, feature], 0)]
            out[~known, e] = means[klass]
        return out

    return transform
