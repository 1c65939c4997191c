"""``studio serve`` as an application calls it: a real server process on a store with model
'churn' v1 in production (1,400 rows, linear), JSON over HTTP from this process."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from studio.config import load_settings
from studio.context import Studio
from studio.registry.lifecycle import decide, promote, set_threshold
from studio.registry.register import register_candidate
from studio.registry.versions import get_version
from tests.autopilot.conftest import churn_like
from tests.cli import run
from tests.serving.endpoint import call, serving
from tests.stores import StoreCopy
from tests.waits import wait_until


@pytest.fixture
def shipped(prepared: Callable[..., StoreCopy]) -> StoreCopy:
    return prepared("shipped_churn")


def _rows(tmp_path: Path) -> tuple[Path, list[dict]]:
    """50 new customers as a CSV file and as the JSON rows an application would send."""
    frame = churn_like(50, seed=5).drop(columns=["churn"])
    frame.loc[[3, 7], "charges"] = np.nan  # blanks travel as null
    path = tmp_path / "rows.csv"
    frame.to_csv(path, index=False)
    return path, json.loads(frame.to_json(orient="records", date_format="iso"))


def _batch_outputs(env: dict[str, str], path: Path, tmp_path: Path) -> pd.DataFrame:
    out = tmp_path / "scored.csv"
    done = run("predict", "churn", str(path), "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    return pd.read_csv(out)


def test_predictions_equal_batch_scoring_in_both_body_shapes(
    shipped: StoreCopy, tmp_path: Path
) -> None:
    env = shipped.env("app")
    path, rows = _rows(tmp_path)
    studio = Studio.open(load_settings(env))
    set_threshold(studio, "churn", 1, 0.3, "fewer missed churners", "bob")
    expected = _batch_outputs(env, path, tmp_path)
    cut = np.where(expected["proba_Yes"] >= 0.3, "Yes", "No")
    assert (cut == expected["prediction"]).all() and (
        cut != np.where(expected["proba_Yes"] >= 0.5, "Yes", "No")
    ).any()  # the saved threshold matters here
    with serving(env) as url:
        assert call(f"{url}/v1/models") == (200, {"models": [
            {"name": "churn", "production": 1, "staging": [], "traffic": None}]})  # fmt: skip
        status, described = call(f"{url}/v1/models/churn")
        assert status == 200 and described["version"] == 1
        assert {c["name"] for c in described["columns"]} == {"tenure", "plan", "charges", "signup"}
        status, example = call(f"{url}/v1/models/churn/predict", described["example"])
        assert status == 200 and len(example["predictions"]) == 1
        docs = call(f"{url}/openapi.json")[1]  # what /docs shows: each model's row and example
        row = docs["components"]["schemas"]["churn_row"]
        assert row["required"] == ["tenure", "plan", "charges", "signup"]
        assert row["properties"]["signup"]["format"] == "date-time"
        assert "basic, plus, pro" in row["properties"]["plan"]["description"]
        body = docs["paths"]["/v1/models/{ref}/predict"]["post"]["requestBody"]
        shown = body["content"]["application/json"]["examples"]["churn"]["value"]
        assert shown == described["example"]

        status, answer = call(f"{url}/v1/models/churn/predict", {"instances": rows})
        frame = pd.DataFrame(rows)
        split = {"columns": list(frame.columns), "data": frame.to_numpy().tolist()}
        status_split, answer_split = call(f"{url}/v1/models/churn@1/predict",
                                          {"dataframe_split": split})  # fmt: skip
    assert (status, status_split) == (200, 200)
    assert (answer["model"], answer["version"], answer["variant"]) == ("churn", 1, "v1")
    assert answer["threshold"] == 0.3
    assert len(answer["request_id"]) == 32
    for document in (answer, answer_split):
        assert document["predictions"] == expected["prediction"].astype(str).tolist()
        for label in ("No", "Yes"):
            served = [p[label] for p in document["probabilities"]]
            np.testing.assert_allclose(served, expected[f"proba_{label}"], rtol=1e-9)


BAD_BODIES = [
    (b"", 422, "has no body", None),
    (b"{not json", 422, "is not JSON", None),
    (b'{"rows": []}', 422, "neither 'instances' nor 'dataframe_split'", None),
    (b'{"instances": []}', 422, "non-empty list", None),
    (b'{"instances": [1]}', 422, "Row 0 of 'instances' is not an object", None),
    (b'{"dataframe_split": {"columns": ["a"], "data": [[1, 2]]}}', 422, "one value per column",
     None),
    (b'{"instances": [{"tenure": 3}]}', 422, "lacks 3 column(s) the model needs", "plan"),
    (b'{"instances": [{"tenure": "soon", "plan": "pro", "charges": 1, "signup": "2024-01-01"}]}',
     422, "Column 'tenure' should hold numbers", "tenure"),
    (b'{"instances": [{"tenure": 3, "plan": "pro", "charges": 1, "signup": "someday"}]}',
     422, "Column 'signup' should hold dates", "signup"),
    (b'{"instances": [{"x": "' + b"y" * 70_000 + b'"}]}', 413, "over the 0.05 MB limit", None),
]  # fmt: skip


def test_every_bad_request_is_one_sentence_with_its_status(
    shipped: StoreCopy, tmp_path: Path
) -> None:
    env = shipped.env("app") | {"STUDIO_SERVE_MAX_BODY_MB": "0.05"}
    studio = Studio.open(load_settings(env))
    register_candidate(studio, 1, "churn", "app")  # v2: not in production, its file altered
    tampered = studio.artifacts.path_of(get_version(studio, "churn@2").artifact)
    tampered.write_bytes(tampered.read_bytes() + b"\0")
    with serving(env) as url:
        answers = [call(f"{url}/v1/models/churn/predict", body) for body, *_ in BAD_BODIES]
        unknown_model = call(f"{url}/v1/models/fraud/predict", {"instances": [{}]})
        unknown_version = call(f"{url}/v1/models/churn@9/predict", {"instances": [{}]})
        refused = call(f"{url}/v1/models/churn@2/predict", {"instances": [{}]})
        no_route = call(f"{url}/v2/anything")
        still_fine = call(f"{url}/v1/models/churn/predict", {"instances": _rows(tmp_path)[1][:1]})
    for (status, document), (_body, code, words, column) in zip(answers, BAD_BODIES, strict=True):
        assert status == code and words in document["error"], document
        assert document.get("column") == column
        assert "Traceback" not in document["error"] and document["request_id"]
    assert unknown_model[0] == 404 and "There is no model 'fraud'" in unknown_model[1]["error"]
    assert unknown_version[0] == 404
    assert refused[0] == 503 and refused[1]["error"].startswith("Model churn v2 was refused")
    assert no_route[0] == 404 and "/docs" in no_route[1]["error"]
    assert still_fine[0] == 200  # bad requests leave the server serving


def test_serve_refuses_a_user_who_may_not_score(shipped: StoreCopy, tmp_path: Path) -> None:
    roles = tmp_path / "roles.toml"
    roles.write_text('default = ["viewer"]\n', encoding="utf-8")
    env = shipped.env("guest") | {"STUDIO_ROLES_FILE": str(roles)}
    done = run("serve", "--port", "1", env=env)
    assert done.returncode == 2 and done.stderr.startswith("error: ") and "score" in done.stderr


def _settled(results: list[tuple[int, dict]], version: int, last: int = 20) -> bool:
    """The last ``last`` answers all came from ``version`` (every server process swapped)."""
    tail = results[-last:]
    return len(tail) == last and all(d.get("version") == version for _s, d in tail)


@pytest.mark.database
def test_promotion_and_rollback_reach_running_servers_with_no_failed_request(
    backend: str, prepared: Callable[..., StoreCopy], tmp_path: Path
) -> None:
    """Two server processes under steady traffic: promoting v2 and rolling back to v1 reach
    both without a restart, and every request in between is answered 200. On PostgreSQL, the
    team set-up where several processes and machines serve one store."""
    if backend != "postgresql":
        pytest.skip("several servers on one store is the team (PostgreSQL) set-up")
    copy = prepared("shipped_churn", backend)
    studio = Studio.open(copy.settings)
    body = {"instances": _rows(tmp_path)[1][:5]}
    results: list[tuple[int, dict]] = []
    stop = threading.Event()
    with serving(
        copy.env("app") | {"STUDIO_SERVE_REFRESH_SECONDS": "0.5"}, "--workers", "2"
    ) as url:

        def client() -> None:
            while not stop.is_set():
                results.append(call(f"{url}/v1/models/churn/predict", body))

        clients = [threading.Thread(target=client) for _ in range(2)]
        for thread in clients:
            thread.start()
        try:
            wait_until(lambda: _settled(results, 1), "traffic on v1")
            register_candidate(studio, 1, "churn", "ana")
            decide(studio, "churn", 2, True, "checked", "bob")
            promote(studio, "churn", 2, "production", "v2 goes live", "bob")
            wait_until(lambda: _settled(results, 2), "every process serving v2")
            promote(studio, "churn", 1, "production", "roll back", "bob")
            wait_until(lambda: _settled(results, 1), "every process back on v1")
        finally:
            stop.set()
            for thread in clients:
                thread.join()
    assert [s for s, _d in results if s != 200] == []
    assert {d["version"] for _s, d in results} == {1, 2}
