"""Estimated performance of a registered model: logged batches as windows, realised metrics
once labels are joined, warnings on a shifted window, what it cannot see; the CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from studio.config import Settings
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.monitor.batches import attach_labels
from studio.monitor.calibration import fit_calibration
from studio.monitor.estimate import BLIND_SPOT, _holdout, estimate_window
from studio.monitor.estimate_windows import estimate_batches, estimate_frame
from studio.registry.scoring import score_frame
from studio.registry.versions import get_version
from tests.autopilot.conftest import churn_like
from tests.cli import clean_env, run


def _moved(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.copy()
    out["tenure"] = out["tenure"] + 60
    out["charges"] = out["charges"] * 3
    out["plan"] = "pro"
    return out


@pytest.fixture
def scored(registered: Studio) -> tuple[Studio, pd.DataFrame, int, int]:
    """Model 'm' v1 with a calm batch (its labels joined) and a moved batch logged."""
    rows = churn_like(300, seed=21)
    calm = score_frame(registered, "m@1", rows.drop(columns=["churn"]), "calm.csv", "ana")
    moved = score_frame(registered, "m@1", _moved(rows).drop(columns=["churn"]), "moved.csv",
                        "ana")  # fmt: skip
    attach_labels(registered, calm.batch_id, rows[["customer_id", "churn"]], "customer_id", "ana")
    return registered, rows, calm.batch_id, moved.batch_id


@pytest.mark.database
def test_logged_batches_are_windows_with_estimates_realised_values_and_warnings(
    scored: tuple[Studio, pd.DataFrame, int, int],
) -> None:
    """One window per batch; the labelled one carries realised metrics (the same as measured
    directly), the moved one a support warning; the result says what it cannot see."""
    studio, rows, calm_id, moved_id = scored
    result = estimate_batches(studio, "m@1", "ana")
    assert [w.label for w in result.windows] == [f"#{calm_id} calm.csv", f"#{moved_id} moved.csv"]
    calm, moved = result.windows
    assert calm.labelled == 300 and moved.realised is None
    assert set(calm.metrics) == {"accuracy", "precision", "recall", "f1", "roc_auc", "value"}
    for m in calm.metrics.values():
        assert m.low <= m.value <= m.high
    assert not calm.warnings and calm.support is not None and not calm.support.poor
    assert moved.support.poor and "outside the reference's support" in moved.warnings[0]
    assert result.blind_spot == BLIND_SPOT and "concept drift" in BLIND_SPOT
    assert result.calibration["method"] == "sigmoid"  # 80 holdout rows
    assert any("80 holdout rows only" in w for w in result.warnings)
    direct = estimate_frame(studio, "m@1", rows, "ana", support=False).windows[0]
    assert direct.realised == pytest.approx(calm.realised)
    assert direct.metrics["accuracy"].value == pytest.approx(calm.metrics["accuracy"].value)


def test_the_calibration_is_fit_on_the_rebuilt_holdout(registered: Studio) -> None:
    """The estimate of a window applies the calibration fit on the run's holdout rows."""
    version = get_version(registered, "m@1")
    proba, y, refit = _holdout(registered, version)
    assert len(y) == 80 and not refit and proba.shape == (80, 2)
    rows = churn_like(200, seed=22).drop(columns=["churn"])
    got = estimate_window(registered, version, rows, support=False)
    scored = score_frame(registered, "m@1", rows, "x.csv", "ana").output
    p = fit_calibration(proba, y).apply(scored[["proba_No", "proba_Yes"]].to_numpy())[:, 1]
    predicted = scored["prediction"].to_numpy() == "Yes"
    expected = (p[predicted].sum() + (1 - p[~predicted]).sum()) / len(p)
    assert got.metrics["accuracy"].value == pytest.approx(expected)


def test_regression_and_empty_windows_are_refused(registered: Studio) -> None:
    version = get_version(registered, "m@1")
    as_regression = replace(version, baseline={**version.baseline, "labels": []})
    with pytest.raises(InvalidInputError, match="classifiers only"):
        estimate_window(registered, as_regression, churn_like(50))
    with pytest.raises(InvalidInputError, match="window is empty"):
        estimate_window(registered, version, churn_like(50).iloc[:0])


def test_cli_json_and_errors(scored: tuple[Studio, pd.DataFrame, int, int]) -> None:
    """`studio monitor estimate m@1 --json` prints one document; bad input exits 2."""
    studio, _rows, calm_id, _moved_id = scored
    settings: Settings = studio.settings
    env = clean_env(
        Path(settings.home),
        "ana",
        STUDIO_DATABASE_URL=settings.database_url,
        STUDIO_ARTIFACTS=str(settings.artifacts_dir),
    )
    done = run("monitor", "estimate", "m@1", "--batches", str(calm_id), "--json",
               "--no-support", "--tp", "10", env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    window = document["windows"][0]
    assert window["rows"] == 300 and window["labelled"] == 300
    assert set(window["estimated"]["roc_auc"]) == {"value", "low", "high"}
    assert document["cost_matrix"]["tp"] == 10 and "concept drift" in document["cannot_see"]
    text = run("monitor", "estimate", "m@1", "--no-support", env=env)
    assert text.returncode == 0 and "realised" in text.stdout and "Accuracy" in text.stdout
    for args, message in [
        (("--batches", "999"), "was not scored by m@1"),
        (("nowhere.csv",), "There is no file nowhere.csv"),
        (("--time-column", "seen"), "--time-column splits a file"),
    ]:
        bad = run("monitor", "estimate", "m@1", *args, env=env)
        assert bad.returncode == 2 and bad.stderr.startswith("error: ") and message in bad.stderr
        assert "Traceback" not in bad.stderr


def test_windows_of_a_file_by_date(registered: Studio) -> None:
    """A file with a date column: one estimate per week, realised where the target is."""
    rows = churn_like(240, seed=23)
    rows["seen"] = np.repeat(["2026-05-04", "2026-05-11", "2026-05-18"], 80)
    result = estimate_frame(registered, "m@1", rows, "ana", time_column="seen", window="1W",
                            support=False)  # fmt: skip
    assert [w.rows for w in result.windows] == [80, 80, 80]
    assert all(w.labelled == 80 and w.realised["accuracy"] is not None for w in result.windows)


def test_a_saved_threshold_decides_and_a_refit_version_is_calibrated_through_its_candidate(
    registered: Studio,
) -> None:
    """The decision threshold moves the expected counts as a naive sum says; a version refit
    on all rows saw its holdout, so its candidate scores the holdout and a warning says so."""
    from studio.monitor.estimate import reference, reference_warnings
    from studio.registry.register import register_candidate

    version = replace(get_version(registered, "m@1"), decision_threshold=0.3)
    rows = churn_like(150, seed=24).drop(columns=["churn"])
    got = estimate_window(registered, version, rows, support=False)
    scored = score_frame(registered, "m@1", rows, "t.csv", "ana").output
    proba = scored[["proba_No", "proba_Yes"]].to_numpy()
    p = reference(registered, version, None).calibration.apply(proba)[:, 1]
    flagged = proba[:, 1] >= 0.3
    assert got.metrics["recall"].value == pytest.approx(p[flagged].sum() / p.sum())
    refit = register_candidate(registered, 1, "m", "ana", refit_all_rows=True)
    ref = reference(registered, get_version(registered, f"m@{refit.version}"), None)
    assert ref.refit and "before the refit" in ref.source
    assert any("refit on all rows" in w for w in reference_warnings(ref))
