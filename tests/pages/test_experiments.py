"""Experiments page (AppTest): the runs list, a run, a comparison, deep links and bad links."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.config import load_settings
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.experiments.detail import run_detail
from tests.stores import StoreCopy


@pytest.fixture
def store(prepared: Callable[..., StoreCopy], monkeypatch: pytest.MonkeyPatch) -> Studio:
    """A copy of the prepared, analysed 10-trial run on churn, opened as the app opens it."""
    return Studio.open(prepared("mixed_churn").use(monkeypatch))


def _open(script: str = "pages/3_Experiments.py", **query: str):  # noqa: ANN202
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"),
                           default_timeout=60)  # fmt: skip
    at.switch_page(script)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_list_shows_runs_and_filters_explain_an_empty_result(store: Studio) -> None:
    """The list has the run; a search that matches nothing says so."""
    at = _open()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Run"]) == [1] and table.loc[0, "Dataset"] == "churn@1"
    assert table.loc[0, "Status"] == "finished" and table.loc[0, "By"] == "tester"
    at.text_input(key="q").set_value("no such thing").run()
    assert any("No run matches these filters" in w.value for w in at.warning)


def test_filters_come_from_the_url(store: Studio) -> None:
    """A link with ?status=failed opens the list already filtered."""
    at = _open(status="failed")
    assert at.multiselect(key="status").value == ["failed"]
    assert any("No run matches" in w.value for w in at.warning)


def test_run_deep_link_shows_leaderboard_views_trials_and_download(store: Studio) -> None:
    """?run=1 opens the run: summary, leaderboard, Optuna views, diagnostics and trials."""
    at = _open(run="1")
    assert not at.exception and not at.error
    assert any(s.value.startswith("Run 1: churn@1 → churn") for s in at.subheader)
    assert at.metric[0].value == "finished" and at.metric[1].value == "10"
    board = at.dataframe[0].value
    assert board.loc[0, "Rank"] == 1
    views = at.radio(key="exp_view_all")
    assert views.options == ["Optimisation history", "Timeline", "Intermediate values (pruning)"]
    assert at.selectbox(key="exp_diag_pick").value is not None
    charts = at.get("plotly_chart")
    assert len(charts) >= 6  # family bests, one Optuna view, the diagnostics figures
    assert at.get("download_button")
    trials = next(d.value for d in at.dataframe if "family" in d.value.columns)
    assert len(trials) == 10


def test_notes_and_tags_are_saved(store: Studio) -> None:
    """Saving the form stores the Markdown note and the tags on the run."""
    at = _open(run="1")
    at.text_area(key="exp_note_run_1").set_value("Baseline for **Q4**.")
    at.multiselect(key="exp_tags_run_1").set_value(["q4"])
    at.button(key="FormSubmitter:exp_note_form_run_1-Save note and tags").click().run()
    assert not at.exception
    detail = run_detail(store, 1)
    assert detail.note == "Baseline for **Q4**." and detail.tags == ("q4",)
    candidate = at.selectbox(key="exp_diag_pick").value
    at.text_area(key=f"exp_note_candidate_{candidate}").set_value("Too slow to serve.")
    at.button(key=f"FormSubmitter:exp_note_form_candidate_{candidate}-Save note and tags").click()
    at.run()
    assert run_detail(store, 1).candidate_notes[candidate].note == "Too slow to serve."


def test_compare_from_the_run_and_by_link(store: Studio) -> None:
    """Compare sets ?compare=; the comparison shows metrics, verdicts, intervals and curves."""
    at = _open(run="1")
    at.button(key="exp_compare").click().run()
    assert not at.exception
    link = at.query_params["compare"]
    assert len(link.split(",")) == 2
    assert any(s.value.startswith("Comparing 2 candidates") for s in at.subheader)
    table = at.dataframe[0].value
    assert list(table.index)[0] == "ROC AUC" and "★" in "".join(table.iloc[0].tolist())
    assert any("95% interval" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) >= 4  # bars, ROC, PR, calibration (+ confusions)
    bars = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert bars["data"][0]["type"] == "bar" and bars["layout"]["yaxis"]["range"][0] == 0
    assert all(text[:2] == "0." for text in bars["data"][0]["text"])  # ROC AUC written on
    assert any(s.value.startswith("Comparing 2 candidates: churn@1") for s in at.subheader)
    again = _open(compare=link)
    assert any(s.value.startswith("Comparing 2 candidates") for s in again.subheader)
    again.toggle(key="cmp_only_diff").set_value(False).run()
    params = next(d.value for d in again.dataframe if "family" in list(d.value.index))
    assert len(params) >= 2
    at.button(key="cmp_back_run").click().run()  # back to the run the comparison came from
    assert "compare" not in at.query_params
    assert any(s.value.startswith("Run 1:") for s in at.subheader)


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        ({"run": "999"}, "There is no run 999"),
        ({"run": "abc"}, "'abc' is not a run id"),
        ({"compare": "1"}, "Pick at least two different candidates"),
        ({"compare": ""}, "No candidates were selected"),
        ({"compare": "1,9999"}, "There is no candidate 9999"),
    ],
)
def test_bad_links_are_one_sentence(store: Studio, query: dict, sentence: str) -> None:
    """Unknown or malformed ids in the URL show st.error, never a traceback."""
    at = _open(**query)
    assert not at.exception
    assert any(sentence in e.value for e in at.error), [e.value for e in at.error]


def test_empty_store_invites_a_first_run(home_env: Path) -> None:
    """With no runs the list says where to start."""
    add_dataset_version(Studio.open(load_settings()), b"a,b\n1,2\n", "x.csv", actor="t")
    at = _open()
    assert any("No runs yet" in i.value for i in at.info)
