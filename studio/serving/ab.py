"""The A/B verdict: is the challenger better than the champion on live traffic?

Per version that answered live requests: requests, latency and predictions
(``studio.serving.stats``); once labels are joined to its live batches (``studio monitor
labels BATCH FILE --id-column request_id``), the model's metric on them with a 95% bootstrap
interval. The difference challenger − champion gets an interval from independent bootstrap
resamples of the two arms (the percentile method; Efron & Tibshirani, *An Introduction to the
Bootstrap*, ch. 13), and the verdict reads it: promote when the interval lies on the better
side of 0, keep when on the worse side, else "not enough evidence yet" with the labelled
requests still needed, from the observed standard error shrinking as 1/sqrt(n). The champion
is the production version; the challenger the split's other version with the largest share.
A shadow's agreement is the share of requests where its prediction equals the live one.

For a binary model and a cost matrix (``studio.business.value.CostMatrix``), each arm's value per
1,000 cases is the mean value of its labelled decisions (predictions cut at the version's
threshold, as served) times 1,000, with a 95% interval from the normal approximation of the
mean; the difference's interval adds the two arms' variances (Welch's unpooled standard error).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from studio.autopilot.metrics import METRICS, metric_label, score
from studio.business.value import PER, CostMatrix
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.experiments.bootstrap import bootstrap_metrics
from studio.i18n import _, format_number, format_percent
from studio.monitor.batches import BatchInfo, labelled_outputs, list_batches, logged_rows
from studio.monitor.performance import MIN_LABELLED, encode_labels
from studio.registry.outputs import predicted
from studio.registry.traffic import get_traffic
from studio.registry.versions import VersionInfo, get_version
from studio.serving.log_writer import SOURCES
from studio.serving.stats import VariantStats, variant_stats

Z95 = 1.959964


@dataclass(frozen=True)
class Arm:
    """One version's live traffic and, with enough labels, its metric and 95% interval."""

    version: int
    traffic: VariantStats | None
    labelled: int = 0
    metric: float | None = None
    interval: tuple[float, float] | None = None
    samples: list[float] = field(default_factory=list, repr=False)
    value: float | None = None  # per 1,000 cases, under the verdict's cost matrix
    value_interval: tuple[float, float] | None = None
    value_se: float | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {"version": self.version, "labelled": self.labelled, "metric": self.metric,
                "interval": self.interval, "value_per_1000": self.value,
                "value_interval": self.value_interval,
                "traffic": self.traffic.to_json() if self.traffic else None}  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    """Champion against challenger: the difference, its interval, the decision and why."""

    model: str
    metric: str
    champion: Arm
    challenger: Arm | None
    difference: float | None
    interval: tuple[float, float] | None
    decision: str  # promote | keep | wait
    sentence: str
    more_labels_needed: int | None
    shadow_agreement: dict[int, float]
    value_difference: float | None = None  # challenger − champion, per 1,000 cases
    value_difference_interval: tuple[float, float] | None = None

    def to_json(self) -> dict[str, Any]:
        """``studio models ab --json``."""
        return {
            "model": self.model, "metric": self.metric, "champion": self.champion.to_json(),
            "challenger": self.challenger.to_json() if self.challenger else None,
            "difference": self.difference, "interval": self.interval,
            "decision": self.decision, "sentence": self.sentence,
            "more_labels_needed": self.more_labels_needed,
            "shadow_agreement": {str(k): v for k, v in self.shadow_agreement.items()},
            "value_difference": self.value_difference,
            "value_difference_interval": self.value_difference_interval,
        }  # fmt: skip


def _live_batches(batches: list[BatchInfo], version: int) -> list[BatchInfo]:
    return [b for b in batches if b.version == version and b.source == SOURCES["live"]]


