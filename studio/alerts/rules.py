"""Alert rules of a model, and the one pure function that decides whether a check's results
break one.

Kinds (what each needs):

- ``dataset_drift``: the share of drifted features reached the model's dataset-drift share.
- ``feature_drift`` (``feature``): that feature drifted.
- ``metric_drop`` (``delta``): the realised metric on newly labelled rows is worse than the
  holdout metric at registration by more than ``delta`` (in the metric's units).
- ``estimated_metric_drop`` (``delta``): the same for the estimated metric; evaluated only when
  a check carries an ``estimated_metric`` part (see ``monitor.check_parts``).
- ``no_data`` (``period_seconds``): no logged batch for longer than the period.
- ``error_rate`` (``above``, a share): of the requests ``studio serve`` received for the model
  since the last check (every version, live and shadow), the failed ones (4xx and 5xx) make up
  more than ``above``; judged from ``MIN_REQUESTS`` requests on, so three requests with one
  error do not page anyone. Stored in the rule's ``delta`` column.
Managing rules needs the ``alerts_manage`` permission (approvers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from studio.access import require
from studio.activity import record_event
from studio.alerts.channels import find_channel
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import AlertRule
from studio.errors import InvalidInputError, NotFoundError
from studio.registry.versions import list_versions, parse_ref

KINDS = {
    "dataset_drift": "dataset drift",
    "feature_drift": "drift of a feature",
    "metric_drop": "realised metric drop",
    "estimated_metric_drop": "estimated metric drop",
    "no_data": "no data for a period",
    "error_rate": "endpoint error rate",
}
NEEDS = {"feature_drift": "feature", "metric_drop": "delta",
         "estimated_metric_drop": "delta", "no_data": "period", "error_rate": "above"}  # fmt: skip
MIN_REQUESTS = 20  # an error rate is judged on at least this many requests


@dataclass(frozen=True)
class RuleInfo:
    """A rule as stored, with its channels' names."""

    id: int
    model: str
    kind: str
    feature: str
    delta: float | None
    period_seconds: int | None
    channels: tuple[str, ...]
    created_at: datetime
    created_by: str
    channel_ids: tuple[int, ...] = ()

    @property
    def summary(self) -> str:
        """The rule in words."""
        text = KINDS[self.kind]
        if self.feature:
            text += f" '{self.feature}'"
        if self.kind == "error_rate" and self.delta is not None:
            text += f" above {self.delta:.1%}"
        elif self.delta is not None:
            text += f" beyond {self.delta:g}"
        if self.period_seconds:
            text += f" for {self.period_seconds // 60} min"
        return text

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "id": self.id, "model": self.model, "kind": self.kind, "feature": self.feature or None,
            "delta": self.delta, "period_seconds": self.period_seconds,
            "channels": list(self.channels), "summary": self.summary,
            "created_at": self.created_at.isoformat(), "created_by": self.created_by,
        }  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """Why a rule fires: one sentence and the numbers behind it."""

    message: str
    details: dict[str, Any]


def _metric_drop(
    part: dict[str, Any] | None, value_key: str, delta: float, what: str
) -> Finding | None:
    if not part or part.get(value_key) is None or part.get("reference") is None:
        return None
    now, then = float(part[value_key]), float(part["reference"])
    worse = then - now if part.get("greater_is_better", True) else now - then
    if worse <= delta:
        return None
    label = part.get("label", part.get("metric", "metric"))
    return Finding(f"{what} {label} is {now:.4f}, {worse:.4f} worse than the holdout's "
                   f"{then:.4f} (limit {delta:g}).",
                   {"current": now, "reference": then, "drop": worse, "delta": delta})  # fmt: skip


def _error_rate(part: dict[str, Any] | None, above: float) -> Finding | None:
    if not part or part["requests"] < MIN_REQUESTS or part["error_rate"] <= above:
        return None
    return Finding(
        f"{part['error_rate']:.1%} of {part['requests']:,} requests failed since the last "
        f"check ({part['client_errors']:,} refused as bad input, {part['server_errors']:,} "
        f"server errors; limit {above:.1%}).",
        {key: part[key] for key in ("requests", "client_errors", "server_errors", "error_rate")}
        | {"above": above},
    )


