"""A promotion under load, for ``benchmarks/serving.py``: 8 clients send one-row requests to
a running ``studio serve`` while version 2 is promoted to production; counts the failed
requests and the seconds until the server answered with version 2 (targets: none failed,
within 5 s). The run is bounded by requests (until 1,000 answers after the swap) and by a time
limit, never by how much fits in a window."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable

AFTER_SWAP = 1000  # answers to collect once version 2 has answered
CLIENTS = 8


def _client(port: int, path: str, body: bytes, until: float, seen: list,
            done: threading.Event) -> None:  # fmt: skip
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    while not done.is_set() and time.monotonic() < until:
        try:
            connection.request("POST", path, body, headers)
            response = connection.getresponse()
            document = json.loads(response.read())
            seen.append((time.monotonic(), response.status, document.get("version")))
        except (OSError, http.client.HTTPException, ValueError):
            seen.append((time.monotonic(), 0, None))
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.close()


def promotion_under_load(port: int, path: str, body: bytes, promote: Callable[[], None],
                         limit: float = 60.0) -> dict:  # fmt: skip
    """Requests sent, failed ones, and seconds from ``promote()`` to the first answer by
    version 2 (None if it never came within ``limit``)."""
    seen: list[tuple[float, int, int | None]] = []
    done = threading.Event()
    until = time.monotonic() + limit
    threads = [threading.Thread(target=_client, args=(port, path, body, until, seen, done))
               for _ in range(CLIENTS)]  # fmt: skip
    for thread in threads:
        thread.start()
    while len(seen) < 500 and time.monotonic() < until:  # under load before the swap
        time.sleep(0.01)
    promoted = time.monotonic()
    promote()
    first = None
    while time.monotonic() < until:
        answered = [t for t, status, version in list(seen) if version == 2 and t >= promoted]
        if answered:
            first = first or min(answered)
            if len(answered) >= AFTER_SWAP:
                break
        time.sleep(0.01)
    done.set()
    for thread in threads:
        thread.join()
    failed = sum(1 for _, status, _ in seen if status != 200)
    return {"requests": len(seen), "failed": failed,
            "swap_seconds": None if first is None else first - promoted}  # fmt: skip
