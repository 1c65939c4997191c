"""Awkward real-world files (tests/data/corpus.py): typed with a reason, noticed, stored, and
read again by scoring exactly as training read them, with no internal error anywhere."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeClassifier
from sqlmodel import select

from studio.autopilot.prepare import build_preprocessor, plan_columns
from studio.context import Studio
from studio.data.ingest import IngestedFrame, read_table
from studio.data.profile import DatasetProfile, profile_frame
from studio.data.versions import add_dataset_version, load_frame
from studio.db import session_scope
from studio.db.models import DatasetVersion, ModelVersion, RegisteredModel
from studio.registry.schema import build_schema, check_batch, read_hints
from studio.registry.scoring import read_batch
from tests.conftest import make_settings
from tests.data.corpus import CORPUS, Shape, delimited

LIMITS = {"max_columns": 2_000, "max_bytes": 50 * 2**20}
BY_ID = {shape.id: shape for shape in CORPUS}


def read(content: bytes, name: str, hints: dict | None = None) -> IngestedFrame:
    return read_table(content, name, hints=hints, **LIMITS)


def profiled(shape: Shape) -> tuple[IngestedFrame, DatasetProfile]:
    parsed = read(shape.content, shape.filename)
    return parsed, profile_frame(parsed.frame, parsed.report.reads)


def cells(series: pd.Series) -> list:
    """Plain Python values, None for any kind of missing (NaN, NaT, pd.NA)."""
    out = []
    for value in series.astype(object):
        if value is None or value is pd.NA or value is pd.NaT or value != value:
            out.append(None)
        elif isinstance(value, pd.Timestamp):
            out.append(value.to_pydatetime())
        elif isinstance(value, np.generic):
            out.append(value.item())
        else:
            out.append(value)
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Studio:
    """One SQLite store for the whole corpus (a fresh one per shape would triple the time)."""
    home = tmp_path_factory.mktemp("shapes")
    return Studio.open(make_settings(home, f"sqlite:///{home / 'studio.db'}"))


@pytest.mark.parametrize("shape", CORPUS, ids=lambda s: s.id)
def test_shape_is_typed_with_a_reason_and_a_notice(shape: Shape) -> None:
    """The column gets the kind a person would give it, the reason in a few words, the
    suggested kind, the notice (or none), the encoding, and exactly the reference values."""
    parsed, profile = profiled(shape)
    column = profile.column(shape.column)
    assert column.kind == shape.kind, column
    if shape.expected is not None:
        assert cells(parsed.frame[shape.column]) == list(shape.expected)
    assert shape.reason in column.reason
    assert column.suggested_kind == shape.suggested, column.suggestion_reason
    notices = parsed.report.notices
    if shape.notice is None:
        assert [n for n in notices if f"'{shape.column}'" in n] == []
    else:
        assert any(shape.notice in n for n in notices), notices
    if shape.encoding is not None:
        assert parsed.report.encoding == shape.encoding


@pytest.mark.parametrize("shape", CORPUS, ids=lambda s: s.id)
def test_shape_is_stored_and_scoring_reads_it_the_same_way(store: Studio, shape: Shape) -> None:
    """add_dataset_version keeps the notices; scoring's reading (read_table with the schema's
    hints, then check_batch) gives the very features the stored training frame gives."""
    name = re.sub(r"[^\w.-]", "_", shape.id)
    info = add_dataset_version(store, shape.content, shape.filename, name=name, actor="t").version
    if shape.notice is not None:
        assert any(shape.notice in n for n in info.notices)
    training = load_frame(store, info)
    plan = plan_columns(info.profile, "y")
    schema = build_schema(training[plan.features], plan, info.reads)
    batch = read(shape.content, shape.filename, read_hints(schema)).frame
    scored = check_batch(batch.drop(columns=["y"]), schema).features
    pd.testing.assert_frame_equal(scored, check_batch(training, schema).features)


FITTED = [
    "bool-true-blanks", "bool-True-blanks", "bool-no-blanks", "bool-mixed-case",
    "bool-zero-one-blanks", "bool-words-yes", "parquet-bool-nulls", "jsonl-bool-nulls",
    "excel-bool-blanks", "zoned-z", "zoned-plus-one", "zoned-mixed-offsets", "zoned-and-naive",
    "parquet-zoned", "inf-inf", "parquet-inf", "thousands-commas-blanks", "day-first-blanks",
    "chinese-dates-blanks", "text-missing-NA",
]  # fmt: skip


@pytest.mark.parametrize("shape_id", FITTED)
@pytest.mark.parametrize(
    ("style", "make"),
    [("linear", lambda: LogisticRegression(max_iter=200)),
     ("tree", lambda: DecisionTreeClassifier(max_depth=3, random_state=0))],
)  # fmt: skip
def test_a_model_pipeline_fits_and_scores_the_shape(shape_id: str, style: str, make) -> None:  # noqa: ANN001
    """The mechanism behind "every trial fails": the planned preprocessor and an estimator fit
    the prepared frame (the column under test used), then predict a scoring read of it."""
    shape = BY_ID[shape_id]
    parsed, profile = profiled(shape)
    plan = plan_columns(profile, "y")
    assert shape.column in plan.features
    frame = parsed.frame
    model = Pipeline([("prepare", build_preprocessor(plan, style, "binary")), ("model", make())])
    model.fit(frame[plan.features], frame["y"])
    schema = build_schema(frame[plan.features], plan, parsed.report.reads)
    batch = read(shape.content, shape.filename, read_hints(schema)).frame
    predictions = model.predict(check_batch(batch, schema).features)
    assert len(predictions) == len(frame)


def _register_schema(studio: Studio, shape: Shape, name: str) -> None:
    """A model version row whose schema is built from ``shape`` (no model file: only its
    schema is read here)."""
    info = add_dataset_version(studio, shape.content, shape.filename, name=name, actor="t").version
    plan = plan_columns(info.profile, "y")
    schema = build_schema(load_frame(studio, info)[plan.features], plan, info.reads)
    with session_scope(studio.engine) as session:
        row = session.exec(select(DatasetVersion).where(DatasetVersion.sha256 == info.sha256))
        session.add(RegisteredModel(name=name, created_by="t"))
        session.add(ModelVersion(model_name=name, version=1, dataset_version_id=row.first().id,
                                 created_by="t", input_schema=schema, target="y"))  # fmt: skip


@pytest.mark.parametrize(
    ("train_id", "column", "batch_values", "delimiter", "expected", "alone"),
    [
        # trained day first (13/01 told); a batch with no day above 12 is read day first too,
        # where alone it would be read month first
        ("day-first-/-,", "order_date", ["05/01/2023", "11/02/2023"], ",",
         [datetime(2023, 1, 5), datetime(2023, 2, 11)],
         [datetime(2023, 5, 1), datetime(2023, 11, 2)]),
        # trained month first; a batch in a decimal-comma file (alone: day first) too
        ("month-first", "order_date", ["02/03/2023", "12/01/2023"], ";",
         [datetime(2023, 2, 3), datetime(2023, 12, 1)],
         [datetime(2023, 3, 2), datetime(2023, 1, 12)]),
        # trained with thousands commas; a decimal-comma batch's "1,234" is still 1234
        ("thousands-commas", "income", ["1,234", "987"], ";", [1234, 987], [1.234, 987]),
    ],
)  # fmt: skip
def test_scoring_reads_a_file_the_way_training_did(  # noqa: PLR0913
    store: Studio, train_id: str, column: str, batch_values: list[str], delimiter: str,
    expected: list, alone: list,
) -> None:  # fmt: skip
    """read_batch(model=...) applies the training file's number format and date order even
    where the batch's own values would allow another reading (``alone``)."""
    name = "hint-" + re.sub(r"\W", "_", train_id)
    _register_schema(store, BY_ID[train_id], name)
    x = ["1,5", "2,5"] if delimiter == ";" else ["1.5", "2.5"]
    content = delimited({column: batch_values, "x": x}, delimiter)
    frame = read_batch(store, content, "batch.csv", model=f"{name}@1")
    assert cells(frame[column]) == expected
    assert cells(read(content, "batch.csv").frame[column]) == alone


