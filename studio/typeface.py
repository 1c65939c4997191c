"""The Chinese font Studio bundles, so Chinese text renders on machines without a CJK font.

``FONT_FILE`` is Noto Sans CJK SC Regular 2.004 (SIL Open Font License 1.1, licence text in
``studio/static/OFL.txt``) cut down to 4,804 characters: ASCII, Latin-1, punctuation,
full-width forms and GB2312's 3,755 common hanzi (``scripts/build_cjk_font.py`` rebuilds it).
The app serves it as a Streamlit theme font face (``.streamlit/config.toml``, ``static/``); the
offline reports embed a subset of it (``studio.reports.fonts``). The app's and the reports'
stacks name ``FAMILY`` first, but its font face covers CJK characters only, so Latin text
still comes from the fonts after it and looks as before (named after them, Chromium was seen
to leave some Chinese as boxes); Plotly's stack names it after Plotly's own fonts.
"""

from __future__ import annotations

from pathlib import Path

# A name of our own: no installed font has it, so a stack naming it never picks up a local
# Noto Sans SC (with Latin glyphs) where no @font-face defines it (a report without Chinese).
FAMILY = "Studio Noto Sans SC"
FONT_FILE = Path(__file__).resolve().parent / "static" / "NotoSansSC-Regular-common.woff2"
LICENSE_FILE = FONT_FILE.parent / "OFL.txt"
# Plotly's own default stack with the bundled font before the generic family.
CHART_FONT_FAMILY = f'"Open Sans", verdana, arial, "{FAMILY}", sans-serif'
