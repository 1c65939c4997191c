"""`studio models ...` and `studio predict` from the command line: JSON, files, exit codes."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from tests.autopilot.conftest import churn_like
from tests.cli import run
from tests.stores import StoreCopy


@pytest.fixture
def trained(prepared: Callable[..., StoreCopy]) -> dict[str, str]:
    """The CLI's environment on a copy of the prepared linear run on churn."""
    return prepared("linear_churn").env("cli")


def test_register_approve_promote_history_predict(trained: dict[str, str], tmp_path: Path) -> None:
    """The whole registry path, with the agreed JSON documents."""
    env = trained
    registered = json.loads(run("models", "register", "--run", "1", "--name", "churn", "--json",
                                env=env).stdout)  # fmt: skip
    assert (registered["name"], registered["version"], registered["stage"]) == ("churn", 1, "none")
    refused = run("models", "promote", "churn", "1", "--stage", "production", "--comment", "x",
                  env=env)  # fmt: skip
    assert refused.returncode == 2 and "only an approved version" in refused.stderr
    assert run("models", "approve", "churn", "1", "--comment", "ok", env=env).returncode == 0
    shipped = run("models", "promote", "churn", "1", "--stage", "production", "--comment",
                  "ship", "--json", env=env)  # fmt: skip
    assert json.loads(shipped.stdout)["stage"] == "production"
    listed = json.loads(run("models", "list", "--json", env=env).stdout)["models"]
    assert listed[0]["name"] == "churn" and listed[0]["production"] == 1
    shown = json.loads(run("models", "show", "churn", "--json", env=env).stdout)
    assert shown["versions"][0]["approval"] == "approved"
    events = json.loads(run("models", "history", "churn", "--json", env=env).stdout)["events"]
    assert [(e["action"], e["to"], e["actor"]) for e in events] == [
        ("stage", "production", "cli"), ("approval", "approved", "cli"),
        ("registered", "none", "cli"),
    ]  # fmt: skip
    batch = tmp_path / "batch.csv"
    churn_like(25, seed=5).drop(columns=["churn"]).to_csv(batch, index=False)
    out = tmp_path / "scores.csv"
    scored = run("predict", "churn@production", str(batch), "--out", str(out), "--json", env=env)
    assert scored.returncode == 0, scored.stderr
    document = json.loads(scored.stdout)
    assert document["rows"] == 25 and document["version"] == 1
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 25 and list(rows[0]) == ["customer_id", "prediction", "proba_No",
                                                 "proba_Yes"]  # fmt: skip
    parquet = tmp_path / "scores.parquet"
    assert run("predict", "churn", str(batch), "--out", str(parquet), env=env).returncode == 0
    assert pd.read_parquet(parquet).shape == (25, 4)


def test_errors_and_roles(trained: dict[str, str], tmp_path: Path) -> None:
    """Bad references, files and roles exit 2 with one sentence."""
    env = trained
    batch = tmp_path / "batch.csv"
    churn_like(25).drop(columns=["churn", "tenure"]).to_csv(batch, index=False)
    cases = [
        (["models", "approve", "ghost", "1", "--comment", "x"], "There is no model 'ghost'"),
        (["predict", "ghost", str(batch), "--out", str(tmp_path / "o.csv")], "no model 'ghost'"),
        (["predict", "x@", str(batch), "--out", "o.csv"], "is not a model reference"),
        (["predict", "churn", str(tmp_path / "none.csv"), "--out", "o.csv"], "There is no file"),
        (["models", "register", "--run", "1", "--name", "a b"], "not a valid model name"),
    ]
    for args, sentence in cases:
        result = run(*args, env=env)
        assert result.returncode == 2 and sentence in result.stderr, (args, result.stderr)
    assert run("models", "register", "--run", "1", "--name", "churn", env=env).returncode == 0
    missing = run("models", "promote", "churn", "1", "--stage", "staging", "--comment", "",
                  env=env)  # fmt: skip
    assert missing.returncode == 0
    lacking = run("predict", "churn@staging", str(batch), "--out", str(tmp_path / "o.csv"),
                  env=env)  # fmt: skip
    assert lacking.returncode == 2 and "lacks 1 column(s) the model needs: 'tenure'" in (
        lacking.stderr
    )
    roles = tmp_path / "roles.toml"
    roles.write_text('default = ["viewer"]\n[users]\nboss = ["approver"]\n')
    viewer = env | {"STUDIO_ROLES_FILE": str(roles)}
    denied = run("models", "approve", "churn", "1", "--comment", "ok", env=viewer)
    assert denied.returncode == 2 and "cli may not approve" in denied.stderr
    allowed = run("models", "approve", "churn", "1", "--comment", "ok",
                  env=viewer | {"STUDIO_USER": "boss"})  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr
