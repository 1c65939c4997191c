"""Every stored JSON document goes through one encoder: numpy scalars and arrays, numpy
booleans, NaN, infinities and dates are stored on both databases and read back as plain JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from studio.context import Studio
from studio.db import session_scope
from studio.db.jsoncodec import dumps, to_jsonable
from studio.db.models import Dataset, DatasetVersion

pytestmark = pytest.mark.database

AWKWARD = {
    "drifted": np.bool_(True),  # what scipy-based distance tests return
    "statistic": np.float32(0.25),
    "count": np.int64(7),
    "p_values": np.array([0.5, np.nan]),
    "missing": float("nan"),
    "far": float("inf"),
    "when": datetime(2026, 5, 4, 12, 0, tzinfo=UTC),
    "day": date(2026, 5, 4),
    "stamp": pd.Timestamp("2026-05-11"),
    "nat": pd.NaT,
    "nested": [{"ok": np.bool_(False)}, (1, 2)],
    "中文": "还好",
}
PLAIN = {
    "drifted": True, "statistic": 0.25, "count": 7, "p_values": [0.5, None], "missing": None,
    "far": None, "when": "2026-05-04T12:00:00+00:00", "day": "2026-05-04",
    "stamp": "2026-05-11T00:00:00", "nat": None, "nested": [{"ok": False}, [1, 2]],
    "中文": "还好",
}  # fmt: skip


def test_the_encoder_turns_awkward_values_into_plain_json() -> None:
    assert to_jsonable(AWKWARD) == PLAIN
    assert json.loads(dumps(AWKWARD)) == PLAIN
    with pytest.raises(TypeError, match="cannot be stored as JSON"):
        dumps({"x": object()})


def test_every_json_column_stores_them(studio: Studio) -> None:
    """Written through the ORM (as every core writer does), read back plain, on each backend."""
    with session_scope(studio.engine) as session:
        dataset = Dataset(name="d", created_by="t")
        session.add(dataset)
        session.flush()
        version = DatasetVersion(
            dataset_id=dataset.id, version=1, sha256="0", source_name="d.csv", file_format="csv",
            rows=1, columns=1, size_bytes=1, artifact="x", artifact_sha256="0", created_by="t",
            ingest=AWKWARD, profile={"columns": [AWKWARD]},
        )  # fmt: skip
        session.add(version)
        session.flush()
        version_id = version.id
    with session_scope(studio.engine) as session:
        stored = session.get(DatasetVersion, version_id)
        assert stored.ingest == PLAIN and stored.profile == {"columns": [PLAIN]}


def test_cli_documents_use_it_too() -> None:
    """--json prints numpy booleans as true/false and NaN as null (valid JSON), never 'False'."""
    import argparse
    import contextlib
    import io

    from studio.cli.output import emit

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        emit(argparse.Namespace(json=True), AWKWARD | {"other": object}, "text")
    document = json.loads(out.getvalue())
    assert document["drifted"] is True and document["missing"] is None
    assert document["other"] == str(object)
