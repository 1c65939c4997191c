"""The command line in Chinese: sentences follow STUDIO_LANGUAGE (or LANG); JSON and exit codes
do not change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.cli.output import width
from tests.cli import clean_env, run, run_process


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
