"""Answering small requests without pandas: rows read straight from JSON, the lean pipeline.

A request of at most ``FAST_MAX_ROWS`` rows is answered here when every row is a plain JSON
object holding every feature the model needs, with values of the JSON types the schema
expects; anything else (a missing column, a list where a value belongs, a value the full path
refuses) goes to the full path, which gives the same answers and the refusals' sentences.
Numbers are read with ``float``, ISO 8601 dates with ``datetime.fromisoformat`` (UTC, as the
full path reads them), and any other value (a number sent as text, true/false for a boolean
column, a category label, a date in another format) by the full path's own code on a
one-value Series, remembered per column, so both paths read every value the same way. The
notices (columns ignored, categories never trained on, the target sent) are the full path's
sentences.

:func:`build_fast_path` only returns a path whose outputs on the version's reference rows
(sent as JSON, read both ways) are identical, bit for bit, to the pipeline's; otherwise the
version is served by the full path alone and the reason is logged.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from studio.autopilot.pipeline import model_output
from studio.autopilot.prepare import as_numbers, calendar_parts, category_text
from studio.errors import InvalidInputError
from studio.registry.schema import (
    check_batch,
    coerce,
    counted_categories,
    extra_notice,
    target_notice,
    unseen_notice,
)
from studio.registry.versions import VersionInfo
from studio.serving.lean import DATE, LABEL, NUMBER, Unsupported, compile_model

log = logging.getLogger(__name__)
FAST_MAX_ROWS = 16  # above this, pandas' vectorised path is as fast
VERIFY_ROWS = 200
CACHE_VALUES = 10_000  # distinct values remembered per column
_ABSENT = object()


@dataclass(frozen=True, eq=False)
class FastAnswer:
    """A small request's model output (as ``model_output`` gives) and notices."""

    output: np.ndarray
    notices: list[str]


@dataclass(frozen=True)
class _Column:
    name: str
    spec: dict[str, Any]
    kind: str  # NUMBER or LABEL
    plain_numbers: bool  # JSON numbers are read with float(), as the full path reads them
    used: bool  # the pipeline reads it (else only its unseen categories are counted)
    known: frozenset[str] | None  # training categories, when unseen ones are counted


class FastPath:
    """The lean path of one loaded version (see :func:`build_fast_path`)."""

    def __init__(self, version: VersionInfo, model: Any) -> None:
        self._predict, reads = compile_model(model)
        schema = version.input_schema
        specs = {f["name"]: f for f in schema["features"]}
        unknown = [name for name in reads if name not in specs]
        if unknown:
            raise Unsupported(f"the pipeline reads columns outside the schema: {unknown}")
        self._columns = [c for c in (_column(s, reads.get(s["name"])) for s in specs.values())
                         if c is not None]  # fmt: skip
        self._required = list(specs)
        self._known = set(specs) | set(schema.get("identifiers", [])) | {schema.get("target")}
        self._target = schema.get("target")
        self._cache: dict[str, dict[tuple[type, Any], Any]] = {n: {} for n in specs}

    def answer(self, rows: list[Any]) -> FastAnswer | None:
        """The output for ``rows`` (JSON objects), or None when the full path must answer."""
        if not 0 < len(rows) <= FAST_MAX_ROWS or not all(type(r) is dict for r in rows):
            return None
        if any(name not in row for row in rows for name in self._required):
            return None
        data, notices = {}, []
        extra = list(dict.fromkeys(k for row in rows for k in row if k not in self._known))
        if extra:
            notices.append(extra_notice(extra))
        for column in self._columns:
            values = self._read(column, [row[column.name] for row in rows])
            if values is None:
                return None
            if column.known is not None:
                unseen = sum(v == v and v not in column.known for v in values)
                if unseen:
                    notices.append(unseen_notice(column.name, unseen))
            if column.used:
                data[column.name] = values
        if self._target and any(self._target in row for row in rows):
            notices.append(target_notice(self._target))
        return FastAnswer(self._predict(data), notices)

    def _read(self, column: _Column, values: list[Any]) -> np.ndarray | None:
        plain = column.kind == NUMBER and column.plain_numbers
        if plain and all(type(v) is float or type(v) is int or v is None for v in values):
            return np.array([np.nan if v is None else float(v) for v in values])
        if column.kind == DATE:
            parts = [_iso_parts(v) if type(v) is str else None for v in values]
            if all(p is not None for p in parts):
                return np.array(parts, dtype=float)
        out = []
        cache = self._cache[column.name]
        for value in values:
            try:
                key = (type(value), value)
                read = cache.get(key, _ABSENT)
            except TypeError:  # a list or an object: the full path says what is wrong
                return None
            if read is _ABSENT:
                read = _read_one(column, value)
                if read is _ABSENT:
                    return None
                if len(cache) < CACHE_VALUES:
                    cache[key] = read
            out.append(read)
        return np.array(out, dtype=object if column.kind == LABEL else float)


