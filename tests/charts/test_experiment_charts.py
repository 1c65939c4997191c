"""Figure builders of the Experiments page: traces, axis titles and values (no Streamlit)."""

from __future__ import annotations

import json

import numpy as np
import optuna
import pandas as pd
import pytest

from studio.autopilot.metrics import METRICS
from studio.charts import diagnostics as charts
from studio.charts.experiments import family_best_figure, metric_interval_figure, optuna_figure
from studio.experiments.diagnostics import classification, regression
from studio.experiments.views import build_views, trials_frame


@pytest.fixture
def curves() -> dict:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    p = np.clip(0.3 * y + 0.7 * rng.random(400), 0, 1)
    return classification(y, np.column_stack([1 - p, p]), ["stay", "churn"])


def test_roc_and_pr_overlay_one_trace_per_candidate_plus_guide(curves: dict) -> None:
    """Two candidates give two curves and the chance / random-model guide."""
    roc = charts.roc_figure([("a", curves["roc"]), ("b", curves["roc"])])
    assert [t.name for t in roc.data] == [
        f"a (AUC {curves['roc']['auc']:.3f})",
        f"b (AUC {curves['roc']['auc']:.3f})",
        "chance",
    ]
    assert roc.layout.xaxis.title.text == "false positive rate"
    assert roc.layout.yaxis.title.text == "true positive rate"
    assert list(roc.data[0].x) == curves["roc"]["fpr"]
    pr = charts.pr_figure([("a", curves["pr"])])
    assert pr.layout.xaxis.title.text == "recall"
    assert list(pr.data[1].y) == [curves["pr"]["prevalence"]] * 2


def test_confusion_matrix_cells_show_counts_and_row_shares(curves: dict) -> None:
    """Cells carry the count and the share of the actual class."""
    fig = charts.confusion_figure([[8, 2], [1, 9]], ["stay", "churn"], "m")
    heat = fig.data[0]
    assert [list(r) for r in heat.z] == [[8, 2], [1, 9]]
    assert heat.text[0][0] == "8<br>80%" and heat.text[1][1] == "9<br>90%"
    assert fig.layout.xaxis.title.text == "predicted" and fig.layout.yaxis.title.text == "actual"


def test_calibration_threshold_and_importance(curves: dict) -> None:
    """Calibration has the ideal diagonal; threshold plots three lines; importance is sorted
    with the largest on top."""
    cal = charts.calibration_figure([("a", curves["calibration"])])
    assert list(cal.data[-1].x) == [0, 1] and cal.data[-1].name == "perfectly calibrated"
    thr = charts.threshold_figure(curves["thresholds"], "churn")
    assert [t.name for t in thr.data] == ["precision", "recall", "F1"]
    assert "churn" in thr.layout.title.text
    rows = [{"feature": "big", "mean": 0.2, "std": 0.01}, {"feature": "small", "mean": 0.01,
                                                            "std": 0.0}]  # fmt: skip
    imp = charts.importance_figure(rows, "ROC AUC")
    assert list(imp.data[0].y) == ["small", "big"]  # plotly draws bottom-up: largest on top
    assert imp.layout.xaxis.title.text == "drop in ROC AUC when shuffled"


def test_regression_figures() -> None:
    """Predicted-vs-actual has the identity guide; residual histogram bars match counts."""
    rng = np.random.default_rng(1)
    y = rng.normal(size=500)
    reg = regression(y, y + rng.normal(scale=0.3, size=500))
    scatter = charts.predicted_actual_figure([("m", reg)])
    assert scatter.data[-1].name == "perfect prediction"
    assert scatter.layout.xaxis.title.text == "actual"
    hist = charts.residual_histogram_figure(reg)
    assert list(hist.data[0].y) == reg["histogram"]["counts"]
    res = charts.residual_figure([("m", reg)])
    assert list(res.data[0].y) == reg["residual"]


def test_dependence_figure_lines_for_numbers_bars_for_categories() -> None:
    """Numeric columns draw a line per class; categorical ones bars."""
    num = charts.dependence_figure({"feature": "age", "categorical": False, "grid": [1, 2],
                                    "series": {"yes": [0.2, 0.4]}})  # fmt: skip
    assert num.data[0].type == "scatter" and list(num.data[0].y) == [0.2, 0.4]
    assert num.layout.yaxis.title.text == "average probability"
    cat = charts.dependence_figure({"feature": "plan", "categorical": True, "grid": ["a", "b"],
                                    "series": {"prediction": [3.0, 5.0]}})  # fmt: skip
    assert cat.data[0].type == "bar" and cat.layout.yaxis.title.text == "average prediction"


