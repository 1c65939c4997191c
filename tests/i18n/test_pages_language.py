"""The app in Chinese and English: Home, the sidebar, the switch and its persistence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from studio.ui.shell import PAGES
from tests.core.test_unwritable_store import file_in_the_way, restore_logging
from tests.pages.conftest import texts

__all__ = ["restore_logging"]  # the fixture, used here too

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_PAGES = [label for _, label in PAGES]
CHINESE_PAGES = ["首页", "数据", "自动建模", "实验", "模型", "预测", "监控", "业务"]
BRAND = {"Studio", "### Studio"}


def _open(script: str = "app.py", *, locale: str | None = None, **query: str) -> AppTest:
    """Run a page with the browser's ``locale`` and query parameters (``home_env`` set up)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.context = {"locale": locale}
    if script != "app.py":
        at.switch_page(script)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _page_names(at: AppTest) -> list[str]:
    return [link.label for link in at.sidebar.get("page_link")]


def _home_texts(at: AppTest) -> list[str]:
    """Every sentence and label Home and the sidebar show, brand names aside."""
    found = [
        *texts(at.subheader), *texts(at.info), *texts(at.caption), *texts(at.markdown),
        *texts(at.success), *(m.label for m in at.metric), *(b.label for b in at.button),
        *(link.label for link in at.get("page_link")),
    ]  # fmt: skip
    return [t for t in found if t not in BRAND]


@pytest.mark.usefixtures("home_env")
def test_a_chinese_browser_gets_home_and_the_sidebar_in_chinese() -> None:
    """zh-CN: page names, counts, buttons and sentences are Chinese; no English page name."""
    at = _open(locale="zh-CN")
    assert not at.exception
    assert _page_names(at) == CHINESE_PAGES
    assert not set(ENGLISH_PAGES) & set(_page_names(at))
    assert [m.label for m in at.metric] == ["数据集", "数据集版本", "自动建模运行", "已注册模型"]
    assert [m.value for m in at.metric] == ["0", "0", "0", "0"]
    untranslated = [t for t in _home_texts(at) if not CJK.search(t)]
    assert untranslated == []
    assert any(t.startswith("当前用户 **tester**（全部角色）· 存储：SQLite（本地）")
               for t in texts(at.sidebar.caption))  # fmt: skip


@pytest.mark.usefixtures("home_env")
def test_an_english_browser_and_no_browser_language_keep_english() -> None:
    """en-US and an unknown locale (STUDIO_LANGUAGE=en) show the English Home as before."""
    for locale in ("en-US", None, "fr-FR"):
        at = _open(locale=locale)
        assert not at.exception
        assert _page_names(at) == ENGLISH_PAGES
        assert at.metric[0].label == "Datasets" and at.button[0].label == "Load demo datasets"
        assert not [t for t in _home_texts(at) if CJK.search(t)]


def test_studio_language_is_the_default_without_a_browser_language(
    home_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No browser locale and STUDIO_LANGUAGE=zh: Chinese; a browser's English still wins."""
    monkeypatch.setenv("STUDIO_LANGUAGE", "zh")
    assert _page_names(_open(locale=None)) == CHINESE_PAGES
    assert _page_names(_open(locale="en-GB")) == ENGLISH_PAGES


@pytest.mark.usefixtures("home_env")
def test_the_switch_holds_on_another_page_and_in_the_url() -> None:
    """Picking 简体中文 on Home: Home, then Data, speak Chinese; a reload with ?lang=zh too."""
    at = _open(locale="en-US")
    at.selectbox(key="language_switch").set_value("zh").run()
    assert not at.exception and _page_names(at) == CHINESE_PAGES
    assert at.metric[0].label == "数据集" and at.query_params["lang"] == "zh"
    at.switch_page("pages/1_Data.py").run()
    assert not at.exception and _page_names(at) == CHINESE_PAGES
    assert at.selectbox(key="language_switch").value == "zh"
    reloaded = _open("pages/1_Data.py", locale="en-US", lang="zh")
    assert _page_names(reloaded) == CHINESE_PAGES
    back = _open(locale="zh-CN", lang="en")  # the pick beats the browser
    assert _page_names(back) == ENGLISH_PAGES


@pytest.mark.usefixtures("home_env")
def test_demo_data_in_chinese() -> None:
    """The demo button's outcome, the counts and the activity headers speak Chinese."""
    at = _open(locale="zh-CN")
    at.button(key="home_load_demo").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("已加载 4 个演示数据集：")
    assert at.metric[0].value == "4"
    assert list(at.dataframe[0].value.columns) == ["时间", "操作人", "内容"]
    at.button(key="home_load_demo").click().run()
    assert at.success[0].value == "演示数据集已经加载过了。"


@pytest.mark.usefixtures("restore_logging")
def test_a_core_error_reaches_a_chinese_user_in_chinese(home_env: Path) -> None:
    """On a store that cannot be written, the demo button shows the core's sentence built in
    the session's language (its callback runs before the page sets the language)."""
    home_env.mkdir(parents=True)
    artifacts = file_in_the_way(home_env)
    at = _open(locale="zh-CN")
    at.button(key="home_load_demo").click().run()
    assert not at.exception
    errors = texts(at.error)
    assert len(errors) == 1 and errors[0].startswith(f"Studio 无法写入 {artifacts}（")


@pytest.mark.usefixtures("home_env")
@pytest.mark.parametrize("script", [path for path, _ in PAGES[1:]])
def test_every_page_opens_in_chinese_with_a_chinese_sidebar(script: str) -> None:
    """Each page runs in Chinese without an exception; its sidebar is translated (the pages'
    own sentences follow in later steps of issue 19)."""
    at = _open(script, locale="zh-CN")
    assert not at.exception
    assert _page_names(at) == CHINESE_PAGES