def _column(spec: dict[str, Any], kind: str | None) -> _Column | None:
    known = counted_categories(spec) if kind != NUMBER else None
    if kind is None and known is None:
        return None  # neither read by the pipeline nor counted
    numeric = not spec["dtype"].startswith("bool") and (
        spec["treatment"] == "numeric" or spec["dtype"].startswith(("int", "uint", "float"))
    )
    return _Column(spec["name"], spec, kind or LABEL, numeric, kind is not None,
                   None if known is None else frozenset(known))  # fmt: skip


def _read_one(column: _Column, value: Any) -> Any:
    """``value`` read by the full path's own code (or ``_ABSENT`` when it refuses it)."""
    try:
        read = coerce(column.name, pd.Series([value]), column.spec)
    except InvalidInputError:
        return _ABSENT
    if column.kind == NUMBER:
        return float(as_numbers(read.to_frame(column.name)).iloc[0, 0])
    if column.kind == DATE:
        return tuple(calendar_parts(read.to_frame(column.name)).iloc[0].tolist())
    return category_text(read).iloc[0]


ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:\d{2})?"
)
FRACTION = re.compile(r"\.\d+")


def _iso_parts(value: str) -> tuple[float, ...] | None:
    """The calendar parts of an ISO 8601 date or time, as the full path reads it (pandas,
    ``utc=True``: an offset is converted to UTC, then dropped), or None for any other text
    (read by the full path's code instead) or a year pandas cannot hold."""
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        moment = datetime.fromisoformat(FRACTION.sub("", value))  # seconds' fractions: no part
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    if not 1678 <= moment.year <= 2261:
        return None
    return (float(moment.year), float(moment.month), float(moment.day),
            float(moment.weekday()), float(moment.hour))  # fmt: skip


def build_fast_path(version: VersionInfo, model: Any, reference: pd.DataFrame) -> FastPath | None:
    """The lean path for ``version`` when its outputs on up to ``VERIFY_ROWS`` rows of
    ``reference`` (the version's stored baseline sample), sent as JSON, equal the full path's
    exactly; None (and a log line saying why) otherwise."""
    try:
        path = FastPath(version, model)
    except Unsupported as exc:
        log.info("serving %s: the full pipeline answers every request (%s)", version.ref, exc)
        return None
    names = [f["name"] for f in version.input_schema["features"]]
    sample = reference[names].head(VERIFY_ROWS)
    rows = json.loads(sample.to_json(orient="records", date_format="iso"))
    expected = model_output(model, check_batch(pd.DataFrame.from_records(rows),
                                               version.input_schema).features)  # fmt: skip
    try:
        step = FAST_MAX_ROWS
        got = [path.answer(rows[i : i + step]) for i in range(0, len(rows), step)]
    except Exception:
        log.exception("serving %s: the lean path failed its check; not used", version.ref)
        return None
    if any(g is None for g in got):
        log.info("serving %s: the lean path cannot read the reference rows; not used", version.ref)
        return None
    if not np.array_equal(np.concatenate([g.output for g in got]), expected, equal_nan=True):
        log.warning("serving %s: the lean path's outputs differ from the pipeline's on the "
                    "reference rows; not used", version.ref)  # fmt: skip
        return None
    return path
