"""Standalone reports that open without a network (``studio.reports.html``)."""
