"""Which language a request names, the process default, translation, and locale formatting."""

from __future__ import annotations

import errno
import threading
from datetime import UTC, datetime

import pytest
from babel import dates, lists, numbers

from studio.errors import WRITE_FAILURES, not_writable
from studio.i18n import (
    current_language,
    default_language,
    format_datetime,
    format_list,
    format_number,
    format_percent,
    gettext,
    ngettext,
    resolve_language,
    use_language,
)


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        ("zh", "zh_Hans"), ("zh-CN", "zh_Hans"), ("zh_CN", "zh_Hans"), ("zh-Hans", "zh_Hans"),
        ("zh_CN.UTF-8", "zh_Hans"), ("zh-Hans-CN", "zh_Hans"), ("ZH-cn", "zh_Hans"),
        ("zh_SG.GB18030", "zh_Hans"), ("zh_Hans", "zh_Hans"),
        ("en", "en"), ("en-US", "en"), ("en_GB.UTF-8", "en"), ("en_US@euro", "en"),
        ("zh-TW", "en"), ("zh-Hant", "en"), ("zh_HK.UTF-8", "en"),
        ("fr-FR", "en"), ("C", "en"), ("C.UTF-8", "en"), ("POSIX", "en"), ("", "en"),
        (None, "en"), ("../../etc", "en"),
    ],
)  # fmt: skip
def test_resolve_language(requested: str | None, expected: str) -> None:
    """Tags and POSIX locales of Simplified Chinese and English resolve; anything else is en."""
    assert resolve_language(requested) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh_Hans"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh_Hans"),
        ({"LANG": "zh_CN.UTF-8", "STUDIO_LANGUAGE": "en"}, "en"),
        ({"LANG": "en_US.UTF-8", "STUDIO_LANGUAGE": "zh"}, "zh_Hans"),
        ({"STUDIO_LANGUAGE": "", "LANG": "zh_CN"}, "zh_Hans"),
        ({"STUDIO_LANGUAGE": "de"}, "en"),
    ],
)
def test_default_language(env: dict[str, str], expected: str) -> None:
    """STUDIO_LANGUAGE, else LC_ALL / LC_MESSAGES / LANG (first set wins), else English."""
    assert default_language(env) == expected


def test_translation_follows_the_context_and_an_explicit_language_wins() -> None:
    """English outside any context; the context's language inside; ``lang=`` over both."""
    assert current_language() == "en" and gettext("Home") == "Home"
    with use_language("zh-CN"):
        assert current_language() == "zh_Hans"
        assert gettext("Home") == "首页" and gettext("Home", "en") == "Home"
        sentence = ngettext("Removed {count} orphaned file.", "Removed {count} orphaned files.", 3)
        assert sentence.format(count=3) == "已删除 3 个孤立文件。"
    assert gettext("Home", "zh") == "首页" and current_language() == "en"
    assert ngettext("Removed {count} orphaned file.", "Removed {count} orphaned files.", 1) == (
        "Removed {count} orphaned file."
    )


def test_another_thread_does_not_inherit_a_language() -> None:
    """The language is per context: a thread started inside a Chinese block speaks English."""
    seen: list[str] = []
    with use_language("zh"):
        thread = threading.Thread(target=lambda: seen.append(gettext("Home")))
        thread.start()
        thread.join()
    assert seen == ["Home"]


def test_a_core_error_sentence_is_built_in_the_callers_language() -> None:
    """studio.errors' not-writable sentence, its cause and advice, in English and Chinese."""
    cause, advice = WRITE_FAILURES[errno.EROFS]
    english = str(not_writable("/srv/studio", cause, advice))
    assert english == (
        "Studio cannot write to /srv/studio (read-only file system); reading still works — "
        "make it writable or point STUDIO_HOME elsewhere."
    )
    with use_language("zh_CN.UTF-8"):
        chinese = str(not_writable("/srv/studio", cause, advice))
    assert chinese == str(not_writable("/srv/studio", cause, advice, lang="zh_Hans"))
    assert chinese == (
        "Studio 无法写入 /srv/studio（只读文件系统）；读取仍然可用——"
        "使其可写，或将 STUDIO_HOME 指向别处。"
    )


@pytest.mark.parametrize(("lang", "locale"), [("en", "en_US"), ("zh_Hans", "zh_Hans_CN")])
def test_formatting_is_babels_for_the_languages_locale(lang: str, locale: str) -> None:
    """Numbers, shares, moments and lists are formatted as Babel formats them for the locale."""
    moment = datetime(2026, 12, 3, 14, 5, 9, tzinfo=UTC)
    for value in (0, 7043, 1234567.891, -0.5):
        assert format_number(value, lang) == numbers.format_decimal(value, locale=locale)
    assert format_percent(0.256, lang) == numbers.format_percent(0.256, locale=locale)
    assert format_percent(0.256, lang, digits=1) == numbers.format_percent(
        0.256, format="#,##0.0%", locale=locale
    )
    assert format_datetime(moment, lang) == dates.format_datetime(moment, locale=locale)
    assert format_list(["a", "b", "c"], lang) == lists.format_list(["a", "b", "c"], locale=locale)
    assert format_list([], lang) == ""


def test_chinese_formats_read_as_chinese() -> None:
    """Spot checks of what a Chinese reader sees (CLDR data, not our own tables)."""
    moment = datetime(2026, 12, 3, 14, 5, 9, tzinfo=UTC)
    assert format_number(7043, "zh") == "7,043"
    assert format_datetime(moment, "zh") == "2026年12月3日 14:05:09"
    assert format_list(["分析师", "审批人"], "zh") == "分析师和审批人"
