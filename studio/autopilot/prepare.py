"""Automatic column preparation: which columns are used and how, inside one ColumnTransformer.

Identifier-like, constant, empty and free-text columns are excluded; datetimes become calendar
parts; true/false columns (with or without blanks) are used as 1/0 numbers; categoricals are
one-hot encoded up to ``ONE_HOT_MAX`` levels and ordinal (trees) or target encoded (linear,
neighbours, SVM) beyond; missing values are imputed; numbers are scaled for the models that
need it. Every choice carries a reason shown to the user.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    OrdinalEncoder,
    StandardScaler,
    TargetEncoder,
)

from studio.autopilot.labels import column_type_label
from studio.data.profile import ColumnProfile, DatasetProfile
from studio.i18n import _

ONE_HOT_MAX = 15
NATIVE_CATEGORICAL_MAX = 250  # HistGradientBoosting handles up to 255 bins
MISSING_LABEL = "(missing)"


@dataclass(frozen=True)
class ColumnChoice:
    """How one column is used, and why."""

    name: str
    kind: str
    treatment: str  # numeric | one_hot | high_cardinality | calendar_parts | excluded
    reason: str
    distinct: int = 0
    inferred: str = ""  # the inferred kind when the user set this column's type, else ""


@dataclass(frozen=True)
class ColumnPlan:
    """The treatment of every column except the target."""

    target: str
    choices: tuple[ColumnChoice, ...]

    def columns(self, treatment: str) -> list[str]:
        """The columns given ``treatment``, in dataset order."""
        return [c.name for c in self.choices if c.treatment == treatment]

    @property
    def features(self) -> list[str]:
        """Every column the model reads."""
        return [c.name for c in self.choices if c.treatment != "excluded"]


def plan_columns(
    profile: DatasetProfile, target: str, column_types: dict[str, str] | None = None
) -> ColumnPlan:
    """Decide each column's treatment from its profile, or from the type the user set.

    ``column_types`` maps column names to one of ``COLUMN_TYPES`` (checked beforehand by
    ``column_types.check_column_types``); a set type wins over the inferred kind.
    """
    choices, column_types = [], column_types or {}
    for column in profile.column_profiles:
        if column.name == target:
            continue
        if column.name in column_types:
            choices.append(_chosen(column, column_types[column.name]))
            continue
        kind = column.kind
        if kind == "boolean" and column.dtype.startswith(("int", "float", "uint")):
            kind = "numeric"  # a 0/1 flag is already a number
        choices.append(_choose(column.name, kind, column.distinct, column.missing_share,
                               column.dtype, column.reason))  # fmt: skip
    return ColumnPlan(target, tuple(choices))


BOOL_DTYPES = ("bool", "boolean")  # numpy bool, and pandas' nullable boolean (with blanks)
NUMBER_DTYPES = ("int", "uint", "float", "Int", "UInt", "Float")


def _chosen(column: ColumnProfile, kind: str) -> ColumnChoice:
    """The treatment of a column whose type the user set to ``kind``: the rules of ``_choose``
    for that kind, with the reason saying it was set and what Studio had inferred."""
    if kind == "ignored":
        treatment, reason = "excluded", _("ignored")
    elif kind == "identifier":
        treatment, reason = "excluded", _("an identifier: kept in scored files, not a feature")
    else:
        rule = kind
        if kind == "boolean" and column.dtype.startswith(NUMBER_DTYPES):
            rule = "numeric"  # a 0/1 flag is already a number
        elif kind == "boolean" and column.dtype not in BOOL_DTYPES:
            rule = "categorical"  # two text values other than true/false: two categories
        base = _choose(column.name, rule, column.distinct, column.missing_share, column.dtype)
        treatment, reason = base.treatment, base.reason
    values = {"reason": reason, "kind": column_type_label(column.kind), "seen": column.reason}
    if column.reason:
        text = _("{reason}; set by you (Studio inferred {kind}: {seen})").format(**values)
    else:
        text = _("{reason}; set by you (Studio inferred {kind})").format(**values)
    return ColumnChoice(column.name, kind, treatment, text, column.distinct, inferred=column.kind)


def _choose(  # noqa: PLR0913
    name: str, kind: str, distinct: int, missing_share: float, dtype: str = "", why: str = ""
) -> ColumnChoice:
    def choice(treatment: str, reason: str) -> ColumnChoice:
        return ColumnChoice(name, kind, treatment, reason, distinct)

    if missing_share == 1.0:
        return choice("excluded", _("empty in every row"))
    if distinct <= 1:
        return choice("excluded", _("the same value in every row"))
    if kind == "identifier":
        why = why or _("a distinct value per row")
        return choice("excluded", _("an identifier: {why}").format(why=why))
    if kind == "text":
        return choice("excluded", _("free text is not used as a feature"))
    if kind == "datetime":
        return choice("calendar_parts", _("date split into year, month, day, weekday and hour"))
    if kind == "numeric":
        return choice("numeric", _("number; missing values imputed with the median"))
    if kind == "boolean" and dtype in BOOL_DTYPES:
        # The categorical imputer refuses bool data; as 1/0 every model family takes them.
        return choice("numeric", _("true/false used as 1/0; missing values imputed"))
    if distinct <= ONE_HOT_MAX:
        return choice("one_hot", _("{n} categories: one column per category").format(n=distinct))
    return choice(
        "high_cardinality",
        _("{n} categories: ordinal codes for trees, target encoding else").format(n=distinct),
    )


CALENDAR_PARTS = ("year", "month", "day", "day_of_week", "hour")


def calendar_parts(frame: pd.DataFrame) -> pd.DataFrame:
    """Year, month, day, weekday and hour of every datetime column (missing stays missing)."""
    parts = {}
    for name in frame.columns:
        values = pd.to_datetime(frame[name], errors="coerce")
        for part in CALENDAR_PARTS:
            parts[f"{name}_{part}"] = getattr(values.dt, part).astype("float64")
    return pd.DataFrame(parts, index=frame.index)


def calendar_part_names(_transformer: object, names: list[str]) -> list[str]:
    """The output column names of ``calendar_parts``."""
    return [f"{name}_{part}" for name in names for part in CALENDAR_PARTS]


def category_text(column: pd.Series) -> pd.Series:
    """``column``'s values as category labels: text, whole numbers without ``.0`` (a code read
    as 101 or 101.0 is the label "101"), missing values left missing (NaN).

    The one spelling of a category shared by training, scoring and drift tests, so a column of
    integer codes that the user set to categorical means the same labels everywhere.
    """
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(
        column.dtype
    ):
        values = column.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) < 2**62)
        other = ~whole & ~np.isnan(values)
        labels = np.full(len(values), np.nan, dtype=object)
        labels[whole] = values[whole].astype(np.int64).astype(str).tolist()
        labels[other] = [repr(v) for v in values[other].tolist()]
        return pd.Series(labels, index=column.index, name=column.name)
    return column.astype(str).astype(object).where(column.notna(), np.nan)


def as_category_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column of ``frame`` through ``category_text`` (the first step for categories)."""
    return pd.DataFrame({name: category_text(frame[name]) for name in frame.columns},
                        index=frame.index)  # fmt: skip