def _arm(studio: Studio, version: VersionInfo, batches: list[BatchInfo],
         traffic: VariantStats | None, matrix: CostMatrix | None) -> Arm:  # fmt: skip
    labels, outputs = [], []
    for batch in _live_batches(batches, version.version):
        if batch.labelled:
            joined, output = labelled_outputs(studio, batch.id)
            keep = joined.notna().to_numpy()
            labels.append(joined[keep])
            outputs.append(output[keep])
    if not labels or sum(len(y) for y in labels) < MIN_LABELLED:
        return Arm(version.version, traffic, sum(len(y) for y in labels))
    y = encode_labels(version, pd.concat(labels, ignore_index=True))
    out = np.concatenate(outputs)
    samples = bootstrap_metrics(version.task, (version.metric,), y, out, seed=version.version)
    known = [s for s in samples[version.metric] if s is not None]
    low, high = np.percentile(known, [2.5, 97.5])
    value = score(METRICS[version.metric], y, out)
    worth = _worth(version, y, out, matrix)
    return Arm(version.version, traffic, len(y), value, (float(low), float(high)), known, *worth)


def _worth(version: VersionInfo, y: np.ndarray, out: np.ndarray,
           matrix: CostMatrix | None) -> tuple[Any, ...]:  # fmt: skip
    """(value per 1,000 cases, its 95% interval, its standard error) of a binary model's
    labelled decisions, or Nones."""
    if matrix is None or len(version.labels) != 2:
        return None, None, None
    acted = predicted(out, version.labels, version.decision_threshold) == version.labels[1]
    actual = y == 1
    each = np.select([acted & actual, acted & ~actual, ~acted & actual],
                     [matrix.tp, matrix.fp, matrix.fn], matrix.tn)  # fmt: skip
    mean, se = PER * float(each.mean()), PER * float(each.std(ddof=1) / np.sqrt(len(each)))
    return mean, (mean - Z95 * se, mean + Z95 * se), se


def _value_sentence(matrix: CostMatrix, champion: Arm, challenger: Arm) -> tuple[Any, ...]:
    """(difference, its interval, the sentence) of the two arms' values per 1,000 cases."""
    difference = challenger.value - champion.value
    se = float(np.hypot(challenger.value_se, champion.value_se))
    low, high = difference - Z95 * se, difference + Z95 * se
    money = matrix.money
    sentence = _(
        "Per 1,000 cases, v{challenger} is worth {value} against {champion_value} for "
        "v{champion}: {difference} ({level} interval {low} to {high})."
    ).format(
        challenger=challenger.version, value=money(challenger.value),
        champion_value=money(champion.value), champion=champion.version,
        difference=money(difference, signed=True), low=money(low, signed=True),
        high=money(high, signed=True), level=format_percent(0.95),
    )  # fmt: skip
    return difference, (low, high), sentence


def _decide(metric_name: str, champion: Arm, challenger: Arm) -> tuple[Any, ...]:
    """(difference, interval, decision, sentence, more labels needed)."""
    metric = METRICS[metric_name]
    size = min(len(champion.samples), len(challenger.samples))
    diffs = np.asarray(challenger.samples[:size]) - np.asarray(champion.samples[:size])
    low, high = (float(v) for v in np.percentile(diffs, [2.5, 97.5]))
    difference = float(challenger.metric - champion.metric)
    sign = 1 if metric.greater_is_better else -1  # > 0 below: the challenger is better
    said = {
        "metric": metric_label(metric_name), "challenger": challenger.version,
        "new": f"{challenger.metric:.4f}", "champion": champion.version,
        "old": f"{champion.metric:.4f}", "low": f"{low:+.4f}", "high": f"{high:+.4f}",
        "level": format_percent(0.95),
    }  # fmt: skip
    if sign * low > 0 and sign * high > 0:
        sentence = _(
            "Promote v{challenger}: {metric} {new} for v{challenger} against {old} for "
            "v{champion}; the {level} interval of the difference is {low} to {high}."
        ).format(**said)
        return difference, (low, high), "promote", sentence, 0
    if sign * low < 0 and sign * high < 0:
        sentence = _(
            "Keep v{champion}: {metric} {new} for v{challenger} against {old} for v{champion}; "
            "the {level} interval of the difference is {low} to {high}."
        ).format(**said)
        return difference, (low, high), "keep", sentence, 0
    labelled = champion.labelled + challenger.labelled
    error = float(np.std(diffs))
    needed = None
    if difference != 0:
        needed = max(1, round(labelled * (Z95 * error / abs(difference)) ** 2) - labelled)
    if needed:
        sentence = _(
            "Not enough evidence yet: about {count} more labelled requests needed ({metric} "
            "{new} for v{challenger} against {old} for v{champion}; the {level} interval of the "
            "difference is {low} to {high})."
        ).format(**said, count=format_number(needed))
    else:
        sentence = _(
            "Not enough evidence yet: no difference seen ({metric} {new} for v{challenger} "
            "against {old} for v{champion}; the {level} interval of the difference is {low} to "
            "{high})."
        ).format(**said)
    return difference, (low, high), "wait", sentence, needed


