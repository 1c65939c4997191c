"""The positive class of a binary target: the outcome F1, recall, ROC, gains and business value
are about (fraud, churn, default), chosen by the user with a guess shown first.

A binary run stores its choice in the run config (``positive_class``) and encodes its target so
that the positive class is code 1 (``class_labels``): every probability column, metric and
curve that reads "class 1" then reads the positive class. A run stored before the choice existed
has no ``positive_class``: its positive class is the second label in sorted order, as then.
:func:`positive_class` is the one place that reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from studio.errors import InvalidInputError
from studio.i18n import _, format_list, format_percent

# Labels that name the event to detect (matched on whole words of the lower-cased label, or as a
# word's start for stems such as churn → churned) and labels that name its absence.
POSITIVE_WORDS = frozenset(
    {"yes", "true", "1", "y", "t", "是", "positive", "pos", "spam", "malignant", "sick", "bad",
     "left", "abnormal", "anomaly", "outlier", "event", "hit", "win", "won", "clicked", "bought",
     "converted", "attrited", "exited"}
)  # fmt: skip
POSITIVE_STEMS = ("churn", "fraud", "default", "cancel", "fail", "attrit", "leave", "quit")
NEGATIVE_WORDS = frozenset(
    {"no", "false", "0", "n", "f", "否", "negative", "neg", "none", "normal", "legit",
     "legitimate", "ok", "good", "retained", "stayed", "benign", "ham", "active", "paid",
     "healthy", "not", "non"}
)  # fmt: skip
NEGATIONS = ("no", "not", "non", "never", "未", "不", "没有", "非")


@dataclass(frozen=True)
class PositiveGuess:
    """Studio's guess at the positive class, and why, in a sentence."""

    label: str
    reason: str


def _words(label: str) -> list[str]:
    text = label.strip().lower()
    text = "1" if text in ("1.0", "1.00") else "0" if text in ("0.0", "0.00") else text
    return [w for w in re.split(r"[^\w]+", text) if w]


def _leaning(label: str) -> int:
    """+1 if ``label`` reads as the event, -1 if as its absence, 0 if it says neither."""
    words = _words(label)
    if not words:
        return 0
    if words[0] in NEGATIONS and len(words) > 1:  # "no churn", "not fraud"
        return -1
    if any(w in POSITIVE_WORDS or w.startswith(POSITIVE_STEMS) for w in words):
        return 1
    if any(w in NEGATIVE_WORDS for w in words):
        return -1
    return 0


def guess_positive_class(y: pd.Series) -> PositiveGuess:
    """The likely positive class of a two-valued target ``y``: a label that reads as the event
    (yes, true, 1, churn, fraud, ...), else the rarer class, else the second in sorted order.

    Raises InvalidInputError when ``y`` does not hold exactly two values.
    """
    present = y.dropna().astype(str)
    labels = sorted(set(present))
    if len(labels) != 2:
        raise InvalidInputError(
            _("A positive class needs a target with two values; '{name}' has {n}.").format(
                name=y.name, n=len(labels)
            )
        )
    leaning = {label: _leaning(label) for label in labels}
    shares = present.value_counts(normalize=True)
    if leaning[labels[0]] != leaning[labels[1]]:
        label = max(labels, key=lambda k: leaning[k])
        reason = _(
            "'{label}' is the positive class: it names the outcome to detect ({share} of the "
            "rows)."
        ).format(label=label, share=format_percent(shares[label]))
        return PositiveGuess(label, reason)
    if shares[labels[0]] != shares[labels[1]]:
        label = str(shares.idxmin())
        reason = _("'{label}' is the positive class: the rarer of the two ({share}).").format(
            label=label, share=format_percent(shares[label])
        )
        return PositiveGuess(label, reason)
    reason = _(
        "'{label}' is the positive class: the two are equally common, so the second in sorted "
        "order."
    ).format(label=labels[1])
    return PositiveGuess(labels[1], reason)


def check_positive_class(label: str, labels: list[str]) -> str:
    """``label`` if it is one of the two ``labels``; else InvalidInputError listing them."""
    if label in labels:
        return label
    raise InvalidInputError(
        _("'{label}' is not a value of the target; the positive class is one of {labels}.").format(
            label=label, labels=format_list([repr(v) for v in labels], style="or")
        )
    )


def positive_class(config: dict[str, Any], labels: list[str]) -> str | None:
    """The positive class of a run with config ``config`` and target values ``labels``: the
    stored choice, or, for a binary run stored before there was one, the second sorted label
    (None for other tasks)."""
    chosen = config.get("positive_class")
    if chosen is not None:
        return str(chosen)
    return sorted(labels)[1] if len(labels) == 2 else None


def ordered(labels: list[str], positive: str | None) -> list[str]:
    """The class order of a run (code i is ``labels[i]``): sorted, with the positive class of a
    binary target last, so that class 1 is always the positive class."""
    labels = sorted(labels)
    if positive not in labels or len(labels) != 2:
        return labels
    return [v for v in labels if v != positive] + [positive]
