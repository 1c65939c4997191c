"""Saving and loading models with skops and an allow-list of the types Studio itself writes.

Never pickle: a file is loaded only if its SHA-256 matches the store and every type it holds
that skops does not trust by default is on ``TRUSTED_TYPES``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, NoReturn

import skops.io as sio

from studio.artifacts import ArtifactStore, sha256_file
from studio.errors import RefusedModelError
from studio.i18n import _

if TYPE_CHECKING:
    from studio.registry.versions import VersionInfo

logger = logging.getLogger(__name__)

# Types beyond skops' defaults that Studio's own pipelines contain (checked by a test that
# saves every family, encoder and ensemble and compares with this list).
TRUSTED_TYPES = frozenset(
    {
        "functools.partial",
        "numpy.dtype",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.metrics._dist_metrics.EuclideanDistance64",
        "sklearn.model_selection._split.KFold",
        "sklearn.model_selection._split.StratifiedKFold",
        "sklearn.metrics._dist_metrics.ManhattanDistance64",
        "sklearn.metrics._dist_metrics.MinkowskiDistance64",
        "sklearn.neighbors._ball_tree.BallTree",
        "sklearn.neighbors._kd_tree.KDTree",
        "sklearn.tree._tree.Tree",
        "sklearn.utils.validation.check_array",
        "studio.autopilot.prepare.as_category_text",
        "studio.autopilot.prepare.as_numbers",
        "studio.autopilot.prepare.calendar_part_names",
        "studio.autopilot.prepare.calendar_parts",
    }
)


def load_model(
    artifacts: ArtifactStore,
    relative: str,
    sha256: str,
    subject: str | None = None,
    remedy: str | None = None,
) -> Any:
    """Load a saved model after checking its checksum and the types it contains.

    ``subject`` names the model in the refusal ("Model churn v2"; None: "The model") and
    ``remedy`` says what to do ("re-register it from its run"; None: "save it again"), both in
    the caller's language. Raises ``RefusedModelError`` ("Model churn v2 was
    refused: its file does not match the checksum recorded when it was saved; re-register it
    from its run.") for a file that is missing, altered, not a skops file, holding untrusted
    types or unreadable; every front door shows that sentence (CLI exit 2, the page's error).
    """
    named = (subject or _("The model"), remedy or _("save it again"))
    path = artifacts.path_of(relative)
    if not path.is_file():
        _refuse(named, relative, _("its file is missing from the artifact folder"))
    if sha256_file(path) != sha256:
        why = _("its file does not match the checksum recorded when it was saved")
        _refuse(named, relative, why)
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # a zip without a skops schema, or no zip at all
        _refuse(named, relative, _("its file is not a skops model file"), exc)
    refused = sorted(set(untrusted) - TRUSTED_TYPES)
    if refused:
        shown = ", ".join(refused[:5])
        why = (
            _("its file holds types Studio does not trust ({types} and more)")
            if len(refused) > 5
            else _("its file holds types Studio does not trust ({types})")
        ).format(types=shown)
        _refuse(named, relative, why)
    try:
        return sio.load(path, trusted=list(untrusted))
    except Exception as exc:  # e.g. a class this installation's libraries no longer have
        why = _("its file could not be read by this installation ({error})").format(
            error=type(exc).__name__
        )
        _refuse(named, relative, why, exc)


def _refuse(
    named: tuple[str, str], relative: str, why: str, cause: BaseException | None = None
) -> NoReturn:
    """Log the refusal (with the cause's traceback) and raise it as one sentence: ``named`` is
    (the model's subject, the remedy); ``why`` a clause of the caller's language."""
    logger.warning("refused model file %s: %s", relative, why, exc_info=cause)
    subject, remedy = named
    raise RefusedModelError(
        _("{subject} was refused: {why}; {remedy}.").format(
            subject=subject, why=why, remedy=remedy
        )
    ) from cause


def load_version_model(artifacts: ArtifactStore, version: VersionInfo) -> Any:
    """A registered version's model; ``RefusedModelError`` names it ("Model churn v2 was
    refused: ...; re-register it from its run.")."""
    return load_model(
        artifacts,
        version.artifact,
        version.artifact_sha256,
        subject=_("Model {name} v{version}").format(name=version.name, version=version.version),
        remedy=_("re-register it from its run"),
    )


def load_candidate_model(artifacts: ArtifactStore, run_id: int, name: str, relative: str,
                         sha256: str) -> Any:  # fmt: skip
    """A run's candidate model; ``RefusedModelError`` names it ("Candidate ensemble of run 3
    was refused: ...; run the autopilot again for a new one.")."""
    return load_model(
        artifacts, relative, sha256,
        subject=_("Candidate {name} of run {run}").format(name=name, run=run_id),
        remedy=_("run the autopilot again for a new one"),
    )  # fmt: skip
