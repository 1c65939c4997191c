"""The autopilot's identifiers as people read them, in the current language.

Model families, metrics, task types, run statuses, column types and column treatments are
stored and typed in English (``"hgb"``, ``"roc_auc"``, ``"binary"``, ``"running"``,
``"categorical"``, ``"one_hot"``): the run config, the JSON documents and the CLI flags keep
them so. These helpers give their display names, translated where they are shown; an unknown
identifier is shown as it is.
"""

from __future__ import annotations

from studio.autopilot.families import FAMILIES
from studio.autopilot.metrics import METRICS
from studio.i18n import N_, _

TASK_NAMES = {
    "binary": N_("binary"), "multiclass": N_("multiclass"), "regression": N_("regression"),
}  # fmt: skip
STATUS_NAMES = {
    "queued": N_("queued"), "running": N_("running"), "stopping": N_("stopping"),
    "finalizing": N_("finalizing"), "finished": N_("finished"), "stopped": N_("stopped"),
    "failed": N_("failed"),
}  # fmt: skip
COLUMN_TYPE_NAMES = {
    "numeric": N_("numeric"), "categorical": N_("categorical"), "boolean": N_("boolean"),
    "datetime": N_("datetime"), "text": N_("text"), "identifier": N_("identifier"),
    "ignored": N_("ignored"),
}  # fmt: skip
TREATMENT_NAMES = {
    "numeric": N_("numeric"), "one_hot": N_("one hot"),
    "high_cardinality": N_("high cardinality"), "calendar_parts": N_("calendar parts"),
    "excluded": N_("excluded"),
}  # fmt: skip
TRIAL_STATES = {
    "complete": N_("complete"), "pruned": N_("pruned"), "fail": N_("failed"),
    "running": N_("running"), "waiting": N_("waiting"),
}  # fmt: skip
# Candidates whose family is not in the registry.
OTHER_FAMILIES = {"ensemble": N_("Ensemble")}


def family_label(name: str) -> str:
    """A model family's display name ("hgb" -> "Histogram gradient boosting")."""
    if name in FAMILIES:
        return _(FAMILIES[name].label)
    return _(OTHER_FAMILIES[name]) if name in OTHER_FAMILIES else name


def metric_label(name: str) -> str:
    """A metric's display name ("balanced_accuracy" -> "Balanced accuracy")."""
    return _(METRICS[name].label) if name in METRICS else name


def task_label(task: str) -> str:
    """A task type's display name ("binary", "multiclass", "regression")."""
    return _(TASK_NAMES[task]) if task in TASK_NAMES else task


def status_label(status: str) -> str:
    """A run status's display name ("running", "finished", ...)."""
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def column_type_label(kind: str) -> str:
    """A column type's display name (``column_types.COLUMN_TYPES`` and inferred kinds)."""
    return _(COLUMN_TYPE_NAMES[kind]) if kind in COLUMN_TYPE_NAMES else kind


def treatment_label(treatment: str) -> str:
    """How a column is used, as people read it ("calendar_parts" -> "calendar parts")."""
    if treatment in TREATMENT_NAMES:
        return _(TREATMENT_NAMES[treatment])
    return treatment.replace("_", " ")


def cv_note(name: str, family: str, params: dict) -> str:
    """The sentence on which CV score an ensemble candidate carries ("" for a single model,
    whose out-of-fold score is honest), as ``tracking.CandidateInfo.cv_note`` says it."""
    if family != "ensemble":
        return ""
    if params.get("cv") == "nested":
        return _("{name}'s CV score is cross-validated on folds its weights did not see.").format(
            name=name
        )
    return _(
        "{name}'s CV score is in-sample: its weights were chosen on the same out-of-fold outputs."
    ).format(name=name)


def trial_state_label(state: str) -> str:
    """An Optuna trial's state as people read it ("complete", "pruned", "fail", ...)."""
    return _(TRIAL_STATES[state]) if state in TRIAL_STATES else state
