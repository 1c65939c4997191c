"""Benchmark Studio's performance estimation without labels (CBPE) under covariate shift.

For each public data set a gradient-boosting classifier (``HistGradientBoostingClassifier``) is
fit on 40% of the rows; 20% is the labelled holdout Studio calibrates on
(``monitor.calibration``: isotonic from 1,000 rows, else sigmoid) and whose metrics the naive
baseline assumes; the last 40% is the pool that current data is drawn from. A shift is a
reweighting of the pool: weights ``exp(s * z)`` with ``z`` the standardised first principal
component of the numeric features (clipped to +-2.5, so a few extreme rows cannot make a whole
chunk) and ``s`` the strength (0 = no shift). Each chunk is ``--chunk`` distinct rows (default
2,000) drawn without replacement from the pool by those weights (with replacement, a small pool
would repeat the same few labelled rows in every chunk, and their one draw of label noise would
pass for estimation error); the table gives the chunks' mean ``z`` (the shift achieved: a pool
not much larger than a chunk caps it) and the weights' effective sample size (Kish: 1 / sum of
squared normalised weights). The chunk's labels give the realised accuracy and ROC AUC,
Studio's ``estimate_metrics`` estimates them from the calibrated probabilities alone, and the
naive baseline says "the holdout's value". Chunks drawn from one pool overlap, so they share
that pool's one draw of labels: each cell therefore pools ``--splits`` random splits (a new model,
holdout and pool each), ``--chunks`` chunks from each.

Printed: per data set and strength, the share of chunks where each is within ``--tolerance``
(0.02) of the realised value, the mean absolute error, and how often the realised value fell
inside the estimate's 95% band. Target (issue 18): CBPE within 0.02 in at least 90% of chunks.

Data: ``wa_churn`` and ``diamonds`` from ``benchmarks/data`` (copies of the shared public sets):
IBM's Telco churn (7,043 rows); ggplot2's diamonds (53,940 rows) with three targets: "cut is
Ideal", "colour is D, E or F" and the 5-class cut (one-vs-rest macro ROC AUC).

Usage::

    python benchmarks/performance_estimation.py                          # 20 chunks per cell
    python benchmarks/performance_estimation.py --splits 2 --chunks 2    # quick check
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split

from studio.monitor.calibration import Calibration, fit_calibration
from studio.monitor.cbpe import estimate_metrics, realised_metrics

DATA = Path(__file__).resolve().parent / "data"
STRENGTHS = (0.0, 0.5, 1.0, 2.0, 3.0)
METRICS = ("accuracy", "roc_auc")
CLIP = 2.5  # |z| at most: at strength 3 a row weighs at most e^15 times another


def _churn() -> tuple[pd.DataFrame, np.ndarray]:
    frame = pd.read_csv(DATA / "wa_churn.csv")
    frame["total_charges"] = pd.to_numeric(frame["total_charges"], errors="coerce")
    return frame.drop(columns=["churn"]), (frame["churn"] == "Yes").to_numpy(int)


def _diamonds_ideal() -> tuple[pd.DataFrame, np.ndarray]:
    frame = pd.read_csv(DATA / "diamonds.csv")
    return frame.drop(columns=["cut"]), (frame["cut"] == "Ideal").to_numpy(int)


def _diamonds_cut() -> tuple[pd.DataFrame, np.ndarray]:
    frame = pd.read_csv(DATA / "diamonds.csv")
    codes = frame["cut"].astype("category").cat.codes.to_numpy(int)
    return frame.drop(columns=["cut"]), codes


def _diamonds_colourless() -> tuple[pd.DataFrame, np.ndarray]:
    frame = pd.read_csv(DATA / "diamonds.csv")
    return frame.drop(columns=["color"]), frame["color"].isin(["D", "E", "F"]).to_numpy(int)


SETS: dict[str, Callable[[], tuple[pd.DataFrame, np.ndarray]]] = {
    "wa_churn (binary)": _churn,
    "diamonds: Ideal cut (binary)": _diamonds_ideal,
    "diamonds: colour D-F (binary)": _diamonds_colourless,
    "diamonds: cut (5 classes)": _diamonds_cut,
}


def _typed(X: pd.DataFrame) -> pd.DataFrame:
    out = X.copy()
    for name in out.columns:
        if not pd.api.types.is_numeric_dtype(out[name]):
            out[name] = out[name].astype("category")
    return out


def _direction(X: pd.DataFrame) -> np.ndarray:
    """The standardised first principal component of the numeric features, per row."""
    numbers = X.select_dtypes("number")
    numbers = numbers.fillna(numbers.median())
    z = ((numbers - numbers.mean()) / numbers.std(ddof=0).replace(0, 1)).to_numpy()
    component = np.linalg.svd(z, full_matrices=False)[2][0]
    score = z @ component
    return np.clip((score - score.mean()) / score.std(), -CLIP, CLIP)


def _cell(errors: dict[str, list[float]], covered: list[bool], tol: float) -> dict[str, float]:
    out = {f"{k}_within": float(np.mean(np.abs(v) <= tol)) for k, v in errors.items()}
    out |= {f"{k}_mae": float(np.mean(np.abs(v))) for k, v in errors.items()}
    out["band"] = float(np.mean(covered))
    return out


@dataclass(frozen=True, eq=False)
class _Split:
    """One random split: the pool's outputs and labels, the calibration, the holdout metrics."""

    proba_pool: np.ndarray
    y_pool: np.ndarray
    z: np.ndarray
    calibration: Calibration
    holdout: dict[str, float | None]


