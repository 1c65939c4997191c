"""Predict: score a file with a registered model."""

from __future__ import annotations

from studio.ui import setup_page
from studio.ui.predict_views import render_predict_page

studio = setup_page("Predict")
render_predict_page(studio)