def test_metric_interval_bars_carry_asymmetric_error_bars() -> None:
    """Error bars reach exactly the interval ends."""
    fig = metric_interval_figure(["a", "b"], [0.80, 0.82], [(0.75, 0.83), None], "ROC AUC")
    bar = fig.data[0]
    assert list(bar.y) == [0.80, 0.82]
    assert bar.error_y.array[0] == pytest.approx(0.03)
    assert bar.error_y.arrayminus[0] == pytest.approx(0.05)
    assert bar.error_y.array[1] == 0
    assert fig.layout.yaxis.title.text == "ROC AUC"


@pytest.mark.parametrize(
    ("values", "low"),
    [([0.91, 0.915, 0.92], 0.0), ([0.4, -0.2], -0.2), ([1200.0, 1150.0], 0.0)],
    ids=["scores in [0, 1]", "negative R²", "errors in units"],
)
def test_bars_start_at_zero_so_small_differences_look_small(values: list, low: float) -> None:
    """Compare's metric bars and the per-family bests: the axis starts at 0 (or at the lowest
    negative score), never near the values; each bar has its value written on it."""
    names = [f"c{i}" for i in range(len(values))]
    fig = metric_interval_figure(names, values, [None] * len(values), "metric").to_plotly_json()
    bottom, top = fig["layout"]["yaxis"]["range"]
    assert bottom <= low <= 0 and bottom >= low - 0.1 * (top - low) and top > max(values)
    assert list(fig["data"][0]["text"]) == [f"{v:.4f}" for v in values]
    frame = pd.DataFrame({"family": names, "best": values, "trials": [3] * len(values)})
    best = family_best_figure(frame, "metric").to_plotly_json()
    assert best["layout"]["xaxis"]["range"][0] <= low <= 0 < best["layout"]["xaxis"]["range"][1]


def test_family_best_figure_orders_families() -> None:
    """One bar per family that finished a trial, labelled with its trial count."""
    frame = pd.DataFrame({"family": ["hgb", "svm", "knn"], "best": [0.9, 0.8, None],
                          "trials": [10, 4, 2], "pruned": [1, 0, 2]})  # fmt: skip
    fig = family_best_figure(frame, "ROC AUC")
    assert list(fig.data[0].y) == ["hgb (10 trials)", "svm (4 trials)"]
    assert list(fig.data[0].x) == [0.9, 0.8]


def _trials() -> list[optuna.trial.FrozenTrial]:
    study = optuna.create_study(direction="maximize")
    rng = np.random.default_rng(0)

    def objective(trial: optuna.Trial) -> float:
        family = trial.suggest_categorical("family", ["hgb", "linear"])
        if family == "hgb":
            lr = trial.suggest_float("hgb__learning_rate", 0.01, 1, log=True)
            leaves = trial.suggest_int("hgb__max_leaf_nodes", 4, 64)
            trial.report(-0.5 - lr, 0)
            return -0.3 - 0.1 * lr - 0.001 * leaves
        c = trial.suggest_float("linear__C", 0.01, 10, log=True)
        return -0.4 - 0.01 * c + 0.001 * rng.random()

    study.optimize(objective, n_trials=30)
    return study.trials


def test_optuna_views_show_the_metric_in_its_own_direction() -> None:
    """Views are Optuna's own figures; a loss is shown positive (log loss 0.3, not -0.3)."""
    trials = _trials()
    views = build_views(trials, METRICS["log_loss"])
    assert set(views["all"]) == {"history", "timeline", "intermediate"}
    assert set(views["hgb"]) == {"importance", "parallel", "slice", "contour"}
    history = optuna_figure(views["all"]["history"])
    assert history.layout.yaxis.title.text == "Log loss"
    assert min(v for v in history.data[0].y) > 0
    importance = json.loads(views["hgb"]["importance"])
    names = set(importance["data"][0]["y"])
    assert names == {"learning_rate", "max_leaf_nodes"}  # family prefix removed
    frame = trials_frame(trials, METRICS["log_loss"])
    assert len(frame) == 30 and (frame["score"] > 0).all()
    assert {"trial", "family", "state", "hgb__learning_rate", "linear__C"} <= set(frame.columns)


def test_large_searches_are_sampled_for_per_trial_views() -> None:
    """Per-trial views of big searches use a seeded sample in trial order, pruned first."""
    from studio.experiments.views import _pruned_first, sample

    trials = _trials()
    picked = sample(trials, 10)
    assert len(picked) == 10 and picked == sorted(picked, key=lambda t: t.number)
    assert picked == sample(trials, 10)  # seeded: the same sample every time
    assert sample(trials, 100) == trials
    state = optuna.trial.TrialState
    made = [
        optuna.trial.create_trial(state=state.PRUNED if i % 4 == 0 else state.COMPLETE,
                                  value=None if i % 4 == 0 else 0.5, intermediate_values={0: 0.4})
        for i in range(40)
    ]  # fmt: skip
    chosen = _pruned_first(made, 12)
    assert sum(t.state == state.PRUNED for t in chosen) == 10  # every pruned trial, then others
    assert len(chosen) == 12
