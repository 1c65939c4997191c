"""The Business page, its generated summary and every chart in Simplified Chinese."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import studio.charts.autopilot
import studio.charts.business
import studio.charts.diagnostics
import studio.charts.estimate
import studio.charts.experiments
import studio.charts.monitor
import studio.charts.profile
import studio.charts.registry
from studio.business.service import business_view, candidate_choices
from studio.business.summary import build_view
from studio.business.value import CostMatrix, class_quality, gains_of, value_curve, within_curve
from studio.charts.estimate import EstimateSeries
from studio.context import Studio
from studio.data.profile import profile_frame
from studio.experiments.diagnostics import classification, regression
from studio.i18n import format_number, use_language
from tests.business.test_summary import _binary_pair
from tests.i18n.page_texts import english_left, open_in_chinese
from tests.pages.conftest import run_home

__all__ = ["run_home"]  # the fixture, used here too

CJK = re.compile(r"[\u3400-\u9fff]")
MODULES = (
    studio.charts.autopilot, studio.charts.business, studio.charts.diagnostics,
    studio.charts.estimate, studio.charts.experiments, studio.charts.monitor,
    studio.charts.profile, studio.charts.registry,
)  # fmt: skip
# Builders whose words all come from their caller or the stored figure.
NOT_WORDED = {"optuna_figure"}


def _data_names(studio: Studio, ids: list[int]) -> set[str]:
    """What the page shows that is data, not Studio's words: candidate and dataset names, the
    target, the positive class, the unit, the metric's label."""
    view = business_view(studio, ids, CostMatrix())
    names = {*view.names, view.positive_label or "", view.metric_label, view.matrix.unit}
    for entry in view.entries:
        names |= {entry.dataset, entry.target, entry.name, entry.family}
    return {n for n in names if n}


def test_the_business_page_speaks_chinese(run_home: Studio) -> None:
    """Candidates of a run: labels, values inputs, summary, cards, chart tabs and the report
    button are Chinese; presentation mode too."""
    ids = [cid for cid, _ in candidate_choices(run_home, 1)][:2]
    allowed = _data_names(run_home, ids)
    at = open_in_chinese("pages/7_Business.py")
    assert not at.exception
    assert at.title[0].value == "业务视图"
    assert [t.label for t in at.tabs] == ["收益曲线", "累积增益", "提升度"]
    assert english_left(at, allowed=allowed) == []
    at.button(key="biz_report_make").click().run()
    assert not at.exception
    assert english_left(at, allowed=allowed) == []
    assert "下载对比报告" in at.get("download_button")[0].proto.label

    present = open_in_chinese("pages/7_Business.py", present="true")
    assert not present.exception
    assert "技术细节" in [e.label for e in present.expander]
    # presentation mode's markup: the projector CSS and the heading of data (target · dataset)
    markup = [t for t in english_left(present, allowed=allowed) if t.lstrip().startswith("<")]
    assert english_left(present, allowed=allowed) == markup
    assert len(markup) == 2


def test_the_business_summary_is_built_in_chinese() -> None:
    """The recommendation and every sentence are Chinese, with the candidates' names kept and
    money and counts in the locale's digits, in the user's own unit."""
    entries = _binary_pair(1.5, 0.3)
    matrix = CostMatrix(100, -20, 0, 0, population=50_000, unit="€")
    with use_language("zh_Hans"):
        view = build_view(entries, matrix)
        population = format_number(50_000)
    assert view.recommendation.startswith("选择阈值为 ")
    assert "strong" in view.recommendation and "每 1,000 个案例" in view.recommendation
    assert all(CJK.search(s) for s in (view.recommendation, *view.sentences))
    worth = next(s for s in view.sentences if s.startswith("按这些价值设定，strong"))
    assert f"€{view.curves[0].best_value:,.0f}" in worth
    assert f"（{population} 个案例共" in worth
    assert "95% 区间 €" in worth
    assert not any(re.search(r"\b(is|the|per|cases|with)\b", s) for s in view.sentences)


def _binary() -> dict:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    p = np.clip(0.3 * y + 0.7 * rng.random(400), 0, 1)
    return classification(y, np.column_stack([1 - p, p]), ["stay", "churn"])


