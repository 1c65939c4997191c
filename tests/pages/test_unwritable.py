"""Pages on a store whose folders cannot be written: reading works, a write says why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.core.test_unwritable_store import file_in_the_way, restore_logging
from tests.pages.conftest import texts
from tests.pages.test_data import CSV, upload

__all__ = ["restore_logging"]  # the fixture, used here too


def test_data_page_reads_and_an_upload_says_why(
    open_page: Callable[..., AppTest], home_env: Path
) -> None:
    """The Data page opens though the artifact and log folders cannot be created; an upload
    shows the one sentence, never "something went wrong"."""
    home_env.mkdir(parents=True)
    artifacts = file_in_the_way(home_env)
    at = open_page("pages/1_Data.py")
    assert not at.exception and not at.error
    assert any("No datasets yet" in t for t in texts(at.info))
    at = upload(at, "other.csv", CSV.encode())
    assert not at.exception
    errors = texts(at.error)
    assert len(errors) == 1 and errors[0].startswith(f"Studio cannot write to {artifacts} (")
