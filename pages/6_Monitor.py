"""Monitor: drift of new data against a model version's training baseline, over time."""

from __future__ import annotations

from studio.ui import setup_page
from studio.ui.monitor_views import render_monitor_page

studio = setup_page("Monitor")
render_monitor_page(studio)
