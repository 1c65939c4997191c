"""The loop: retrain on the reference plus new labelled rows, then compare the challenger with
the champion on recent labelled rows neither model trained on.

A third of the new labelled rows is held back for the comparison: the most recent third by the
time column when the champion's run used one (the comparison then scores both models on the
latest rows, as they will be used), else a seeded random third. The rest joins the champion's
training data as a new version of the same dataset, and an autopilot run with the
champion's target, task and metric trains the challenger. The comparison is a paired bootstrap
of the metric difference on the held-back rows, with a one-sentence recommendation; promotion
then follows the registry's approval rules.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import col, select

from studio.access import require
from studio.autopilot.metrics import METRICS, score
from studio.autopilot.service import AutopilotRequest, launch_run
from studio.context import Studio
from studio.data.versions import add_dataset_version, load_frame
from studio.data.versions import get_version as get_dataset
from studio.db import session_scope
from studio.db.models import Retrain, Run
from studio.errors import ConflictError, InvalidInputError, NotFoundError
from studio.experiments.bootstrap import bootstrap_metrics
from studio.modelio import load_candidate_model, load_version_model
from studio.monitor.held_back import held_back_rows
from studio.monitor.performance import MIN_LABELLED, encode_labels
from studio.registry.outputs import output_frame, proba_column
from studio.registry.schema import check_batch
from studio.registry.versions import VersionInfo, get_version, list_versions
from studio.tracking import leaderboard_query


def start_retrain(
    studio: Studio,
    ref: str,
    labelled: pd.DataFrame,
    actor: str,
    budget_seconds: float | None = 120.0,
    max_trials: int | None = None,
    families: list[str] | None = None,
) -> int:
    """Queue the challenger's run for the version ``ref`` names; returns the retrain id."""
    require(studio.settings, actor, "launch")
    champion = get_version(studio, ref)
    rows = labelled[labelled[champion.target].notna()] if champion.target in labelled else None
    if rows is None or len(rows) < 2 * MIN_LABELLED:
        raise InvalidInputError(
            f"Retraining needs at least {2 * MIN_LABELLED} rows with a '{champion.target}' "
            "label in the file."
        )
    check_batch(rows, champion.input_schema)  # the new rows must fit the model's schema
    time_column = _run_time_column(studio, champion.run_id)
    compare, kind, note = held_back_rows(rows, time_column)
    train_part = rows.drop(index=compare.index)
    dataset = get_dataset(studio, champion.dataset)
    reference = load_frame(studio, dataset)
    combined = pd.concat([reference, _like(train_part, reference)], ignore_index=True)
    buffer = io.BytesIO()
    combined.to_parquet(buffer, index=False)
    added = add_dataset_version(
        studio, buffer.getvalue(), f"{dataset.name}.parquet", name=dataset.name, actor=actor
    )
    request = AutopilotRequest(
        dataset=added.version.ref,
        target=champion.target,
        task=champion.task,
        metric=champion.metric,
        budget_seconds=budget_seconds,
        max_trials=max_trials,
        families=families,
        time_column=time_column if kind == "latest" else None,
        positive_class=champion.positive_class,  # the same class order as the champion's
    )
    run_id = launch_run(studio, request, actor=actor)
    content = _parquet(compare)
    stored = studio.artifacts.write(
        f"retrain/{uuid.uuid4().hex}.parquet", lambda p: p.write_bytes(content)
    )
    try:
        with session_scope(studio.engine) as session:
            row = Retrain(
                model_name=champion.name,
                champion_version_id=champion.id,
                run_id=run_id,
                compare_artifact=stored.path,
                compare_sha256=stored.sha256,
                new_rows=len(train_part),
                compare_rows=len(compare),
                held_back=kind,
                held_back_note=note[:500],
                created_by=actor,
            )
            session.add(row)
            session.flush()
            return row.id
    except BaseException:
        studio.artifacts.delete(stored.path)
        raise


def _run_time_column(studio: Studio, run_id: int | None) -> str | None:
    """The time column of the run a version came from (None without one)."""
    with session_scope(studio.engine) as session:
        run = session.get(Run, run_id) if run_id is not None else None
        return (run.config.get("time_column") or None) if run is not None else None


