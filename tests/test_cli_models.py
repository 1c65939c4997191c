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


def _scoring_rows(tmp_path: Path) -> Path:
    batch = tmp_path / "batch.csv"
    churn_like(20, seed=3).drop(columns=["churn"]).to_csv(batch, index=False)
    return batch


def test_approve_reject_staging(trained: dict[str, str], tmp_path: Path) -> None:
    """approve → staging → reject: the version leaves staging (audited), `predict @staging`
    names no version, and it cannot go back to staging while rejected."""
    env, batch, out = trained, _scoring_rows(tmp_path), str(tmp_path / "o.csv")
    for args in (
        ("models", "register", "--run", "1", "--name", "churn"),
        ("models", "approve", "churn", "1", "--comment", "ok"),
        ("models", "promote", "churn", "1", "--stage", "staging", "--comment", "try it"),
    ):
        assert run(*args, env=env).returncode == 0
    assert run("predict", "churn@staging", str(batch), "--out", out, env=env).returncode == 0

    rejected = run("models", "reject", "churn", "1", "--comment", "leaks the target", env=env)

    assert rejected.returncode == 0, rejected.stderr
    shown = json.loads(run("models", "show", "churn@1", "--json", env=env).stdout)["versions"]
    assert (shown[0]["stage"], shown[0]["approval"]) == ("archived", "rejected")
    events = json.loads(run("models", "history", "churn", "--json", env=env).stdout)["events"]
    assert [(e["action"], e["from"], e["to"], e["actor"]) for e in events[:2]] == [
        ("stage", "staging", "archived", "cli"), ("approval", "approved", "rejected", "cli"),
    ]  # fmt: skip
    scored = run("predict", "churn@staging", str(batch), "--out", out, env=env)
    assert scored.returncode == 2
    assert scored.stderr == "error: Model 'churn' has no staging version; name a version number.\n"
    back = run("models", "promote", "churn", "1", "--stage", "staging", "--comment", "", env=env)
    assert back.returncode == 2 and "was rejected; an approver must approve it" in back.stderr
    listed = json.loads(run("models", "list", "--json", env=env).stdout)["models"]
    assert listed[0]["staging"] == []


@pytest.mark.parametrize("stage", ["archived", "none", "staging"])
def test_an_analyst_cannot_take_production_away(
    prepared: Callable[..., StoreCopy], tmp_path: Path, stage: str
) -> None:
    """Moving the production version out of production needs an approver, like moving one
    in: the analyst gets one sentence and exit 2, and production is unchanged."""
    roles = tmp_path / "roles.toml"
    roles.write_text('[users]\nana = ["analyst"]\nbob = ["approver"]\n')
    env = prepared("shipped_churn").env("ana") | {"STUDIO_ROLES_FILE": str(roles)}
    moved = run("models", "promote", "churn", "1", "--stage", stage, "--comment", "oops", env=env)
    assert moved.returncode == 2
    assert moved.stderr == (
        "error: ana may not move a version out of production: that needs the approver role "
        f"(roles come from {roles}).\n"
    )
    assert (
        json.loads(run("models", "list", "--json", env=env).stdout)["models"][0]["production"] == 1
    )
    approver = env | {"STUDIO_USER": "bob"}
    kept = run("models", "promote", "churn", "1", "--stage", stage, "--comment", "x", env=approver)
    assert kept.returncode == 0, kept.stderr


def test_threshold_from_the_command_line(
    prepared: Callable[..., StoreCopy], tmp_path: Path
) -> None:
    """`models threshold` is approver-only (exit 2, one sentence); the saved threshold is in
    `models show --json` and `history`; `predict` cuts at it and says so."""
    roles = tmp_path / "roles.toml"
    roles.write_text('default = ["viewer"]\n[users]\nana = ["analyst"]\nbob = ["approver"]\n')
    copy = prepared("linear_churn")
    ana = copy.env("ana") | {"STUDIO_ROLES_FILE": str(roles)}
    bob = copy.env("bob") | {"STUDIO_ROLES_FILE": str(roles)}
    assert run("models", "register", "--run", "1", "--name", "churn", env=ana).returncode == 0
    cut = ("models", "threshold", "churn", "1", "--value", "0.3", "--comment", "finance")
    refused = run(*cut, env=ana)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("error: ana may not save a model version's decision")
    bad = run("models", "threshold", "churn", "1", "--value", "2", "--comment", "x", env=bob)
    assert bad.returncode == 2 and "between 0 and 1" in bad.stderr
    saved = run(*cut, env=bob)
    assert saved.returncode == 0, saved.stderr
    assert "'Yes' is predicted where its probability is at least 0.30" in saved.stdout
    shown = json.loads(run("models", "show", "churn@1", "--json", env=ana).stdout)
    assert shown["versions"][0]["decision_threshold"] == 0.3
    assert shown["versions"][0]["positive_class"] == "Yes"
    assert "decision threshold 0.3." in run("models", "show", "churn", env=ana).stdout
    events = json.loads(run("models", "history", "churn", "--json", env=ana).stdout)
    [event] = [e for e in events["events"] if e["action"] == "threshold"]
    assert (event["actor"], event["to"], event["comment"]) == ("bob", "0.3", "finance")
    batch = tmp_path / "week.csv"
    churn_like(60, seed=4).drop(columns=["churn"]).to_csv(batch, index=False)
    out = tmp_path / "scores.csv"
    scored = run("predict", "churn@1", str(batch), "--out", str(out), env=ana)
    assert scored.returncode == 0, scored.stderr
    assert "notice: 'Yes' is predicted where its probability is at least 0.30" in scored.stderr
    frame = pd.read_csv(out)
    assert (
        frame["prediction"] == frame["proba_Yes"].ge(0.3).map({True: "Yes", False: "No"})
    ).all()
