"""Request bodies of the prediction endpoint, read into a frame for the schema check.

Two shapes are accepted, the ones applications already send to model servers:

- ``{"instances": [{"column": value, ...}, ...]}`` (TensorFlow Serving, KServe, SageMaker);
- ``{"dataframe_split": {"columns": [...], "data": [[...], ...]}}`` (MLflow ``models serve``,
  pandas ``DataFrame.to_dict(orient="split")``).

Anything else is an ``InvalidInputError`` whose sentence says what was wrong and shows the
shape to send; the endpoint answers it with 422. These sentences stay English in every
language: only the endpoint raises them, and API clients read and match its ``error`` texts.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from studio.errors import InvalidInputError

SHAPE = '{"instances": [{"column": value, ...}]}'
SPLIT_SHAPE = '{"dataframe_split": {"columns": [...], "data": [[...]]}}'


def read_payload(body: bytes) -> pd.DataFrame:
    """The rows of a request ``body`` (JSON bytes) as a frame, one column per field.

    Raises ``InvalidInputError`` for a body that is empty, not JSON, not one of the two
    shapes, holds no rows, or has a row that is not an object (``instances``) or not as long
    as ``columns`` (``dataframe_split``)."""
    return rows_frame(parse_body(body))


def parse_body(body: bytes) -> Any:
    """The JSON document of ``body``; ``InvalidInputError`` when it is empty or not JSON."""
    if not body.strip():
        raise InvalidInputError(  # i18n: keep (API error)
            f"The request has no body; send JSON such as {SHAPE}."
        )
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(  # i18n: keep (API error)
            f"The request body is not JSON ({_reason(exc)}); send JSON such as {SHAPE}."
        ) from None


def instances(document: Any) -> list[Any] | None:
    """The ``instances`` list of a parsed body, or None for any other shape."""
    if type(document) is dict and type(document.get("instances")) is list:
        return document["instances"]
    return None


def rows_frame(document: Any) -> pd.DataFrame:
    """The rows of a parsed body as a frame (``InvalidInputError`` as :func:`read_payload`)."""
    if isinstance(document, dict) and "instances" in document:
        return _instances(document["instances"])
    if isinstance(document, dict) and "dataframe_split" in document:
        return _split(document["dataframe_split"])
    raise InvalidInputError(  # i18n: keep (API error)
        f"The request body has neither 'instances' nor 'dataframe_split'; send {SHAPE} or "
        f"{SPLIT_SHAPE}."
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at character {exc.pos}"
    return "it is not UTF-8 text"


def _instances(rows: Any) -> pd.DataFrame:
    if not isinstance(rows, list) or not rows:
        raise InvalidInputError(  # i18n: keep (API error)
            f"'instances' must be a non-empty list of rows, one object per row: {SHAPE}."
        )
    for number, row in enumerate(rows):
        if not isinstance(row, dict):
            raise InvalidInputError(  # i18n: keep (API error)
                f"Row {number} of 'instances' is not an object of column names to values; "
                f"send {SHAPE}."
            )
    return pd.DataFrame.from_records(rows)


def _split(split: Any) -> pd.DataFrame:
    if not isinstance(split, dict) or not isinstance(split.get("columns"), list):
        raise InvalidInputError(  # i18n: keep (API error)
            f"'dataframe_split' must hold 'columns' and 'data': {SPLIT_SHAPE}."
        )
    columns, data = split["columns"], split.get("data")
    if not isinstance(data, list) or not data:
        raise InvalidInputError(  # i18n: keep (API error)
            f"'dataframe_split' has no rows: 'data' must be a non-empty list of lists "
            f"({SPLIT_SHAPE})."
        )
    for number, row in enumerate(data):
        if not isinstance(row, list) or len(row) != len(columns):
            raise InvalidInputError(  # i18n: keep (API error)
                f"Row {number} of 'dataframe_split.data' does not hold one value per column "
                f"({len(columns)} columns)."
            )
    if len(set(map(str, columns))) != len(columns):
        raise InvalidInputError("'dataframe_split.columns' names a column twice.")  # i18n: keep
    return pd.DataFrame(data, columns=[str(c) for c in columns])
