"""Business page (AppTest): value two candidates, change the values, present, export."""

from __future__ import annotations

from studio.business.service import business_view, candidate_choices
from studio.business.value import CostMatrix
from studio.context import Studio
from studio.registry.register import register_candidate
from tests.autopilot.conftest import churn_like
from tests.pages.test_models import _open


def test_two_candidates_in_money_and_the_values_change_the_answer(run_home: Studio) -> None:  # noqa: F811
    """The default values give a recommendation and a value per 1,000 cases that matches the
    core; a costlier false positive lowers it; the charts are drawn."""
    at = _open("pages/7_Business.py")
    assert not at.exception
    ids = [cid for cid, _ in candidate_choices(run_home, 1)][:2]
    assert at.multiselect(key="biz_candidates_1").value == ids
    view = business_view(run_home, ids, CostMatrix())
    assert at.success[0].value == view.recommendation
    top = max(view.curves, key=lambda c: c.best_value)
    assert CostMatrix().money(top.best_value) in [m.value for m in at.metric]
    assert len(at.get("plotly_chart")) == 3  # profit, gains, lift
    at.number_input(key="biz_fp").set_value(-90.0).run()
    dearer = business_view(run_home, ids, CostMatrix(fp=-90.0))
    assert at.success[0].value == dearer.recommendation
    assert max(c.best_value for c in dearer.curves) < top.best_value


def test_presentation_mode_and_the_report_download(run_home: Studio) -> None:  # noqa: F811
    """Presentation mode shows the big answer with details folded; the report is offered as
    a ready file under 5 MB."""
    at = _open("pages/7_Business.py", present="true")
    assert not at.exception
    assert any("<h1" in m.value and "churn" in m.value for m in at.markdown)
    assert "Technical detail" in [e.label for e in at.expander]
    assert len(at.get("plotly_chart")) == 2  # two charts side by side
    assert not at.button  # no report button while presenting

    at = _open("pages/7_Business.py")
    at.button(key="biz_report_make").click().run()
    assert not at.exception
    download = at.get("download_button")
    assert len(download) == 1
    assert "comparison report" in download[0].proto.label


def test_a_registered_model_and_a_model_without_a_run(run_home: Studio) -> None:  # noqa: F811
    register_candidate(run_home, 1, "churn", "tester")
    at = _open("pages/7_Business.py")
    at.radio(key="biz_source").set_value("A registered model").run()
    assert not at.exception
    assert at.success[0].value.startswith(("Choose churn@1", "No candidate beats"))


def test_no_finished_run_says_where_to_start(home_env) -> None:  # noqa: ANN001
    at = _open("pages/7_Business.py")
    assert not at.exception
    assert any("No finished or stopped run yet" in i.value for i in at.info)


def _model_view(run_home: Studio):  # noqa: ANN202
    register_candidate(run_home, 1, "churn", "tester")
    at = _open("pages/7_Business.py")
    at.radio(key="biz_source").set_value("A registered model").run()
    return at


def test_an_approver_saves_the_chosen_threshold_and_predict_cuts_at_it(run_home: Studio) -> None:  # noqa: F811
    """'Use this threshold' needs a comment, saves the out-of-fold choice on the version with
    an audited event, and the Predict page then says which threshold cut the labels."""
    from studio.business.service import model_view
    from studio.registry.versions import get_version, history

    at = _model_view(run_home)
    version = get_version(run_home, "churn@1")
    chosen = model_view(run_home, "churn@1", CostMatrix()).curves[0].best_threshold
    button = at.button(key=f"biz_cut_{version.id}")
    assert button.label == f"Use this threshold ({chosen:.2f}) for churn v1"
    assert any("chosen on out-of-fold predictions" in m.value for m in at.markdown)
    button.click().run()
    assert any("Say why in a comment" in e.value for e in at.error)
    assert get_version(run_home, "churn@1").decision_threshold is None
    at.text_input(key=f"biz_cut_comment_{version.id}").input("values agreed with finance")
    at.button(key=f"biz_cut_{version.id}").click().run()
    assert not at.exception
    assert get_version(run_home, "churn@1").decision_threshold == round(chosen, 4)
    assert history(run_home, "churn")[0].comment == "values agreed with finance"
    assert any(f"at least {chosen:.2f}" in s.value for s in at.success)
    card = _open("pages/4_Models.py", model="churn")
    assert any(f"at least {chosen:.2f}" in m.value for m in card.markdown)
    predict = _open("pages/5_Predict.py", model="churn", version="1")
    batch = churn_like(40, seed=9).drop(columns=["churn"])
    predict.file_uploader(key="pred_upload").set_value(
        ("week.csv", batch.to_csv(index=False).encode(), "text/csv")
    )
    predict.run()
    predict.button(key="pred_go").click().run()
    assert not predict.exception
    assert any(f"at least {chosen:.2f} (the decision threshold" in i.value for i in predict.info)
    out = predict.dataframe[0].value
    assert (out["prediction"] == out["proba_Yes"].ge(chosen).map({True: "Yes", False: "No"})).all()


def test_a_non_approver_sees_no_threshold_button(
    run_home: Studio, tmp_path, monkeypatch  # noqa: ANN001
) -> None:  # fmt: skip
    """Without the approver role the page shows the current threshold, not the button."""
    roles = tmp_path / "roles.toml"
    roles.write_text('default = ["analyst"]\n')
    monkeypatch.setenv("STUDIO_ROLES_FILE", str(roles))
    at = _model_view(run_home)
    assert not at.exception
    assert not [b for b in at.button if b.key and b.key.startswith("biz_cut_")]
    assert any("above 0.5 (no decision threshold saved)" in c.value for c in at.caption)
