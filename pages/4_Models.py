"""Models: the registry (versions, approvals, stages, model cards)."""

from __future__ import annotations

from studio.ui import setup_page
from studio.ui.models_views import render_models_page

studio = setup_page("Models")
render_models_page(studio)
