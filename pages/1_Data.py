"""Data: upload files as dataset versions, profile them, preview, export and delete."""

from __future__ import annotations

from studio.ui import setup_page
from studio.ui.data_views import render_data_page

studio = setup_page("Data")
render_data_page(studio)