def test_a_european_batch_keeps_its_thousands_points(store: Studio) -> None:
    """Trained on "1.234.567,89" prices (';' file); a batch whose prices are all "1.234" is
    read as 1234 like training did, not as 1.234 (which the batch alone suggests)."""
    shape = BY_ID["decimal-comma-points"]
    _register_schema(store, shape, "euro-prices")
    content = delimited({"price": ["1.234", "12.500"], "x": ["1,5", "2,5"]}, ";")
    frame = read_batch(store, content, "batch.csv", model="euro-prices@1")
    assert frame["price"].tolist() == [1234.0, 12500.0]
    assert read(content, "batch.csv").frame["price"].tolist() == [1.234, 12.5]


def test_penguins_written_by_r_has_a_two_class_sex() -> None:
    """R writes missing values as NA: the penguins 'sex' target has 2 classes, not 3 with an
    'NA' class, and the notice counts the cells."""
    path = Path("/work/shared/datasets/penguins.csv")
    text = path.read_text() if path.exists() else _penguins_like()
    r_style = "\n".join(
        ",".join("NA" if cell == "" else cell for cell in line.split(","))
        for line in text.splitlines()
    )
    parsed = read(r_style.encode(), "penguins.csv")
    sex = parsed.frame["sex"]
    assert sorted(sex.dropna().unique()) == ["female", "male"]
    missing = int(sex.isna().sum())
    assert missing > 0
    assert f"{missing} cells in 'sex' were read as missing (NA)." in parsed.report.notices
    profile = profile_frame(parsed.frame, parsed.report.reads)
    assert profile.column("sex").distinct == 2
    assert pd.api.types.is_float_dtype(parsed.frame["bill_length_mm"])


def _penguins_like() -> str:
    rows = [
        "species,island,bill_length_mm,sex",
        *(f"Adelie,Dream,{39 + i % 7}.1,{['male', 'female', ''][i % 3]}" for i in range(60)),
    ]
    return "\n".join(rows)


def test_profiles_stored_before_reasons_still_load() -> None:
    """A stored profile without reason/suggestion fields (older versions) loads, with "" in
    their place."""
    shape = BY_ID["sorted-income"]
    _, profile = profiled(shape)
    stored = profile.to_dict()
    for column in stored["column_profiles"]:
        for key in ("reason", "suggested_kind", "suggestion_reason"):
            column.pop(key)
    again = DatasetProfile.from_dict(stored)
    assert again.column("income").kind == "numeric" and again.column("income").reason == ""


def test_the_corpus_covers_every_family() -> None:
    """The corpus is big enough to mean something, and every kind appears."""
    assert len(CORPUS) >= 120
    assert {s.kind for s in CORPUS} == {
        "identifier", "numeric", "categorical", "boolean", "datetime", "text",
    }  # fmt: skip
    assert sum(bool(s.suggested) for s in CORPUS) >= 10
    assert {s.filename.rsplit(".", 1)[1] for s in CORPUS} >= {"csv", "tsv", "parquet",
                                                                "jsonl", "xlsx"}  # fmt: skip
