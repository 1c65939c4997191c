"""The runs list: filters, free-text search, sort and paging on a real store (both backends)."""

from __future__ import annotations

from datetime import date

import pytest

from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.errors import InvalidInputError
from studio.experiments.annotations import set_note, set_tags
from studio.experiments.runs import RunFilter, dataset_names_with_runs, list_runs
from tests.autopilot.conftest import churn_like
from tests.experiments.conftest import add_run, version_id, when

pytestmark = pytest.mark.database  # SQL filters, search and NULL ordering differ by engine


@pytest.fixture
def store(studio: Studio, churn_version: int) -> tuple[Studio, dict[str, int]]:
    """Five runs on two datasets with different tasks, statuses, dates, scores and tags."""
    frame = churn_like().rename(columns={"churn": "label"})
    add_dataset_version(studio, frame.to_csv(index=False).encode(), "other.csv", actor="t")
    other = version_id(studio, "other")
    ids = {
        "old": add_run(studio, churn_version, created_at=when(1), best_score=0.71),
        "best": add_run(studio, churn_version, created_at=when(5), best_score=0.93,
                        trials_done=80, search_seconds=50.0),
        "failed": add_run(studio, churn_version, created_at=when(6), status="failed",
                          best_score=None, message="The worker running this run stopped."),
        "loss": add_run(studio, other, created_at=when(7), target="label", metric="log_loss",
                        best_score=0.35, created_by="bob"),
        "reg": add_run(studio, other, created_at=when(8), target="charges", task="regression",
                       metric="r2", best_score=0.5, status="stopped"),
    }  # fmt: skip
    set_tags(studio, "run", ids["best"], ["Candidate", "q4"], "ana")
    set_note(studio, "run", ids["old"], "Tried **without** the signup date.", "ana")
    return studio, ids


def _ids(studio: Studio, **f: object) -> list[int]:
    return [r.id for r in list_runs(studio, RunFilter(**f)).rows]


def test_filters(store: tuple[Studio, dict[str, int]]) -> None:
    """Dataset, task, status, tag, dates and the score threshold each narrow the list."""
    studio, ids = store
    assert _ids(studio) == [ids[k] for k in ("reg", "loss", "failed", "best", "old")]
    assert _ids(studio, datasets=("other",)) == [ids["reg"], ids["loss"]]
    assert _ids(studio, tasks=("regression",)) == [ids["reg"]]
    assert _ids(studio, statuses=("failed", "stopped")) == [ids["reg"], ids["failed"]]
    assert _ids(studio, tags=("q4",)) == [ids["best"]]
    assert _ids(studio, tags=("q4", "nope")) == []
    assert _ids(studio, since=date(2026, 11, 5), until=date(2026, 11, 6)) == [
        ids["failed"],
        ids["best"],
    ]
    # At least 0.7 in the run's own direction: log loss 0.35 counts (lower is better).
    assert _ids(studio, threshold=0.7) == [ids["loss"], ids["best"], ids["old"]]
    assert dataset_names_with_runs(studio) == ["churn", "other"]


def test_free_text_search(store: tuple[Studio, dict[str, int]]) -> None:
    """Search looks at dataset, target, user, message, tags, notes and the run id."""
    studio, ids = store
    assert _ids(studio, text="BOB") == [ids["loss"]]
    assert _ids(studio, text="charges") == [ids["reg"]]
    assert _ids(studio, text="candidate") == [ids["best"]]  # a tag
    assert _ids(studio, text="signup date") == [ids["old"]]  # a note
    assert _ids(studio, text="stopped") == [ids["reg"], ids["failed"]]  # status and message
    assert _ids(studio, text=f"#{ids['best']}") == [ids["best"]]


def test_sort_and_paging(store: tuple[Studio, dict[str, int]]) -> None:
    """Best puts the best score first in each run's direction; pages hold page_size runs."""
    studio, ids = store
    # Losses are negated so that "better" sorts first; runs without a score come last.
    assert _ids(studio, sort="best") == [ids[k] for k in ("best", "old", "reg", "loss", "failed")]
    assert _ids(studio, sort="trials")[0] == ids["best"]
    assert _ids(studio, sort="duration")[0] == ids["best"]
    assert _ids(studio, sort="oldest")[0] == ids["old"]
    page = list_runs(studio, RunFilter(page=2, page_size=2))
    assert page.total == 5 and page.pages == 3 and page.page == 2
    assert [r.id for r in page.rows] == [ids["failed"], ids["best"]]
    beyond = list_runs(studio, RunFilter(page=9, page_size=2))
    assert beyond.page == 3 and len(beyond.rows) == 1
    with pytest.raises(InvalidInputError, match="newest, oldest, best"):
        list_runs(studio, RunFilter(sort="fastest"))


def test_run_summary_carries_tags_and_labels(store: tuple[Studio, dict[str, int]]) -> None:
    """Each row names its dataset version, metric label and tags."""
    studio, ids = store
    row = next(r for r in list_runs(studio).rows if r.id == ids["best"])
    assert row.dataset == "churn@1" and row.metric_label == "ROC AUC"
    assert row.tags == ("candidate", "q4")
    assert row.to_json()["tags"] == ["candidate", "q4"]
