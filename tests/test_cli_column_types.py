"""Column types from the command line: --column-type COL=TYPE and --ignore COL decide the run,
columns Studio leaves out are listed on stderr at launch, and types that do not fit are one
sentence with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.autopilot.test_column_types import coded
from tests.cli import clean_env, run

LAUNCH = ("autopilot", "run", "--dataset", "codes", "--target", "churn", "--no-budget",
          "--max-trials", "1", "--families", "linear")  # fmt: skip


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    values = clean_env(tmp_path / "home", "cli")
    csv = tmp_path / "codes.csv"
    coded().to_csv(csv, index=False)
    assert run("data", "add", str(csv), env=values).returncode == 0
    return values


def test_set_types_are_stored_with_the_run_and_left_out_columns_listed(
    env: dict[str, str],
) -> None:
    result = run(*LAUNCH, "--column-type", "store=categorical", "--ignore", "income",
                 "--column-type", "joined=datetime", env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (
        "warning: Not used as features: 'customer_id' (an identifier: consecutive integers "
        "1…600)" in result.stderr
    )
    assert "'comment' (free text is not used as a feature)" in result.stderr
    assert "Set a column's type to use it." in result.stderr
    shown = json.loads(run("runs", "show", "1", "--json", env=env).stdout)
    assert shown["config"]["column_types"] == {
        "store": "categorical", "income": "ignored", "joined": "datetime",
    }  # fmt: skip
    columns = {c["name"]: c for c in shown["config"]["columns"]}
    assert columns["income"]["treatment"] == "excluded"
    assert columns["store"]["treatment"] == "one_hot" and columns["store"]["inferred"] == "numeric"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--column-type", "store=number"), "'number' is not a column type; the types are"),
        (("--column-type", "store"), "'store' is not COLUMN=TYPE"),
        (("--ignore", "nosuch"), "'nosuch' is not a column of the dataset"),
        (("--column-type", "comment=numeric"), "'comment' cannot be used as numbers"),
    ],
)
def test_types_that_do_not_fit_exit_2(env: dict[str, str], args: tuple, message: str) -> None:
    result = run(*LAUNCH, *args, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {message}"), result.stderr
    assert "Traceback" not in result.stderr
