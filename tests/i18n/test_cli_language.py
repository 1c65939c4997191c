"""The command line in Chinese: sentences follow STUDIO_LANGUAGE (or LANG); JSON and exit codes
do not change."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from studio.cli import build_parser
from studio.cli.argparse_words import argparse_language
from studio.cli.output import width
from studio.i18n import use_language
from tests.cli import clean_env, run, run_process
from tests.stores import StoreCopy


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def sales_csv(tmp_path: Path) -> Path:
    """A small table whose file name (the dataset's name) is Chinese."""
    path = tmp_path / "销售数据.csv"
    rows = [f"{i},{i % 7},{'华东' if i % 2 else '华北'}" for i in range(40)]
    path.write_text("订单,数量,地区\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_real_process_speaks_studio_language_or_lang(home: Path) -> None:
    """STUDIO_LANGUAGE=zh_CN, or only LANG=zh_CN.UTF-8: the sentence is Chinese, exit 0."""
    chinese = run_process("data", "list", env=clean_env(home, STUDIO_LANGUAGE="zh_CN"))
    assert (chinese.returncode, chinese.stdout) == (0, "还没有数据集。\n"), chinese.stderr
    env = clean_env(home, LANG="zh_CN.UTF-8", LC_ALL="", LC_MESSAGES="")
    del env["STUDIO_LANGUAGE"]
    assert run_process("data", "list", env=env).stdout == "还没有数据集。\n"
    assert run("data", "list", env=clean_env(home)).stdout == "No datasets yet.\n"


def test_a_user_error_keeps_its_prefix_and_exit_code(home: Path, tmp_path: Path) -> None:
    """`error: <sentence>` on stderr and exit 2 in both languages; only the sentence changes."""
    missing = str(tmp_path / "nowhere.csv")
    english = run("data", "add", missing, env=clean_env(home))
    chinese = run("data", "add", missing, env=clean_env(home, STUDIO_LANGUAGE="zh"))
    assert (english.returncode, chinese.returncode) == (2, 2)
    assert english.stderr == f"error: There is no file at '{missing}'.\n"
    assert chinese.stderr == f"error: “{missing}”处没有文件。\n"


def test_json_is_the_same_in_both_languages(home: Path, sales_csv: Path) -> None:
    """data add/list --json: identical documents whichever language the process speaks."""
    zh = clean_env(home, STUDIO_LANGUAGE="zh_CN.UTF-8")
    added = run("data", "add", str(sales_csv), "--json", env=zh)
    assert added.returncode == 0, added.stderr
    again = run("data", "add", str(sales_csv), "--json", env=clean_env(home))
    assert json.loads(again.stdout) == json.loads(added.stdout) | {"created": False}
    listed = {lang: run("data", "list", "--json", env=clean_env(home, STUDIO_LANGUAGE=lang))
              for lang in ("en", "zh")}  # fmt: skip
    assert listed["en"].stdout == listed["zh"].stdout
    assert json.loads(listed["zh"].stdout)[0]["name"] == "销售数据"


def test_the_chinese_table_lines_up(home: Path, sales_csv: Path) -> None:
    """Chinese headers and a Chinese dataset name: every line of `data list` is equally wide
    on a terminal (wide characters take two columns), and numbers are grouped."""
    zh = clean_env(home, STUDIO_LANGUAGE="zh")
    run("data", "add", str(sales_csv), env=zh)
    run("data", "add", str(sales_csv), "--name", "churn", env=zh)
    lines = run("data", "list", env=zh).stdout.splitlines()
    assert lines[0].split() == ["名称", "版本数", "最新版本", "行数", "列数"]
    assert {line.split()[0] for line in lines[1:]} == {"销售数据", "churn"}
    assert len({width(line) for line in lines}) == 1


def test_help_and_the_added_sentence_in_chinese(home: Path, sales_csv: Path) -> None:
    """The top-level help's description and the data commands' help and sentences."""
    zh = clean_env(home, STUDIO_LANGUAGE="zh")
    assert "本地优先的 MLOps 工作室。" in run("--help", env=zh).stdout
    assert "列出数据集" in run("data", "--help", env=zh).stdout
    added = run("data", "add", str(sales_csv), env=zh).stdout
    assert added.startswith("已添加 销售数据@1：40 行 × 3 列，sha256 ")


# Each command group's help in a real process, and a phrase of it in Chinese.
GROUPS = [
    ((), "本地优先的 MLOps 工作室。"),
    (("data",), "列出数据集"),
    (("autopilot",), "启动一次自动建模运行"),
    (("runs",), "对比候选模型（ID 或 RUN:NAME）"),
    (("models",), "将运行的候选模型注册为模型版本"),
    (("monitor",), "文件相对模型训练基线的漂移"),
    (("alerts",), "告警渠道"),
    (("alerts", "rule"), "为模型添加告警规则（审批人）"),
    (("report",), "从业务角度对比候选模型"),
    (("app",), "监听地址"),
    (("serve",), "服务进程数（默认 1）"),
    (("worker",), "处理一个作业后退出"),
    (("predict",), "NAME（生产版本）"),
]
ARGPARSE_ENGLISH = ("usage:", "options:", "positional arguments", "show this help")
# Three English words in a row in a help text (usage lines, {choices}, 'quoted commands',
# --flags and METAVARS aside): an untranslated sentence.
_SENTENCE = re.compile(r"\b[a-z]{2,}(?: [a-z]{2,}){2,}\b")
_NOT_WORDS = re.compile(r"\{[^}]*\}|'[^']*'|\[[^\]]*\]|--?[a-z][a-z-]*|\b[A-Z][A-Z_@=:,.]+\b")


def english_in_help(text: str) -> list[str]:
    """Runs of English words left in a help text, after its usage paragraph."""
    body = text.split("\n\n", 1)[-1]
    return _SENTENCE.findall(_NOT_WORDS.sub(" ", body))


@pytest.mark.parametrize(("group", "phrase"), GROUPS, ids=lambda g: " ".join(g) or "studio")
def test_each_command_groups_help_is_chinese(home: Path, group: tuple, phrase: str) -> None:
    """`studio GROUP --help` in a real process: the group's texts and argparse's own words
    (用法, 选项) in Chinese, no English sentence left; exit 0."""
    shown = run_process(*group, "--help", env=clean_env(home, STUDIO_LANGUAGE="zh_Hans"))
    assert shown.returncode == 0, shown.stderr
    assert phrase in shown.stdout and shown.stdout.startswith("用法：")
    assert not [w for w in ARGPARSE_ENGLISH if w in shown.stdout]
    assert english_in_help(shown.stdout) == []


def _every_parser(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _every_parser(sub)


def test_every_commands_help_is_chinese_and_english_is_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every command's help, options included, has no English sentence in Chinese, and its
    Chinese lines fit an 80-column terminal (wide characters take two); in English the help
    still reads as before (argparse's words, a command's own text)."""
    monkeypatch.setenv("COLUMNS", "80")
    with use_language("zh_Hans"), argparse_language():
        parsers = list(_every_parser(build_parser()))
        helps = {p.prog: p.format_help() for p in parsers}
    left = {prog: found for prog, text in helps.items() if (found := english_in_help(text))}
    assert len(parsers) > 60 and left == {}
    lines = [line for text in helps.values() for line in text.splitlines()]
    assert max(width(line) for line in lines if width(line) > len(line)) <= 80
    with use_language("en"), argparse_language():
        english = build_parser()._subparsers._group_actions[0].choices["serve"].format_help()
    assert english.startswith("usage: studio serve") and "show this help message" in english
    assert "server processes (default 1)" in english


def test_user_errors_in_chinese_exit_2(home: Path) -> None:
    """A refused command and a usage error: the sentence in Chinese after the English
    `error: ` prefix, exit 2, in a real process."""
    zh = clean_env(home, STUDIO_LANGUAGE="zh_Hans")
    refused = run_process("models", "card", "churn", "1", env=zh)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr == "error: 请提供 --description、--intended-use 或 --limitations。\n"
    usage = run_process("runs", "list", "--since", "x", env=zh)
    assert usage.returncode == 2 and usage.stderr.startswith("用法：studio runs list")
    assert usage.stderr.endswith(
        "studio runs list: error: 参数 --since：“x”不是形如 2026-01-31 的日期\n"
    )
    english = run("runs", "list", "--since", "x", env=clean_env(home))
    assert english.stderr.endswith(
        "studio runs list: error: argument --since: 'x' is not a date like 2026-01-31\n"
    )


@pytest.fixture
def shipped(prepared: Callable[..., StoreCopy]) -> dict[str, str]:
    """A copy of a store with a finished run on churn and model churn v1 in production."""
    return prepared("shipped_churn").env("tester")


JSON_COMMANDS = [
    ("runs", "list"), ("runs", "show", "1"), ("autopilot", "status", "1"), ("models", "list"),
    ("models", "show", "churn"), ("models", "history", "churn"), ("monitor", "schedules"),
    ("alerts", "list"), ("alerts", "rule", "list"),
]  # fmt: skip


def test_json_documents_are_the_same_in_chinese(shipped: dict[str, str]) -> None:
    """Runs, leaderboard, models, history, schedules and alerts: --json prints the same
    document in both languages (a real process for the first, in this process for the rest)."""
    zh = shipped | {"STUDIO_LANGUAGE": "zh_Hans"}
    first = [run_process(*JSON_COMMANDS[0], "--json", env=env).stdout for env in (shipped, zh)]
    assert first[0] == first[1] and json.loads(first[0])["total"] == 1
    for args in JSON_COMMANDS[1:]:
        english, chinese = (run(*args, "--json", env=env) for env in (shipped, zh))
        assert (english.returncode, chinese.returncode) == (0, 0), (args, chinese.stderr)
        assert json.loads(english.stdout) == json.loads(chinese.stdout), args


def test_runs_leaderboard_and_models_in_chinese_line_up(shipped: dict[str, str]) -> None:
    """`runs list`, the leaderboard and `models show` in Chinese: translated headers and
    sentences, and each table's columns start at the same terminal column on every line."""
    zh = shipped | {"STUDIO_LANGUAGE": "zh_Hans"}
    runs = run("runs", "list", env=zh).stdout.splitlines()
    assert runs[0].split()[:5] == ["运行", "数据集", "目标列", "任务", "状态"]
    assert runs[-1] == "共 1 次运行；第 1 页，共 1 页。"
    assert _aligned(runs[:-1])
    status = run("autopilot", "status", "1", env=zh).stdout.splitlines()
    assert status[0].startswith("运行 1：已完成。")
    top = next(i for i, line in enumerate(status) if line.lstrip().startswith("排名"))
    board = json.loads(run("autopilot", "status", "1", "--json", env=shipped).stdout)
    table_lines = status[top : top + 1 + len(board["leaderboard"])]
    assert "候选模型" in table_lines[0] and len({width(line) for line in table_lines}) == 1
    shown = run("models", "show", "churn", env=zh).stdout.splitlines()
    assert shown[0].split()[:4] == ["版本", "阶段", "审批", "候选模型"]
    assert _aligned(shown[:2])
    assert any(line.startswith("v1: 正类“") and "决策阈值" in line for line in shown)


def _aligned(lines: list[str]) -> bool:
    """Whether every line's last cell starts at the same terminal column."""
    return len({width(line.rsplit(" ", 1)[0]) for line in lines}) == 1
