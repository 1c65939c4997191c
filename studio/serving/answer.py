"""Answering one prediction request: the rows of a parsed body scored by a loaded version,
by its lean path when it can read them (``studio.serving.fast``), else by the schema check and
the pipeline, and the response document built from the model's raw output."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from studio.autopilot.pipeline import model_output
from studio.registry.outputs import predicted, probabilities
from studio.registry.schema import check_batch
from studio.serving.payload import instances, rows_frame
from studio.serving.served import Served


@dataclass(frozen=True, eq=False)
class Answer:
    """One request's response document, and what the live log keeps: the row ids, the rows
    as sent and the model's raw output."""

    request_id: str
    document: dict[str, Any]
    ids: list[str]
    sent: pd.DataFrame | list[dict]
    output: np.ndarray


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.perf_counter()`` reading)."""
    return (time.perf_counter() - started) * 1000


def _row_ids(request_id: str, rows: int) -> list[str]:
    """The id each logged row is joined on: the request id, with ``-i`` when several rows."""
    return [request_id] if rows == 1 else [f"{request_id}-{i}" for i in range(rows)]


def score_rows(served: Served, document: Any) -> tuple[np.ndarray, list[str], pd.DataFrame | list]:
    """The model's raw output on the rows of ``document``, the notices, and the rows as sent:
    by the lean path when it can read them, else the full schema check and pipeline (which
    raise ``InvalidInputError`` with the sentence for a bad row)."""
    rows = instances(document)
    fast = served.fast.answer(rows) if served.fast is not None and rows is not None else None
    if fast is not None:
        return fast.output, fast.notices, rows
    frame = rows_frame(document)
    checked = check_batch(frame, served.version.input_schema, source="request")
    return model_output(served.model, checked.features), checked.notices, frame


def answer_request(served: Served, document: Any) -> Answer:
    """The response to ``document`` (a parsed body) from the loaded version ``served``."""
    version = served.version
    output, notices, sent = score_rows(served, document)
    request_id = uuid.uuid4().hex
    response: dict[str, Any] = {
        "model": version.name, "version": version.version, "variant": f"v{version.version}",
        "request_id": request_id,
        "predictions": predicted(output, version.labels, version.decision_threshold).tolist(),
    }  # fmt: skip
    if version.labels:
        labels = version.labels
        response["probabilities"] = [dict(zip(labels, row, strict=True))
                                     for row in probabilities(output).tolist()]  # fmt: skip
    if version.decision_threshold is not None and len(version.labels) == 2:
        response["threshold"] = version.decision_threshold  # what cut the predicted labels
    if notices:
        response["notices"] = notices
    return Answer(request_id, response, _row_ids(request_id, len(output)), sent, output)
