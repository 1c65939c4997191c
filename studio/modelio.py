"""Saving and loading models with skops and an allow-list of the types Studio itself writes.

Never pickle: a file is loaded only if its SHA-256 matches the store and every type it holds
that skops does not trust by default is on ``TRUSTED_TYPES``.
"""

from __future__ import annotations

from typing import Any

import skops.io as sio

from studio.artifacts import ArtifactStore
from studio.errors import StorageError

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


def load_model(artifacts: ArtifactStore, relative: str, sha256: str) -> Any:
    """Load a saved model after checking its checksum and the types it contains."""
    path = artifacts.verified_path(relative, sha256)
    untrusted = sio.get_untrusted_types(file=path)
    refused = sorted(set(untrusted) - TRUSTED_TYPES)
    if refused:
        raise StorageError(
            f"The model file {relative} contains types Studio does not trust: "
            f"{', '.join(refused[:5])}; it was not loaded."
        )
    return sio.load(path, trusted=list(untrusted))
