"""A model file that is altered, holds types outside the allow-list or is no skops file at all
is refused at the one load path, and every front door says which model and why in one
sentence: the core raises RefusedModelError, the CLI prints ``error: ...`` and exits 2, the
Predict page shows the sentence without a log reference."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
import skops.io as sio
from sklearn.preprocessing import FunctionTransformer
from sqlmodel import select

from studio.artifacts import sha256_file
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import ModelVersion
from studio.errors import RefusedModelError
from studio.registry.scoring import score_frame
from studio.registry.versions import get_version
from tests.autopilot.conftest import churn_like
from tests.cli import run, run_process
from tests.pages.test_models import _open
from tests.stores import StoreCopy


def _flip_bytes(studio: Studio, path: Path) -> None:
    """Tampering: the same file with a few bytes changed (its row still has the old checksum)."""
    data = bytearray(path.read_bytes())
    for i in range(100, 110):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def _unsafe(studio: Studio, path: Path) -> None:
    """A valid skops file holding a type that would run shell commands, with its checksum
    recorded (as if it had been registered from somewhere else)."""
    sio.dump(FunctionTransformer(func=os.system), path)
    _record_checksum(studio, path)


def _not_skops(studio: Studio, path: Path) -> None:
    """A file that is no skops archive at all, with its checksum recorded."""
    path.write_bytes(b"\x80\x04not a model, maybe a pickle\x94.")
    _record_checksum(studio, path)


def _record_checksum(studio: Studio, path: Path) -> None:
    with session_scope(studio.engine) as session:
        row = session.exec(select(ModelVersion)).one()
        row.artifact_sha256 = sha256_file(path)
        session.add(row)


DAMAGE: dict[str, tuple[Callable[[Studio, Path], None], str]] = {
    "tampered": (_flip_bytes, "its file does not match the checksum recorded when it was saved"),
    "unsafe": (
        _unsafe,
        f"its file holds types Studio does not trust ({os.system.__module__}.system)",
    ),
    "not skops": (_not_skops, "its file is not a skops model file"),
}


@pytest.fixture(params=list(DAMAGE))
def damaged(request: pytest.FixtureRequest, prepared: Callable[..., StoreCopy]) -> tuple:
    """A copy of the shipped churn store whose production model file was damaged one way;
    (copy, the sentence the refusal must say)."""
    copy = prepared("shipped_churn")
    studio = Studio.open(copy.settings)
    version = get_version(studio, "churn@production")
    damage, why = DAMAGE[request.param]
    damage(studio, studio.artifacts.path_of(version.artifact))
    sentence = f"Model churn v1 was refused: {why}; re-register it from its run."
    return copy, sentence


def _batch(folder: Path) -> Path:
    path = folder / "week.csv"
    churn_like(30, seed=4).drop(columns=["churn"]).to_csv(path, index=False)
    return path


def test_the_core_raises_one_refusal(damaged: tuple) -> None:
    """Scoring raises RefusedModelError with the sentence, before anything is unpickled."""
    copy, sentence = damaged
    studio = Studio.open(copy.settings)
    frame = churn_like(30, seed=4).drop(columns=["churn"])
    with pytest.raises(RefusedModelError) as caught:
        score_frame(studio, "churn", frame, "week.csv", "tester")
    assert str(caught.value) == sentence


def test_cli_predict_says_what_was_refused_and_exits_2(damaged: tuple, tmp_path: Path) -> None:
    """``studio predict``: ``error: <the sentence>`` on stderr, exit 2, no output file."""
    copy, sentence = damaged
    out = tmp_path / "scores.csv"
    done = run("predict", "churn", str(_batch(tmp_path)), "--out", str(out), env=copy.env())
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"error: {sentence}"
    assert not out.exists()


def test_cli_predict_in_a_real_process_shows_no_traceback(
    prepared: Callable[..., StoreCopy], tmp_path: Path
) -> None:
    """Through a real interpreter too: exit 2, the sentence, no traceback, no 'internal'."""
    copy = prepared("shipped_churn")
    studio = Studio.open(copy.settings)
    _flip_bytes(studio, studio.artifacts.path_of(get_version(studio, "churn@1").artifact))
    out = tmp_path / "s.csv"
    done = run_process("predict", "churn@1", str(_batch(tmp_path)), "--out", str(out),
                       env=copy.env())  # fmt: skip
    assert done.returncode == 2
    assert "error: Model churn v1 was refused: its file does not match" in done.stderr
    assert "Traceback" not in done.stderr and "internal" not in done.stderr


def test_predict_page_shows_the_sentence_without_a_reference(
    damaged: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Predict page: one st.error with the sentence, no 'went wrong on our side'."""
    copy, sentence = damaged
    copy.use(monkeypatch)
    at = _open("pages/5_Predict.py")
    batch = churn_like(30, seed=4).drop(columns=["churn"])
    at.file_uploader(key="pred_upload").set_value(
        ("week.csv", batch.to_csv(index=False).encode(), "text/csv")
    )
    at.run()
    at.button(key="pred_go").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert "was refused" in errors[0] and "reference" not in errors[0]
    assert "on our side" not in errors[0]
    assert errors[0].replace("\\", "") == sentence  # the sentence, shown literally
