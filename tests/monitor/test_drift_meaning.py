"""Drift that means drift: dates and the time column are not tested, windows too small to test
are merged or marked, and a test's statistic and p-values are reported apart (vs scipy)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from studio.charts.monitor import drift_heatmap_figure, drift_share_figure
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import DriftResult
from studio.monitor.history import drift_history
from studio.monitor.service import monitor_frame, reference_frame
from studio.registry.versions import get_version
from tests.autopilot.conftest import churn_like


def _sample(n: int, seed: int) -> pd.DataFrame:
    """``n`` rows drawn at random from the very file the model was trained on."""
    return churn_like(400).sample(n, random_state=seed).drop(columns=["churn"])


@pytest.mark.database
def test_a_sample_of_the_training_file_does_not_drift(registered: Studio) -> None:
    """Random samples of the training file: no feature drifts; the date feature is listed as
    not tested, with the reason, and is not counted in the share."""
    for seed in (1, 2, 3):
        report = monitor_frame(registered, "m@1", _sample(200, seed), "ana").overall
        assert not [f.name for f in report.features if f.drifted], seed
        signup = next(f for f in report.features if f.name == "signup")
        assert signup.status == "not tested" and "a date" in signup.note
        assert signup.statistic is None and not signup.drifted
        assert {f.name for f in report.tested} == {"tenure", "plan", "charges"}
        assert not any("signup" in p for p in report.problems)  # dates are not "categories"


def test_the_time_column_is_never_tested(registered: Studio) -> None:
    """The column that splits the check into windows is not a tested feature, in the whole
    batch or in any window (each window by 'plan' holds one plan: it would always drift)."""
    frame = _sample(300, 4)
    result = monitor_frame(registered, "m@1", frame, "ana", time_column="plan", window="batch")
    assert len(result.windows) == 3
    for report in [result.overall, *(w.report for w in result.windows)]:
        plan = next(f for f in report.features if f.name == "plan")
        assert plan.status == "not tested" and "time column" in plan.note
        assert "plan" not in {f.name for f in report.tested}
        assert not plan.drifted
    document = result.to_json()
    assert next(f for f in document["features"] if f["name"] == "plan")["status"] == "not tested"


def test_statistic_and_p_values_are_apart_and_match_scipy(registered: Studio) -> None:
    """The JSON keeps the raw statistic (chi-square, KS D), the p-value, the adjusted p-value
    and the test's name; each equals scipy's on the same reference and current values."""
    frame = _sample(250, 5)
    result = monitor_frame(registered, "m@1", frame, "ana")
    features = {f["name"]: f for f in json.loads(json.dumps(result.to_json()))["features"]}
    reference = reference_frame(registered, get_version(registered, "m@1"))
    ref, cur = reference["plan"].astype(str), frame["plan"].astype(str)
    table = [[int((side == c).sum()) for c in sorted(set(ref) | set(cur))] for side in (ref, cur)]
    chi = stats.chi2_contingency(np.array(table))
    plan = features["plan"]
    assert plan["test"] == "chisquare" and plan["test_name"] == "Chi-square test"
    assert plan["statistic"] == pytest.approx(chi.statistic) and plan["statistic"] > 0
    assert plan["p_value"] == pytest.approx(chi.pvalue)
    ks = stats.ks_2samp(reference["tenure"].astype(float), frame["tenure"].astype(float))
    tenure = features["tenure"]
    assert tenure["test"] == "ks" and tenure["statistic"] == pytest.approx(ks.statistic)
    assert tenure["p_value"] == pytest.approx(ks.pvalue) and tenure["statistic"] < 1
    tested = [features[n] for n in ("tenure", "plan", "charges")]
    adjusted = stats.false_discovery_control([f["p_value"] for f in tested], method="bh")
    assert [f["adjusted_p_value"] for f in tested] == pytest.approx(list(adjusted))
    assert all(f["correction"] == "benjamini-hochberg" for f in tested)
    assert all(f["threshold_on"] == "adjusted p-value" for f in tested)
    assert all(f["drifted"] == (f["adjusted_p_value"] < f["threshold"]) for f in tested)


def _weekly(rows: int) -> pd.DataFrame:
    frame = churn_like(rows, seed=8).drop(columns=["churn"])
    weeks = pd.Timestamp("2025-01-06") + pd.to_timedelta(np.arange(rows) * 364 // rows, "D")
    return frame.assign(seen=weeks.strftime("%Y-%m-%d"))


def test_small_weekly_windows_are_merged_and_say_so(registered: Studio) -> None:
    """300 rows over 52 weeks (about 6 a week): weeks are merged until each window holds 30
    rows, each window names the weeks it holds, every window is tested, and the JSON says so."""
    frame = _weekly(300)
    result = monitor_frame(registered, "m@1", frame, "ana", time_column="seen", window="1W")
    windows = result.windows
    assert 1 < len(windows) <= 10 and sum(w.rows for w in windows) == 300
    assert all(w.rows >= 30 and w.status == "ok" and w.report.tested for w in windows)
    assert sum(len(w.merged) for w in windows) == 52  # every week is in exactly one window
    first = windows[0]
    assert first.label == f"{first.merged[0].split('/')[0]}/{first.merged[-1].split('/')[1]}"
    document = result.to_json()
    assert document["min_window_rows"] == 30
    entry = document["windows"][0]
    assert entry["status"] == "ok" and entry["merged"] == list(first.merged)
    assert "periods merged" in entry["note"] and entry["min_rows"] == 30
    history = drift_history(registered, get_version(registered, "m@1"))
    assert history.windows == tuple(w.label for w in windows)
    assert all(history.tested) and all("merged" in n for n in history.notes)
    assert sum(history.periods) == 52
    assert "signup" not in history.features and "a date" in history.untested["signup"]


def test_a_batch_too_small_to_test_is_marked_and_the_chart_says_why(registered: Studio) -> None:
    """Batches are not merged: a 12-row batch is kept, marked "too few rows" (minimum stated),
    and drawn as a grey 'not tested' bar whose hover gives the reason; no bar is empty
    without a word, and the heat map greys the cells it could not test."""
    frame = _sample(300, 6).assign(source=["big.csv"] * 288 + ["tiny.csv"] * 12)
    result = monitor_frame(registered, "m@1", frame, "ana", time_column="source", window="batch")
    tiny = result.windows[1]
    assert (tiny.label, tiny.rows, tiny.status) == ("tiny.csv", 12, "too few rows")
    assert "at least 30" in tiny.note and not tiny.report.tested
    assert result.to_json()["windows"][1]["status"] == "too few rows"
    history = drift_history(registered, get_version(registered, "m@1"))
    assert history.tested == (True, False) and "at least 30" in history.notes[1]
    figure = drift_share_figure(
        history.windows, history.shares, 0.5, history.tested, history.notes
    ).to_plotly_json()
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    shown = [
        (x, y, text) for t in bars for x, y, text in zip(t["x"], t["y"], t["text"], strict=True)
    ]
    assert {x for x, _y, _t in shown} == {"big.csv", "tiny.csv"}
    assert all(text for _x, _y, text in shown)  # every bar, 0% included, says what it is
    grey = next(t for t in bars if t["x"] == ["tiny.csv"])
    assert grey["y"] == [1.0] and "at least 30" in grey["customdata"][0]
    assert any("too small to test" in a["text"] for a in figure["layout"]["annotations"])
    heat = drift_heatmap_figure(
        history.features, history.windows, [history.severity[f] for f in history.features]
    )
    assert len(heat.data) == 2 and all(row == [None, 1] for row in map(list, heat.data[1].z))


def test_results_stored_in_the_old_format_still_read(registered: Studio) -> None:
    """An old drift result (the adjusted p-value kept in 'statistic') reads as that adjusted
    p-value with the statistic unknown, so old history still draws."""
    version = get_version(registered, "m@1")
    old = {"name": "plan", "test": "chisquare", "statistic": 0.001, "threshold": 0.05,
           "drifted": True, "status": "ok"}  # fmt: skip
    distance = {"name": "tenure", "test": "psi", "statistic": 0.3, "threshold": 0.1,
                "drifted": True, "status": "ok"}  # fmt: skip
    with session_scope(registered.engine) as session:
        session.add(
            DriftResult(
                model_version_id=version.id, actor="ana", window="all", rows=200,
                dataset_drift=True, drift_share=1.0,
                report={"features": [old, distance], "problems": []},
            )
        )  # fmt: skip
    history = drift_history(registered, version)
    assert history.values["plan"] == (0.001,) and history.values["tenure"] == (0.3,)
    assert history.severity["plan"][0] == pytest.approx(3 - np.log10(20))
    assert "adjusted p-value 0.001" in " ".join(a.text for a in history.alerts)
