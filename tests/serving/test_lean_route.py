"""The predict route's lean door (plain ASGI in front of FastAPI) answers exactly as the FastAPI
route does: the same status, document and headers for good rows, awkward rows and every error,
which it hands to the route with the body replayed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from studio.context import Studio
from studio.serving.app import create_app
from studio.serving.lean_route import INLINE_BYTES
from tests.autopilot.conftest import churn_like
from tests.stores import StoreCopy


def _request(path: str, body: bytes, headers: dict[str, str] | None = None) -> dict[str, Any]:
    raw = [(b"host", b"test"), (b"content-type", b"application/json"),
           (b"content-length", str(len(body)).encode())]  # fmt: skip
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
            "root_path": "", "headers": raw, "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 2)}  # fmt: skip


async def _call(app: Any, scope: dict[str, Any], body: bytes) -> tuple[int, dict, dict]:
    """(status, JSON document, headers) of one request, the body sent in 1 KB chunks."""
    chunks = [body[i : i + 1024] for i in range(0, len(body), 1024)] or [b""]
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
                for i, c in enumerate(chunks)]  # fmt: skip
    sent: list[dict] = []

    async def receive() -> dict:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    body_out = b"".join(m.get("body", b"") for m in sent[1:])
    return sent[0]["status"], json.loads(body_out), headers


def _cases() -> list[tuple[str, bytes, dict[str, str]]]:
    rows = json.loads(
        churn_like(60, seed=8).drop(columns=["churn"]).to_json(orient="records", date_format="iso")
    )
    path = "/v1/models/churn/predict"
    one = {"instances": rows[:1]}
    many = {"instances": rows * 8}  # over INLINE_BYTES: the route reads and answers it
    assert len(json.dumps(many)) > INLINE_BYTES
    return [
        (path, json.dumps(one).encode(), {}),
        (path, json.dumps({"instances": rows[:3]}).encode(), {"X-Studio-Key": "customer-7"}),
        (path, json.dumps({"instances": [{**rows[0], "plan": "platinum"}]}).encode(), {}),
        (path, json.dumps({"instances": [{**rows[0], "tenure": "12"}]}).encode(), {}),
        (path, json.dumps({"instances": [{"tenure": 3}]}).encode(), {}),  # columns missing
        (path, json.dumps({"instances": [{**rows[0], "tenure": "long"}]}).encode(), {}),
        (path, b'{"instances": [', {}),
        (path, json.dumps({"instances": []}).encode(), {}),
        ("/v1/models/nobody/predict", json.dumps(one).encode(), {}),
        ("/v1/models/churn@9/predict", json.dumps(one).encode(), {}),
        (path, json.dumps(many).encode(), {}),
    ]


def _run(coroutine: Any) -> Any:
    """``asyncio.run`` on a thread of its own (a browser test's Playwright may already run an
    event loop in this thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_the_lean_door_answers_as_the_route_does(prepared: Callable[..., StoreCopy]) -> None:
    studio = Studio.open(prepared("shipped_churn").settings)
    with_door, route_only = create_app(studio), create_app(studio)
    route_only.user_middleware.clear()  # the same application without the lean door
    cases = _cases()

    async def answers(app: Any) -> list[tuple[int, dict, dict]]:
        async with app.router.lifespan_context(app):
            return [await _call(app, _request(path, body, headers), body)
                    for path, body, headers in cases]  # fmt: skip

    door, route = _run(answers(with_door)), _run(answers(route_only))
    for (path, body, _), got, expected in zip(cases, door, route, strict=True):
        (status, document, sent), (route_status, route_document, route_sent) = got, expected
        assert status == route_status, (path, body[:80])
        assert sent["x-request-id"] == document.pop("request_id")
        assert route_sent["x-request-id"] == route_document.pop("request_id")
        assert document == route_document, (path, body[:80])
        assert sent["content-type"] == route_sent["content-type"] == "application/json"


def test_a_one_row_request_never_reaches_fastapi(prepared: Callable[..., StoreCopy]) -> None:
    """With the FastAPI predict route taken away, one good row is still answered (by the door)
    and a bad one is not (the door hands it on, and nothing is there to answer it)."""
    studio = Studio.open(prepared("shipped_churn").settings)
    app = create_app(studio)
    app.router.routes = [r for r in app.router.routes if "predict" not in getattr(r, "path", "")]
    path, good, _ = _cases()[0]
    bad = _cases()[4][1]

    async def run() -> tuple[int, int]:
        async with app.router.lifespan_context(app):
            answered = await _call(app, _request(path, good), good)
            refused = await _call(app, _request(path, bad), bad)
            return answered[0], refused[0]

    assert _run(run()) == (200, 404)