def _like(rows: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``rows`` that ``reference`` has, read as the reference's types."""
    out = {}
    for name in (c for c in reference.columns if c in rows.columns):
        column, dtype = rows[name], reference[name].dtype
        if pd.api.types.is_datetime64_any_dtype(dtype):
            column = pd.to_datetime(column, errors="coerce", format="mixed")
        elif pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            column = pd.to_numeric(column, errors="coerce")
        elif not pd.api.types.is_bool_dtype(dtype):
            column = column.astype("str").where(column.notna())
        out[name] = column
    return pd.DataFrame(out)


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


@dataclass(frozen=True)
class ChallengerReport:
    """Champion against challenger on the held-back recent rows."""

    retrain_id: int
    run_id: int
    run_status: str
    champion: str
    challenger: str | None
    metric: str
    rows: int
    champion_score: float | None = None
    challenger_score: float | None = None
    difference: float | None = None
    interval: tuple[float, float] | None = None
    recommendation: str = ""
    held_back: str = ""  # which rows were held back, one sentence

    def to_json(self) -> dict[str, Any]:
        """The CLI's document."""
        return dict(self.__dict__)


def _scores(model: Any, features: pd.DataFrame, version: VersionInfo) -> np.ndarray:
    """The model's outputs (class probabilities in the champion's class order, or values)."""
    outputs = output_frame(model, features, version.labels)
    if version.labels:
        return outputs[[proba_column(label) for label in version.labels]].to_numpy()
    return outputs["prediction"].to_numpy(dtype=float)


def challenger_report(studio: Studio, retrain_id: int) -> ChallengerReport:
    """The comparison, once the challenger's run has finished (else its status)."""
    with session_scope(studio.engine) as session:
        retrain = session.get(Retrain, retrain_id)
        if retrain is None:
            raise NotFoundError(f"There is no retraining {retrain_id}.")
        run = session.get(Run, retrain.run_id)
        best = session.exec(leaderboard_query(run.id, run.metric)).first()
        champion_id, status = retrain.champion_version_id, run.status
        compare = (retrain.compare_artifact, retrain.compare_sha256)
        model_name, run_id, held_back = retrain.model_name, run.id, retrain.held_back_note
        challenger = (best.name, best.artifact, best.artifact_sha256) if best else None
        trained_on = str(run.config.get("dataset", ""))
    champion = next(v for v in list_versions(studio, model_name) if v.id == champion_id)
    base = ChallengerReport(
        retrain_id,
        run_id,
        status,
        champion.ref,
        challenger[0] if challenger else None,
        champion.metric,
        0,
        held_back=held_back,
    )
    if status != "finished" or challenger is None:
        return base
    frame = pd.read_parquet(studio.artifacts.verified_path(*compare))
    return _compare(studio, base, champion, challenger, frame, trained_on)


def _compare(
    studio: Studio,
    base: ChallengerReport,
    champion: VersionInfo,
    challenger: tuple[str, str, str],
    frame: pd.DataFrame,
    trained_on: str,
) -> ChallengerReport:
    """Both models on the held-back rows; the interval comes from paired resamples."""
    y = encode_labels(champion, frame[champion.target])
    if y is None:
        raise ConflictError("The recent rows hold classes the champion never saw.")
    old_features = check_batch(frame, champion.input_schema).features
    new_features = _like(frame, load_frame(studio, get_dataset(studio, trained_on)))
    old = _scores(load_version_model(studio.artifacts, champion), old_features, champion)
    challenger_model = load_candidate_model(studio.artifacts, base.run_id, *challenger)
    new = _scores(challenger_model, new_features, champion)
    names = (champion.metric,)
    a = bootstrap_metrics(champion.task, names, y, old, seed=1)[champion.metric]
    b = bootstrap_metrics(champion.task, names, y, new, seed=1)[champion.metric]
    diffs = [q - p for p, q in zip(a, b, strict=True) if p is not None and q is not None]
    low, high = (float(v) for v in np.percentile(diffs, [2.5, 97.5]))
    metric = METRICS[champion.metric]
    s_old, s_new = score(metric, y, old), score(metric, y, new)
    return ChallengerReport(
        base.retrain_id,
        base.run_id,
        base.run_status,
        base.champion,
        challenger[0],
        champion.metric,
        len(frame),
        s_old,
        s_new,
        s_new - s_old,
        (low, high),
        recommend(metric.label, metric.greater_is_better, s_new - s_old, (low, high), len(frame)),
        base.held_back,
    )


def recommend(
    label: str,
    greater_is_better: bool,
    difference: float,
    interval: tuple[float, float],
    rows: int,
) -> str:
    """One sentence from the paired interval of challenger minus champion."""
    low, high = interval
    if low <= 0 <= high:
        return (
            f"Keep the champion: on {rows:,} recent rows the challenger's {label} differs by "
            f"{difference:+.4f}, within the uncertainty ({low:+.4f} to {high:+.4f})."
        )
    better = (low > 0) == greater_is_better
    if better:
        return (
            f"Promote the challenger (after approval): its {label} is {difference:+.4f} on "
            f"{rows:,} recent rows, and the 95% interval ({low:+.4f} to {high:+.4f}) "
            "excludes no difference."
        )
    return (
        f"Keep the champion: the challenger's {label} is worse by {abs(difference):.4f} on "
        f"{rows:,} recent rows (95% interval {low:+.4f} to {high:+.4f})."
    )


def list_retrains(studio: Studio, model_name: str) -> list[int]:
    """The retrainings of a model, newest first."""
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(Retrain.id)
            .where(Retrain.model_name == model_name)
            .order_by(col(Retrain.id).desc())
        ).all()
        return list(rows)
