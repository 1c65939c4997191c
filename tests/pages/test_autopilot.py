"""Autopilot page: the plan shown before launch, launching, the live view, stop, a finished run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import select

from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.db import session_scope
from studio.db.models import Worker
from studio.tracking import get_run
from tests.autopilot.conftest import churn_like
from tests.stores import StoreCopy
from tests.waits import wait_until


@pytest.fixture
def churn_home(home_env: Path, monkeypatch: pytest.MonkeyPatch) -> Studio:
    """The app's store with the churn dataset; workers it starts exit soon after their job."""
    monkeypatch.setenv("STUDIO_WORKER_IDLE_EXIT", "2")
    studio = Studio.open()
    add_dataset_version(studio, churn_like().to_csv(index=False).encode(), "churn.csv", actor="t")
    yield studio
    with session_scope(studio.engine) as session:
        for worker in session.exec(select(Worker)).all():
            worker.stopped = True


def test_form_shows_the_plan(open_page, churn_home) -> None:  # noqa: ANN001
    """Choosing a target shows the detected task, its reason and each column's treatment."""
    at = open_page("pages/2_Autopilot.py")
    at.selectbox(key="auto_target_churn").set_value("churn").run()
    assert not at.exception
    plan = next(m.value for m in at.markdown if "Task:" in m.value)
    assert "**Task: binary**" in plan and "exactly two values" in plan and "ROC AUC" in plan
    columns = at.dataframe[0].value.set_index("Column")
    assert columns.loc["customer_id", "Used as"] == "excluded"
    assert columns.loc["signup", "Used as"] == "calendar parts"


def test_bad_choice_is_one_sentence(open_page, churn_home) -> None:  # noqa: ANN001
    """A regression task on a text target is refused with st.error, not a traceback."""
    at = open_page("pages/2_Autopilot.py")
    at.selectbox(key="auto_target_churn").set_value("churn").run()
    at.selectbox(key="auto_task").set_value("regression").run()
    assert not at.exception
    assert any("not numeric" in e.value for e in at.error)


def test_launch_starts_a_worker_and_the_run_can_be_stopped(open_page, churn_home) -> None:  # noqa: ANN001
    """Launch queues the run, starts a local worker, opens the live view; Stop is honoured."""
    at = open_page("pages/2_Autopilot.py")
    at.selectbox(key="auto_target_churn").set_value("churn").run()
    at.number_input(key="auto_budget").set_value(3600).run()  # ended by Stop, not by time
    at.button(key="auto_launch").click().run()
    assert not at.exception
    run_id = int(at.query_params["run"])
    wait_until(lambda: get_run(churn_home, run_id, events=0).trials_done >= 1, "a first trial")
    at.run()
    assert [m.value for m in at.metric][0] == "running"
    at.button(key=f"auto_stop_{run_id}").click().run()
    wait_until(lambda: get_run(churn_home, run_id, events=0).status == "stopped", "the stop")
    at.run()
    assert at.metric[0].value == "stopped"
    assert at.button(key=f"auto_resume_{run_id}")


