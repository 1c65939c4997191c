"""The predict route's lean door: small requests answered on the lean path, in plain ASGI.

FastAPI's request handling (routing, dependency solving, its wrappers) cost about 0.4 ms of CPU
per request here, more than a one-row answer on the lean path itself (0.3 ms). This ASGI
middleware sits in front of the routes and answers ``POST /v1/models/{ref}/predict`` itself
when the body is small (``INLINE_BYTES``), the version has a lean path and no shadow, and the
answer succeeds: the same ``answer_request``, the same live log and the same JSON response as
the route. Anything else, including every failure, is handed to the FastAPI route with the body
replayed, so errors, status codes, OpenAPI docs and shadows stay exactly the route's.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi.responses import JSONResponse

from studio.registry.versions import VersionInfo
from studio.serving.answer import Answer, answer_request, elapsed_ms
from studio.serving.live_log import LiveLog
from studio.serving.payload import parse_body
from studio.serving.served import ServedModels

INLINE_BYTES = 16_384  # a body this small, on a lean path, is answered on the event loop
PREDICT = re.compile(r"^/v1/models/([^/]+)/predict$")
KEY_HEADER = "X-Studio-Key"  # the sticky assignment key of an A/B split
KEY = KEY_HEADER.lower().encode("latin-1")  # as ASGI spells header names
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]


class LeanPredict:
    """ASGI middleware: answers small lean-path predictions, hands everything else on."""

    def __init__(self, app: App, served: ServedModels, live: LiveLog) -> None:
        self.app, self.served, self.live = app, served, live

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        found = PREDICT.match(scope["path"]) if scope["type"] == "http" else None
        if found is None or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        body, complete = await _small_body(scope, receive)
        replay = _replay(body, complete, receive)
        response = self._answer(found.group(1), scope, body, started) if complete else None
        if response is None:
            return await self.app(scope, replay, send)
        return await response(scope, replay, send)

    def _answer(
        self, ref: str, scope: dict[str, Any], body: bytes, started: float
    ) -> JSONResponse | None:
        """The route's response to a small lean-path request, or None to let the route answer
        (no lean path, a shadow to feed, or any failure: the route says what was wrong)."""
        key = next((v.decode("latin-1") for k, v in scope["headers"] if k == KEY), "")
        try:
            primary, shadow = self.served.pick(ref, key or uuid.uuid4().hex)
            if primary.fast is None or shadow is not None:
                return None
            answer = answer_request(primary, parse_body(body))
        except Exception:  # noqa: BLE001 (the route answers it again, with its error handling)
            return None
        return respond(self.live, primary.version, answer, started)


def respond(live: LiveLog, version: VersionInfo, answer: Answer, started: float) -> JSONResponse:
    """Log an answered request (off the response path) and build its response; the route and
    the door both answer through here."""
    live.add(version, answer.ids, answer.sent, answer.output, elapsed_ms(started))
    return JSONResponse(answer.document, headers={"X-Request-ID": answer.request_id})


async def _small_body(scope: dict[str, Any], receive: Receive) -> tuple[bytes, bool]:
    """The body read so far and whether it is all of it; reading stops past ``INLINE_BYTES``
    (or at once when the declared length is over it)."""
    declared = next((v for k, v in scope["headers"] if k == b"content-length"), b"")
    if declared.isdigit() and int(declared) > INLINE_BYTES:
        return b"", False
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away: the route decides
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True
        if size > INLINE_BYTES:
            return b"".join(chunks), False


def _replay(body: bytes, complete: bool, receive: Receive) -> Receive:
    """``receive`` as if nothing had been read: the body read so far comes first."""
    pending = [{"type": "http.request", "body": body, "more_body": not complete}]

    async def replayed() -> dict[str, Any]:
        return pending.pop() if pending else await receive()

    return replayed