def _shadow_agreement(studio: Studio, batches: list[BatchInfo], shadow: int) -> float | None:
    """Share of the shadow's requests where its prediction equals the live answer."""

    def rows(chosen: list[BatchInfo]) -> pd.DataFrame:
        parts = [logged_rows(studio, b.id)[["request_id", "prediction"]] for b in chosen]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    shadowed = rows([b for b in batches if b.version == shadow and b.source == SOURCES["shadow"]])
    live = rows([b for b in batches if b.source == SOURCES["live"]])
    if shadowed.empty or live.empty:
        return None
    both = shadowed.merge(live, on="request_id", suffixes=("_shadow", "_live"))
    if both.empty:
        return None
    return float((both["prediction_shadow"] == both["prediction_live"]).mean())


def ab_verdict(studio: Studio, name: str, matrix: CostMatrix | None = None) -> Verdict:
    """The verdict on model ``name``'s split (its production version against the split's
    largest other share); with ``matrix``, a binary model's arms are also valued per 1,000
    cases. Raises ``NotFoundError`` for an unknown model and ``InvalidInputError`` when no
    split is set."""
    traffic = get_traffic(studio, name)
    champion_info = get_version(studio, name)
    if traffic is None or not traffic.split and traffic.shadow is None:
        raise InvalidInputError(
            _(
                "'{name}' has no traffic split; set one with studio models traffic {name} "
                "--split 1=90,2=10 (approvers)."
            ).format(name=name)
        )
    others = sorted((v for v in traffic.split if v != champion_info.version),
                    key=lambda v: -traffic.split[v])  # fmt: skip
    batches = list_batches(studio, name)
    stats = {(s.version, s.source): s for s in variant_stats(studio, name)}
    champion = _arm(studio, champion_info, batches, stats.get((champion_info.version, "live")),
                    matrix)  # fmt: skip
    challenger = None
    if others:
        info = get_version(studio, f"{name}@{others[0]}")
        challenger = _arm(studio, info, batches, stats.get((info.version, "live")), matrix)
    agreement = {}
    if traffic.shadow is not None:
        shared = _shadow_agreement(studio, batches, traffic.shadow)
        agreement = {} if shared is None else {traffic.shadow: shared}
    if challenger is None:
        sentence = _("There is no challenger in the split; only the shadow is compared.")
        return Verdict(name, champion_info.metric, champion, None, None, None, "wait", sentence,
                       None, agreement)  # fmt: skip
    if champion.metric is None or challenger.metric is None:
        short = [a for a in (champion, challenger) if a.metric is None]
        need = sum(max(0, MIN_LABELLED - a.labelled) for a in short)
        sentence = _(
            "Not enough evidence yet: join labels to the live batches (studio monitor labels "
            "... --id-column request_id); at least {count} more labelled requests are needed "
            "before the versions can be compared."
        ).format(count=format_number(need))
        return Verdict(name, champion_info.metric, champion, challenger, None, None, "wait",
                       sentence, need, agreement)  # fmt: skip
    difference, interval, decision, sentence, needed = _decide(
        champion_info.metric, champion, challenger
    )
    worth: tuple[Any, ...] = (None, None)
    if champion.value is not None and challenger.value is not None:
        *worth, said = _value_sentence(matrix, champion, challenger)
        # Translators: two sentences of the verdict, the decision then the value
        sentence = _("{decision} {value}").format(decision=sentence, value=said)
    return Verdict(name, champion_info.metric, champion, challenger, difference, interval,
                   decision, sentence, needed, agreement, *worth)  # fmt: skip
