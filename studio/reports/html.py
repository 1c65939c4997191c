"""A report as one standalone HTML file that opens in a browser with no network.

A ``Report`` is frozen data (sections of paragraphs, metric cards, tables, charts and notes);
``render_html`` turns it into one UTF-8 document with inline CSS and JavaScript only. Plotly.js
is embedded once, gzip-compressed and base64-encoded (about 2 MB instead of 4.8 MB), and the page
unpacks it with the browser's ``DecompressionStream`` before drawing each chart from its figure
JSON. A Content-Security-Policy forbids every network fetch, so the file cannot phone home even
when it is opened online.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import gzip
import html
import itertools
import logging
import math
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from studio.errors import InvalidInputError
from studio.escaping import html_text
from studio.reports.fonts import font_face_css
from studio.typeface import CHART_FONT_FAMILY, FAMILY

logger = logging.getLogger(__name__)

MAX_BYTES = 5_000_000
MAX_TABLE_ROWS = 200
CHART_HEIGHT = 420
TONES = ("info", "good", "warning", "bad")


# Blocks: the things a section is made of.
@dataclass(frozen=True)
class Paragraph:
    """Plain text, shown literally (user names and notes may hold ``**`` or ``<``); an
    optional ``lead`` is shown bold before it."""

    text: str
    lead: str = ""


@dataclass(frozen=True)
class Metrics:
    """Big-number cards: one ``(label, value, caption)`` triple per card."""

    items: tuple[tuple[str, str, str], ...]


# eq=False on the two blocks that hold pandas/plotly objects: those cannot be compared with ==
# or hashed, so these blocks compare and hash by identity.
@dataclass(frozen=True, eq=False)
class Table:
    """A data frame shown as an HTML table (at most ``MAX_TABLE_ROWS`` rows)."""

    frame: pd.DataFrame
    caption: str = ""


@dataclass(frozen=True, eq=False)
class Chart:
    """A plotly figure drawn full width in the page."""

    figure: go.Figure
    caption: str = ""


@dataclass(frozen=True)
class Note:
    """A coloured callout; ``tone`` is one of ``TONES``."""

    text: str
    tone: str = "info"

    def __post_init__(self) -> None:
        if self.tone not in TONES:
            raise InvalidInputError(
                f"Unknown note tone {self.tone!r}; use one of {', '.join(TONES)}."
            )


Block = Paragraph | Metrics | Table | Chart | Note


# The report itself.
@dataclass(frozen=True)
class Section:
    """A titled part of the report."""

    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Report:
    """A whole report; ``generated_at`` must carry a time zone."""

    title: str
    subtitle: str
    sections: tuple[Section, ...]
    generated_at: datetime
    generated_by: str = ""

    def __post_init__(self) -> None:
        if self.generated_at.tzinfo is None or self.generated_at.utcoffset() is None:
            raise InvalidInputError(
                "The report's generated_at has no time zone; pass an aware datetime."
            )


def render_html(report: Report) -> bytes:
    """The report as a standalone UTF-8 HTML document, at most ``MAX_BYTES`` long."""
    counter = itertools.count(1)
    sections = "\n".join(_section_html(s, counter) for s in report.sections)
    has_charts = any(isinstance(b, Chart) for s in report.sections for b in s.blocks)
    payload = _plotly_script() if has_charts else ""
    header = _header_html(report)
    # Everything the page shows, its charts' JSON included: the glyphs the embedded font needs.
    shown = html.unescape(f"{report.title}{header}{sections}")
    document = _PAGE.format(
        csp=_CSP,
        title=_text(report.title),
        style=font_face_css(shown) + _STYLE,
        header=header,
        sections=sections,
        plotly=payload,
        loader=_LOADER,
    )
    data = document.encode("utf-8")
    if len(data) > MAX_BYTES:
        size = math.ceil(len(data) / 100_000) / 10
        raise InvalidInputError(
            f"The report would be {size:.1f} MB, above the {MAX_BYTES // 1_000_000} MB limit; "
            "draw fewer points in its charts or show fewer rows in its tables."
        )
    return data


def save_report(report: Report, path: Path) -> int:
    """Write the report to ``path`` atomically (temp file beside it, then rename); its size."""
    path = Path(path)
    if not path.parent.is_dir():
        raise InvalidInputError(
            f"The folder {path.parent} does not exist; create it or choose another place."
        )
    data = render_html(report)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes 0600; a report is meant to be shared
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    return len(data)


@functools.cache
def plotly_js_gzip_base64() -> str:
    """plotly.js gzip-compressed (level 9) and base64-encoded; computed once per process."""
    started = time.perf_counter()
    source = plotly.offline.get_plotlyjs().encode("utf-8")
    packed = base64.b64encode(gzip.compress(source, compresslevel=9, mtime=0)).decode("ascii")
    seconds = time.perf_counter() - started
    logger.debug("packed plotly.js into %d bytes in %.2fs", len(packed), seconds)
    return packed


def _plotly_script() -> str:
    """The script element holding the packed plotly.js (inert: the browser does not run it)."""
    return (
        '<script type="application/octet-stream" id="plotly-gz" data-encoding="gzip+base64">'
        f"{plotly_js_gzip_base64()}</script>"
    )


def _header_html(report: Report) -> str:
    """Title, subtitle and the generated-at/by line."""
    at = report.generated_at
    when = f"{at:%Y-%m-%d %H:%M} {at.tzname() or at.strftime('%z')}"
    by = f" by {_text(report.generated_by)}" if report.generated_by else ""
    subtitle = f'<p class="subtitle">{_text(report.subtitle)}</p>' if report.subtitle else ""
    return (
        f'<header class="report-header"><h1>{_text(report.title)}</h1>{subtitle}'
        f'<p class="meta">Generated <time datetime="{at.isoformat()}">{when}</time>{by}</p>'
        "</header>"
    )


def _section_html(section: Section, counter: Iterator[int]) -> str:
    """One section: its heading and its blocks in order."""
    blocks = "\n".join(_block_html(block, counter) for block in section.blocks)
    return f"<section><h2>{_text(section.title)}</h2>\n{blocks}\n</section>"


def _block_html(block: Block, counter: Iterator[int]) -> str:
    """The HTML of one block (charts take a fresh number from ``counter``)."""
    if isinstance(block, Paragraph):
        lead = f"<strong>{_text(block.lead)}</strong> " if block.lead else ""
        return f"<p>{lead}{_text(block.text)}</p>"
    if isinstance(block, Metrics):
        return _metrics_html(block)
    if isinstance(block, Table):
        return _table_html(block)
    if isinstance(block, Chart):
        return _chart_html(block, next(counter))
    if isinstance(block, Note):
        return f'<div class="note {block.tone}" role="note">{_text(block.text)}</div>'
    raise InvalidInputError(f"A report cannot show a {type(block).__name__} block.")


def _metrics_html(block: Metrics) -> str:
    """A responsive grid of big-number cards."""
    cards = "".join(
        f'<div class="card"><div class="label">{_text(label)}</div>'
        f'<div class="value">{_text(value)}</div><div class="caption">{_text(caption)}</div></div>'
        for label, value, caption in block.items
    )
    return f'<div class="metrics">{cards}</div>'


def _table_html(block: Table) -> str:
    """The first ``MAX_TABLE_ROWS`` rows as an escaped table, numbers right-aligned."""
    frame, shown = block.frame, block.frame.head(MAX_TABLE_ROWS)
    numeric = [_is_number(frame.iloc[:, i]) for i in range(frame.shape[1])]
    decimals = [_decimals(shown.iloc[:, i]) for i in range(frame.shape[1])]
    with_index = frame.index.name is not None or not pd.api.types.is_integer_dtype(frame.index)
    head = "".join(
        f'<th{_num(n)} scope="col">{_text(str(c))}</th>'
        for c, n in zip(frame.columns, numeric, strict=True)
    )
    if with_index:
        head = f'<th scope="col">{_text(str(frame.index.name or ""))}</th>{head}'
    rows = "".join(
        f"<tr>{_index_cell(label) if with_index else ''}{_row_cells(row, numeric, decimals)}</tr>"
        for label, row in zip(shown.index, shown.itertuples(index=False, name=None), strict=True)
    )
    return (
        f'<div class="table-wrap"><table>{_table_caption(block)}<thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _table_caption(block: Table) -> str:
    """The caption element: the block's caption and, if rows were cut, how many are shown."""
    text = block.caption
    if len(block.frame) > MAX_TABLE_ROWS:
        cut = f"the first {MAX_TABLE_ROWS} of {len(block.frame):,} rows"
        text = f"{text} — showing {cut}." if text else f"Showing {cut}."
    return f"<caption>{_text(text)}</caption>" if text else ""


