"""Business page (AppTest): value two candidates, change the values, present, export."""

from __future__ import annotations

from studio.business.service import business_view, candidate_choices
from studio.business.value import CostMatrix
from studio.context import Studio
from studio.registry.register import register_candidate
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
