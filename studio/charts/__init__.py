"""Figure builders (pure: plain data in, ``go.Figure`` out), and the Plotly template they share.

Importing the package registers the template ``"studio"``, which only sets the font stack
(``studio.typeface.CHART_FONT_FAMILY``: Plotly's default fonts, then the bundled Chinese font),
and makes ``"plotly+studio"`` Plotly's default, so every figure built after it draws Chinese
axis titles, ticks and legends with glyphs, not boxes, in the offline reports too. Builders
that want the white look use ``WHITE`` instead of ``"plotly_white"`` to keep the font. In the
app, Streamlit's chart theme sets the app's own font stack, which names the same font.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from studio.typeface import CHART_FONT_FAMILY

TEMPLATE = "studio"
WHITE = f"plotly_white+{TEMPLATE}"

pio.templates[TEMPLATE] = go.layout.Template(layout={"font": {"family": CHART_FONT_FAMILY}})
pio.templates.default = f"plotly+{TEMPLATE}"
