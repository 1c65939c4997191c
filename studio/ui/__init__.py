"""The only Streamlit-aware part of Studio: page set-up, the error boundary, shared widgets."""

from __future__ import annotations

from studio.ui.shell import error_boundary, setup_page

__all__ = ["error_boundary", "setup_page"]
