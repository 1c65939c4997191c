"""`studio runs list|show|compare|trials|tag|note` from the command line: JSON and errors."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli import clean_env, run
from tests.stores import StoreCopy

# An option before RUN: argparse cannot mix it into the trailing TAG list.


@pytest.fixture
def finished(prepared: Callable[..., StoreCopy]) -> dict[str, str]:
    """The CLI's environment on a copy of a store with one finished run on churn (10 trials)."""
    return prepared("mixed_churn").env("cli")


def test_list_show_compare_trials_and_annotations(
    finished: dict[str, str], tmp_path: Path
) -> None:
    """The agreed JSON documents, tags and notes, and the trial CSV."""
    env = finished
    assert run("runs", "tag", "1", "Q4", "baseline", env=env).returncode == 0
    assert run("runs", "note", "1", "First **try**.", env=env).returncode == 0
    assert run("runs", "tag", "--candidate", "hgb-t0", "1", "default", env=env).returncode == 0
    listed = json.loads(run("runs", "list", "--json", "--tag", "q4", env=env).stdout)
    assert listed["total"] == 1
    assert listed["runs"][0] | {"created_at": None} == listed["runs"][0] | {
        "run_id": 1, "dataset": "churn@1", "target": "churn", "task": "binary",
        "metric": "roc_auc", "status": "finished", "trials": 10, "created_by": "tester",
        "tags": ["baseline", "q4"], "created_at": None,
    }  # fmt: skip
    none = run("runs", "list", "--search", "nothing-like-this", env=env)
    assert none.returncode == 0 and "No run matches" in none.stdout
    shown = json.loads(run("runs", "show", "1", "--json", env=env).stdout)
    assert shown["analysis"] == "done" and shown["note"] == "First **try**."
    names = list(shown["candidate_ids"])
    assert len(names) >= 2 and shown["leaderboard"][0]["candidate"] == names[0]
    compared = run("runs", "compare", f"1:{names[0]}", f"1:{names[1]}", "--json", env=env)
    assert compared.returncode == 0, compared.stderr
    document = json.loads(compared.stdout)
    assert [c["ref"] for c in document["candidates"]] == [f"1:{names[0]}", f"1:{names[1]}"]
    first = document["metrics"][0]
    assert first["metric"] == "roc_auc" and first["paired"] == [True, True]
    assert first["verdicts"][1] in ("better", "worse", "no clear difference")
    text = run("runs", "compare", f"1:{names[0]}", f"1:{names[1]}", env=env).stdout
    assert "95% interval of the difference" in text
    out = tmp_path / "trials.csv"
    assert run("runs", "trials", "1", "--out", str(out), env=env).returncode == 0
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 10 and {"trial", "family", "state", "score"} <= set(rows[0])


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["runs", "show", "42"], "There is no run 42"),
        (["runs", "compare", "1"], "There is no candidate 1"),
        (["runs", "compare", "x", "y"], "is not a candidate"),
        (["runs", "list", "--page", "0"], "Pages start at 1"),
        (["runs", "tag", "7", "ok"], "There is no run 7"),
        (["runs", "tag", "--candidate", "hgb-t0", "1", "ok"], "There is no candidate 1:hgb-t0"),
        (["runs", "tag", "1", "bad\ttag"], "is not a valid tag"),
    ],
)
def test_bad_input_exits_2_with_one_sentence(
    tmp_path: Path, args: list[str], sentence: str
) -> None:
    """User errors print 'error: ...' on stderr and exit 2 (an empty store)."""
    result = run(*args, env=clean_env(tmp_path / "home", "cli"))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and sentence in result.stderr
    assert "Traceback" not in result.stderr
