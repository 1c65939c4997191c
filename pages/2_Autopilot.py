"""Autopilot: pick data and a target, launch a search, watch it live, read the leaderboard."""

from __future__ import annotations

from studio.ui import setup_page
from studio.ui.autopilot_views import render_autopilot_page

studio = setup_page("Autopilot")
render_autopilot_page(studio)
