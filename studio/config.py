"""Settings read from the environment, with the documented defaults."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_COLUMNS = 2_000
DEFAULT_MAX_UPLOAD_MB = 2_048
DEFAULT_WORKER_STALE_SECONDS = 20.0
DEFAULT_SERVE_MAX_BODY_MB = 20
DEFAULT_SERVE_REFRESH_SECONDS = 2.0
DEFAULT_SERVE_LOG_SECONDS = 60.0
DEFAULT_SERVE_LOG_ROWS_PER_SECOND = 200.0


@dataclass(frozen=True)
class Settings:
    """Where Studio keeps its store and artifacts, and the limits it enforces.

    - ``STUDIO_HOME`` (default ``./.studio``): holds ``studio.db`` and ``artifacts/``.
    - ``STUDIO_DATABASE_URL``: overrides the SQLite file, e.g. ``postgresql+psycopg://...``.
    - ``STUDIO_ARTIFACTS``: overrides the artifact folder.
    - ``STUDIO_MAX_COLUMNS`` (default 2,000) and ``STUDIO_MAX_UPLOAD_MB`` (default 2,048).
    - ``STUDIO_USER``: the acting user name (default: the operating-system user).
    - ``STUDIO_ROLES_FILE`` (default ``$STUDIO_HOME/roles.toml``): who has which role; without
      the file every user has every role.
    - ``STUDIO_TRUSTED_USER_HEADER``: the request header a trusted proxy sets to the signed-in
      user (for example ``X-Forwarded-User``); used when Streamlit's own login is not set up,
      and only on requests that carry the proxy's secret (``studio.identity``).
    - ``STUDIO_TRUSTED_PROXY_SECRET``: the secret the proxy sends in ``X-Studio-Proxy-Secret``
      to prove it set the user header; without it the user header is never trusted.
    - ``STUDIO_WORKER_STALE_SECONDS`` (default 20): a worker whose last heartbeat is older is
      dead; any live worker then fails its run (resumable). Workers beat every tenth of it, at
      most every 2 s.
    - ``STUDIO_TRIALS_AT_ONCE`` (default 0: one per core for tables under 20,000 training
      rows, one using every core above): how many autopilot trials a worker runs at once.
    - ``STUDIO_SERVE_MAX_BODY_MB`` (default 20): the largest request body ``studio serve``
      reads; a larger one is answered 413.
    - ``STUDIO_SERVE_REFRESH_SECONDS`` (default 2): how often a serving process checks the
      store for promotions and rollbacks (a new version is loaded and verified, then swapped in).
    - ``STUDIO_SERVE_LOG_SECONDS`` (default 60) and ``STUDIO_SERVE_LOG_RATE`` (default 1: every
      request): how often the endpoint writes the requests it answered as logged batches for
      Monitor, and which share of requests it logs.
    - ``STUDIO_SERVE_LOG_ROWS_PER_SECOND`` (default 200; 0: no limit): above this rate of rows
      the endpoint logs a random sample of requests that keeps about this many rows a second.
    - ``STUDIO_SERVE_URL`` (default ``http://127.0.0.1:8000``): the endpoint's address as
      applications reach it, shown on the Models page with a ready-to-copy request.
    """

    home: Path
    database_url: str
    artifacts_dir: Path
    max_columns: int = DEFAULT_MAX_COLUMNS
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    user: str = "local"
    roles_file: Path | None = None
    trusted_user_header: str = ""
    trusted_proxy_secret: str = field(default="", repr=False)
    worker_stale_seconds: float = DEFAULT_WORKER_STALE_SECONDS
    trials_at_once: int = 0
    serve_max_body_bytes: int = DEFAULT_SERVE_MAX_BODY_MB * 1024 * 1024
    serve_refresh_seconds: float = DEFAULT_SERVE_REFRESH_SECONDS
    serve_log_seconds: float = DEFAULT_SERVE_LOG_SECONDS
    serve_log_rate: float = 1.0
    serve_log_rows_per_second: float = DEFAULT_SERVE_LOG_ROWS_PER_SECOND
    serve_url: str = "http://127.0.0.1:8000"

    @property
    def is_sqlite(self) -> bool:
        """True when the store is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "local"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from ``env`` (default: ``os.environ``)."""
    env = dict(os.environ if env is None else env)
    home = Path(env.get("STUDIO_HOME") or ".studio").expanduser().resolve()
    url = env.get("STUDIO_DATABASE_URL") or f"sqlite:///{home / 'studio.db'}"
    artifacts = Path(env.get("STUDIO_ARTIFACTS") or home / "artifacts").expanduser().resolve()
    return Settings(
        home=home,
        database_url=url,
        artifacts_dir=artifacts,
        max_columns=int(env.get("STUDIO_MAX_COLUMNS") or DEFAULT_MAX_COLUMNS),
        max_upload_bytes=int(env.get("STUDIO_MAX_UPLOAD_MB") or DEFAULT_MAX_UPLOAD_MB)
        * 1024
        * 1024,
        user=env.get("STUDIO_USER") or _local_user(),
        roles_file=Path(env.get("STUDIO_ROLES_FILE") or home / "roles.toml").expanduser(),
        trusted_user_header=env.get("STUDIO_TRUSTED_USER_HEADER", "").strip(),
        trusted_proxy_secret=env.get("STUDIO_TRUSTED_PROXY_SECRET", ""),
        worker_stale_seconds=float(
            env.get("STUDIO_WORKER_STALE_SECONDS") or DEFAULT_WORKER_STALE_SECONDS
        ),
        trials_at_once=max(0, int(env.get("STUDIO_TRIALS_AT_ONCE") or 0)),
        serve_max_body_bytes=int(
            float(env.get("STUDIO_SERVE_MAX_BODY_MB") or DEFAULT_SERVE_MAX_BODY_MB) * 1024 * 1024
        ),
        serve_refresh_seconds=float(
            env.get("STUDIO_SERVE_REFRESH_SECONDS") or DEFAULT_SERVE_REFRESH_SECONDS
        ),
        serve_log_seconds=float(env.get("STUDIO_SERVE_LOG_SECONDS") or DEFAULT_SERVE_LOG_SECONDS),
        serve_log_rate=min(1.0, max(0.0, float(env.get("STUDIO_SERVE_LOG_RATE") or 1.0))),
        serve_log_rows_per_second=float(
            env.get("STUDIO_SERVE_LOG_ROWS_PER_SECOND") or DEFAULT_SERVE_LOG_ROWS_PER_SECOND
        ),
        serve_url=(env.get("STUDIO_SERVE_URL") or "http://127.0.0.1:8000").rstrip("/"),
    )
