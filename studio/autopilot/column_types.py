"""Column types a user can set before a run, checked against the data they describe.

A type set by the user wins over the inferred kind (``prepare.plan_columns``); it is stored with
the run (``config["column_types"]``) and reaches the registered version's schema through the
column plan, so scoring and monitoring treat the column the same way. The same control as
SageMaker Autopilot's feature types, AutoGluon's feature metadata and Evidently's column mapping.

=============  ====================================================================================
type           how the column is used
=============  ====================================================================================
numeric        a number; missing values imputed with the median
categorical    categories (integer codes included): one column per category up to 15, else
               ordinal codes for trees and target encoding for the other families
boolean        true/false as 1/0 (two text values other than true/false: two categories)
datetime       a date split into year, month, day, weekday and hour
text           free text: not used as a feature
identifier     not a feature; kept in scored files next to the predictions
ignored        not used at all
=============  ====================================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from studio.data.profile import DatasetProfile
from studio.errors import InvalidInputError
from studio.i18n import N_, _, format_number

COLUMN_TYPES = ("numeric", "categorical", "boolean", "datetime", "text", "identifier", "ignored")
EXCLUDED_TYPES = ("text", "identifier", "ignored")


def parse_assignments(pairs: Iterable[str]) -> dict[str, str]:
    """``["income=numeric", "store code=categorical"]`` as a mapping (split at the last '=').

    Raises InvalidInputError for a pair without '=' (the column name may itself hold '=').
    """
    types: dict[str, str] = {}
    for pair in pairs:
        name, sep, kind = pair.rpartition("=")
        if not sep or not name:
            raise InvalidInputError(
                _("'{pair}' is not COLUMN=TYPE; write it as e.g. income=numeric.").format(
                    pair=pair
                )
            )
        types[name] = kind.strip().lower()
    return types


def check_column_types(
    types: Mapping[str, str], profile: DatasetProfile, target: str, frame: pd.DataFrame
) -> dict[str, str]:
    """``types`` checked against the dataset; the ones that differ from the inferred kind.

    ``frame`` holds the dataset's rows (the values a type must fit). Raises InvalidInputError,
    one sentence, for an unknown type (listing the valid ones), an unknown column (listing
    some), the target column, or values that do not fit the type (numbers that are not numbers,
    dates that are not dates, a "boolean" with more than two values).
    """
    names = [c.name for c in profile.column_profiles]
    checked: dict[str, str] = {}
    for name, kind in types.items():
        if kind not in COLUMN_TYPES:
            raise InvalidInputError(
                _("'{kind}' is not a column type; the types are {types}.").format(
                    kind=kind, types=", ".join(COLUMN_TYPES)
                )
            )
        if name not in names:
            shown = ", ".join(names[:12]) + ("…" if len(names) > 12 else "")
            raise InvalidInputError(
                _("'{name}' is not a column of the dataset; its columns are {shown}.").format(
                    name=name, shown=shown
                )
            )
        if name == target:
            raise InvalidInputError(
                _(
                    "'{name}' is the target; its type follows from the task (choose the task "
                    "instead)."
                ).format(name=name)
            )
        _check_values(name, kind, frame[name])
        if kind != profile.column(name).kind:
            checked[name] = kind
    return checked


def _check_values(name: str, kind: str, column: pd.Series) -> None:
    present = column.dropna()
    is_date = pd.api.types.is_datetime64_any_dtype(column.dtype)
    is_number = pd.api.types.is_numeric_dtype(column.dtype)
    if kind == "numeric":
        if is_date:
            raise InvalidInputError(
                _("'{name}' holds dates; set it to datetime to use its calendar parts.").format(
                    name=name
                )
            )
        if not is_number:
            _all_parse(name, present, pd.to_numeric(present, errors="coerce"), "numeric")
    elif kind == "datetime" and not is_date:
        if is_number and not pd.api.types.is_bool_dtype(column.dtype):
            raise InvalidInputError(
                _(
                    "'{name}' holds numbers, not dates; keep it numeric or set it to categorical."
                ).format(name=name)
            )
        parsed = pd.to_datetime(present.astype(str), errors="coerce", format="mixed", utc=True)
        _all_parse(name, present, parsed, "datetime")
    elif kind == "boolean" and present.nunique() > 2:
        raise InvalidInputError(
            _(
                "'{name}' has {n} distinct values; a boolean has two. Set it to categorical "
                "instead."
            ).format(name=name, n=format_number(present.nunique()))
        )


# What a value that does not parse as the type means, by type (whole sentences).
_UNPARSED = {
    "numeric": N_(
        "'{name}' cannot be used as numbers: {n} of its values are not, such as {value}. Fix "
        "those values, or set it to categorical."
    ),
    "datetime": N_(
        "'{name}' cannot be used as dates: {n} of its values are not, such as {value}. Fix "
        "those values, or set it to categorical or text."
    ),
}


def _all_parse(name: str, present: pd.Series, parsed: pd.Series, kind: str) -> None:
    bad = present[parsed.isna().to_numpy()]
    if len(bad):
        raise InvalidInputError(
            _(_UNPARSED[kind]).format(
                name=name, n=format_number(len(bad)), value=repr(str(bad.iloc[0])[:40])
            )
        )


def as_set_type(frame: pd.DataFrame, types: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with text columns the user set to datetime read as dates (UTC, no zone).

    The same reading as the schema check of a scoring file (``pd.to_datetime(format="mixed")``),
    so training and scoring see the same dates. Other set types are read inside the pipeline.
    """
    out = frame
    for name, kind in types.items():
        if kind == "datetime" and name in frame.columns:
            column = frame[name]
            if not pd.api.types.is_datetime64_any_dtype(column.dtype):
                parsed = pd.to_datetime(column, errors="coerce", format="mixed", utc=True)
                out = out.assign(**{name: parsed.dt.tz_localize(None)})
    return out
