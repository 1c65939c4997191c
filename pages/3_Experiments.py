"""Experiments: browse, search and compare runs and their candidates."""

from __future__ import annotations

from studio.ui import setup_page
from studio.ui.experiments_views import render_experiments_page

studio = setup_page("Experiments")
render_experiments_page(studio)
