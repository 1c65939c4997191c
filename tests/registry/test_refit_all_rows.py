"""Registering with "refit on all rows": a new model of its own, fit on training + holdout
rows, loaded through the checksum and allow-list; the candidate is untouched; the card says
which rows it saw and what the holdout score means."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from studio.artifacts import sha256_file
from studio.autopilot.data import prepare_training_data
from studio.autopilot.pipeline import model_output
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Candidate
from studio.errors import RefusedModelError
from studio.modelio import load_model, load_version_model
from studio.registry.register import register_candidate
from studio.registry.training import refit_all_rows
from studio.registry.versions import get_version
from studio.tracking import get_run
from tests.cli import run
from tests.stores import StoreCopy

pytestmark = pytest.mark.database


def test_refit_version_is_a_new_model_on_every_row(finished_run: tuple[Studio, int]) -> None:
    """The refit version's file is its own (new checksum), predicts what a naive refit of the
    candidate's pipeline on all 400 rows predicts, differs from the candidate, and records
    which rows it saw; the candidate's file is unchanged."""
    studio, run_id = finished_run
    best = get_run(studio, run_id).leaderboard[0]
    plain = register_candidate(studio, run_id, "churn", "tester", refit_all_rows=False)
    refit = register_candidate(studio, run_id, "churn", "tester", refit_all_rows=True)
    assert refit.artifact_sha256 not in (best.artifact_sha256, plain.artifact_sha256)
    assert sha256_file(studio.artifacts.path_of(best.artifact)) == best.artifact_sha256
    data = prepare_training_data(studio, get_run(studio, run_id).config["dataset"],
                                 get_run(studio, run_id).config)  # fmt: skip
    candidate = load_model(studio.artifacts, best.artifact, best.artifact_sha256)
    X = pd.concat([data.X, data.X_holdout], ignore_index=True)
    naive = clone(candidate).fit(X, np.concatenate([data.y, data.y_holdout]))
    model = load_version_model(studio.artifacts, refit)
    np.testing.assert_allclose(model_output(model, data.X_holdout),
                               model_output(naive, data.X_holdout))  # fmt: skip
    assert np.abs(model_output(model, X) - model_output(candidate, X)).max() > 1e-3
    rows = np.sort(np.concatenate([data.train_rows, data.holdout_rows])).astype("<i8")
    assert refit.training["scope"] == "all_rows" and refit.training["rows"] == 400
    assert refit.training["rows_sha256"] == hashlib.sha256(rows.tobytes()).hexdigest()
    assert refit.baseline["training_rows"] == 400
    assert refit.metrics == plain.metrics  # the estimate is the candidate's holdout score
    auc = refit.metrics["holdout"]["roc_auc"]
    assert refit.training_note == (
        f"Trained on all 400 rows; the holdout ROC AUC {auc:.3f} was measured before the "
        "refit, on the 80 holdout rows it now includes."
    )
    assert plain.training["scope"] == "training_rows"
    assert plain.training_note.startswith("Trained on the run's 320 training rows;")


def test_the_run_fits_its_best_on_all_rows_and_registering_uses_that_fit(
    finished_run: tuple[Studio, int],
) -> None:
    """The run's best candidate comes with its fit on all rows, made in the run's budget:
    registering it by default gives a version of exactly that file (checksum verified), which
    predicts what a naive refit of the candidate on all 400 rows predicts; the other candidates
    have none, so they register on their training rows unless told otherwise."""
    studio, run_id = finished_run
    board = get_run(studio, run_id).leaderboard
    assert [c.fitted_on_all_rows for c in board] == [True] + [False] * (len(board) - 1)
    version = register_candidate(studio, run_id, "churn", "tester")
    assert version.training["scope"] == "all_rows" and version.training["rows"] == 400
    with session_scope(studio.engine) as db:
        row = db.get(Candidate, board[0].id)
        run_file, run_sha = row.all_rows_artifact, row.all_rows_sha256
    assert version.artifact_sha256 == run_sha == sha256_file(studio.artifacts.path_of(run_file))
    data = prepare_training_data(studio, get_run(studio, run_id).config["dataset"],
                                 get_run(studio, run_id).config)  # fmt: skip
    candidate = load_model(studio.artifacts, board[0].artifact, board[0].artifact_sha256)
    naive = refit_all_rows(candidate, data)
    model = load_version_model(studio.artifacts, version)
    X = pd.concat([data.X, data.X_holdout], ignore_index=True)
    np.testing.assert_allclose(model_output(model, X), model_output(naive, X), rtol=1e-9)
    other = register_candidate(studio, run_id, "churn", "tester", candidate=board[1].name)
    assert other.training["scope"] == "training_rows"


def test_an_altered_refit_file_is_refused(finished_run: tuple[Studio, int]) -> None:
    """The refit model loads only through the checksum: an altered file is refused."""
    studio, run_id = finished_run
    refit = register_candidate(studio, run_id, "churn", "tester", refit_all_rows=True)
    path = studio.artifacts.path_of(refit.artifact)
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(RefusedModelError, match="does not match the checksum"):
        load_version_model(studio.artifacts, get_version(studio, "churn@1"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--candidate", "nope"), "Run 1 has no candidate 'nope'; 'studio runs show 1' lists"),
        (("--name", "bad name!"), "'bad name!' is not a valid model name"),
    ],
)
def test_cli_refit_register_and_refusals(
    prepared: Callable[..., StoreCopy], args: tuple[str, ...], message: str
) -> None:
    """`models register --refit-all-rows` says what the model saw; bad input is one sentence
    on stderr with exit 2."""
    copy = prepared("linear_churn")
    env = copy.env()
    base = ["models", "register", "--run", str(copy.info["run_id"]), "--refit-all-rows"]
    named = [*base, "--name", "churn"]
    bad = run(*(named if "--name" not in args else base), *args, env=env)
    assert bad.returncode == 2 and bad.stderr.startswith("error: ")
    assert message in bad.stderr and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    good = run(*named, env=env)
    assert good.returncode == 0, good.stderr
    assert "Trained on all 400 rows; the holdout ROC AUC" in good.stdout
    plain = run("models", "register", "--run", str(copy.info["run_id"]), "--name", "churn",
                "--training-rows-only", env=env)  # fmt: skip
    assert plain.returncode == 0, plain.stderr
    assert "Trained on the run's 320 training rows;" in plain.stdout


def test_the_model_card_report_says_the_model_saw_the_holdout(
    finished_run: tuple[Studio, int],
) -> None:
    """The HTML model card of a refit version carries the same sentence as the page."""
    from studio.reports.service import model_html

    studio, run_id = finished_run
    refit = register_candidate(studio, run_id, "churn", "tester", refit_all_rows=True)
    page = model_html(studio, refit.ref, "tester").decode()
    assert "Trained on all 400 rows;" in page and "measured before the refit" in page
