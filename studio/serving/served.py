"""The model versions a serving process answers with, kept loaded and kept current.

A request names a model by reference (``churn``, ``churn@staging``, ``churn@3``). The first
request for a reference resolves it in the store and loads the version through the checksum +
skops allow-list path; later requests use the loaded model without touching the store. A
background thread re-resolves every reference in use every ``STUDIO_SERVE_REFRESH_SECONDS``
(default 2 s): when a promotion or a rollback makes a reference name another version, that
version is loaded and verified off the request path, then swapped in with one assignment, so
no request waits for a load or fails during the swap (the hot swap of SageMaker's endpoint
updates and KServe's canaries). A newly named version whose file is refused keeps the old
version serving and is logged; the refusal reaches clients only when nothing was loaded yet.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from studio.context import Studio
from studio.errors import NotFoundError, RefusedModelError, StudioError
from studio.modelio import load_version_model
from studio.monitor.service import reference_frame
from studio.registry.traffic import Traffic, choose_version, get_traffic
from studio.registry.versions import VersionInfo, get_version, parse_ref
from studio.serving.fast import FastPath, build_fast_path
from studio.serving.lean import run_serially

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Served:
    """A loaded version: what the registry says of it, the model itself, and its lean path
    for small requests (None when the full pipeline answers them all)."""

    version: VersionInfo
    model: Any
    fast: FastPath | None = None


class ServedModels:
    """References → loaded versions for one serving process (thread-safe)."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio
        self._lock = threading.Lock()
        self._routes: dict[str, Served] = {}
        self._loaded: dict[int, tuple[Any, FastPath | None]] = {}
        self._traffic: dict[str, Traffic | None] = {}
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def get(self, ref: str) -> Served:
        """The version ``ref`` names now. Raises ``NotFoundError`` (no such model, version or
        stage) and ``RefusedModelError`` (its file fails the checksum or the allow-list)."""
        served = self._routes.get(ref)
        if served is None:
            served = self._resolve(ref)
            with self._lock:
                self._routes[ref] = served
        return served

    def pick(self, ref: str, key: str) -> tuple[Served, Served | None]:
        """The version answering a request for ``ref`` with assignment key ``key``, and the
        shadow version that also scores it (or None). A bare model name follows the model's
        traffic split (sticky by ``key``) and shadow; ``NAME@...`` names one version."""
        name, which = parse_ref(ref)
        if which is not None:
            return self.get(ref), None
        if name not in self._traffic:
            self._traffic[name] = get_traffic(self._studio, name)
        traffic = self._traffic[name]
        if traffic is None:
            return self.get(ref), None
        primary = self.get(f"{name}@{choose_version(traffic, key)}") if traffic.split else None
        shadow = None
        if traffic.shadow is not None:
            try:
                shadow = self.get(f"{name}@{traffic.shadow}")
            except (NotFoundError, RefusedModelError) as exc:  # a shadow never fails a request
                log.error("serving %s: the shadow v%s is not loaded: %s", name,
                          traffic.shadow, exc)  # fmt: skip
        return primary or self.get(ref), shadow

    def _resolve(self, ref: str) -> Served:
        version = get_version(self._studio, ref)
        loaded = self._loaded.get(version.id)
        if loaded is None:
            model = run_serially(load_version_model(self._studio.artifacts, version))
            loaded = (model, self._fast_path(version, model))
            with self._lock:
                self._loaded[version.id] = loaded
        return Served(version, *loaded)

    def _fast_path(self, version: VersionInfo, model: Any) -> FastPath | None:
        """The version's lean path, checked on its reference rows (None if it fails)."""
        try:
            reference = reference_frame(self._studio, version)
        except (StudioError, OSError) as exc:
            log.warning("serving %s: no reference rows to check the lean path (%s); the full "
                        "pipeline answers", version.ref, exc)  # fmt: skip
            return None
        return build_fast_path(version, model, reference)

    def refresh(self) -> None:
        """Re-resolve every reference in use; swap in the versions they name now. A reference
        that names nothing any more (its stage emptied, its model deleted) is dropped, so its
        next request answers 404."""
        for ref in list(self._routes):
            try:
                fresh = self._resolve(ref)
            except NotFoundError:
                with self._lock:
                    self._routes.pop(ref, None)
                continue
            except RefusedModelError as exc:
                log.error("serving %s: kept the loaded version; the new one was refused: %s",
                          ref, exc)  # fmt: skip
                continue
            with self._lock:
                self._routes[ref] = fresh
        for name in list(self._traffic):
            self._traffic[name] = get_traffic(self._studio, name)
        with self._lock:
            used = {served.version.id for served in self._routes.values()}
            self._loaded = {key: m for key, m in self._loaded.items() if key in used}

    def start(self, every: float) -> None:
        """Refresh every ``every`` seconds in a daemon thread until :meth:`stop`."""
        self._thread = threading.Thread(target=self._loop, args=(every,), daemon=True,
                                        name="studio-serve-refresh")  # fmt: skip
        self._thread.start()

    def _loop(self, every: float) -> None:
        while not self._stopping.wait(every):
            try:
                self.refresh()
            except Exception:  # the store may be unreachable for a while: keep serving
                log.exception("serving: the refresh from the store failed; retrying")

    def stop(self) -> None:
        """End the refresh thread."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
