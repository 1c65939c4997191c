"""The Autopilot page, a run's live view, its page on Experiments and the autopilot's core
sentences in Simplified Chinese; English as before."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from studio.autopilot.column_types import check_column_types
from studio.autopilot.labels import (
    column_type_label,
    family_label,
    metric_label,
    status_label,
    task_label,
    treatment_label,
)
from studio.autopilot.service import AutopilotRequest, plan_run, request_stop
from studio.autopilot.splits import describe_split
from studio.autopilot.tasks import check_target, detect_task
from studio.context import Studio
from studio.errors import ConflictError, InvalidInputError
from studio.escaping import markdown_text as md
from studio.experiments.detail import run_detail, trial_table
from studio.i18n import use_language
from studio.tracking import get_run
from tests.i18n.page_texts import english_left, open_in_chinese
from tests.pages.conftest import run_home
from tests.pages.test_autopilot import churn_home
from tests.pages.test_experiments import store

__all__ = ["churn_home", "run_home", "store"]  # the fixtures, used here too

CJK = re.compile(r"[\u3400-\u9fff]")


def _run_data(studio: Studio, run_id: int) -> set[str]:
    """What a run's pages show that is data or stored words, not Studio's words of now: names,
    the positive class, and the events and reasons stored in the words of their moment (the
    prepared run was launched in English)."""
    info = get_run(studio, run_id, events=100)
    names = {info.dataset, info.target, info.created_by, str(info.positive_class or "")}
    names |= {c.name for c in info.leaderboard}
    names |= {md(text) for _, _, text in info.events} | {md(info.message or "")}
    names |= {str(info.config.get(k, "")) for k in ("task_reason", "positive_reason")}
    return {n for n in names if n}


def test_the_launch_form_speaks_chinese(churn_home: Studio) -> None:
    """Labels, options, the plan, its notes, the column table and its buttons are Chinese."""
    at = open_in_chinese("pages/2_Autopilot.py")
    at.selectbox(key="auto_target_churn").set_value("churn").run()
    assert not at.exception
    assert at.title[0].value == "自动建模"
    plan = next(m.value for m in at.markdown if m.value.startswith("**任务："))
    assert "**任务：二分类**" in plan and "“churn”恰好有两个取值。" in plan
    assert "ROC AUC" in plan and "直方图梯度提升" in plan
    assert any(m.value.startswith("留出集：随机抽取 20% 的样本") for m in at.markdown)
    columns = at.dataframe[0].value.set_index("列")
    assert columns.loc["customer_id", "用作"] == "已排除"
    assert columns.loc["signup", "用作"] == "日历成分"
    names = {*columns.index, "churn", "churn@1", "Yes", "No"}
    assert english_left(at, allowed=names) == []


def test_a_core_refusal_reaches_the_form_in_chinese(churn_home: Studio) -> None:
    """A type that does not fit is refused by the core in the session's language."""
    at = open_in_chinese("pages/2_Autopilot.py")
    at.selectbox(key="auto_target_churn").set_value("churn").run()
    at.selectbox(key="auto_type_column").set_value("plan").run()
    at.selectbox(key="auto_type_kind_plan").set_value("numeric").run()
    at.button(key="auto_type_set").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "“plan”不能用作数值：其中 400 个值不是数字，例如 'pro'。请修正这些值，或将其设为类别型。"
    ]
    at.selectbox(key="auto_task").set_value("regression").run()
    assert any(e.value.startswith("目标列“churn”不是数值") for e in at.error)


def test_a_finished_run_speaks_chinese(run_home: Studio) -> None:
    """The run view: cards, status, leaderboard headers, families, notes and the export."""
    at = open_in_chinese("pages/2_Autopilot.py", run="1")
    assert not at.exception
    assert [m.label for m in at.metric][:2] == ["状态", "试验"]
    assert at.metric[0].value == "已完成"
    board = at.dataframe[0].value
    assert {"排名", "候选模型", "模型族", "交叉验证 ROC AUC", "留出集 ROC AUC"} <= set(board)
    assert set(board["模型族"]) == {"逻辑回归 / 线性回归（Ridge、ElasticNet）"}
    assert board["候选模型"].str.endswith("（基线）").sum() == 1
    assert english_left(at, allowed=_run_data(run_home, 1)) == []


