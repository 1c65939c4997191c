"""A real ``studio serve`` process for tests, and a small JSON client for it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from tests.cli import ROOT
from tests.waits import HANG_GUARD_SECONDS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(url: str, body: bytes | dict | None = None, method: str | None = None,
         timeout: float = 60) -> tuple[int, dict[str, Any]]:  # fmt: skip
    """``(status, JSON document)`` of one request; ``body`` a dict is sent as JSON."""
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    verb = method or ("GET" if data is None else "POST")
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=verb, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@contextmanager
def serving(env: dict[str, str], *extra: str) -> Iterator[str]:
    """``studio serve`` on a free port of 127.0.0.1 under ``env``; yields its base URL once
    ``/v1/health`` answers, and stops it (SIGTERM) afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "studio.cli", "serve", "--port", str(port), *extra]
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (a pipe nobody read could block it)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=HANG_GUARD_SECONDS)
        log.close()


def _wait_healthy(url: str, server: subprocess.Popen, log: IO[str]) -> None:
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"studio serve exited {server.returncode}: {log.read()}")
        try:
            if call(f"{url}/v1/health", timeout=2) == (200, {"status": "ok"}):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("studio serve did not answer /v1/health")