def as_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column of ``frame`` as float64 (true/false as 1/0, text that is not a number as
    missing: launch refuses such a column, so only new values at scoring can be missing here)."""
    out = {}
    for name in frame.columns:
        column = frame[name]
        if not pd.api.types.is_numeric_dtype(column.dtype):
            column = pd.to_numeric(column, errors="coerce")
        out[name] = column.to_numpy(dtype=float, na_value=np.nan)
    return pd.DataFrame(out, index=frame.index)


def _categorical_imputer() -> SimpleImputer:
    return SimpleImputer(strategy="constant", fill_value=MISSING_LABEL)


def build_preprocessor(plan: ColumnPlan, style: str, task: str) -> ColumnTransformer:
    """The ColumnTransformer for a model family's ``style``: linear, tree or native.

    ``native`` (histogram gradient boosting) puts ordinal-coded categoricals first so the model
    can treat them as categories (see ``native_categorical_mask``).
    """
    scale = [("scale", StandardScaler())] if style == "linear" else []
    numbers = ("numbers", FunctionTransformer(as_numbers, feature_names_out="one-to-one"))
    labels = ("labels", FunctionTransformer(as_category_text, feature_names_out="one-to-one"))
    numeric = Pipeline(
        [numbers, ("impute", SimpleImputer(strategy="median", add_indicator=True)), *scale]
    )
    dates = Pipeline(
        [
            ("parts", FunctionTransformer(calendar_parts, feature_names_out=calendar_part_names)),
            ("impute", SimpleImputer(strategy="median")),
            *scale,
        ]
    )
    ordinal = Pipeline(
        [
            labels,
            ("impute", _categorical_imputer()),
            (
                "encode",
                OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan),
            ),
        ]
    )
    target_type = "continuous" if task == "regression" else "auto"
    splitter = KFold if task == "regression" else StratifiedKFold
    target_encoded = Pipeline(
        [
            labels,
            ("impute", _categorical_imputer()),
            (
                "encode",
                TargetEncoder(
                    target_type=target_type, cv=splitter(5, shuffle=True, random_state=0)
                ),
            ),
            *scale,
        ]
    )
    one_hot = Pipeline(
        [
            labels,
            ("impute", _categorical_imputer()),
            ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    low, high = plan.columns("one_hot"), plan.columns("high_cardinality")
    parts: list[tuple[str, object, list[str]]] = []
    if style == "native":
        native, very_high = _split_native(plan)
        parts += [("categorical", ordinal, native), ("target", target_encoded, very_high)]
    elif style == "tree":
        parts += [("one_hot", one_hot, low), ("ordinal", ordinal, high)]
    else:
        parts += [("one_hot", one_hot, low), ("target", target_encoded, high)]
    parts += [("numeric", numeric, plan.columns("numeric"))]
    parts += [("dates", dates, plan.columns("calendar_parts"))]
    return ColumnTransformer([p for p in parts if p[2]], remainder="drop")


def _split_native(plan: ColumnPlan) -> tuple[list[str], list[str]]:
    """Categoricals a histogram booster can take natively, and those with too many levels."""
    categorical = [c for c in plan.choices if c.treatment in ("one_hot", "high_cardinality")]
    native = [c.name for c in categorical if c.distinct <= NATIVE_CATEGORICAL_MAX]
    return native, [c.name for c in categorical if c.distinct > NATIVE_CATEGORICAL_MAX]


def native_categorical_count(plan: ColumnPlan) -> int:
    """How many leading output columns of a ``native`` preprocessor are categorical codes."""
    return len(_split_native(plan)[0])
