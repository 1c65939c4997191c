"""Estimated performance without labels for a registered classifier, one window at a time.

Reference: the version's holdout (the rows its run never searched on), rebuilt from the run's
stored recipe (dataset version, split, seed: see ``autopilot.data``) and scored by the version's
model; a version refit on all rows saw its holdout, so the candidate's model from before the
refit is scored instead (the result says so). Its probabilities and labels fit the calibration
(``monitor.calibration``: isotonic from 1,000 rows, sigmoid below), computed on demand and kept
per process. Current: a window of rows with the model's ``proba_<class>`` outputs (logged
batches and live traffic keep them; other frames are scored). The estimate is CBPE
(``monitor.cbpe``), the support check a domain classifier (``monitor.support``).

Regression is not offered (NannyML's direct loss estimation would be the reference).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from studio.autopilot.data import prepare_training_data
from studio.business.value import CostMatrix
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Candidate, Run
from studio.errors import InvalidInputError
from studio.modelio import load_candidate_model, load_version_model
from studio.monitor.calibration import Calibration, fit_calibration
from studio.monitor.cbpe import MetricEstimate, estimate_metrics, realised_metrics
from studio.monitor.config import feature_kinds
from studio.monitor.performance import encode_labels
from studio.monitor.service import reference_frame
from studio.monitor.support import SAMPLE, Support, domain_support
from studio.registry.outputs import output_frame, proba_column
from studio.registry.schema import check_batch
from studio.registry.versions import VersionInfo, get_version

BLIND_SPOT = (
    "This estimate cannot see concept drift: when the relation between the inputs and the "
    "target changes (the same inputs now lead to other outcomes), the model's probabilities "
    "and so the estimate stay as they were; only labels show it."
)
SMALL_HOLDOUT = 300
CACHED = 16
_cache: OrderedDict[tuple, Any] = OrderedDict()  # Reference, or a baseline sample
_lock = threading.Lock()  # Streamlit sessions share the process


@dataclass(frozen=True, eq=False)
class Reference:
    """What a version's estimates stand on: its calibration, where it came from, and the
    metrics measured on the holdout (what the naive "assume holdout performance" says)."""

    calibration: Calibration
    source: str  # a sentence: which rows and which model
    holdout: dict[str, float | None]
    refit: bool


@dataclass(frozen=True)
class WindowEstimate:
    """One window: its rows, the estimated metrics with bands, the realised ones on its
    labelled rows (when any), the support check, and warnings in sentences."""

    label: str
    rows: int
    metrics: dict[str, MetricEstimate]
    realised: dict[str, float | None] | None = None
    labelled: int = 0
    support: Support | None = None
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "window": self.label, "rows": self.rows,
            "estimated": {k: m.to_json() for k, m in self.metrics.items()},
            "realised": self.realised, "labelled": self.labelled,
            "support": self.support.to_json() if self.support else None,
            "warnings": list(self.warnings),
        }  # fmt: skip


def _check_task(version: VersionInfo) -> None:
    if not version.labels:
        raise InvalidInputError(
            f"{version.ref} is a regression model; estimated performance without labels is "
            "offered for classifiers only."
        )


def _holdout(studio: Studio, version: VersionInfo) -> tuple[np.ndarray, np.ndarray, bool]:
    """The holdout's probabilities (n, k) and label codes (n,), and whether the version was
    refit on all rows (then the candidate's model scored them)."""
    if version.run_id is None or version.candidate_id is None:
        raise InvalidInputError(f"{version.ref} has no run to rebuild its holdout from.")
    with session_scope(studio.engine) as session:
        run, candidate = (
            session.get(Run, version.run_id),
            session.get(Candidate, version.candidate_id),
        )
        if run is None or candidate is None:
            raise InvalidInputError(f"The run of {version.ref} is gone; its holdout cannot be "
                                    "rebuilt to calibrate on.")  # fmt: skip
        config, artifact = dict(run.config), (candidate.artifact, candidate.artifact_sha256)
    data = prepare_training_data(studio, version.dataset, config)
    if list(data.labels) != version.labels:
        raise InvalidInputError(f"The holdout of {version.ref} no longer has its classes.")
    refit = version.training.get("scope") == "all_rows"
    model = (
        load_candidate_model(studio.artifacts, version.run_id, version.candidate_name, *artifact)
        if refit
        else load_version_model(studio.artifacts, version)
    )
    outputs = output_frame(model, data.X_holdout, version.labels)
    return _proba(outputs, version), np.asarray(data.y_holdout, dtype=int), refit


def _proba(frame: pd.DataFrame, version: VersionInfo) -> np.ndarray:
    return frame[[proba_column(label) for label in version.labels]].to_numpy(dtype=float)


def reference(studio: Studio, version: VersionInfo, matrix: CostMatrix | None) -> Reference:
    """The version's calibration and holdout metrics (computed once per process per model
    file; the holdout metrics under ``matrix``). Raises InvalidInputError for regression or a
    version whose holdout cannot be rebuilt."""
    _check_task(version)
    key = (studio.settings.database_url, version.id, version.artifact_sha256,
           version.decision_threshold, matrix)  # fmt: skip
    found = _cached(key)
    if found is not None:
        return found
    proba, y, refit = _holdout(studio, version)
    calibration = fit_calibration(proba, y)
    model = "the candidate's model from before the refit" if refit else "the version's model"
    source = (
        f"Calibrated ({calibration.method}) on the {calibration.rows:,} holdout rows of run "
        f"{version.run_id}, scored by {model}."
    )
    holdout = realised_metrics(y, proba, version.decision_threshold, _binary(version, matrix))
    return _keep(key, Reference(calibration, source, holdout, refit))


def _cached(key: tuple) -> Any:
    with _lock:
        if key not in _cache:
            return None
        _cache.move_to_end(key)
        return _cache[key]


def _keep(key: tuple, value: Any) -> Any:
    with _lock:
        _cache[key] = value
        while len(_cache) > CACHED:
            _cache.popitem(last=False)
    return value


def _baseline_sample(studio: Studio, version: VersionInfo) -> pd.DataFrame:
    """Up to ``support.SAMPLE`` rows of the version's baseline (read once per process)."""
    key = (studio.settings.database_url, version.id, version.reference_sha256, "baseline")
    found = _cached(key)
    if found is not None:
        return found
    frame = reference_frame(studio, version)
    return _keep(key, frame.sample(min(len(frame), SAMPLE), random_state=0))


def _binary(version: VersionInfo, matrix: CostMatrix | None) -> CostMatrix | None:
    return (matrix or CostMatrix()) if len(version.labels) == 2 else None


def reference_warnings(ref: Reference) -> tuple[str, ...]:
    """Sentences about the calibration itself (poor, or fit on few rows, or on a refit)."""
    c = ref.calibration
    out = []
    if c.poor:
        out.append(
            f"Calibration on the holdout is poor (expected calibration error {c.ece:.3f} after "
            f"calibration; chance alone gives up to {c.ece_chance:.3f}): the estimates may be "
            "off by more than their bands."
        )
    if c.rows < SMALL_HOLDOUT:
        out.append(
            f"The calibration rests on {c.rows:,} holdout rows only: the estimates carry its "
            "error on top of their bands."
        )
    if ref.refit:
        out.append(
            "The version was refit on all rows (its holdout included), so it was calibrated "
            "through the candidate's model from before the refit, an approximation."
        )
    return tuple(out)


def _support_warning(support: Support) -> str:
    return (
        f"The current rows lie partly outside the reference's support (a domain classifier "
        f"tells them apart with ROC AUC {support.auc:.2f}; {support.outside:.0%} of them sit "
        "where the reference has almost no rows): there the calibration extrapolates."
    )


def window_outputs(studio: Studio, version: VersionInfo, current: pd.DataFrame) -> np.ndarray:
    """The model's probabilities (n, k) for ``current``: its ``proba_<class>`` columns when
    it has them (logged batches do), else the version's model scores its features."""
    if all(proba_column(label) in current.columns for label in version.labels):
        return _proba(current, version)
    checked = check_batch(current, version.input_schema)
    model = load_version_model(studio.artifacts, version)
    return _proba(output_frame(model, checked.features, version.labels), version)


def estimate_window(
    studio: Studio,
    version: VersionInfo | str,
    current: pd.DataFrame,
    *,
    label: str = "all",
    matrix: CostMatrix | None = None,
    labels: pd.Series | None = None,
    support: bool = True,
) -> WindowEstimate:
    """The estimate for one window of ``current`` rows (the version's features, with or
    without its ``proba_<class>`` outputs) of ``version`` (an object or a ``name@…`` ref).

    ``labels`` (row for row, missing where unknown) adds the realised metrics on the labelled
    rows; ``support`` runs the domain classifier against the version's baseline sample;
    ``matrix`` prices a binary model's decisions (default: ``CostMatrix()``). For scheduled
    checks: one call per window. Raises InvalidInputError for regression, an empty window or a
    version whose holdout cannot be rebuilt.
    """
    version = get_version(studio, version) if isinstance(version, str) else version
    if len(current) == 0:
        raise InvalidInputError("The window is empty; there is nothing to estimate.")
    ref = reference(studio, version, matrix)
    proba = window_outputs(studio, version, current)
    cost = _binary(version, matrix)
    metrics = estimate_metrics(proba, ref.calibration.apply(proba),
                               version.decision_threshold, cost)  # fmt: skip
    realised, labelled = _realised(version, labels, proba, cost)
    found = None
    if support:
        found = domain_support(_baseline_sample(studio, version), current, feature_kinds(version))
    warnings = (_support_warning(found),) if found is not None and found.poor else ()
    return WindowEstimate(label, len(current), metrics, realised, labelled, found, warnings)


def _realised(
    version: VersionInfo, labels: pd.Series | None, proba: np.ndarray, cost: CostMatrix | None
) -> tuple[dict[str, float | None] | None, int]:
    if labels is None:
        return None, 0
    keep = labels.notna().to_numpy()
    y = encode_labels(version, labels[keep].astype(str))
    if y is None or not keep.any():
        return None, 0
    return realised_metrics(y, proba[keep], version.decision_threshold, cost), int(keep.sum())
