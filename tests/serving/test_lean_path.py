"""The endpoint's lean path for small requests answers exactly as the full pipeline does.

Every candidate of a real run (gradient boosting, linear and random forest on a churn table
with numbers, categories, a date and blanks; linear models and a calibrated SVM on the cancer
table) is registered, its lean path built and checked, and the endpoint's answer to awkward
requests compared with the full path's, field by field: blanks, unseen categories, numbers and
dates sent as text, dates with offsets, extra columns, the target sent along, missing columns.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import pytest
from sqlmodel import select

from studio.autopilot.data import prepare_training_data
from studio.autopilot.families import FAMILIES
from studio.autopilot.pipeline import CandidateSpec, build_pipeline
from studio.config import load_settings
from studio.context import Studio
from studio.db.engine import session_scope
from studio.db.models import Candidate, Run
from studio.errors import InvalidInputError
from studio.modelio import load_version_model
from studio.monitor.service import reference_frame
from studio.registry.register import register_candidate
from studio.registry.versions import VersionInfo
from studio.serving.answer import answer_request as _answer
from studio.serving.fast import FAST_MAX_ROWS, build_fast_path
from studio.serving.lean import Unsupported, compile_model, run_serially
from studio.serving.served import Served
from tests.autopilot.conftest import churn_like
from tests.stores import StoreCopy


def _registered(store: StoreCopy, family: str | None = None) -> tuple[VersionInfo, object, Studio]:
    """Run 1's best candidate (or its best of ``family``) registered as 'm', with its model
    loaded as the endpoint loads it."""
    studio = Studio.open(load_settings(store.env()))
    name = None
    if family is not None:
        with session_scope(studio.engine) as session:
            query = select(Candidate).where(Candidate.run_id == 1, Candidate.family == family)
            name = next(c.name for c in session.exec(query) if c.artifact)
    version = register_candidate(studio, 1, "m", "tester", candidate=name)
    return version, run_serially(load_version_model(studio.artifacts, version)), studio


def _same_answer(fast: Served, full: Served, body: dict) -> dict:
    """The lean path's response to ``body`` equals the full path's, but for the request id."""
    try:
        expected = _answer(full, body).document
    except InvalidInputError as exc:
        with pytest.raises(InvalidInputError) as raised:
            _answer(fast, body)
        assert str(raised.value) == str(exc)
        return {}
    got = _answer(fast, body).document
    assert got.pop("request_id") != expected.pop("request_id")
    assert got == expected
    return got


def _churn_requests() -> list[dict]:
    rows = json.loads(
        churn_like(20, seed=11)
        .drop(columns=["churn"])
        .to_json(orient="records", date_format="iso")
    )
    odd = [
        {**rows[0], "charges": None, "plan": None, "signup": None},
        {**rows[1], "plan": "platinum"},  # a category never trained on
        {**rows[2], "tenure": "41", "charges": "73.25"},  # numbers sent as text
        {**rows[3], "signup": "2024-02-29T23:30:00+08:00"},  # an offset: 15:30 UTC
        {**rows[4], "signup": "2024-03-01 08:15"},
        {**rows[5], "signup": "01/03/2024"},  # not ISO: read by pandas
        {**rows[6], "order": "A-17", "churn": "Yes"},  # an extra column, the target
        {**rows[7], "tenure": True},
    ]
    missing = {k: v for k, v in rows[8].items() if k != "plan"}
    return [
        {"instances": rows[:1]},
        {"instances": rows[:FAST_MAX_ROWS]},
        *({"instances": [row]} for row in odd),
        {"instances": odd},
        {"instances": [missing]},
        {"instances": [{**rows[9], "tenure": "many"}]},
        {"instances": [{**rows[9], "plan": ["a", "list"]}]},
        {"dataframe_split": {"columns": list(rows[0]), "data": [list(rows[0].values())]}},
    ]


def test_a_soft_voting_ensemble_answers_identically_on_the_lean_path(
    prepared: Callable[..., StoreCopy],
) -> None:
    version, model, studio = _registered(prepared("mixed_churn"), family="ensemble")
    fast = build_fast_path(version, model, reference_frame(studio, version))
    assert fast is not None  # compiled and checked on the reference rows
    served, full = Served(version, model, fast), Served(version, model, None)
    for body in _churn_requests():
        _same_answer(served, full, body)
    notices = _same_answer(served, full, {"instances": [_churn_requests()[8]["instances"][0]]})
    assert any("ignored: order" in n for n in notices["notices"])


def test_every_family_answers_identically_on_the_lean_path(
    prepared: Callable[..., StoreCopy],
) -> None:
    store = prepared("mixed_churn")
    studio = Studio.open(load_settings(store.env()))
    version = register_candidate(studio, 1, "m", "tester")
    with session_scope(studio.engine) as session:
        config = session.get(Run, 1).config
    data = prepare_training_data(studio, config["dataset"], config)
    reference = reference_frame(studio, version)
    for family in FAMILIES:
        spec = CandidateSpec(family, FAMILIES[family].defaults("binary"), "binary", 0)
        model = run_serially(build_pipeline(spec, data.plan).fit(data.X, data.y))
        fast = build_fast_path(version, model, reference)
        assert fast is not None, family
        for body in _churn_requests():
            _same_answer(Served(version, model, fast), Served(version, model, None), body)


def test_an_all_numeric_table_answers_identically_on_the_lean_path(
    prepared: Callable[..., StoreCopy],
) -> None:
    version, model, studio = _registered(prepared("demo_cancer"))
    reference = reference_frame(studio, version)
    fast = build_fast_path(version, model, reference)
    assert fast is not None, version.family
    rows = json.loads(reference.head(5).to_json(orient="records"))
    body = {"instances": [{k: v for k, v in r.items() if not k.startswith("proba_")}
                          for r in rows]}  # fmt: skip
    _same_answer(Served(version, model, fast), Served(version, model, None), body)


def test_a_step_it_does_not_know_leaves_the_pipeline_to_answer() -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import PolynomialFeatures

    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    model = Pipeline([("prepare", ColumnTransformer([("poly", PolynomialFeatures(), ["x"])])),
                      ("model", LogisticRegression())]).fit(frame, [0, 0, 1, 1])  # fmt: skip
    with pytest.raises(Unsupported):
        compile_model(model)
