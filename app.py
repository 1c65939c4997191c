"""Studio's Home page and entry point: ``streamlit run app.py``."""

from __future__ import annotations

from studio.ui import setup_page
from studio.ui.home_views import render_home

studio = setup_page("Home")
render_home(studio)
