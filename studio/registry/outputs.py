"""A model's outputs as columns, and the summaries the monitoring baseline keeps."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from studio.autopilot.pipeline import model_output

QUANTILES = [round(q, 2) for q in np.linspace(0, 1, 11)]
TOP_CATEGORIES = 20


def proba_column(label: str) -> str:
    """The output column holding the probability of class ``label``."""
    return f"proba_{label}"


def output_frame(
    model: Any, features: pd.DataFrame, labels: list[str], threshold: float | None = None
) -> pd.DataFrame:
    """``prediction`` (the class label, or the value for regression) and, for classifiers,
    one ``proba_<class>`` column per class.

    A binary classifier with a ``threshold`` predicts its positive class (``labels[1]``) where
    that class's probability is at least ``threshold`` (scikit-learn's
    ``FixedThresholdClassifier`` rule); without one, the most probable class.
    """
    return outputs_from(model_output(model, features), labels, threshold, features.index)


def outputs_from(
    output: np.ndarray, labels: list[str], threshold: float | None, index: pd.Index | None = None
) -> pd.DataFrame:
    """:func:`output_frame`'s columns from a model's raw ``output`` (``model_output``: (n,)
    values or positive-class probabilities, or (n, classes) probabilities)."""
    if not labels:
        return pd.DataFrame({"prediction": output}, index=index)
    proba = probabilities(output)
    frame = pd.DataFrame(
        {proba_column(label): proba[:, i] for i, label in enumerate(labels)}, index=index
    )
    frame.insert(0, "prediction", pd.Series(predicted(output, labels, threshold),
                                            index=frame.index, dtype="str"))  # fmt: skip
    return frame


def probabilities(output: np.ndarray) -> np.ndarray:
    """A classifier's ``model_output`` as an (n, classes) probability matrix."""
    return np.column_stack([1 - output, output]) if output.ndim == 1 else output


def predicted(output: np.ndarray, labels: list[str], threshold: float | None) -> np.ndarray:
    """The predictions of a model's raw ``output``: values for regression (``labels`` empty),
    else class labels (argmax, or ``threshold`` on the positive class of a binary model)."""
    if not labels:
        return output
    proba = probabilities(output)
    codes = proba.argmax(axis=1)
    if threshold is not None and len(labels) == 2:
        codes = (proba[:, 1] >= threshold).astype(int)
    return np.asarray(labels)[codes]


def recut(frame: pd.DataFrame, labels: list[str], threshold: float | None) -> pd.DataFrame:
    """``frame`` (with ``proba_<class>`` columns, such as a version's stored reference sample)
    with its ``prediction`` recomputed under ``threshold``, the rule ``output_frame`` uses, so
    predictions made before a threshold was saved compare like with like."""
    if threshold is None or len(labels) != 2:
        return frame
    proba = frame[[proba_column(label) for label in labels]].to_numpy()
    labelled = pd.Series(predicted(proba, labels, threshold), index=frame.index, dtype="str")
    return frame.assign(prediction=labelled)


def column_summary(column: pd.Series) -> dict[str, Any]:
    """Missing share and either quantiles (numbers) or the top category shares."""
    present = column.dropna()
    out: dict[str, Any] = {"rows": int(len(column)),
                           "missing_share": round(float(column.isna().mean()), 6)}  # fmt: skip
    if len(present) == 0:
        return out
    if pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(present):
        values = present.astype("float64")
        out |= {
            "mean": float(values.mean()), "std": float(values.std(ddof=0)),
            "quantiles": [float(v) for v in values.quantile(QUANTILES)],
        }  # fmt: skip
    elif pd.api.types.is_datetime64_any_dtype(present):
        out |= {"min": str(present.min()), "max": str(present.max())}
    else:
        shares = present.astype(str).value_counts(normalize=True).head(TOP_CATEGORIES)
        out["top"] = {str(k): round(float(v), 6) for k, v in shares.items()}
    return out


def frame_summary(features: pd.DataFrame, outputs: pd.DataFrame) -> dict[str, Any]:
    """Per-feature and per-output summaries of a scored frame."""
    return {
        "rows": int(len(features)),
        "features": {name: column_summary(features[name]) for name in features.columns},
        "outputs": {name: column_summary(outputs[name]) for name in outputs.columns},
    }
