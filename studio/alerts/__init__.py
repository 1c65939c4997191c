"""Alerts: channels (where they go), rules (what makes one), alerts and their lifecycle, and
delivery with retries. Checks (``studio.monitor.checks``) call ``alert_on_check``."""
