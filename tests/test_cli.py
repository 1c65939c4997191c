"""The studio command line: JSON documents, exit codes and one-sentence errors.

Commands run in this process (tests/cli.py); the smoke tests marked below start a real
interpreter to check what only one shows: the exit status, a real stdout, no traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli import clean_env, run, run_process


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A process environment pointing at a fresh SQLite store."""
    return clean_env(tmp_path / "home", "cli-user")


@pytest.fixture
def churn_csv(tmp_path: Path) -> Path:
    path = tmp_path / "churn.csv"
    rows = [
        f"{i},{i % 5},{'=cmd()' if i == 3 else 'ok'},{'Yes' if i % 4 else 'No'}" for i in range(80)
    ]
    path.write_text("customer_id,tenure,note,churn\n" + "\n".join(rows) + "\n")
    return path


def test_data_add_json_contract(env: dict[str, str], churn_csv: Path) -> None:
    """data add --json prints exactly one document with the agreed keys (a real process)."""
    result = run_process("data", "add", str(churn_csv), "--json", env=env)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert {"name", "version", "rows", "columns", "sha256", "warnings"} <= set(document)
    assert (document["name"], document["version"], document["rows"]) == ("churn", 1, 80)
    again = json.loads(run("data", "add", str(churn_csv), "--json", env=env).stdout)
    assert again["version"] == 1 and again["created"] is False


def test_list_show_export_delete(env: dict[str, str], churn_csv: Path, tmp_path: Path) -> None:
    """The whole data life cycle from the command line."""
    run("data", "add", str(churn_csv), "--name", "telco", env=env)
    listed = json.loads(run("data", "list", "--json", env=env).stdout)
    assert [(d["name"], d["versions"], d["rows"]) for d in listed] == [("telco", 1, 80)]
    shown = json.loads(run("data", "show", "telco@1", "--json", env=env).stdout)
    kinds = {c["name"]: c["kind"] for c in shown["profile"]["column_profiles"]}
    assert kinds["customer_id"] == "identifier" and kinds["churn"] == "boolean"
    text = run("data", "show", "telco", env=env).stdout
    assert "customer_id" in text and "identifier" in text
    out = tmp_path / "export.csv"
    assert run("data", "export", "telco", "--out", str(out), env=env).returncode == 0
    assert "'=cmd()" in out.read_text()
    deleted = run("data", "delete", "telco@1", "--json", env=env)
    assert json.loads(deleted.stdout) == {"deleted": "telco@1"}
    assert json.loads(run("data", "list", "--json", env=env).stdout) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("data", "add", "/no/such/file.csv"), "There is no file at"),
        (("data", "show", "ghost"), "There is no dataset named 'ghost'"),
        (("data", "delete", "ghost@1"), "There is no dataset named 'ghost'"),
    ],
)
def test_user_errors_exit_2_with_one_sentence(
    env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    """A user error is exit 2, 'error: ...' on stderr, nothing on stdout, no traceback."""
    result = (run_process if args[1] == "add" else run)(*args, "--json", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {message}")
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_bad_file_exits_2_and_stores_nothing(env: dict[str, str], tmp_path: Path) -> None:
    """A malformed file is refused and leaves no dataset behind."""
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b\n1,2\n3,4,5\n")
    result = run("data", "add", str(bad), env=env)
    assert result.returncode == 2 and "Line 3 has 3 fields" in result.stderr
    assert json.loads(run("data", "list", "--json", env=env).stdout) == []


def test_internal_failure_exits_1_with_a_reference(tmp_path: Path) -> None:
    """An unreachable database is an internal failure: exit 1, a reference, no traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env |= {
        "STUDIO_HOME": str(tmp_path / "home"),
        "STUDIO_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
    }
    result = run_process("data", "list", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "ref " in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_loads_four_datasets_once(env: dict[str, str]) -> None:
    """studio demo adds the four demo datasets; a second call adds nothing."""
    first = json.loads(run("demo", "--json", env=env).stdout)
    assert sorted(d["name"] for d in first) == ["breast_cancer", "diabetes", "telco_churn", "wine"]
    assert all(d["created"] for d in first)
    assert not any(d["created"] for d in json.loads(run("demo", "--json", env=env).stdout))
    rows = {d["name"]: d["rows"] for d in first}
    assert rows == {"breast_cancer": 569, "wine": 178, "diabetes": 442, "telco_churn": 7043}
