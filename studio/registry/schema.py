"""A model version's input schema, and checking a batch against it before scoring.

The schema records each feature the model reads (name, kind, training dtype, categories seen,
and how the training file's text was read: a number format or a date order, so a scoring file
is read the same way) and the identifier columns a scored file keeps. A batch with missing
features is refused with their names; extra columns are ignored with a notice; a column that
cannot be read as its training type is named; categories never seen in training are counted
and reported (the pipelines' encoders map them to "unknown").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from studio.autopilot.prepare import ColumnPlan, category_text
from studio.errors import InvalidInputError
from studio.i18n import _, format_number

MAX_CATEGORIES = 1_000
NUMERIC_TREATMENTS = ("numeric",)
CATEGORY_TREATMENTS = ("one_hot", "high_cardinality")


def build_schema(
    frame: pd.DataFrame, plan: ColumnPlan, reads: dict[str, dict[str, str]] | None = None
) -> dict[str, Any]:
    """The schema of the training rows ``frame`` (features and identifiers per ``plan``).

    ``reads`` is the dataset version's record of how its text columns were read.
    """
    features, reads = [], reads or {}
    for choice in plan.choices:
        if choice.treatment == "excluded":
            continue
        column = frame[choice.name]
        entry: dict[str, Any] = {
            "name": choice.name,
            "kind": choice.kind,
            "treatment": choice.treatment,
            "dtype": str(column.dtype),
        }
        if choice.inferred:  # the user set this type; scoring and monitoring follow it
            entry["set_by_user"] = True
        if choice.treatment in CATEGORY_TREATMENTS:
            seen = category_text(column).dropna().value_counts().index[:MAX_CATEGORIES]
            entry["categories"] = sorted(seen.tolist())
        if choice.name in reads:
            entry["read"] = dict(reads[choice.name])
        features.append(entry)
    identifiers = [c.name for c in plan.choices if c.kind == "identifier"]
    return {"features": features, "identifiers": identifiers, "target": plan.target}


@dataclass(frozen=True, eq=False)
class CheckedBatch:
    """A batch ready for the model: feature columns in training order, coerced to their
    training types, plus the identifier columns to keep and what the user should know."""

    features: pd.DataFrame
    identifiers: pd.DataFrame
    notices: list[str] = field(default_factory=list)
    unseen: dict[str, int] = field(default_factory=dict)


def _numeric(name: str, column: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.astype("float64")
    parsed = pd.to_numeric(column, errors="coerce")
    bad = column[parsed.isna() & column.notna()]
    if len(bad):
        raise InvalidInputError(
            _(
                "Column '{name}' should hold numbers but has {count} value(s) that are not, "
                "such as {example}; fix or blank them and retry."
            ).format(name=name, count=format_number(len(bad)), example=_example(bad)),
            column=name,
        )
    return parsed.astype("float64")


def _example(bad: pd.Series) -> str:
    """The first value that could not be read, quoted as Python does (at most 40 characters)."""
    return repr(str(bad.iloc[0])[:40])


def read_hints(schema: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Per feature, how the training file's column was read (for ``read_table``'s hints)."""
    return {f["name"]: f["read"] for f in schema.get("features", []) if "read" in f}


_BOOLEAN_WORDS = {"true": True, "false": False, "1": True, "0": False, "1.0": True,
                  "0.0": False, "yes": True, "no": False, "y": True, "n": False, "t": True,
                  "f": False, "是": True, "否": False}  # fmt: skip