def _index_cell(label: object) -> str:
    """A row's index label as a row header."""
    return f'<th scope="row">{_cell(label, None)}</th>'


def _row_cells(row: tuple, numeric: list[bool], decimals: list[int | None]) -> str:
    """The data cells of one row."""
    return "".join(
        f"<td{_num(n)}>{_cell(value, d)}</td>"
        for value, n, d in zip(row, numeric, decimals, strict=True)
    )


def _chart_html(block: Chart, number: int) -> str:
    """A placeholder div and the figure's JSON, which the loader script draws."""
    height = block.figure.layout.height or CHART_HEIGHT
    caption = f"<figcaption>{_text(block.caption)}</figcaption>" if block.caption else ""
    return (
        f'<figure class="chart-block"><div class="chart" id="chart-{number}" '
        f'data-figure="figure-{number}" style="height:{int(height)}px">'
        '<p class="chart-message">Drawing the chart…</p></div>'
        f'<script type="application/json" id="figure-{number}">'
        f"{_script_safe_json(_with_font(block.figure).to_json())}</script>{caption}</figure>"
    )


def _with_font(figure: go.Figure) -> go.Figure:
    """``figure`` with the chart font stack (the bundled Chinese font in it) set on the figure
    itself when it names none: the default template cannot be relied on (Streamlit replaces
    Plotly's default template with its own in the app's process, where reports are built)."""
    if figure.layout.font.family:
        return figure
    return go.Figure(figure).update_layout(font_family=CHART_FONT_FAMILY)


