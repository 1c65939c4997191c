"""Notices a user must see reach the result of add_dataset_version, the CLI's stderr at
``data add`` (also with --json) and ``data show``, with each column's reason."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import clean_env, run

ROWS = "\n".join(f"{i % 5},{i % 3},{['NA', 'm', 'f'][i % 3]},{'ab'[i % 2]}" for i in range(60))


def test_data_add_prints_notices_and_warnings_on_stderr(tmp_path: Path) -> None:
    """A renamed duplicate header and NA cells are told at data add, not only at data show;
    --json keeps stdout one document and carries the notices too."""
    path = tmp_path / "dups.csv"
    path.write_text(f"x,x,sex,y\n{ROWS}\n")
    env = clean_env(tmp_path / "home")
    added = run("data", "add", str(path), "--json", env=env)
    assert added.returncode == 0, added.stderr
    document = json.loads(added.stdout)
    renamed = "Renamed blank or duplicate column names: 'x' (column 2) → 'x_2'."
    missing = "20 cells in 'sex' were read as missing (NA)."
    assert document["notices"] == [renamed, missing]
    assert f"notice: {renamed}" in added.stderr and f"notice: {missing}" in added.stderr
    text = run("data", "add", str(path), "--name", "again", env=env)
    assert text.stdout.startswith("Added again@1: 60 rows x 4 columns")
    assert f"notice: {renamed}" in text.stderr


def test_data_show_gives_each_column_its_reason(tmp_path: Path) -> None:
    """data show lists why each column got its kind, and a suggested kind with its reason."""
    path = tmp_path / "shops.csv"
    rows = "\n".join(f"{i},{[101, 205, 307][i % 3]},{20_000 + 37 * i * i},{'ab'[i % 2]}"
                     for i in range(60))  # fmt: skip
    path.write_text(f"row,store_code,income,y\n{rows}\n")
    env = clean_env(tmp_path / "home")
    assert run("data", "add", str(path), env=env).returncode == 0
    shown = run("data", "show", "shops", env=env).stdout
    assert "consecutive integers 0…59" in shown
    assert "not consecutive: a measurement" in shown
    assert "maybe categorical: named like a code, 3 distinct whole numbers" in shown
    profile = json.loads(run("data", "show", "shops", "--json", env=env).stdout)["profile"]
    store = next(c for c in profile["column_profiles"] if c["name"] == "store_code")
    assert (store["kind"], store["suggested_kind"]) == ("numeric", "categorical")
