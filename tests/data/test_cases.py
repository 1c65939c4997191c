"""The shared bug-report cases (tests/data/cases/*, copied from /work/shared/cases): each one's
expected.txt reproduced at the data level, up to a fitted model where it says "trains"."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from studio.autopilot.prepare import build_preprocessor, plan_columns
from studio.context import Studio
from studio.data.export import to_safe_csv
from studio.data.ingest import read_table
from studio.data.versions import add_dataset_version, load_frame
from studio.registry.schema import build_schema, check_batch, read_hints

CASES = Path(__file__).parent / "cases"
LIMITS = {"max_columns": 2_000, "max_bytes": 50 * 2**20}


def case_file(case: str, name: str) -> bytes:
    return (CASES / case / name).read_bytes()


def expected(case: str) -> str:
    return (CASES / case / "expected.txt").read_text().strip()


def raw_column(content: bytes, column: str, encoding: str = "utf-8") -> list[str]:
    """A column exactly as written in the file (the plain reference)."""
    text = content.decode(encoding)
    delimiter = ";" if text.splitlines()[0].count(";") else ","
    return [row[column] for row in csv.DictReader(io.StringIO(text), delimiter=delimiter)]


def fit_linear(frame: pd.DataFrame, target: str) -> Pipeline:
    """The run's mechanism in-process: the plan's linear preprocessor and a logistic model."""
    from studio.data.profile import profile_frame

    plan = plan_columns(profile_frame(frame), target)
    pipeline = Pipeline([("prepare", build_preprocessor(plan, "linear", "binary")),
                         ("model", LogisticRegression(max_iter=500))])  # fmt: skip
    return pipeline.fit(frame[plan.features], frame[target])


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("train.csv", "member"),
        ("train_nomissing.csv", "member"),
        ("train_01_missing.csv", "flag01"),
    ],
)
def test_bool_strings_member_is_boolean_and_trains(studio: Studio, name: str, column: str) -> None:
    """bool-strings: the flag (True/False with blanks, without, or 0/1 with blanks) is profiled
    boolean, used by the plan, and a model fits with its missing values imputed."""
    info = add_dataset_version(studio, case_file("bool-strings", name), name, actor="t").version
    profile = info.profile.column(column)
    assert profile.kind == "boolean", expected("bool-strings")
    assert profile.reason.startswith("two values:")
    frame = load_frame(studio, info)
    plan = plan_columns(info.profile, "y")
    assert column in plan.features
    model = fit_linear(frame, "y")
    assert len(model.predict(frame[plan.features])) == len(frame)


@pytest.mark.parametrize("batch", ["score.csv", "score_noblank.csv"])
def test_bool_strings_scoring_reads_the_same_booleans(batch: str) -> None:
    """bool-strings: scoring 'true'/'TRUE'/'False'/blank reads the booleans a person reads,
    and the model trained on True/False predicts every row."""
    train = read_table(case_file("bool-strings", "train.csv"), "train.csv", **LIMITS)
    plan = plan_columns(_profile(train), "y")
    schema = build_schema(train.frame[plan.features], plan, train.report.reads)
    content = case_file("bool-strings", batch)
    frame = read_table(content, batch, hints=read_hints(schema), **LIMITS).frame
    checked = check_batch(frame, schema).features
    spelled = {"true": True, "false": False, "": None}
    reference = [spelled[v.lower()] for v in raw_column(content, "member")]
    assert [None if v is pd.NA else bool(v) for v in checked["member"]] == reference
    model = fit_linear(train.frame, "y")
    assert len(model.predict(checked)) == len(reference) == (20 if batch == "score.csv" else 16)


def _profile(parsed):  # noqa: ANN001, ANN202
    from studio.data.profile import profile_frame

    return profile_frame(parsed.frame, parsed.report.reads)


def test_cp1252_characters_survive_storage_and_export(studio: Studio) -> None:
    """cp1252-encoding: read as Windows-1252 (not Latin-1), so € – “ ” are intact in the
    stored data and in the export; price (decimal comma) is numeric."""
    content = case_file("cp1252-encoding", "train.csv")
    info = add_dataset_version(studio, content, "train.csv", actor="t").version
    assert info.ingest["encoding"] == "cp1252", expected("cp1252-encoding")
    reference = set(raw_column(content, "note", "cp1252"))
    assert {"prix 5€", "coût – bas", "“ok”"} <= reference
    frame = load_frame(studio, info)
    assert set(frame["note"]) == reference
    exported = to_safe_csv(frame).decode("utf-8-sig")
    assert {row["note"] for row in csv.DictReader(io.StringIO(exported))} == reference
    assert not any("\x80" <= ch <= "\x9f" for ch in exported)
    assert info.profile.column("price").kind == "numeric"
    prices = [float(v.replace(",", ".")) for v in raw_column(content, "price", "cp1252")]
    assert frame["price"].tolist() == prices


def test_sorted_integer_income_is_a_feature_that_carries_the_signal(studio: Studio) -> None:
    """sorted-integer-feature: 'income' (integers, all distinct, file sorted by it) is numeric,
    used as a number, and a model on it reaches ROC AUC > 0.9 on a stratified holdout."""
    content = case_file("sorted-integer-feature", "train.csv")
    info = add_dataset_version(studio, content, "train.csv", actor="t").version
    income = info.profile.column("income")
    assert income.kind == "numeric", (expected("sorted-integer-feature"), income.reason)
    assert "not consecutive" in income.reason
    assert not any(w.column == "income" for w in info.profile.warnings)
    plan = plan_columns(info.profile, "y")
    assert {c.name: c.treatment for c in plan.choices}["income"] == "numeric"
    frame = load_frame(studio, info)
    train, holdout = train_test_split(frame, test_size=0.25, random_state=0, stratify=frame["y"])
    model = fit_linear(train, "y")
    scores = model.predict_proba(holdout[plan.features])[:, 1]
    assert roc_auc_score(holdout["y"] == model.classes_[1], scores) > 0.9


def test_tz_aware_signup_is_utc_and_trains_and_scores(studio: Studio) -> None:
    """tz-aware-datetime: 'signup' (+01:00/+02:00) is a datetime in UTC, split into calendar
    parts, a model fits, and a scoring file with -04:00 offsets reads and predicts."""
    content = case_file("tz-aware-datetime", "train.csv")
    info = add_dataset_version(studio, content, "train.csv", actor="t").version
    assert info.profile.column("signup").kind == "datetime", expected("tz-aware-datetime")
    assert any("converted to UTC" in n for n in info.notices)
    frame = load_frame(studio, info)
    utc = pd.to_datetime(raw_column(content, "signup"), utc=True).tz_localize(None)
    assert (frame["signup"].to_numpy() == utc.to_numpy()).all()
    plan = plan_columns(info.profile, "y")
    assert {c.name: c.treatment for c in plan.choices}["signup"] == "calendar_parts"
    model = fit_linear(frame, "y")
    schema = build_schema(frame[plan.features], plan, info.reads)
    batch = case_file("tz-aware-datetime", "score.csv")
    scored = read_table(batch, "score.csv", hints=read_hints(schema), **LIMITS).frame
    checked = check_batch(scored, schema).features
    as_utc = pd.to_datetime(raw_column(batch, "signup"), utc=True).tz_localize(None)
    assert (checked["signup"].to_numpy() == as_utc.to_numpy()).all()
    assert len(model.predict(checked)) == len(scored) == 20


@pytest.mark.parametrize("twin", ["train_utc_z.csv", "train_naive.csv"])
def test_tz_aware_twins_store_the_same_instants(studio: Studio, twin: str) -> None:
    """tz-aware-datetime: the same instants written with Z, or naive in UTC, are stored equal
    to the +01:00 file's, and 'data add' never fails on them."""
    zoned = add_dataset_version(
        studio, case_file("tz-aware-datetime", "train.csv"), "a.csv", name="zoned", actor="t"
    ).version
    other = add_dataset_version(
        studio, case_file("tz-aware-datetime", twin), twin, name="twin", actor="t"
    ).version
    left, right = load_frame(studio, zoned)["signup"], load_frame(studio, other)["signup"]
    assert np.array_equal(left.to_numpy(), right.to_numpy())
    assert other.profile.column("signup").kind == "datetime"