def _script_safe_json(text: str) -> str:
    """JSON that cannot end its <script> element: ``<``, ``>`` and ``&`` become escapes.

    These characters can only occur inside JSON strings, where ``\\u003c`` means the same.
    """
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _is_number(column: pd.Series) -> bool:
    """Whether a column holds numbers (booleans are not numbers here)."""
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _num(numeric: bool) -> str:
    """The class attribute of a numeric cell."""
    return ' class="num"' if numeric else ""


def _decimals(column: pd.Series) -> int | None:
    """Decimals that suit a float column, from its largest magnitude; None for other columns."""
    if not pd.api.types.is_float_dtype(column):
        return None
    values = column.to_numpy(dtype=float, na_value=np.nan)
    finite = np.abs(values[np.isfinite(values)])
    if finite.size == 0 or np.all(finite % 1 == 0) or finite.max() >= 1000:
        return 0
    largest = float(finite.max())
    return 2 if largest >= 1 else min(max(4, 3 - math.floor(math.log10(largest))), 10)


def _cell(value: object, decimals: int | None) -> str:
    """One table cell's escaped text: blank when missing, floats with the column's decimals."""
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return ""
    if isinstance(value, float | np.floating) and math.isfinite(value):
        number = float(value)
        return f"{number:,.{decimals}f}" if decimals is not None else f"{number:.6g}"
    return _text(str(value))


def _text(value: str) -> str:
    """Text escaped for HTML content and attributes (the one helper, ``html_text``)."""
    return html_text(value)


