"""Stored words (run statuses) as the command line's sentences say them in the caller's
language. Tables and JSON keep the stored words: people type them in flags (``--status``)."""

from __future__ import annotations

from studio.i18n import N_, _

# The same msgids as the Business page's run statuses (studio/business/service.py), so one
# translation serves both; that module is not imported here, building the parser stays light.
RUN_STATUS = {
    "queued": N_("queued"), "running": N_("running"), "stopping": N_("stopping"),
    "finalizing": N_("finalizing"), "finished": N_("finished"), "stopped": N_("stopped"),
    "failed": N_("failed"),
}  # fmt: skip


def status_name(status: str) -> str:
    """A run status in the current language (an unknown one as stored)."""
    return _(RUN_STATUS[status]) if status in RUN_STATUS else status
