"""Studio: a local-first MLOps studio for tabular data.

The core never imports Streamlit; only ``studio.ui`` may.
"""

from __future__ import annotations

__version__ = "0.1.0"
