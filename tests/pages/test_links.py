"""Shareable links on the other pages (AppTest): a link opens what it names, and a link to a
dataset, model, version or run that does not exist says so in one sentence instead of showing
another one."""

from __future__ import annotations

import pytest

from studio.context import Studio
from studio.escaping import markdown_text
from studio.registry.register import register_candidate
from tests.pages.test_models import _open


@pytest.fixture
def two_versions(run_home: Studio) -> Studio:
    """Model 'm' with versions 1 and 2 (neither staged)."""
    register_candidate(run_home, 1, "m", "tester")
    register_candidate(run_home, 1, "m", "tester")
    return run_home


@pytest.mark.parametrize(
    ("script", "query", "sentence"),
    [
        ("pages/1_Data.py", {"dataset": "nope"}, "There is no dataset 'nope'."),
        ("pages/1_Data.py", {"dataset": "churn", "version": "9"},
         "Dataset churn has no version 9."),
        ("pages/3_Experiments.py", {"run": "99"},
         "There is no run 99; 'studio runs list' shows them."),
        ("pages/4_Models.py", {"model": "m", "version": "9"}, "Model m has no version 9."),
        ("pages/5_Predict.py", {"model": "nope"},
         "There is no model 'nope' with a version to show."),
        ("pages/5_Predict.py", {"model": "m", "version": "staging"},
         "Model m has no staging version."),
        ("pages/6_Monitor.py", {"model": "m", "version": "5"}, "Model m has no version 5."),
    ],
)  # fmt: skip
def test_a_link_to_what_does_not_exist_says_so(
    two_versions: Studio, script: str, query: dict[str, str], sentence: str
) -> None:
    at = _open(script, **query)
    assert not at.exception
    assert [e.value for e in at.error] == [markdown_text(sentence)]


@pytest.mark.parametrize("script", ["pages/5_Predict.py", "pages/6_Monitor.py"])
def test_model_pages_keep_their_choice_in_the_link(two_versions: Studio, script: str) -> None:
    """Choosing a version writes it to the URL; that URL opens the same version."""
    prefix = "pred" if "Predict" in script else "mon"
    at = _open(script)
    assert (at.query_params["model"], at.query_params["version"]) == ("m", "2")  # the newest
    at.selectbox(key=f"{prefix}_which_m").set_value("1").run()
    assert not at.exception
    link = {k: at.query_params[k] for k in at.query_params}
    assert link == {"model": "m", "version": "1"}
    again = _open(script, **link)
    assert not again.exception and not again.error
    assert again.selectbox(key=f"{prefix}_which_m").value == "1"