def _cases() -> dict[str, Callable[[], go.Figure]]:
    """One call per builder, with plain data (names: 'a', 'b', 'age', 'w1', ...)."""
    c = _binary()
    matrix = CostMatrix()
    curve = value_curve(c["thresholds"], matrix)
    gains = gains_of(c)
    rng = np.random.default_rng(1)
    y = rng.normal(size=300)
    reg = regression(y, y + rng.normal(scale=0.3, size=300))
    multi = classification(
        np.array([0, 1, 2, 1, 0, 2]),
        np.eye(3)[[0, 1, 1, 1, 0, 2]],
        ["x", "y", "z"],
    )
    profile = profile_frame(
        pd.DataFrame({"age": rng.normal(40, 5, 100), "plan": rng.choice(["p", "q"], 100)})
    )
    frame = pd.DataFrame({"family": ["linear"], "trials": [3], "best": [0.8]})
    series = EstimateSeries("accuracy", "Accuracy", ("w1", "w2"), (0.8, 0.7), (0.78, 0.68),
                            (0.82, 0.72), (0.81, None), 0.82)  # fmt: skip
    history = [[1.0, 0.7], [3.0, 0.8]]
    dependence = {"feature": "age", "categorical": False, "grid": [1, 2], "missing": 3,
                  "rows": 10, "series": {"prediction": [0.2, 0.4]}}  # fmt: skip
    m = studio.charts
    return {
        "best_so_far_figure": lambda: m.autopilot.best_so_far_figure(history, "AUC", 0.6, 5.0),
        "profit_figure": lambda: m.business.profit_figure(["a"], [curve], matrix),
        "gains_figure": lambda: m.business.gains_figure(["a"], [gains], "churn"),
        "lift_figure": lambda: m.business.lift_figure(["a"], [gains]),
        "class_recall_figure": lambda: m.business.class_recall_figure(
            ["a"], [class_quality(multi)]
        ),
        "tolerance_figure": lambda: m.business.tolerance_figure(
            ["a"], [within_curve(reg, True, 0.3)], 0.1, True
        ),
        "roc_figure": lambda: m.diagnostics.roc_figure([("a", c["roc"])]),
        "pr_figure": lambda: m.diagnostics.pr_figure([("a", c["pr"])]),
        "confusion_figure": lambda: m.diagnostics.confusion_figure(
            [[8, 2], [1, 9]], ["stay", "churn"], "混淆矩阵"
        ),
        "calibration_figure": lambda: m.diagnostics.calibration_figure([("a", c["calibration"])]),
        "threshold_figure": lambda: m.diagnostics.threshold_figure(c["thresholds"], "churn"),
        "predicted_actual_figure": lambda: m.diagnostics.predicted_actual_figure([("a", reg)]),
        "residual_figure": lambda: m.diagnostics.residual_figure([("a", reg)]),
        "residual_histogram_figure": lambda: m.diagnostics.residual_histogram_figure(reg),
        "importance_figure": lambda: m.diagnostics.importance_figure(
            [{"feature": "age", "mean": 0.1, "std": 0.01}], "AUC"
        ),
        "dependence_figure": lambda: m.diagnostics.dependence_figure(dependence),
        "estimated_metric_figure": lambda: m.estimate.estimated_metric_figure(series),
        "metric_interval_figure": lambda: m.experiments.metric_interval_figure(
            ["a", "b"], [0.8, 0.82], [(0.75, 0.83), None], "AUC"
        ),
        "family_best_figure": lambda: m.experiments.family_best_figure(frame, "AUC"),
        "distribution_overlay_figure": lambda: m.monitor.distribution_overlay_figure(
            "age", rng.normal(size=50), rng.normal(1, 1, 50), True
        ),
        "drift_share_figure": lambda: m.monitor.drift_share_figure(
            ["w1", "w2"], [0.2, 0.6], 0.5, [True, False]
        ),
        "feature_over_time_figure": lambda: m.monitor.feature_over_time_figure(
            "age", "ks", ["w1", "w2"], [0.5, None], 0.05
        ),
        "drift_heatmap_figure": lambda: m.monitor.drift_heatmap_figure(
            ["a", "b"], ["w1", "w2"], [[0.5, 2.0], [None, -0.5]]
        ),
        "severity_figure": lambda: m.monitor.severity_figure(
            ["a", "b"], [1.0, -0.5], [True, False]
        ),  # fmt: skip
        "distribution_figure": lambda: m.profile.distribution_figure(profile.column("plan")),
        "missing_figure": lambda: m.profile.missing_figure(profile),
        "metric_evolution_figure": lambda: m.registry.metric_evolution_figure(
            [1, 2], {"AUC": [0.8, 0.82]}, ["archived", "production"]
        ),
    }


def _builders() -> list[str]:
    """Every public figure builder of ``studio.charts``."""
    return sorted(
        name
        for module in MODULES
        for name, fn in vars(module).items()
        if name.endswith("_figure") and inspect.isfunction(fn) and fn.__module__ == module.__name__
    )


DATA = {"", "a", "b", "age", "plan", "AUC", "Accuracy", "churn"}


def _words(fig: go.Figure) -> list[str]:
    """The figure's title, axis titles and trace names (the words a reader sees first)."""
    layout = fig.layout
    found = [layout.title.text or "", layout.xaxis.title.text or "", layout.yaxis.title.text or ""]
    return found + [t.name or "" for t in fig.data]


def test_every_builder_has_a_case() -> None:
    assert set(_builders()) - NOT_WORDED == set(_cases())


@pytest.mark.parametrize("builder", sorted(_cases()))
def test_a_chart_built_in_chinese_has_chinese_titles(builder: str) -> None:
    """Under ``use_language("zh_Hans")`` the title and axis titles are Chinese (or data, or
    empty), and so are legend names."""
    with use_language("zh_Hans"):
        fig = _cases()[builder]()
    assert CJK.search(fig.layout.title.text or ""), fig.layout.title.text
    english = [w for w in _words(fig) if w not in DATA and not CJK.search(w)]
    english = [w for w in english if not re.fullmatch(r"[a-z] \(A(UC|P) [0-9.]+\)|F1", w)]
    assert english == [], english