def evaluate(rule: RuleInfo, results: dict[str, Any], now: datetime) -> Finding | None:
    """The finding when ``results`` (a check's parts) break ``rule`` at ``now``, else None."""
    drift = results.get("drift")
    if rule.kind == "dataset_drift" and drift and drift.get("dataset_drift"):
        return Finding(f"Dataset drift: {drift['drift_share']:.0%} of features drifted "
                       f"(limit {drift.get('share_threshold', 0.5):.0%}).",
                       {"drift_share": drift["drift_share"]})  # fmt: skip
    if rule.kind == "feature_drift" and drift:
        feature = drift.get("features", {}).get(rule.feature)
        if feature and feature.get("drifted"):
            return Finding(f"'{rule.feature}' drifted ({feature['test']} "
                           f"{feature['statistic']:.4g}, threshold {feature['threshold']:g}).",
                           {"feature": rule.feature} | feature)  # fmt: skip
    if rule.kind == "metric_drop":
        return _metric_drop(results.get("metric"), "current", rule.delta or 0.0, "Realised")
    if rule.kind == "estimated_metric_drop":
        return _metric_drop(results.get("estimated_metric"), "estimated", rule.delta or 0.0,
                            "Estimated")  # fmt: skip
    if rule.kind == "error_rate" and rule.delta is not None:
        return _error_rate(results.get("serving"), rule.delta)
    if rule.kind == "no_data" and rule.period_seconds:
        last = (results.get("data") or {}).get("last_data_at")
        since = None if last is None else (now - datetime.fromisoformat(last)).total_seconds()
        if since is None or since > rule.period_seconds:
            when = "ever" if last is None else f"since {last[:16]} UTC"
            return Finding(
                f"No data {when} (limit {rule.period_seconds // 60} min).",
                {"last_data_at": last, "period_seconds": rule.period_seconds},
            )
    return None


def _check(kind: str, feature: str, delta: float | None, period: int | None,
           above: float | None) -> None:  # fmt: skip
    if kind not in KINDS:
        raise InvalidInputError(f"'{kind}' is not a rule kind; use one of {', '.join(KINDS)}.")
    needed = NEEDS.get(kind)
    given = {"feature": bool(feature), "delta": delta is not None, "period": bool(period),
             "above": above is not None}  # fmt: skip
    if needed and not given[needed]:
        raise InvalidInputError(f"A {kind} rule needs --{needed}.")
    if delta is not None and delta < 0:
        raise InvalidInputError("--delta is a size of drop: give zero or more.")
    if above is not None and not 0 <= above < 1:
        raise InvalidInputError(
            "--above is a share of requests: give a number from 0 to below 1 (0.05 for 5%)."
        )


def _check_model(studio: Studio, model: str, kind: str) -> None:
    newest = list_versions(studio, model)[0]
    if kind == "estimated_metric_drop" and not newest.labels:
        raise InvalidInputError(
            f"'{model}' is a regression model; estimated performance (and so an estimated "
            "metric drop rule) is offered for classifiers only. Use metric_drop on labels."
        )


def add_rule(studio: Studio, model: str, kind: str, channels: list[str], actor: str, *,
             feature: str = "", delta: float | None = None, period_seconds: int | None = None,
             above: float | None = None) -> RuleInfo:  # fmt: skip
    """Add a rule to model ``model`` that alerts ``channels`` (names; approvers only); what
    each kind needs is in this module's docstring. Raises InvalidInputError for an unknown
    kind, a missing or out-of-range setting or no channel, NotFoundError for an unknown
    model or channel, AccessDenied without ``alerts_manage``."""
    require(studio.settings, actor, "alerts_manage")
    model = parse_ref(model)[0]
    _check(kind, feature, delta, period_seconds, above)
    _check_model(studio, model, kind)
    if not channels:
        raise InvalidInputError("A rule needs at least one channel to tell.")
    with session_scope(studio.engine) as session:
        ids = [find_channel(session, c).id for c in channels]
        row = AlertRule(
            model_name=model,
            kind=kind,
            feature=feature[:255],
            delta=above if kind == "error_rate" else delta,
            period_seconds=period_seconds,
            channels=ids,
            created_by=actor[:200],
        )
        session.add(row)
        session.flush()
        info = _info(session, row)
        record_event(session, actor=actor, kind="alerts.rule", subject=model,
                     message=f"{model}: alert rule {row.id} added ({info.summary}).")  # fmt: skip
        return info


def _info(session: Any, row: AlertRule) -> RuleInfo:
    from studio.db.models import AlertChannel

    names = {c.id: c.name for c in session.exec(select(AlertChannel)).all()}
    return RuleInfo(row.id, row.model_name, row.kind, row.feature, row.delta,
                    row.period_seconds, tuple(names.get(i, f"#{i}") for i in row.channels),
                    row.created_at, row.created_by, tuple(row.channels))  # fmt: skip


def list_rules(studio: Studio, model: str | None = None) -> list[RuleInfo]:
    """The rules in force (of ``model``, or all), oldest first."""
    with session_scope(studio.engine) as session:
        query = select(AlertRule).where(col(AlertRule.removed).is_(False))
        if model:
            query = query.where(AlertRule.model_name == parse_ref(model)[0])
        return [_info(session, r) for r in session.exec(query.order_by(col(AlertRule.id))).all()]


def remove_rule(studio: Studio, rule_id: int, actor: str) -> RuleInfo:
    """Stop rule ``rule_id`` (its alerts stay, naming it)."""
    require(studio.settings, actor, "alerts_manage")
    with session_scope(studio.engine) as session:
        row = session.get(AlertRule, rule_id)
        if row is None or row.removed:
            raise NotFoundError(f"There is no alert rule {rule_id}; 'studio alerts rule list'.")
        row.removed = True
        record_event(session, actor=actor, kind="alerts.rule", subject=row.model_name,
                     message=f"{row.model_name}: alert rule {rule_id} removed.")  # fmt: skip
        return _info(session, row)
