"""The prediction endpoint: a FastAPI application served by uvicorn (``studio serve``).

Routes (JSON; OpenAPI docs at ``/docs``):

- ``GET /v1/health`` → ``{"status": "ok"}``.
- ``GET /v1/models`` → ``{"models": [{"name", "production", "staging", "traffic"}]}``.
- ``GET /v1/models/{ref}`` → the version ``ref`` names, its input columns and an example body.
- ``POST /v1/models/{ref}/predict`` with ``{"instances": [...]}`` or ``{"dataframe_split":
  ...}`` → ``{"model", "version", "variant", "request_id", "predictions", "probabilities"}``
  (probabilities for classifiers, one ``{class: p}`` per row), the same outputs as ``studio
  predict`` on the same rows (one schema check and one output builder serve both). A bare
  model name follows the model's traffic split (``studio.registry.traffic``), sticky by the
  ``X-Studio-Key`` header, and its shadow version scores the same rows after the response.
  Answered rows (and the shadow's) are logged for Monitor off the response path
  (``studio.serving.live_log``); a row's id there is the request id (``-i`` for row i of a
  request of several rows). A small request on a version's lean path is answered in front of
  FastAPI by ``studio.serving.lean_route`` (the same answer, log and response, without its
  per-request overhead); anything else, every error included, is answered by the route.

Errors are ``{"error": "<one sentence>", "request_id": ...}`` (plus ``"column"`` when one input
column is at fault): 422 bad body or rows, 404 unknown model, version or route, 413 a body over
``STUDIO_SERVE_MAX_BODY_MB``, 503 a version whose file fails its checksum or the allow-list,
403 a refused role, 500 an unexpected failure (logged with its traceback and a reference).
The serving identity is ``STUDIO_USER``; it needs the ``score`` permission (checked at start).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import BackgroundTasks, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from threadpoolctl import threadpool_limits

from studio.access import require
from studio.config import load_settings
from studio.context import Studio
from studio.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    RefusedModelError,
    StudioError,
    UserError,
)
from studio.logs import configure_logging, log_failure
from studio.registry.traffic import get_traffic
from studio.registry.versions import get_version, list_models
from studio.serving.answer import answer_request, elapsed_ms, score_rows
from studio.serving.examples import describe, openapi_models
from studio.serving.lean_route import INLINE_BYTES, KEY_HEADER, LeanPredict, respond
from studio.serving.live_log import LiveLog
from studio.serving.payload import SHAPE, parse_body
from studio.serving.served import Served, ServedModels

log = logging.getLogger(__name__)
DOCS = (
    "Predictions from Studio's registered models. Pick a model's example in the request body "
    "of `POST /v1/models/{ref}/predict`; each model's input row is described under Schemas "
    "(`<model>_row`). `GET /v1/models/{ref}` gives the same for one version."
)
STATUS = (  # the first class an error is an instance of decides its status
    (RefusedModelError, 503), (NotFoundError, 404), (InvalidInputError, 422),
    (PermissionDeniedError, 403), (ConflictError, 409), (UserError, 400),
)  # fmt: skip


class BodyTooLargeError(UserError):
    """A request body over the configured limit (413)."""


def create_app(studio: Studio | None = None) -> FastAPI:
    """The endpoint's application for ``studio`` (default: the store the environment names).
    Raises ``PermissionDeniedError`` when the serving identity may not score."""
    studio = studio or Studio.open(load_settings())
    configure_logging(studio.settings.home)
    one_openmp_thread()
    require(studio.settings, studio.settings.user, "score")
    served = ServedModels(studio)
    settings = studio.settings
    live = LiveLog(studio, settings.serve_log_seconds, settings.serve_log_rate,
                   settings.serve_log_rows_per_second)  # fmt: skip

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        one_openmp_thread()  # the event loop's thread answers small requests itself
        served.start(settings.serve_refresh_seconds)
        live.start()
        yield
        served.stop()
        live.stop()

    app = FastAPI(title="Studio prediction endpoint", version="1", lifespan=lifespan)
    _routes(app, studio, served, live)
    app.openapi = lambda: _openapi(app, studio)  # type: ignore[method-assign]
    _error_handlers(app)
    app.add_middleware(LeanPredict, served=served, live=live)  # small lean answers, no FastAPI
    return app


def _routes(app: FastAPI, studio: Studio, served: ServedModels, live: LiveLog) -> None:
    @app.get("/v1/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        listed = []
        for m in list_models(studio):
            traffic = get_traffic(studio, m.name)
            listed.append({
                "name": m.name, "production": m.production, "staging": list(m.staging),
                "traffic": None if traffic is None else {
                    "split": traffic.to_json()["split"], "shadow": traffic.shadow},
            })  # fmt: skip
        return {"models": listed}

    @app.get("/v1/models/{ref}")
    def model(ref: str) -> dict[str, Any]:
        return describe(served.get(ref).version)

    @app.post(
        "/v1/models/{ref}/predict",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"type": "object"},
                        "example": {"instances": [{"column": "value"}]},
                    }
                },
            }
        },  # fmt: skip
    )
    async def predict(ref: str, request: Request, background: BackgroundTasks) -> JSONResponse:
        started = time.perf_counter()
        body = await _read_body(request, studio.settings.serve_max_body_bytes)
        key = request.headers.get(KEY_HEADER) or uuid.uuid4().hex
        primary, shadow = served.pick(ref, key)
        try:
            document = parse_body(body)
            if primary.fast is not None and len(body) <= INLINE_BYTES:
                answer = answer_request(primary, document)  # a fraction of a millisecond: no hop
            else:
                answer = await _in_pool(answer_request, primary, document)
        except Exception as exc:
            live.fail(primary.version, status_of(exc))
            raise
        if shadow is not None:
            background.add_task(_in_pool, _shadow, shadow, document, answer.ids, live)
        return respond(live, primary.version, answer, started)


def _openapi(app: FastAPI, studio: Studio) -> dict[str, Any]:
    """The OpenAPI document, rebuilt per call so that every registered model's input schema
    and example body appear at ``/docs`` as soon as it is registered (``/openapi.json``)."""
    document = get_openapi(title=app.title, version=app.version, routes=app.routes,
                           description=DOCS)  # fmt: skip
    versions = []
    for model in list_models(studio):
        try:
            versions.append(get_version(studio, model.name))
        except NotFoundError:  # no production version yet: nothing a bare name answers
            continue
    examples, schemas = openapi_models(versions)
    document.setdefault("components", {}).setdefault("schemas", {}).update(schemas)
    body = document["paths"]["/v1/models/{ref}/predict"]["post"]["requestBody"]
    content = body["content"]["application/json"]
    content.pop("example", None)
    content["examples"] = examples or {"model": {"value": {"instances": [{"column": "value"}]}}}
    return document


def one_openmp_thread() -> None:
    """Limit OpenMP to one thread in the calling thread (the limit is per thread).

    Requests run side by side, and a team of OpenMP threads per small request spins against
    the others (measured here: one row through a histogram gradient boosting model took 125 ms
    with the default threads on a busy machine, 2.8 ms with one; at 8 concurrent clients the
    endpoint's throughput halved while the pool's threads still had the default)."""
    threadpool_limits(limits=1, user_api="openmp")


PREDICTIONS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="studio-predict",
                                 initializer=one_openmp_thread)  # fmt: skip


async def _in_pool(func: Callable[..., Any], *args: Any) -> Any:
    """``func(*args)`` on the prediction threads (one OpenMP thread each)."""
    return await asyncio.get_running_loop().run_in_executor(PREDICTIONS, func, *args)


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError(_too_large(limit))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(_too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> str:
    return (
        f"The request body is over the {limit / 1024 / 1024:.3g} MB limit; send fewer rows per "
        "request (or raise STUDIO_SERVE_MAX_BODY_MB on the server)."
    )


def _shadow(shadow: Served, document: Any, ids: list[str], live: LiveLog) -> None:
    """Score a request's rows with the shadow version and log its answers under the same row
    ids (after the response was sent; a failure is logged, never seen by the caller)."""
    started = time.perf_counter()
    try:
        output, _notices, sent = score_rows(shadow, document)
    except Exception as exc:
        log.exception("serving: the shadow %s failed on a request", shadow.version.ref)
        live.fail(shadow.version, status_of(exc), source="shadow")
        return
    live.add(shadow.version, ids, sent, output, elapsed_ms(started), source="shadow")


def status_of(exc: BaseException) -> int:
    """The HTTP status the endpoint answers ``exc`` with (500 for anything not the user's)."""
    if isinstance(exc, BodyTooLargeError):
        return 413
    if isinstance(exc, StudioError):
        return next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
    return 500


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    request_id = uuid.uuid4().hex
    content = {"error": message, "request_id": request_id} | extra
    return JSONResponse(content, status_code=status, headers={"X-Request-ID": request_id})


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StudioError)
    async def studio_error(_request: Request, exc: StudioError) -> JSONResponse:
        status = status_of(exc)
        if status == 500:  # a StudioError that is not the user's: an internal failure
            return _internal(exc)
        column = getattr(exc, "column", None)
        return _error(status, str(exc), **({"column": column} if column else {}))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return _error(404, f"There is no endpoint {request.url.path}; see /docs.")
        if exc.status_code == 405:
            return _error(405, f"{request.method} is not allowed on {request.url.path}.")
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, f"The request is not what the endpoint expects; send {SHAPE}.")

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        return _internal(exc)


def _internal(exc: BaseException) -> JSONResponse:
    ref = log_failure(exc, "studio serve")
    return _error(500, f"Internal failure (ref {ref}); see the Studio log on the server.")
