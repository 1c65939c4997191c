"""Fit one AutoML anchor (FLAML or AutoGluon) on a training split and predict its test split.

Run by ``benchmarks/autopilot_vs_anchors.py`` with the python of the anchor's venv
(``benchmarks/automl_anchors.py``): ``python anchor_child.py JOB.json``. It imports only the
standard library, numpy, pandas and the anchor, never ``studio``.

The job (JSON) has ``system`` ("flaml" or "autogluon"), ``preset`` (AutoGluon's, e.g.
"medium_quality"; ignored by FLAML), ``budget`` (seconds), ``task`` ("binary", "multiclass" or
"regression"), ``metric`` ("roc_auc", "accuracy" or "r2"), ``target``, ``labels`` (the class
labels as strings, in the order the parent scores them; empty for regression), ``train`` and
``test`` (Parquet paths; the test split may hold the target, which is dropped), ``out`` (a
folder), ``cores`` and ``seed``.

It writes ``out/outputs.npy`` (classification: float64 (n_test, len(labels)), column i the
probability of ``labels[i]``; regression: float64 (n_test,) predictions) and ``out/result.json``
(``fit_seconds``: wall seconds of the fit call; ``details``: the best estimator or model and
what else the anchor reports). The parent computes every score, with the same code for all.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FLAML_TASK = {"binary": "classification", "multiclass": "classification",
              "regression": "regression"}  # fmt: skip


def frames(job: dict[str, Any]) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """Training features, training target (labels as strings when classes) and test features."""
    train, test = pd.read_parquet(job["train"]), pd.read_parquet(job["test"])
    target = job["target"]
    y = train[target].astype(float) if job["task"] == "regression" else train[target].astype(str)
    return train.drop(columns=[target]), y, test.drop(columns=[target], errors="ignore")


def fit_flaml(job: dict[str, Any]) -> tuple[np.ndarray, float, dict[str, Any]]:
    """FLAML's ``AutoML().fit`` with the job's budget, metric, cores and seed."""
    from flaml import AutoML

    X, y, X_test = frames(job)
    labels = job["labels"]
    if labels:  # codes in the parent's label order, so predict_proba's columns follow it
        y = y.map({v: i for i, v in enumerate(labels)}).astype(int)
    automl = AutoML()
    started = time.monotonic()
    automl.fit(
        X, y.to_numpy(), task=FLAML_TASK[job["task"]], time_budget=job["budget"],
        metric=job["metric"], n_jobs=job["cores"], seed=job["seed"], verbose=0,
    )  # fmt: skip
    seconds = time.monotonic() - started
    outputs = automl.predict_proba(X_test) if labels else automl.predict(X_test)
    details = {
        "best": str(automl.best_estimator),
        "best_validation_loss": float(automl.best_loss),
    }
    return np.asarray(outputs, dtype=float), seconds, details


def restore_learner_after_failed_dystack() -> None:
    """Work around a bug of AutoGluon 1.6.3 without ray: when ``best_quality``'s DyStack
    sub-fit raises (on a short budget it can train no model in its 25% of the time),
    ``predictor._dystack`` returns the exception without putting back the predictor's
    unfitted learner, and the main fit then fails with "Learner is already fit". With ray
    (which a full install has, but which took 23 s to start on this 2-core machine) the
    sub-fit runs in another process and the main fit goes on with one stack level; this wrapper
    gives the in-process path that same outcome."""
    import copy

    from autogluon.tabular.predictor import predictor as module

    original = module._dystack

    def dystack(predictor: Any, **kwargs: Any) -> tuple[Any, Any, Any]:
        learner = copy.deepcopy(predictor._learner)
        stacked_overfitting, leaderboard, error = original(predictor=predictor, **kwargs)
        if error is not None:
            predictor._learner = learner
        return stacked_overfitting, leaderboard, error

    module._dystack = dystack


def fit_autogluon(job: dict[str, Any]) -> tuple[np.ndarray, float, dict[str, Any]]:
    """AutoGluon's ``TabularPredictor.fit`` with the job's preset, time limit and cores."""
    from autogluon.tabular import TabularPredictor

    restore_learner_after_failed_dystack()
    X, y, X_test = frames(job)
    train = X.assign(**{job["target"]: y.to_numpy()})
    path = Path(job["out"]) / "autogluon-models"
    predictor = TabularPredictor(
        label=job["target"], eval_metric=job["metric"], path=str(path),
        problem_type=job["task"], verbosity=0,
    )  # fmt: skip
    started = time.monotonic()
    predictor.fit(
        train, time_limit=job["budget"], presets=job["preset"], num_cpus=job["cores"],
        num_gpus=0, verbosity=0,
    )  # fmt: skip
    seconds = time.monotonic() - started
    if job["labels"]:
        proba = predictor.predict_proba(X_test, as_multiclass=True)
        proba.columns = [str(c) for c in proba.columns]
        outputs = proba[job["labels"]].to_numpy(dtype=float)
    else:
        outputs = predictor.predict(X_test).to_numpy(dtype=float)
    board = predictor.leaderboard(silent=True)
    details = {
        "best": str(predictor.model_best),
        "models": [str(m) for m in board["model"]],  # best first
    }
    shutil.rmtree(path, ignore_errors=True)  # hundreds of MB with best_quality's bags
    return outputs, seconds, details


def main(job_path: str) -> int:
    """Read the job, fit its anchor, write ``outputs.npy`` and ``result.json``."""
    job = json.loads(Path(job_path).read_text())
    fit = {"flaml": fit_flaml, "autogluon": fit_autogluon}[job["system"]]
    outputs, seconds, details = fit(job)
    out = Path(job["out"])
    np.save(out / "outputs.npy", outputs)
    result = {"fit_seconds": seconds, "details": details}
    (out / "result.json").write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
