"""``studio serve``: registered models behind a real-time prediction endpoint."""
