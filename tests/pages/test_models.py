"""Models and Predict pages (AppTest): register, approve, promote, history, card, score."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.context import Studio
from studio.registry.versions import get_version, history
from tests.autopilot.conftest import churn_like

ROOT = Path(__file__).resolve().parents[2]


def _open(script: str, **query: str):  # noqa: ANN202
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page(script)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_register_approve_promote_and_score(run_home: Studio) -> None:
    """The main path: register the best candidate, approve, ship, read history, score a file."""
    at = _open("pages/4_Models.py")
    assert any("No models yet" in i.value for i in at.info)
    at.text_input(key="mdl_reg_name_1").set_value("churn-model")
    at.button(key="mdl_reg_go_1").click().run()
    assert not at.exception and any("Registered churn-model@1" in s.value for s in at.success)

    at = _open("pages/4_Models.py", model="churn-model")
    assert any("v1** is in **none** and **pending" in m.value for m in at.markdown)
    at.text_input(key="mdl_decide_comment_1").set_value("")
    at.button(key="FormSubmitter:mdl_decide_1-Approve").click().run()
    assert any("Say why in a comment" in e.value for e in at.error)  # one sentence, no crash
    at.text_input(key="mdl_decide_comment_1").set_value("AUC fine on holdout")
    at.button(key="FormSubmitter:mdl_decide_1-Approve").click().run()
    at.selectbox(key="mdl_stage_pick_1").set_value("production")
    at.text_input(key="mdl_stage_comment_1").set_value("first release")
    at.button(key="FormSubmitter:mdl_stage_1-Move").click().run()
    assert not at.exception
    assert get_version(run_home, "churn-model@production").version == 1
    assert any("v1** is in **production** and **approved" in m.value for m in at.markdown)
    assert any("first release" in m.value for m in at.markdown)  # the history tab
    assert [e.action for e in history(run_home, "churn-model")] == [
        "stage", "approval", "registered"
    ]  # fmt: skip

    at = _open("pages/5_Predict.py")
    assert at.selectbox(key="pred_model").value == "churn-model"
    assert at.selectbox(key="pred_which_churn-model").value == "production"
    batch = churn_like(40, seed=9).drop(columns=["churn"]).assign(note="x")
    at.file_uploader(key="pred_upload").set_value(
        ("week.csv", batch.to_csv(index=False).encode(), "text/csv")
    )
    at.run()
    at.button(key="pred_go").click().run()
    assert not at.exception and not at.error
    assert any("Scored 40 rows with churn-model@1" in s.value for s in at.success)
    assert any("note" in i.value and "ignored" in i.value for i in at.info)
    out = at.dataframe[0].value
    assert list(out.columns) == ["customer_id", "prediction", "proba_No", "proba_Yes"]


def test_card_notes_and_bad_links(run_home: Studio) -> None:
    """Card notes are saved; an unknown model in the URL is one sentence."""
    from studio.registry.register import register_candidate

    register_candidate(run_home, 1, "m", "tester")
    at = _open("pages/4_Models.py", model="m")
    at.text_area(key="card_use_1").set_value("Weekly retention calls only.")
    at.button(key="FormSubmitter:card_form_1-Save the card").click().run()
    assert not at.exception
    assert get_version(run_home, "m", 1).card["intended_use"] == "Weekly retention calls only."
    missing = _open("pages/4_Models.py", model="nope")
    assert any("There is no model 'nope'" in e.value for e in missing.error)
    empty = _open("pages/5_Predict.py")
    assert not empty.exception


def test_predict_without_models_says_where_to_start(home_env: Path) -> None:
    """With no model the Predict page points to the Models page."""
    at = _open("pages/5_Predict.py")
    assert any("No registered model yet" in i.value for i in at.info)


def test_the_model_card_report_is_offered_as_a_file(run_home: Studio) -> None:
    """The card tab builds the standalone model card report on request."""
    from studio.registry.register import register_candidate

    register_candidate(run_home, 1, "churn-model", "tester")
    version = get_version(run_home, "churn-model@1")
    at = _open("pages/4_Models.py", model="churn-model")
    at.button(key=f"card_report_{version.id}_make").click().run()
    assert not at.exception
    download = at.get("download_button")
    assert len(download) == 1 and "model card report" in download[0].proto.label


def test_an_analyst_archiving_production_gets_one_sentence(
    run_home: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page shows the core's refusal as one sentence; production stays where it was."""
    from studio.registry.lifecycle import decide, promote
    from studio.registry.register import register_candidate

    register_candidate(run_home, 1, "m", "tester")
    decide(run_home, "m", 1, True, "ok", "tester")
    promote(run_home, "m", 1, "production", "ship", "tester")
    roles = run_home.settings.home / "roles.toml"
    roles.write_text('[users]\nana = ["analyst"]\nbob = ["approver"]\n')
    monkeypatch.setenv("STUDIO_USER", "ana")
    at = _open("pages/4_Models.py", model="m")
    at.selectbox(key="mdl_stage_pick_1").set_value("archived")
    at.text_input(key="mdl_stage_comment_1").set_value("clean up")
    at.button(key="FormSubmitter:mdl_stage_1-Move").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "ana may not move a version out of production: that needs the approver role "
        f"(roles come from {roles})."
    ]
    assert get_version(run_home, "m@production").version == 1
