"""Monitor fixtures: a registered model on a copy of the prepared linear run."""

from __future__ import annotations

import pytest

from studio.context import Studio
from studio.registry.register import register_candidate


@pytest.fixture
def registered(finished_run: tuple[Studio, int]) -> Studio:
    """Model 'm' v1 registered from the prepared run, on its training rows (the candidate's
    own file)."""
    studio, run_id = finished_run
    register_candidate(studio, run_id, "m", "ana", refit_all_rows=False)
    return studio