def _booleans(name: str, column: pd.Series) -> pd.Series:
    """``column`` as nullable booleans, from bools, 0/1 or the common spellings (any case)."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype("boolean")
    text = column.astype("str").str.strip().str.lower()
    parsed = text.map(_BOOLEAN_WORDS)
    bad = column[parsed.isna() & column.notna() & (text != "")]
    if len(bad):
        raise InvalidInputError(
            _(
                "Column '{name}' should hold true/false values but has {count} value(s) that "
                "are not, such as {example}; fix or blank them and retry."
            ).format(name=name, count=format_number(len(bad)), example=_example(bad)),
            column=name,
        )
    return parsed.astype("boolean")


def _dates(name: str, column: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            return column.dt.tz_convert("UTC").dt.tz_localize(None)
        return column
    parsed = pd.to_datetime(column, errors="coerce", format="mixed", utc=True)
    parsed = parsed.dt.tz_localize(None)  # stored as UTC, as ingest stores training dates
    bad = column[parsed.isna() & column.notna()]
    if len(bad):
        raise InvalidInputError(
            _(
                "Column '{name}' should hold dates but has {count} value(s) that are not, "
                "such as {example}; use ISO dates like 2026-01-31."
            ).format(name=name, count=format_number(len(bad)), example=_example(bad)),
            column=name,
        )
    return parsed


def coerce(name: str, column: pd.Series, spec: dict[str, Any]) -> pd.Series:
    """``column`` read as the type the model was trained on (feature ``spec`` of the schema).
    Raises ``InvalidInputError`` naming the column when a value cannot be read so."""
    dtype = spec["dtype"]
    if dtype in ("bool", "boolean"):
        return _booleans(name, column)
    if spec["treatment"] in NUMERIC_TREATMENTS or dtype.startswith(("int", "uint", "float")):
        return _numeric(name, column)
    if spec["treatment"] == "calendar_parts":
        return _dates(name, column)
    return column.astype("str").where(column.notna())


def check_batch(frame: pd.DataFrame, schema: dict[str, Any], source: str = "file") -> CheckedBatch:
    """Align ``frame`` with ``schema``; refuse missing or unreadable columns with their names
    (``InvalidInputError`` with ``column`` set; ``source`` names the input in the sentence:
    "The file lacks …", "The request lacks …")."""
    features = schema["features"]
    names = [f["name"] for f in features]
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise InvalidInputError(missing_notice(source, missing), column=missing[0])
    notices = []
    known = set(names) | set(schema.get("identifiers", [])) | {schema.get("target")}
    extra = [c for c in frame.columns if c not in known]
    if extra:
        notices.append(extra_notice(extra))
    aligned = pd.DataFrame({f["name"]: coerce(f["name"], frame[f["name"]], f) for f in features})
    unseen = _unseen_categories(aligned, features)
    notices += [unseen_notice(name, count) for name, count in unseen.items()]
    target = schema.get("target")
    if target and target in frame.columns:
        notices.append(target_notice(target))
    ids = [c for c in schema.get("identifiers", []) if c in frame.columns]
    return CheckedBatch(aligned, frame[ids].copy(), notices, unseen)


def missing_notice(source: str, missing: list[str]) -> str:
    """The sentence refusing a batch that lacks the model's columns ``missing`` (``source``:
    "request" for the endpoint's body, else a file)."""
    shown = ", ".join(f"'{m}'" for m in missing[:10]) + (" …" if len(missing) > 10 else "")
    sentence = (
        _("The request lacks {count} column(s) the model needs: {columns}; add them (values may "
          "be empty) and retry.")
        if source == "request"
        else _("The file lacks {count} column(s) the model needs: {columns}; add them (values "
               "may be empty) and retry.")
    )  # fmt: skip
    return sentence.format(count=len(missing), columns=shown)


def extra_notice(extra: list[str]) -> str:
    """The notice for columns a batch holds that the model does not use."""
    shown = ", ".join(map(str, extra[:8])) + (" …" if len(extra) > 8 else "")
    return _("{count} column(s) the model does not use were ignored: {columns}").format(
        count=len(extra), columns=shown
    )


def unseen_notice(name: str, count: int) -> str:
    """The notice for ``count`` rows of column ``name`` holding categories never trained on."""
    return _(
        "{count} row(s) of '{name}' hold categories not seen in training; the model treats "
        "them as unknown."
    ).format(count=format_number(count), name=name)


def target_notice(target: str) -> str:
    """The notice for a batch that holds the target column."""
    return _(
        "The file holds the target column '{target}'; it was not used for the predictions, "
        "which are made from the other columns."
    ).format(target=target)


def counted_categories(spec: dict[str, Any]) -> set[str] | None:
    """The training categories of feature ``spec`` when unseen ones can be counted (the list
    was not truncated), else None."""
    if "categories" not in spec or len(spec["categories"]) >= MAX_CATEGORIES:
        return None
    return set(spec["categories"])


def _unseen_categories(frame: pd.DataFrame, features: list[dict[str, Any]]) -> dict[str, int]:
    """Rows per column whose category was not seen in training (checked on distinct values)."""
    counts = {}
    for spec in features:
        known = counted_categories(spec)
        if known is None:
            continue  # a truncated list cannot tell unseen from rare
        distinct = category_text(frame[spec["name"]]).dropna().value_counts()
        new = distinct[~distinct.index.isin(known)]
        if len(new):
            counts[spec["name"]] = int(new.sum())
    return counts
