"""Optuna's own views of a search (``optuna.visualization``), built once from a run's trials.

Studio's search space is conditional (each model family has its own parameters), so views that
relate parameters to the score (parallel coordinates, importances, slice, contour) are built per
family, on an in-memory study holding that family's trials with the family prefix removed.
Values are shown in the metric's own direction (log loss and errors are not negated).
"""

from __future__ import annotations

import logging
import random
import warnings
from collections.abc import Callable
from typing import Any

import optuna
import optuna.visualization as ov
import pandas as pd
from optuna.trial import FrozenTrial, TrialState

from studio.autopilot.metrics import Metric
from studio.charts import WHITE
from studio.i18n import N_

log = logging.getLogger(__name__)

# View key -> its name (a msgid: shown through ``_()`` where it is drawn).
RUN_VIEWS = {
    "history": N_("Optimisation history"),
    "timeline": N_("Timeline"),
    "intermediate": N_("Intermediate values (pruning)"),
}
FAMILY_VIEWS = {
    "importance": N_("Hyper-parameter importances"),
    "parallel": N_("Parallel coordinates"),
    "slice": N_("Slice"),
    "contour": N_("Contour"),
}
VIEW_LABELS = RUN_VIEWS | FAMILY_VIEWS
# Views that draw one mark per trial are built on a seeded random sample of large searches, so
# a 5,000-trial run stays light in the browser; importances and the history use every trial.
SAMPLED_VIEWS = {"intermediate": 300, "parallel": 1_000, "slice": 1_000, "contour": 1_000}


def sample(trials: list[FrozenTrial], limit: int, seed: int = 0) -> list[FrozenTrial]:
    """At most ``limit`` trials, chosen at random (seeded), kept in trial order."""
    if len(trials) <= limit:
        return trials
    chosen = sorted(random.Random(seed).sample(range(len(trials)), limit))
    return [trials[i] for i in chosen]


def _copy(trial: FrozenTrial, sign: int, family: str | None) -> FrozenTrial:
    prefix = f"{family}__"
    keep = {
        (k.removeprefix(prefix) if family else k): k
        for k in trial.params
        if (family is None) or k.startswith(prefix)
    }
    return optuna.trial.create_trial(
        state=trial.state,
        value=None if trial.value is None else sign * trial.value,
        params={new: trial.params[old] for new, old in keep.items()},
        distributions={new: trial.distributions[old] for new, old in keep.items()},
        user_attrs={}, intermediate_values={
            step: sign * value for step, value in trial.intermediate_values.items()
        },
    )  # fmt: skip


def _study(trials: list[FrozenTrial], metric: Metric, family: str | None) -> optuna.Study:
    sign = 1 if metric.greater_is_better else -1
    direction = "maximize" if metric.greater_is_better else "minimize"
    study = optuna.create_study(direction=direction)
    copies = []
    for trial in trials:
        copy = _copy(trial, sign, family)
        copy.datetime_start, copy.datetime_complete = trial.datetime_start, trial.datetime_complete
        copies.append(copy)
    study.add_trials(copies)
    return study


def _builders(metric: Metric) -> dict[str, Callable[[optuna.Study], Any]]:
    name = metric.label
    return {
        "history": lambda s: ov.plot_optimization_history(s, target_name=name),
        "timeline": ov.plot_timeline,
        "intermediate": ov.plot_intermediate_values,
        "importance": lambda s: ov.plot_param_importances(s, target_name=name),
        "parallel": lambda s: ov.plot_parallel_coordinate(s, target_name=name),
        "slice": lambda s: ov.plot_slice(s, target_name=name),
        "contour": lambda s: _contour(s, name),
    }


def _contour(study: optuna.Study, name: str) -> Any:
    top = list(optuna.importance.get_param_importances(study))[:2]
    if len(top) < 2:
        raise ValueError("a contour needs two tuned parameters")
    return ov.plot_contour(study, params=top, target_name=name)


def _build(builder: Callable[[optuna.Study], Any], study: optuna.Study) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            figure = builder(study)
        except (ValueError, RuntimeError, KeyError, ZeroDivisionError) as exc:
            log.info("view not built: %s", exc)
            return None
    figure.update_layout(template=WHITE, height=460, margin={"t": 50})
    return figure.to_json()


def build_views(trials: list[FrozenTrial], metric: Metric) -> dict[str, dict[str, str]]:
    """Plotly JSON of every view: ``{"all": {...run views}, family: {...family views}}``;
    a view Optuna cannot draw for the data (too few trials) is left out."""
    builders = _builders(metric)
    finished = [t for t in trials if t.state in (TrialState.COMPLETE, TrialState.PRUNED)]
    views: dict[str, dict[str, str]] = {"all": {}}
    if finished:
        everything = _study(finished, metric, None)
        for key in RUN_VIEWS:
            limit = SAMPLED_VIEWS.get(key, len(finished))
            study = everything
            if len(finished) > limit:
                study = _study(_pruned_first(finished, limit), metric, None)
            views["all"][key] = _build(builders[key], study)
    families = sorted({str(t.params.get("family")) for t in finished if "family" in t.params})
    for family in families:
        complete = [
            t for t in finished
            if t.params.get("family") == family and t.state == TrialState.COMPLETE
        ]  # fmt: skip
        if len(complete) < 2:
            continue
        study = _study(complete, metric, family)
        light = _study(sample(complete, 1_000), metric, family) if len(complete) > 1_000 else study
        views[family] = {
            key: _build(builders[key], study if key not in SAMPLED_VIEWS else light)
            for key in FAMILY_VIEWS
        }
    return {group: {k: v for k, v in built.items() if v} for group, built in views.items()}


def _pruned_first(trials: list[FrozenTrial], limit: int) -> list[FrozenTrial]:
    """A sample for the intermediate-values view: pruned trials first (what it is about)."""
    pruned = [t for t in trials if t.state == TrialState.PRUNED]
    others = [t for t in trials if t.state != TrialState.PRUNED]
    chosen = sample(pruned, limit) + sample(others, max(0, limit - len(pruned)))
    return sorted(chosen, key=lambda t: t.number)


def trials_frame(trials: list[FrozenTrial], metric: Metric) -> pd.DataFrame:
    """One row per trial: number, family, state, score (in the metric's direction), CV std,
    seconds, start time, and one column per parameter."""
    sign = 1 if metric.greater_is_better else -1
    rows = []
    for t in trials:
        seconds = (
            (t.datetime_complete - t.datetime_start).total_seconds()
            if t.datetime_complete and t.datetime_start
            else None
        )
        row = {
            "trial": t.number, "family": str(t.params.get("family", "")),
            "state": t.state.name.lower(), "score": None if t.value is None else sign * t.value,
            "cv_std": t.user_attrs.get("cv_std"), "seconds": seconds,
            "started": t.datetime_start,
        }  # fmt: skip
        row |= {k: v for k, v in t.params.items() if k != "family"}
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["trial", "family", "state", "score", "cv_std", "seconds"])
    return frame.sort_values("trial").reset_index(drop=True)
