"""The one JSON encoder for every document Studio stores (every JSON column, both databases).

Documents are built from numpy, pandas and scipy results, so they hold numpy scalars and
arrays, numpy booleans, NaN and infinities, timestamps and dates. The standard encoder refuses
most of them (``Object of type bool is not JSON serializable`` for ``numpy.bool_``), and
PostgreSQL's JSON refuses NaN. The engine is created with :func:`dumps` as its
``json_serializer`` (SQLAlchemy's hook for every ``JSON`` column), so no writer can forget it.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd


def to_jsonable(value: Any, strict: bool = True) -> Any:
    """``value`` as plain JSON types: numpy scalars and arrays as Python numbers and lists,
    NaN, infinities, ``pd.NA`` and ``NaT`` as None, dates and times as ISO 8601 text,
    durations as seconds, tuples and sets as lists, mapping keys as text.

    Any other type raises ``TypeError`` when ``strict`` (stored documents), else becomes its
    text (the CLI's ``--json`` documents, which must always print)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, strict) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v, strict) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v, strict) for v in value.tolist()]
    if isinstance(value, np.generic):
        return to_jsonable(value.item(), strict)
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return to_jsonable(float(value))
    if isinstance(value, PurePath) or not strict:
        return str(value)
    raise TypeError(f"Object of type {type(value).__name__} cannot be stored as JSON")


def dumps(value: Any, strict: bool = True) -> str:
    """The JSON text of ``value`` after :func:`to_jsonable` (never NaN, keeps non-ASCII)."""
    return json.dumps(to_jsonable(value, strict), ensure_ascii=False, allow_nan=False)