def test_a_run_on_the_experiments_page_speaks_chinese(store: Studio) -> None:
    """The run's tabs, leaderboard, Optuna views, diagnostics and trials are Chinese (the
    trials' parameter names are the estimators' own)."""
    at = open_in_chinese("pages/3_Experiments.py", run="1")
    assert not at.exception
    assert [t.label for t in at.tabs][:5] == ["排行榜", "搜索（Optuna）", "诊断", "试验", "配置"]
    assert at.radio(key="exp_view_all").options == ["优化历史", "时间线", "中间值（剪枝）"]
    trials = next(d.value for d in at.dataframe if "状态" in d.value.columns)
    assert set(trials["状态"]) <= {"已完成", "已剪枝", "失败"}
    params = set(trial_table(store, run_detail(store, 1)).columns) - {
        "trial", "family", "state", "score", "cv_std", "seconds",
    }  # fmt: skip
    allowed = _run_data(store, 1) | params | {"Experiments"}  # the page's title: not this area
    left = english_left(at, allowed=allowed)
    assert [t for t in left if not _from_other_areas(t)] == []


# Not this area's words: the register form on a finished run's leaderboard (the Models page's
# files, still being translated) and the diagnostics' problems the analysis stored (in English
# by studio/experiments/analysis.py).
def _from_other_areas(text: str) -> bool:
    starts = ("Register", "Model name", "Refit on all rows", "Description",
              "Partial dependence could not be computed")  # fmt: skip
    return text == "Candidate" or text.startswith(starts)


def test_core_sentences_in_chinese(churn_home: Studio) -> None:
    """Reasons, notes, split descriptions and refusals are built in the caller's language,
    with the glossary's words; stored identifiers stay English."""
    y = pd.Series(["a", "b", "a"], name="churn")
    with use_language("zh_Hans"):
        assert detect_task(y).reason == "“churn”恰好有两个取值。"
        assert describe_split({}) == "留出集：随机抽取 20% 的样本；在 5 个打乱的折上交叉验证。"
        with pytest.raises(InvalidInputError, match="^目标列“t”只有一个类别"):
            check_target(pd.Series([1.0, None], name="t"), "binary", 5, 0.2)
        plan = plan_run(churn_home, AutopilotRequest(dataset="churn", target="churn"))
        profile = plan.dataset.profile
        with pytest.raises(InvalidInputError, match="^“churn”是目标列"):
            check_column_types({"churn": "numeric"}, profile, "churn", pd.DataFrame())
        labels = [task_label("binary"), status_label("running"), family_label("hgb"),
                  metric_label("log_loss"), column_type_label("categorical"),
                  treatment_label("one_hot")]  # fmt: skip
    assert plan.task == "binary" and plan.metric == "roc_auc"  # identifiers stay English
    assert plan.positive_reason.startswith("“Yes”是正类")
    assert labels == ["二分类", "运行中", "直方图梯度提升", "对数损失", "类别型", "独热编码"]


def test_a_conflict_on_a_run_is_chinese(run_home: Studio) -> None:
    """Stopping a finished run is refused with its status in Chinese."""
    with use_language("zh_Hans"), pytest.raises(ConflictError) as caught:
        request_stop(run_home, 1, actor="tester")
    assert str(caught.value) == "运行 1 已完成；只有排队中或运行中的运行才能停止。"


def test_english_reads_as_before(churn_home: Studio) -> None:
    """Without a language the sentences and labels are the English ones."""
    y = pd.Series(["a", "b", "a"], name="churn")
    assert detect_task(y).reason == "'churn' has exactly two values."
    assert describe_split({"holdout": 0.25, "folds": 3}) == (
        "Holdout: a random 25% sample; cross-validated on 3 shuffled folds."
    )
    plan = plan_run(churn_home, AutopilotRequest(dataset="churn", target="churn"))
    assert plan.positive_reason.startswith("'Yes' is the positive class: it names the outcome")
    assert [task_label("binary"), status_label("running"), treatment_label("calendar_parts"),
            metric_label("roc_auc"), family_label("knn")] == [
        "binary", "running", "calendar parts", "ROC AUC", "k-nearest neighbours",
    ]  # fmt: skip
    assert all(not CJK.search(s) for s in (plan.task_reason, *plan.notes))