def _split(X: pd.DataFrame, y: np.ndarray, seed: int) -> _Split:
    X_train, X_rest, y_train, y_rest = train_test_split(
        X, y, test_size=0.6, stratify=y, random_state=seed
    )
    X_hold, X_pool, y_hold, y_pool = train_test_split(
        X_rest, y_rest, test_size=2 / 3, stratify=y_rest, random_state=seed
    )
    model = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)
    model.fit(X_train, y_train)
    proba_hold = model.predict_proba(X_hold)
    calibration = fit_calibration(proba_hold, y_hold)
    holdout = realised_metrics(y_hold, proba_hold)
    return _Split(model.predict_proba(X_pool), y_pool, _direction(X_pool), calibration, holdout)


def run_set(name: str, chunk: int, splits: int, chunks: int, tol: float, seed: int) -> list[dict]:
    """Rows of the table for one data set: one per shift strength, over ``splits`` random
    splits (a new model, holdout and pool each) with ``chunks`` chunks drawn from each."""
    X, y = SETS[name]()
    X = _typed(X)
    rng = np.random.default_rng(seed)
    cells = {s: {"errors": {f"{w}_{m}": [] for w in ("cbpe", "naive") for m in METRICS},
                 "covered": [], "z": [], "ess": [], "ece": [], "rows": 0, "method": ""}
             for s in STRENGTHS}  # fmt: skip
    for number in range(splits):
        split = _split(X, y, seed + number)
        for strength, cell in cells.items():
            weights = np.exp(strength * split.z)
            weights /= weights.sum()
            cell["ess"].append(1.0 / np.sum(weights**2))
            cell["ece"].append(split.calibration.ece)
            cell["rows"], cell["method"] = split.calibration.rows, split.calibration.method
            for _ in range(chunks):
                picked = rng.choice(len(split.y_pool), size=chunk, replace=False, p=weights)
                cell["z"].append(float(split.z[picked].mean()))
                proba = split.proba_pool[picked]
                realised = realised_metrics(split.y_pool[picked], proba)
                estimate = estimate_metrics(proba, split.calibration.apply(proba), draws=100)
                for m in METRICS:
                    cell["errors"][f"cbpe_{m}"].append(estimate[m].value - realised[m])
                    cell["errors"][f"naive_{m}"].append(split.holdout[m] - realised[m])
                    cell["covered"].append(estimate[m].low <= realised[m] <= estimate[m].high)
    return [
        {"set": name, "shift": strength, "chunks": splits * chunks, "method": c["method"],
         "holdout_rows": c["rows"], "ece": float(np.mean(c["ece"])),
         "ess": float(np.mean(c["ess"])), "z": float(np.mean(c["z"]))}
        | _cell(c["errors"], c["covered"], tol)
        for strength, c in cells.items()
    ]  # fmt: skip


def _table(rows: list[dict], tol: float) -> str:
    head = (
        f"| data set | shift | mean z | pool ESS | chunks | calibration | CBPE acc ±{tol} "
        f"| naive acc ±{tol} | CBPE AUC ±{tol} | naive AUC ±{tol} | CBPE acc / AUC MAE "
        "| naive acc / AUC MAE | in 95% band |"
    )
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        lines.append(
            f"| {r['set']} | {r['shift']:.1f} | {r['z']:+.2f} | {r['ess']:,.0f} "
            f"| {r['chunks']} | {r['method']} ({r['holdout_rows']:,} rows, ECE {r['ece']:.3f}) "
            f"| {r['cbpe_accuracy_within']:.0%} | {r['naive_accuracy_within']:.0%} "
            f"| {r['cbpe_roc_auc_within']:.0%} | {r['naive_roc_auc_within']:.0%} "
            f"| {r['cbpe_accuracy_mae']:.4f} / {r['cbpe_roc_auc_mae']:.4f} "
            f"| {r['naive_accuracy_mae']:.4f} / {r['naive_roc_auc_mae']:.4f} | {r['band']:.0%} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run every data set and print the table and the verdict against the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunk", type=int, default=2_000)
    parser.add_argument("--splits", type=int, default=10, help="random splits per data set")
    parser.add_argument("--chunks", type=int, default=2, help="chunks per split and shift")
    parser.add_argument("--tolerance", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = [
        r
        for name in SETS
        for r in run_set(name, args.chunk, args.splits, args.chunks, args.tolerance, args.seed)
    ]
    print(_table(rows, args.tolerance))
    for method in ("cbpe", "naive"):
        shares = [np.mean([r[f"{method}_{m}_within"] for r in rows]) for m in METRICS]
        print(f"{method}: within ±{args.tolerance} in {shares[0]:.1%} of chunks (accuracy), "
              f"{shares[1]:.1%} (ROC AUC); target 90%.")  # fmt: skip
    print(f"{len(rows) * args.splits * args.chunks} chunks of {args.chunk:,} rows in "
          f"{time.perf_counter() - started:.0f} s.")  # fmt: skip


if __name__ == "__main__":
    main()
