"""Business page links (AppTest): the URL holds the whole view, so a link opened in a new tab
shows the same analysis; a link to a stopped run shows it; a link to something that cannot be
shown says so in one sentence instead of showing another."""

from __future__ import annotations

import pytest
from sqlmodel import select

from studio.business.service import business_view, candidate_choices
from studio.business.value import CostMatrix
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Run
from studio.escaping import markdown_text
from studio.registry.register import register_candidate
from tests.pages.test_models import _open


def _shown(at) -> dict:  # noqa: ANN001
    """What a reader sees of the answer: the recommendation, the big numbers, the bullets."""
    return {
        "recommendation": [s.value for s in at.success],
        "metrics": [(m.label, m.value) for m in at.metric],
        "markdown": [m.value for m in at.markdown if not m.value.startswith("<style>")],
    }


def test_a_link_reproduces_the_view_in_a_new_tab(run_home: Studio) -> None:
    """Change the values and the candidates; the URL a new session opens shows the same."""
    at = _open("pages/7_Business.py")
    ids = [cid for cid, _ in candidate_choices(run_home, 1)]
    at.multiselect(key="biz_candidates_1").set_value([ids[2], ids[0]]).run()
    at.number_input(key="biz_fp").set_value(-90.0).run()
    at.number_input(key="biz_population").set_value(2_500).run()
    at.text_input(key="biz_unit").set_value("EUR").run()
    assert not at.exception and not at.error
    link = {k: at.query_params[k] for k in at.query_params}
    assert link["run"] == "1" and link["candidates"] == f"{ids[2]},{ids[0]}"
    assert (link["fp"], link["population"], link["unit"]) == ("-90", "2500", "EUR")

    again = _open("pages/7_Business.py", **link)
    assert not again.exception
    assert _shown(again) == _shown(at)
    view = business_view(run_home, [ids[2], ids[0]], CostMatrix(fp=-90.0, population=2_500,
                                                                unit="EUR"))  # fmt: skip
    assert again.success[0].value == markdown_text(view.recommendation)

    presented = _open("pages/7_Business.py", **link, present="true")
    assert not presented.exception
    per_1000 = [(m.label, m.value) for m in presented.metric if "per 1,000" in m.label]
    assert per_1000 == _shown(at)["metrics"]


def test_a_model_link_names_the_model_and_its_version(run_home: Studio) -> None:
    """``?model=&version=`` opens that version; a version the model lacks is one sentence."""
    register_candidate(run_home, 1, "churn", "tester")
    register_candidate(run_home, 1, "churn", "tester", candidate=_second(run_home))
    at = _open("pages/7_Business.py", model="churn", version="1", fp="-50")
    assert not at.exception and not at.error
    assert at.radio(key="biz_source").value == "A registered model"
    assert at.selectbox(key="biz_which_churn").value == "1"
    assert at.number_input(key="biz_fp").value == -50.0
    assert "run" not in at.query_params
    missing = _open("pages/7_Business.py", model="churn", version="7")
    assert [e.value for e in missing.error] == ["Model churn has no version 7."]
    assert not missing.success


def _second(studio: Studio) -> str:
    from studio.tracking import get_run

    return get_run(studio, 1).leaderboard[1].name


def test_a_link_to_a_stopped_run_shows_that_run(run_home: Studio) -> None:
    """A stopped run keeps its candidates (and may hold the production model): it is listed
    and its link opens it."""
    with session_scope(run_home.engine) as session:
        run = session.get(Run, 1)
        run.status = "stopped"
        session.add(run)
    at = _open("pages/7_Business.py", run="1")
    assert not at.exception and not at.error
    assert at.selectbox(key="biz_run").value == 1
    assert "(stopped)" in at.selectbox(key="biz_run").options[0]
    assert at.success  # the answer is shown


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        ({"run": "99"}, "Run 99 does not exist."),
        ({"run": "2"}, "Run 2 has no candidates yet: it is running, and its candidates can be "
                       "valued once it has made them."),
        ({"run": "1", "candidates": "999"}, "The link names candidate 999, which cannot be "
         "valued with run 1: it does not exist, was trained on other data or has no holdout "
         "diagnostics yet."),
        ({"fp": "a lot"}, "The link's fp='a lot' is not a number; correct the link or open the "
                          "Business page without it."),
        ({"model": "nope"}, "There is no model 'nope' with a version to show."),
    ],
)  # fmt: skip
def test_a_link_to_what_cannot_be_shown_says_so(
    run_home: Studio, query: dict[str, str], sentence: str
) -> None:
    """One sentence, and no other run's answer."""
    _running_run_without_candidates(run_home)
    at = _open("pages/7_Business.py", **query)
    assert not at.exception
    assert [e.value for e in at.error] == [markdown_text(sentence)]
    assert not at.success and not at.metric


def _running_run_without_candidates(studio: Studio) -> None:
    """Run 2: a copy of run 1 that is still running and has made no candidate."""
    with session_scope(studio.engine) as session:
        first = session.exec(select(Run).where(Run.id == 1)).one()
        fields = first.model_dump(exclude={"id"}) | {"status": "running", "study_name": "x"}
        session.add(Run(**fields))