# No network at all: 'none' for everything, then only what the page itself needs (checked in
# Chromium with every common trace type; a directive left out made charts fail).
# - script-src 'unsafe-inline': the loader is an inline script, and it runs plotly.js by
#   inserting an inline <script> element (so no blob: URL is needed for scripts).
# - script-src 'unsafe-eval': plotly's WebGL traces (scattergl, splom, parcoords) compile their
#   drawing code with new Function(); without it they show "WebGL is not supported".
# - style-src 'unsafe-inline': our <style> element and the style rules/attributes plotly adds.
# - img-src data: blob:: the modebar's "download plot as png" loads the chart's SVG from a
#   blob: URL into an <img> and paints it into a data: URL; without either the export fails.
# - font-src data:: the embedded Chinese font (studio.reports.fonts) is a data: URL.
# connect-src, frame-src and the rest fall back to 'none'; base-uri and form-action do not fall
# back to default-src, so they are closed explicitly.
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'"
)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Studio">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<main>
{header}
<noscript><p class="noscript">Charts need JavaScript; the text and tables are complete.</p>
</noscript>
{sections}
<footer>Standalone report: everything it shows is inside this file.</footer>
</main>
{plotly}
<script>{loader}</script>
</body>
</html>
"""

_STYLE = """
:root{--ink:#1f2933;--muted:#5f6b7a;--line:#e1e5ea;--soft:#f6f8fa;--accent:#2f62c9}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#fff;color:var(--ink);font:15px/1.55 "CJK_FAMILY",system-ui,
-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
main{max-width:1100px;margin:0 auto;padding:36px 28px 40px}
.report-header{border-bottom:3px solid var(--accent);padding-bottom:16px}
h1{font-size:30px;line-height:1.2;margin:0 0 6px;letter-spacing:-.01em}
.subtitle{font-size:17px;color:var(--muted);margin:0 0 10px}
.meta{font-size:13px;color:var(--muted);margin:0}
section{margin-top:36px}
h2{font-size:20px;margin:0 0 14px;padding-bottom:6px;border-bottom:1px solid var(--line)}
p{margin:0 0 12px}
.metrics{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px;
margin:0 0 18px}
.card{border:1px solid var(--line);border-radius:8px;padding:14px 16px;background:var(--soft)}
.card .label{font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.05em;
color:var(--muted)}
.card .value{font-size:30px;font-weight:650;line-height:1.2;margin:6px 0 2px;
font-variant-numeric:tabular-nums}
.card .caption{font-size:13px;color:var(--muted)}
.table-wrap{overflow-x:auto;margin:0 0 18px}
table{border-collapse:collapse;width:100%;font-size:14px;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:6px 10px;text-align:left;vertical-align:top}
thead th{background:var(--soft);border-bottom:2px solid #c9d0d8;font-weight:600}
tbody th{font-weight:500}
.num{text-align:right}
caption{caption-side:bottom;text-align:left}
caption,figcaption{font-size:13px;color:var(--muted);padding-top:6px}
.note{border-left:4px solid;border-radius:4px;padding:10px 14px;margin:0 0 16px}
.note.info{background:#edf3fd;border-color:#2f62c9}
.note.good{background:#e8f6ee;border-color:#1f8a4c}
.note.warning{background:#fff5dc;border-color:#c98a00}
.note.bad{background:#fdeceb;border-color:#c0392b}
figure{margin:0 0 20px}
.chart{width:100%;border:1px solid var(--line);border-radius:8px;overflow:hidden}
.chart-message,.noscript{padding:20px;margin:0;color:var(--muted)}
footer{margin-top:44px;padding-top:10px;border-top:1px solid var(--line);font-size:12px;
color:var(--muted)}
@media print{
@page{margin:14mm}
main{max-width:none;padding:0}
section{margin-top:24px}
h2,.card,.note,figure,tr{break-inside:avoid}
h2{break-after:avoid}
.card,thead th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.chart{border:none}
}
""".replace("CJK_FAMILY", FAMILY)  # the embedded font: CJK glyphs only (reports/fonts.py)

_LOADER = """
"use strict";
window.PlotlyConfig = {MathJaxConfig: "local"};
const OLD_BROWSER = "This browser is too old to draw charts (it lacks DecompressionStream); "
  + "the text and tables of the report are complete.";

function showMessage(div, text) {
  const p = document.createElement("p");
  p.className = "chart-message";
  p.textContent = text;
  div.replaceChildren(p);
}

async function loadPlotly() {
  const binary = atob(document.getElementById("plotly-gz").textContent.trim());
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  const script = document.createElement("script");
  script.textContent = await new Response(stream).text();
  document.head.appendChild(script);
}

async function drawCharts(charts) {
  let drawn = 0;
  for (const div of charts) {
    try {
      const figure = JSON.parse(document.getElementById(div.dataset.figure).textContent);
      div.replaceChildren();
      const config = {displaylogo: false, responsive: true};
      await Plotly.newPlot(div, figure.data || [], figure.layout || {}, config);
      drawn += 1;
    } catch (error) {
      console.error("chart " + div.id + " could not be drawn", error);
      showMessage(div, "This chart could not be drawn: " + error);
    }
  }
  return drawn;
}

async function loadEmbeddedFont() {
  // Plotly measures its labels when it draws: load the embedded Chinese font first.
  try {
    if (document.fonts) await document.fonts.load('16px "CJK_FAMILY"');
  } catch (error) {
    console.warn("the embedded font could not be loaded", error);
  }
}

(async () => {
  const charts = Array.from(document.querySelectorAll("div.chart[data-figure]"));
  let drawn = 0;
  try {
    if (charts.length && typeof DecompressionStream === "undefined") {
      charts.forEach((div) => showMessage(div, OLD_BROWSER));
    } else if (charts.length) {
      await Promise.all([loadPlotly(), loadEmbeddedFont()]);
      drawn = await drawCharts(charts);
    }
  } catch (error) {
    console.error("plotly.js could not be loaded", error);
    charts.forEach((div) => showMessage(div, "The charts could not be drawn: " + error));
  } finally {
    document.body.dataset.chartsDrawn = String(drawn);
    document.body.dataset.chartsReady = "true";
  }
})();
""".replace("CJK_FAMILY", FAMILY)
