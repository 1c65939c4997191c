"""Business view: candidates or a model in money and customers, presentation mode, reports."""

from __future__ import annotations

from studio.ui import setup_page
from studio.ui.business_views import render_business_page

studio = setup_page("Business")
render_business_page(studio)
