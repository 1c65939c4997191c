"""Offline reports with Chinese text embed the glyphs they use, and draw them on a machine
without a CJK font."""

from __future__ import annotations

import base64
import io
import json
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from fontTools.ttLib import TTFont

from studio.charts.profile import distribution_figure  # noqa: F401 (registers the template)
from studio.reports.fonts import font_face_css
from studio.reports.html import (
    MAX_BYTES,
    Chart,
    Paragraph,
    Report,
    Section,
    Table,
    render_html,
    save_report,
)
from studio.typeface import CHART_FONT_FAMILY, FAMILY, FONT_FILE, LICENSE_FILE
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.glyphs import draws_glyphs, system_has_cjk_font

AT = datetime(2026, 3, 14, 9, 26, tzinfo=UTC)
COLUMNS = ("客户编号", "月费用", "是否流失")
CHART_ONLY = "北京上海广州"  # category labels that appear in the chart and nowhere else
LATIN = "system-ui, sans-serif"  # the report's stack without the embedded font
CHINESE = ("h1", ".subtitle", "h2", "section p", "thead th", "tbody td:nth-child(3)", "caption")


def _chinese_report() -> Report:
    """A report about the dataset 客户流失: a table with Chinese columns and a bar chart."""
    values = ([1, 2, 3], [50.5, 61.0, 72.5], ["是", "否", "是"])
    frame = pd.DataFrame(dict(zip(COLUMNS, values, strict=True)))
    figure = go.Figure(go.Bar(x=list(CHART_ONLY[i : i + 2] for i in (0, 2, 4)), y=[3, 5, 2]))
    figure.update_layout(title="月费用 by 城市", xaxis_title="城市", yaxis_title="客户")
    return Report(
        title="客户流失: 月度检查",
        subtitle="Reference: 一月, current: 三月",
        sections=(
            Section("摘要", (Paragraph("两个特征发生了漂移。"), Table(frame, "字段"))),
            Section("Charts", (Chart(figure, "按城市"),)),
        ),
        generated_at=AT,
    )


def _embedded_font(document: str) -> TTFont:
    """The font of the document's one ``@font-face`` data URL."""
    (data,) = re.findall(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", document)
    return TTFont(io.BytesIO(base64.b64decode(data)))


def test_the_bundled_font_is_small_licensed_and_covers_common_chinese() -> None:
    """One WOFF2 under 2 MB with its OFL licence beside it, holding GB2312's first level."""
    assert FONT_FILE.stat().st_size < 2_000_000
    assert "SIL OPEN FONT LICENSE Version 1.1" in LICENSE_FILE.read_text(encoding="utf-8")
    font = TTFont(FONT_FILE)
    assert font.flavor == "woff2"
    level1 = [bytes([r, c]).decode("gb2312") for r in range(0xB0, 0xD8) for c in range(0xA1, 0xFF)
              if (r, c) < (0xD7, 0xFA)]  # fmt: skip
    cmap = font.getBestCmap()
    assert len(level1) == 3755 and all(ord(c) in cmap for c in level1)
    assert all(ord(c) in cmap for c in "，。、：；？！“”（）《》【】…—ＡＺ０９")


def test_the_app_serves_the_bundled_font_under_its_family() -> None:
    """config.toml's font face is the bundled file, served from static/ beside app.py, for CJK
    characters only, and named first in the app's font stacks."""
    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    (face,) = config["theme"]["fontFaces"]
    assert face["family"] == FAMILY and face["url"] == f"app/static/{FONT_FILE.name}"
    assert (root / "static" / FONT_FILE.name).resolve() == FONT_FILE
    assert face["unicodeRange"].startswith("U+2E80")
    assert config["server"]["enableStaticServing"] is True
    for stack in (config["theme"]["font"], config["theme"]["headingFont"]):
        assert stack.startswith(f"{FAMILY}, Source Sans")


def test_a_report_with_chinese_names_embeds_exactly_their_glyphs() -> None:
    """The table's, text's and chart's Chinese characters are in the embedded font's cmap;
    characters the report does not use are not; the report stays far below its limit."""
    document = render_html(_chinese_report()).decode("utf-8")
    cmap = _embedded_font(document).getBestCmap()
    used = set("".join(COLUMNS) + CHART_ONLY + "客户流失月度检查摘要两个特征发生了漂移。城市")
    assert sorted(c for c in used if ord(c) not in cmap) == []
    assert ord("猫") not in cmap and ord("A") not in cmap  # Latin comes from the Latin fonts
    assert ord("—") not in cmap
    assert len(cmap) < 60
    assert len(document.encode()) < MAX_BYTES / 2
    assert f'font:15px/1.55 "{FAMILY}",system-ui' in document
    assert "font-src data:" in document  # the CSP lets only the embedded font in


def test_a_report_without_chinese_embeds_no_font() -> None:
    """Latin text (dashes and ellipses included) needs no embedded font."""
    assert font_face_css("ROC AUC 0.912 — showing the first 200… of 12,480 rows") == ""
    assert "@font-face" not in render_html(
        Report("Churn", "", (Section("Summary", (Paragraph("Stable — fine."),)),), AT)
    ).decode("utf-8")


def test_charts_name_the_bundled_font() -> None:
    """A report's charts name the shared font stack whatever Plotly's default template is
    (Streamlit sets its own in the app's process, where reports are built too)."""
    assert FAMILY in CHART_FONT_FAMILY
    before = pio.templates.default
    pio.templates.default = "plotly_dark"  # as another library in the process might
    try:
        html = render_html(_chinese_report()).decode()
    finally:
        pio.templates.default = before
    assert json.dumps(CHART_FONT_FAMILY)[1:-1] in html


@pytest.mark.e2e
def test_the_chinese_report_draws_glyphs_offline(browser, tmp_path: Path) -> None:  # noqa: ANN001
    """Opened from file:// with the network off: the title, a table header and the chart's
    category labels show glyphs; the same check sees boxes once the embedded font is removed
    from the title's stack (on a machine without a CJK font)."""
    path = tmp_path / "report.html"
    save_report(_chinese_report(), path)
    context = browser.new_context(offline=True, viewport={"width": 1100, "height": 1300})
    requests: list[str] = []
    context.route("**/*", lambda r: r.continue_() if r.request.url == path.as_uri()
                  else (requests.append(r.request.url), r.abort()))  # fmt: skip
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_selector('body[data-charts-ready="true"]', state="attached")
    assert page.evaluate("document.body.dataset.chartsDrawn") == "1"
    page.evaluate("document.fonts.ready")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "report-chinese.png")
    assert requests == []
    if system_has_cjk_font(page):
        pytest.skip("this machine has a CJK font: boxes cannot be told from glyphs here")
    for element in CHINESE:
        assert draws_glyphs(page, page.locator(element).first, LATIN), element
    assert draws_glyphs(page, page.locator(".xtick text").first, LATIN)
    assert draws_glyphs(page, page.locator(".gtitle").first, LATIN)
    context.close()
