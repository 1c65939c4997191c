"""The store: engines, the session scope and the SQLModel tables."""

from __future__ import annotations

from studio.db.engine import create_studio_engine, dispose_engine, get_engine, session_scope

__all__ = ["create_studio_engine", "dispose_engine", "get_engine", "session_scope"]
