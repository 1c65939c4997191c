"""In a real browser on a machine without a CJK font: Chinese dataset and column names, in
text and in a chart, are drawn with the bundled font's glyphs, not as boxes."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.config import load_settings
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.typeface import FAMILY
from tests.e2e.conftest import screenshot, wait_idle
from tests.e2e.glyphs import draws_glyphs, system_has_cjk_font

pytestmark = pytest.mark.e2e

CITIES = ("北京", "上海", "广州")
LATIN = '"Source Sans", sans-serif'  # the app's font stack without the bundled font


@pytest.fixture
def chinese_dataset(tmp_path: Path) -> str:
    """The dataset 客户流失 (200 rows; 客户编号, 月费用, 是否流失, 城市) in the home that
    ``app_url`` serves, added through the core before the app starts. List it before ``page``."""
    rows = [f"{i},{50 + i % 30}.5,{'是' if i % 3 else '否'},{CITIES[i % 3]}" for i in range(200)]
    content = "\n".join(["客户编号,月费用,是否流失,城市", *rows, ""]).encode("utf-8")
    studio = Studio.open(load_settings({"STUDIO_HOME": str(tmp_path / "home")}))
    try:
        add_dataset_version(studio, content, "客户流失.csv", actor="e2e")
    finally:
        studio.engine.dispose()
    return "客户流失"


def test_chinese_names_are_drawn_with_the_bundled_font(chinese_dataset: str, page, app_url: str):  # noqa: ANN001, ANN201
    """Data page: the app loads the font it serves; the dataset's name, a warning naming a
    column and a column's chart title show glyphs, not boxes (on a machine with no CJK font)."""
    page.goto(f"{app_url}/Data?dataset={chinese_dataset}")
    wait_idle(page)
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate(
        "(family) => [...document.fonts].some(f => f.family.replace(/\"/g, '') === family"
        " && f.status === 'loaded')",
        FAMILY,
    )
    assert loaded, f"the app did not load {FAMILY}"
    screenshot(page, "cjk-data-profile")
    cjk_font = system_has_cjk_font(page)
    if not cjk_font:
        assert draws_glyphs(page, page.locator("strong", has_text=chinese_dataset).first, LATIN)
        assert draws_glyphs(page, page.get_by_text("looks like an identifier").first, LATIN)

    page.get_by_role("tab", name="Columns").click()
    wait_idle(page, after_action=True)
    title = page.locator('[data-testid="stPlotlyChart"] .gtitle').first
    title.wait_for()
    assert "客户编号" in (title.text_content() or "")
    screenshot(page, "cjk-data-column")
    if not cjk_font:
        assert draws_glyphs(page, title, LATIN)
    assert not page.get_by_test_id("stException").count()
