"""The handle every core function takes: settings, the database engine and the artifact store."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from studio.artifacts import ArtifactStore
from studio.config import Settings, load_settings
from studio.db import get_engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Studio:
    """An open Studio: where its rows and files live, and the limits it enforces."""

    settings: Settings
    engine: Engine
    artifacts: ArtifactStore

    @classmethod
    def open(cls, settings: Settings | None = None) -> Studio:
        """Open (and on first use create) the store named by ``settings`` or the environment.

        An artifact folder that cannot be created is no reason to refuse reading: the first
        write there raises ``NotWritableError`` saying why.
        """
        settings = settings or load_settings()
        try:
            settings.artifacts_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("cannot create the artifact folder %s: %s", settings.artifacts_dir, exc)
        return cls(
            settings, get_engine(settings.database_url), ArtifactStore(settings.artifacts_dir)
        )
