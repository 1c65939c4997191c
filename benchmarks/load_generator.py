"""A bounded closed-loop HTTP load generator that spends little CPU of its own.

On a 2-core machine the client shares the cores with the server it measures, so a client that
burns CPU inflates the latencies it reports. The first generator used threads with
``http.client`` (about 0.2-0.3 ms of Python per request, plus waits for the GIL between eight
threads); this one runs every connection on one event loop (uvloop when installed), sends
pre-built request bytes and reads a response by its ``Content-Length`` only, as ``wrk`` does
(the field's standard HTTP load tool, which is not installed here). Each of ``concurrency``
keep-alive connections sends its next request when the previous answer has arrived, until it
has sent its share of ``requests`` or the time limit passes.

Latency is measured from writing a request to reading the last byte of its response.
"""

from __future__ import annotations

import asyncio
import re
import time

import numpy as np

try:  # libuv's event loop: the same one the server runs on when installed
    import uvloop
except ImportError:  # pragma: no cover - Windows
    uvloop = None


_LENGTH = re.compile(rb"(?i)\r\ncontent-length:\s*(\d+)")


def request_bytes(path: str, body: bytes, port: int) -> bytes:
    """One HTTP/1.1 POST of a JSON ``body`` to ``path``, keep-alive."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


class _Connection(asyncio.Protocol):
    """One keep-alive connection sending ``count`` requests back to back."""

    def __init__(self, request: bytes, count: int, until: float, out: list, errors: list,
                 done: asyncio.Future) -> None:  # fmt: skip
        self.request, self.left, self.until = request, count, until
        self.out, self.errors, self.done = out, errors, done
        self.buffer = bytearray()
        self.started = 0.0

    def connection_made(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self._send()

    def _send(self) -> None:
        if self.left <= 0 or time.monotonic() > self.until:
            self.transport.close()
            return
        self.left -= 1
        self.started = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buffer[:end])
        found = _LENGTH.search(head)
        length = int(found.group(1)) if found else 0
        if len(self.buffer) < end + 4 + length:
            return
        seconds = time.perf_counter() - self.started
        (self.out if head[9:12] == b"200" else self.errors).append(seconds)
        del self.buffer[: end + 4 + length]
        self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.left > 0 and exc is not None:
            self.errors.append(float("nan"))
        if not self.done.done():
            self.done.set_result(None)


async def _run(port: int, request: bytes, requests: int, concurrency: int,
               limit: float) -> tuple[list[float], list[float], float]:  # fmt: skip
    loop = asyncio.get_running_loop()
    out: list[float] = []
    errors: list[float] = []
    until = time.monotonic() + limit
    share = max(1, requests // concurrency)
    started = time.perf_counter()
    finished = []
    for _ in range(concurrency):
        done = loop.create_future()
        await loop.create_connection(
            lambda d=done: _Connection(request, share, until, out, errors, d), "127.0.0.1", port
        )
        finished.append(done)
    await asyncio.gather(*finished)
    return out, errors, time.perf_counter() - started


def load(port: int, path: str, body: bytes, requests: int, concurrency: int,
         limit: float) -> dict:  # fmt: skip
    """Latencies (ms: p50, p99), errors and throughput (requests/s) of ``requests`` POSTs of
    ``body`` to ``path`` over ``concurrency`` keep-alive connections, ``limit`` seconds at
    most. An answer other than 200 counts as an error."""
    request = request_bytes(path, body, port)
    runner = uvloop.run if uvloop is not None else asyncio.run
    latencies, errors, seconds = runner(_run(port, request, requests, concurrency, limit))
    ms = np.asarray(latencies) * 1000
    return {"requests": len(latencies) + len(errors), "errors": len(errors),
            "p50": float(np.percentile(ms, 50)) if len(ms) else float("nan"),
            "p99": float(np.percentile(ms, 99)) if len(ms) else float("nan"),
            "per_second": len(latencies) / seconds}  # fmt: skip