def test_finished_run_shows_leaderboard_chart_and_export(
    open_page,
    prepared: Callable[..., StoreCopy],
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    """A deep link to a finished run shows the leaderboard, the best-so-far chart and export."""
    copy = prepared("linear_churn")
    copy.use(monkeypatch)
    at = open_page("pages/2_Autopilot.py", run=str(copy.info["run_id"]))
    assert not at.exception
    assert at.metric[0].value == "finished" and at.metric[1].value == "6"
    board = at.dataframe[0].value
    assert board["Rank"].tolist() == list(range(1, len(board) + 1))
    assert board["Candidate"].str.contains("baseline").sum() == 1
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis"]["title"]["text"] == "ROC AUC (cross-validated)"
    assert at.get("download_button")


def test_a_run_without_any_model_shows_why(open_page, churn_home) -> None:  # noqa: ANN001
    """A run whose every trial failed shows 'failed' and the one-sentence reason as an error."""
    from studio.autopilot.service import AutopilotRequest, launch_run
    from tests.autopilot.test_runs import run_worker_once

    request = AutopilotRequest(
        dataset="churn", target="churn", budget_seconds=None, max_trials=2,
        per_trial_seconds=0.01, families=["linear"],
    )  # fmt: skip
    run_id = launch_run(churn_home, request, actor="t")
    run_worker_once(churn_home)
    at = open_page("pages/2_Autopilot.py", run=str(run_id))
    assert not at.exception and at.metric[0].value == "failed"
    assert any(e.value.startswith("Every trial ran past its time limit") for e in at.error)


def test_a_left_out_column_is_used_in_one_click_and_types_can_be_set(
    open_page, churn_home
) -> None:  # noqa: ANN001
    """The id Studio left out has a "use it" button; the set-type control changes any column;
    a type that does not fit is one sentence and nothing changes; launch stores the types and
    the run view shows them."""
    at = open_page("pages/2_Autopilot.py")
    at.selectbox(key="auto_target_churn").set_value("churn").run()
    expander = next(e for e in at.expander if e.label.startswith("Column types"))
    assert "1 left out by Studio" in expander.label
    use = next(b for b in at.button if b.label == "Use 'customer_id' as numeric")
    use.click().run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("Column")
    assert table.loc["customer_id", "Type"] == "numeric (set by you)"
    assert table.loc["customer_id", "Used as"] == "numeric"

    at.selectbox(key="auto_type_column").set_value("plan").run()
    at.selectbox(key="auto_type_kind_plan").set_value("numeric").run()
    at.button(key="auto_type_set").click().run()
    assert [e.value for e in at.error] == [
        "'plan' cannot be used as numbers: 400 of its values are not, such as 'pro'. Fix "
        "those values, or set it to categorical."
    ]
    at.selectbox(key="auto_type_column").set_value("tenure").run()
    at.selectbox(key="auto_type_kind_tenure").set_value("ignored").run()
    at.button(key="auto_type_set").click().run()
    table = at.dataframe[0].value.set_index("Column")
    assert table.loc["tenure", "Used as"] == "excluded"
    assert table.loc["plan", "Type"] == "categorical"

    at.number_input(key="auto_trials").set_value(1).run()
    at.button(key="auto_launch").click().run()
    run_id = int(at.query_params["run"])
    config = get_run(churn_home, run_id, events=0).config
    assert config["column_types"] == {"customer_id": "numeric", "tenure": "ignored"}
    assert any("customer_id → numeric, tenure → ignored" in c.value for c in at.caption)


def test_positive_class_picker(open_page, churn_home) -> None:  # noqa: ANN001
    """A binary target shows the positive class picker at Studio's guess with its reason; the
    choice launches a run that stores it."""
    at = open_page("pages/2_Autopilot.py")
    at.selectbox(key="auto_target_churn").set_value("churn").run()
    picker = at.selectbox(key="auto_positive_churn@1|churn")
    assert picker.value == "Yes" and picker.options == ["No", "Yes"]
    assert any("'Yes' is the positive class: it names the outcome" in c.value for c in at.caption)
    picker.set_value("No").run()
    assert not at.exception
    assert any("'No' is the positive class, as you chose" in c.value for c in at.caption)
    at.number_input(key="auto_trials").set_value(1).run()
    at.button(key="auto_launch").click().run()
    run_id = int(at.query_params["run"][0])
    assert get_run(churn_home, run_id).config["positive_class"] == "No"


def test_a_run_stored_without_a_positive_class_still_displays(run_home: Studio) -> None:
    """A run from before the choice shows its positive class as then: the second sorted label."""
    from studio.db.models import Run
    from tests.pages.test_models import _open

    with session_scope(run_home.engine) as session:
        run = session.get(Run, 1)
        run.config = {k: v for k, v in run.config.items() if not k.startswith("positive_")}
        session.add(run)
    at = _open("pages/2_Autopilot.py", run="1")
    assert not at.exception
    assert any("Positive class: 'Yes'" in c.value for c in at.caption)
