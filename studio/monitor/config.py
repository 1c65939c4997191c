"""A model's monitoring settings: which drift test and threshold each feature uses (over the
documented defaults of ``stats.default_test``) and the share of drifted features that makes
dataset drift. Settings belong to the model (every version), so they survive new versions;
a feature a version lacks is simply not tested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlmodel import select

from studio.access import require
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import MonitorConfig, utcnow
from studio.errors import InvalidInputError
from studio.monitor.drift import DATASET_SHARE
from studio.monitor.stats import get_test
from studio.registry.schema import CATEGORY_TREATMENTS
from studio.registry.versions import VersionInfo, list_versions, parse_ref


@dataclass(frozen=True)
class MonitorSettings:
    """Per-feature test and threshold overrides and the dataset drift share."""

    tests: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    share_threshold: float = DATASET_SHARE

    def to_json(self) -> dict[str, Any]:
        """The CLI's document."""
        return {
            "tests": dict(self.tests),
            "thresholds": dict(self.thresholds),
            "share_threshold": self.share_threshold,
        }


def feature_kinds(version: VersionInfo) -> dict[str, str]:
    """numeric, datetime or categorical per feature, as the drift tests will see the column.

    The model's treatment decides (integer codes the user set to categorical are categories;
    a date the model splits into calendar parts is a datetime, which is not tested); schemas
    without one fall back on the training dtype.
    """
    kinds = {}
    for entry in version.input_schema.get("features", []):
        treatment = entry.get("treatment", "")
        if treatment in CATEGORY_TREATMENTS:
            kinds[entry["name"]] = "categorical"
            continue
        if treatment == "calendar_parts" or str(entry.get("dtype", "")).startswith("datetime"):
            kinds[entry["name"]] = "datetime"
            continue
        # text the user set to numeric is numbers; true/false stays two categories
        as_number = treatment == "numeric" and entry.get("dtype") not in ("bool", "boolean")
        try:
            numeric = np.dtype(entry.get("dtype", "object")).kind in "iuf" or as_number
        except TypeError:  # pandas-only dtypes (str, category): numbers only if set so
            numeric = as_number
        kinds[entry["name"]] = "numeric" if numeric else "categorical"
    return kinds


def get_settings(studio: Studio, name: str) -> MonitorSettings:
    """The stored settings of model ``name`` (the defaults when none were saved)."""
    name = parse_ref(name)[0]
    with session_scope(studio.engine) as session:
        row = session.exec(select(MonitorConfig).where(MonitorConfig.model_name == name)).first()
        if row is None:
            return MonitorSettings()
        return MonitorSettings(dict(row.tests), dict(row.thresholds), row.share_threshold)


def _checked(
    version: VersionInfo, tests: dict[str, str], thresholds: dict[str, float], share: float
) -> None:
    kinds = feature_kinds(version)
    for name in [*tests, *thresholds]:
        if name not in kinds:
            raise InvalidInputError(
                f"'{name}' is not a feature of {version.name}; "
                f"choose among {', '.join(sorted(kinds)[:20])}."
            )
    for name, test in tests.items():
        if kinds[name] == "datetime":
            raise InvalidInputError(
                f"'{name}' is a date: dates are not tested for drift (a later batch is "
                "always later), so it takes no test."
            )
        get_test(test, kinds[name])
    for name, value in thresholds.items():
        if not np.isfinite(value) or value <= 0:
            raise InvalidInputError(f"The threshold of '{name}' must be a positive number.")
        test = tests.get(name)
        if test and get_test(test, kinds[name]).p_value and value >= 1:
            raise InvalidInputError(
                f"The threshold of '{name}' is a p-value for {test}; use a number below 1."
            )
    if not 0 < share <= 1:
        raise InvalidInputError("The dataset drift share must be above 0 and at most 1.")


def save_settings(
    studio: Studio, name: str, actor: str, settings: MonitorSettings
) -> MonitorSettings:
    """Check ``settings`` against the model's newest version and store them."""
    require(studio.settings, actor, "monitor_config")
    name = parse_ref(name)[0]
    version = list_versions(studio, name)[0]
    _checked(version, settings.tests, settings.thresholds, settings.share_threshold)
    with session_scope(studio.engine) as session:
        row = session.exec(select(MonitorConfig).where(MonitorConfig.model_name == name)).first()
        row = row or MonitorConfig(model_name=name, updated_by=actor)
        row.tests, row.thresholds = dict(settings.tests), dict(settings.thresholds)
        row.share_threshold, row.updated_by, row.updated_at = (
            settings.share_threshold, actor, utcnow(),
        )  # fmt: skip
        session.add(row)
    return settings


def parse_pairs(pairs: list[str], what: str) -> dict[str, str]:
    """``column=value`` strings as a mapping (the CLI's ``--test`` and ``--threshold``)."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name or not value:
            raise InvalidInputError(f"Write each {what} as COLUMN=VALUE, not '{pair}'.")
        out[name] = value
    return out
