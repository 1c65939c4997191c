"""The Data and Experiments pages, their core errors and ingest's stored sentences in Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from studio.context import Studio
from studio.data.ingest import read_table
from studio.data.phrases import FRAGMENTS, NOTICES, shown
from studio.data.profile import profile_frame
from studio.data.versions import add_dataset_version, get_version, parse_ref
from studio.errors import InvalidInputError
from studio.experiments.compare import compare
from studio.experiments.views import VIEW_LABELS
from studio.i18n import _, use_language
from tests.i18n.page_texts import english_left, open_in_chinese
from tests.stores import StoreCopy

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")
ENGLISH = re.compile(r"\b(the|was|were|read|as|of|in|with|and|is|are|has|column|values?)\b")
CSV = "customer_id,tenure,plan,churn,churn_flag\n" + "\n".join(
    f"{i},{i % 24},{['basic', 'plus', 'pro'][i % 3]},{'Yes' if i % 4 == 0 else 'No'},"
    f"{1 if i % 4 == 0 else 0}"
    for i in range(120)
)
# Files whose reading writes every kind of notice (renamed headers, number and date formats,
# codes, missing cells, infinities, offsets, overflowing numbers, refused dates).
FILES = {
    "mixed.csv": "x,x,,price,when,zip,flag,amt,pct,ts\n" + "\n".join(
        f'{i},{i},{i},"{1000 + i:,}.5",{i % 28 + 1:02d}/01/2023,0{i % 9}123,'
        f'{"NA" if i % 3 == 0 else "y"},"${i * 1000:,}",{i}%,'
        f"2023-01-01T10:00:00+0{i % 3}:00"
        for i in range(60)
    ),
    "european.csv": "d;v;w\n" + "\n".join(
        f"0{i % 9 + 1}/0{i % 3 + 1}/2023;{i},5;1.{100 + i},25" for i in range(30)
    ),
    "odd.csv": "d,big,inf\n" + "\n".join(
        f"2023-13-{i % 28 + 1:02d},{'9' * 400},{'inf' if i % 2 else 1.5}" for i in range(10)
    ),
    "mixed_dates.csv": "d\n01/13/2023\n13/01/2023\n",
    "zoned.csv": "d,t\n" + "\n".join(
        f"2023年1月{i + 1}日,2023-01-01 10:00:00{'+01:00' if i % 2 else ''}" for i in range(10)
    ),
}  # fmt: skip


def _is_chinese(text: str, data: set[str]) -> bool:
    """Chinese, with no English word of Studio's left once the data's names are removed."""
    for name in sorted(data, key=len, reverse=True):
        text = text.replace(name, " ")
    return bool(CJK.search(text)) and not ENGLISH.search(text)


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_notice_ingest_writes_is_shown_in_chinese(name: str) -> None:
    """Each stored notice and column reason of a real file matches a template and comes back
    in Chinese, column names and examples kept; English shows it exactly as stored."""
    parsed = read_table(FILES[name].encode(), name, max_columns=100, max_bytes=10**8)
    columns = set(parsed.frame.columns) | {"x"}
    assert parsed.report.notices
    for notice in parsed.report.notices:
        assert shown(notice, "en") == notice
        assert _is_chinese(shown(notice, "zh_Hans"), columns), notice
        assert all(f"“{c}”" in shown(notice, "zh_Hans") for c in columns if f"'{c}'" in notice)
    for hint in parsed.report.reads.values():
        assert _is_chinese(shown(hint["reason"], "zh_Hans"), set()), hint["reason"]


def test_profile_warnings_and_reasons_are_shown_in_chinese() -> None:
    """The stored warnings and kind reasons of a profile come back in Chinese."""
    frame = read_table(CSV.encode(), "churn.csv", max_columns=100, max_bytes=10**8).frame
    frame["empty"], frame["same"] = None, 1
    profile = profile_frame(pd.concat([frame, frame.head(3)], ignore_index=True))
    names = set(frame.columns)
    assert {w.kind for w in profile.warnings} >= {"all_empty", "constant", "duplicate_rows"}
    for warning in profile.warnings:
        assert _is_chinese(shown(warning.message, "zh_Hans"), names), warning.message
    for column in profile.column_profiles:
        if column.reason:
            assert _is_chinese(shown(column.reason, "zh_Hans"), names), column.reason


def test_text_no_template_matches_is_kept_as_stored() -> None:
    """An older or unknown sentence is shown unchanged, never half translated."""
    for text in ("Something Studio never wrote.", "a, b", ""):
        assert shown(text, "zh_Hans") == text
    assert len(set(NOTICES + FRAGMENTS)) == len(NOTICES + FRAGMENTS)


@pytest.mark.parametrize(
    ("call", "english", "chinese"),
    [
        (lambda: read_table(b"a,b\n1,2\n3,4,5\n", "bad.csv", max_columns=9, max_bytes=10**6),
         "Line 3 has 3 fields but the header has 2; fix or remove that line and upload again.",
         "第 3 行有 3 个字段，但表头有 2 个；请修正或删除该行后重新上传。"),
        (lambda: read_table(b"", "x.csv", max_columns=9, max_bytes=10),
         "The file is empty; upload a file with a header and data rows.",
         "文件为空；请上传包含表头和数据行的文件。"),
        (lambda: read_table(b"a\n1\n", "x.doc", max_columns=9, max_bytes=10**6),
         "Files ending in '.doc' are not supported;", "不支持以“.doc”结尾的文件"),
        (lambda: parse_ref("churn@x"),
         "'churn@x' is not NAME or NAME@VERSION with a whole version number.",
         "“churn@x”不是 NAME 或 NAME@VERSION（版本号为整数）的形式。"),
    ],
)  # fmt: skip
def test_core_errors_are_built_in_the_callers_language(
    call: Callable[[], object], english: str, chinese: str
) -> None:
    """A refusal is raised in Chinese under use_language('zh_Hans'), in English as before."""
    with pytest.raises(InvalidInputError) as raised:
        call()
    assert str(raised.value).startswith(english)
    with use_language("zh_Hans"), pytest.raises(InvalidInputError) as raised:
        call()
    assert str(raised.value).startswith(chinese)


def test_the_data_page_speaks_chinese(home_env: Path) -> None:
    """After an upload with notices: title, header, notices, metrics, warnings, tabs, tables,
    the column tab and the export tab are Chinese (dataset, file and column names aside)."""
    rows = "\n".join(f"{i},{i % 3},{['NA', 'm', 'f'][i % 3]},{'ab'[i % 2]}" for i in range(60))
    studio = Studio.open()
    add_dataset_version(studio, CSV.encode(), "churn.csv", actor="tester")
    add_dataset_version(studio, f"id,x,sex,x\n{rows}\n".encode(), "dups.csv", actor="tester")
    info = get_version(studio, "dups")
    data = {
        "dups@1",
        "dups.csv",
        "dups",
        "tester",
        "SHA-256",
        "UTC",
        *(c.name for c in info.profile.column_profiles),
    }
    at = open_in_chinese("pages/1_Data.py", dataset="dups")
    assert not at.exception and at.title[0].value == "数据"
    assert [t.label for t in at.tabs] == ["数据概况", "列", "预览", "版本", "导出与删除"]
    assert "已重命名空白或重复的列名：“x”（第 4 列）→“x_2”。" in [i.value for i in at.info]
    assert english_left(at, allowed=data) == []
    at.selectbox(key="data_target_dups@1").set_value("sex").run()
    assert not at.exception and english_left(at, allowed=data) == []
    at.selectbox(key="data_column_dups@1").set_value("sex").run()
    assert english_left(at, allowed=data) == []


def test_a_bad_link_and_a_bad_upload_speak_chinese(home_env: Path) -> None:
    """A link to a missing dataset and a bad upload are one Chinese sentence each."""
    add_dataset_version(Studio.open(), CSV.encode(), "churn.csv", actor="tester")
    at = open_in_chinese("pages/1_Data.py", dataset="nope")
    assert [e.value for e in at.error] == ["没有数据集“nope”。"]
    at = open_in_chinese("pages/1_Data.py")
    at.file_uploader(key="data_file").set_value(("bad.csv", b"a,b\n1,2\n3,4,5\n", "text/csv"))
    at.button[0].click().run()
    assert any(e.value.startswith("第 3 行有 3 个字段") for e in at.error)


@pytest.fixture
def store(prepared: Callable[..., StoreCopy], monkeypatch: pytest.MonkeyPatch) -> Studio:
    """A copy of the prepared, analysed run on churn with candidates of several families."""
    return Studio.open(prepared("mixed_churn").use(monkeypatch))


def test_the_runs_list_speaks_chinese(store: Studio) -> None:
    """The list's filters, caption and table headers are Chinese; statuses and tasks too."""
    at = open_in_chinese("pages/3_Experiments.py")
    assert not at.exception and at.title[0].value == "实验"
    table = at.dataframe[0].value
    assert list(table.columns)[:5] == ["运行", "数据集", "目标列", "任务", "状态"]
    assert table.loc[0, "状态"] == "已完成" and table.loc[0, "任务"] == "二分类"
    metric = {str(m) for m in table["指标"]}  # the metric's name: the autopilot's catalog
    assert english_left(at, allowed={"churn@1", "churn", "tester", *metric}) == []
    at.text_input(key="q").set_value("no such thing").run()
    assert at.warning[0].value.startswith("没有符合这些筛选条件的运行")


def test_a_comparison_speaks_chinese(store: Studio) -> None:
    """Heading, caption, verdicts, table headers and toggles of a comparison are Chinese;
    candidates, families, parameters and metric names are data (or another page's)."""
    link = "1,2"
    result = compare(store, [1, 2])
    data = {"churn@1", "churn", "★"}
    data |= {e.ref for e in result.entries} | {e.family for e in result.entries}
    data |= {m.label for m in result.metrics} | {n for n, _v, _d in result.params}
    at = open_in_chinese("pages/3_Experiments.py", compare=link)
    assert not at.exception, at.exception
    assert at.subheader[0].value.startswith("对比 2 个候选模型：churn@1")
    assert any("95% 区间" in m.value for m in at.markdown)
    assert english_left(at, allowed=data) == []
    with use_language("zh_Hans"):
        assert all(CJK.search(_(label)) for label in VIEW_LABELS.values())
