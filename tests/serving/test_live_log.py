"""The live log writes what the endpoint answered in the order it answered it: small requests'
JSON rows and large requests' frames interleaved, each row under its request id."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pandas as pd

from studio.context import Studio
from studio.monitor.batches import logged_rows
from studio.registry.versions import get_version
from studio.serving.live_log import LiveLog
from tests.autopilot.conftest import churn_like
from tests.stores import StoreCopy


def test_interleaved_small_and_large_requests_keep_their_order(
    prepared: Callable[..., StoreCopy],
) -> None:
    studio = Studio.open(prepared("shipped_churn").settings)
    version = get_version(studio, "churn")
    rows = churn_like(40, seed=3).drop(columns=["churn"]).iloc[:6]
    records = json.loads(rows.to_json(orient="records", date_format="iso"))
    log = LiveLog(studio, every=3600)
    requests = [  # (ids, rows as sent) in the order the endpoint answered them
        (["a"], records[0:1]), (["b"], records[1:2]),
        (["c-0", "c-1"], rows.iloc[2:4]),
        (["d"], records[4:5]), (["e"], [{**records[5], "extra": "ignored"}]),
    ]  # fmt: skip
    for ids, sent in requests:
        log.add(version, ids, sent, np.tile([0.25, 0.75], (len(ids), 1)), 1.0)
    [batch_id] = log.flush()
    logged = logged_rows(studio, batch_id)
    assert list(logged["request_id"]) == ["a", "b", "c-0", "c-1", "d", "e"]
    expected = rows.reset_index(drop=True)
    assert list(logged["tenure"].astype(int)) == list(expected["tenure"])
    assert list(logged["plan"]) == list(expected["plan"])
    assert pd.api.types.is_numeric_dtype(logged["charges"])
