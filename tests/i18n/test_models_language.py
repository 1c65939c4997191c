"""The Models and Predict pages, the Serving tab and the registry's sentences in Chinese.

Stages and approvals show by their Chinese names (无 / 预发布 / 生产 / 已归档, 待审批 / 已批准 /
已拒绝) while the store keeps the English codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from studio.autopilot.metrics import metric_label
from studio.context import Studio
from studio.errors import ConflictError, InvalidInputError, NotFoundError
from studio.i18n import use_language
from studio.registry.labels import approval_name, stage_name, task_name, traffic_text
from studio.registry.lifecycle import decide, promote
from studio.registry.register import register_candidate
from studio.registry.schema import check_batch
from studio.registry.traffic import parse_split
from studio.registry.versions import get_version, history, list_versions
from studio.serving.payload import read_payload
from tests.autopilot.conftest import churn_like
from tests.i18n.page_texts import english_left, open_in_chinese
from tests.pages.conftest import run_home
from tests.pages.test_serving import shipped_home

__all__ = ["run_home", "shipped_home"]  # the fixtures, used here too

CJK = re.compile(r"[\u3400-\u9fff]")


def _data_names(studio: Studio, name: str) -> set[str]:
    """What the model's pages show that is data, not Studio's words: names of the model, its
    dataset, target, candidates, families, classes, columns, metrics and people."""
    names = {name, "tester", "ana", "bob"}
    for v in list_versions(studio, name):
        names |= {v.dataset, v.target, v.candidate_name, v.family, v.metric_label, *v.labels}
        names |= {f["name"] for f in v.input_schema.get("features", [])}
        names |= {metric_label(k) for k in v.metrics.get("holdout", {})}
    return {n for n in names if n}


def test_the_models_page_speaks_chinese_and_stores_english(run_home: Studio) -> None:
    """Register, approve and promote on the Chinese page: every label and sentence is Chinese,
    the stage and approval read 生产 / 已批准, and the store keeps production / approved."""
    at = open_in_chinese("pages/4_Models.py")
    assert not at.exception
    assert at.title[0].value == "模型"
    assert any(i.value.startswith("还没有模型") for i in at.info)
    at.text_input(key="mdl_reg_name_1").set_value("churn-model")
    at = at.button(key="mdl_reg_go_1").click().run()
    assert not at.exception
    assert any("已注册 churn-model@1，等待审批。" in s.value for s in at.success)
    allowed = _data_names(run_home, "churn-model")
    assert english_left(at, allowed=allowed) == []

    at = open_in_chinese("pages/4_Models.py", model="churn-model")
    assert not at.exception
    assert [t.label for t in at.tabs] == ["模型卡片", "历史", "版本对比", "在线服务"]
    assert any("**v1** 处于 **无** 阶段，审批状态为 **待审批**。" in m.value for m in at.markdown)
    assert english_left(at, allowed=allowed) == []
    at.text_input(key="mdl_decide_comment_1").set_value("")
    at = at.button(key="FormSubmitter:mdl_decide_1-批准").click().run()
    assert [e.value for e in at.error] == ["请在备注中说明原因；它会保存在模型的历史中。"]
    at.text_input(key="mdl_decide_comment_1").set_value("留出集表现良好")
    at = at.button(key="FormSubmitter:mdl_decide_1-批准").click().run()
    assert not at.exception and not at.error
    at.selectbox(key="mdl_stage_pick_1").set_value("production")
    at.text_input(key="mdl_stage_comment_1").set_value("首次发布")
    at = at.button(key="FormSubmitter:mdl_stage_1-移动").click().run()
    assert not at.exception and not at.error
    assert any(
        "**v1** 处于 **生产** 阶段，审批状态为 **已批准**。" in m.value for m in at.markdown
    )
    assert any("阶段 无 → 生产" in m.value for m in at.markdown)  # the history, in words
    assert english_left(at, allowed=allowed) == []

    version = get_version(run_home, "churn-model@production")
    assert (version.stage, version.approval) == ("production", "approved")
    events = history(run_home, "churn-model")
    assert [(e.action, e.from_value, e.to_value) for e in events] == [
        ("stage", "none", "production"), ("approval", "pending", "approved"),
        ("registered", "", "none"),
    ]  # fmt: skip


def test_the_predict_page_speaks_chinese(run_home: Studio) -> None:
    """Pick, upload and score in Chinese: the summary, the notices and the buttons."""
    with use_language("zh_Hans"):
        register_candidate(run_home, 1, "churn-model", "tester")
    decide(run_home, "churn-model", 1, True, "ok", "tester")
    promote(run_home, "churn-model", 1, "production", "ship", "tester")
    at = open_in_chinese("pages/5_Predict.py")
    assert not at.exception
    assert at.title[0].value == "预测"
    batch = churn_like(40, seed=9).drop(columns=["churn"]).assign(note="x")
    at.file_uploader(key="pred_upload").set_value(
        ("week.csv", batch.to_csv(index=False).encode(), "text/csv")
    )
    at = at.run()
    at = at.button(key="pred_go").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["已用 churn-model@1（生产）预测 40 行。"]
    assert any(i.value == "已忽略模型不使用的 1 列：note" for i in at.info)
    columns = {"customer_id", "prediction", "proba_No", "proba_Yes", "note", "week.csv"}
    assert english_left(at, allowed=_data_names(run_home, "churn-model") | columns) == []


def test_the_serving_tab_speaks_chinese(shipped_home: Studio) -> None:
    """The call, the split form, the traffic line and the verdict are Chinese."""
    at = open_in_chinese("pages/4_Models.py", model="churn")
    assert not at.exception
    assert any("**流量：** 仅生产版本" in m.value for m in at.markdown)
    at.number_input(key="mdl_share_churn_1").set_value(70)
    at.number_input(key="mdl_share_churn_2").set_value(30)
    at.text_input(key="mdl_traffic_comment_churn").set_value("试用 v2")
    at = at.button(key="FormSubmitter:mdl_traffic_churn-应用流量分配").click().run()
    assert not at.exception and not at.error
    assert any("**流量：** v1 70% · v2 30%" in m.value for m in at.markdown)
    assert any(i.value.startswith("证据尚不足：") for i in at.info)
    assert english_left(at, allowed=_data_names(shipped_home, "churn")) == []
    event = history(shipped_home, "churn")[0]
    assert (event.action, event.from_value, event.to_value) == (
        "traffic", "production only", "v1 70% · v2 30%"
    )  # fmt: skip


def test_registry_errors_are_raised_in_the_callers_language(run_home: Studio) -> None:
    """The same refusal in Chinese and, unchanged, in English; codes stay English inside."""
    register_candidate(run_home, 1, "m", "tester")
    with use_language("zh_Hans"), pytest.raises(ConflictError) as chinese:
        promote(run_home, "m", 1, "production", "ship", "tester")
    assert str(chinese.value) == "m v1 的审批状态为待审批；只有已批准的版本才能推向生产。"
    with pytest.raises(ConflictError) as english:
        promote(run_home, "m", 1, "production", "ship", "tester")
    assert str(english.value) == "m v1 is pending; only an approved version can go to production."
    with use_language("zh_Hans"), pytest.raises(NotFoundError, match="^模型“m”没有版本 7。$"):
        get_version(run_home, "m@7")
    schema = get_version(run_home, "m@1").input_schema
    with use_language("zh_Hans"), pytest.raises(InvalidInputError) as lacking:
        check_batch(churn_like(30).drop(columns=["tenure"]), schema)
    assert str(lacking.value).startswith("文件缺少模型需要的 1 列：'tenure'")


def test_the_endpoints_payload_errors_stay_english() -> None:
    """API clients match the endpoint's ``error`` texts: a Chinese context does not change
    them (and a Chinese split error is Chinese: the CLI shows it)."""
    with use_language("zh_Hans"):
        with pytest.raises(InvalidInputError, match="^The request has no body"):
            read_payload(b"  ")
        with pytest.raises(InvalidInputError, match="^流量分配为空"):
            parse_split("")


@pytest.mark.parametrize(
    ("name", "code", "english", "chinese"),
    [
        (stage_name, "none", "none", "无"), (stage_name, "staging", "staging", "预发布"),
        (stage_name, "production", "production", "生产"),
        (stage_name, "archived", "archived", "已归档"),
        (approval_name, "pending", "pending", "待审批"),
        (approval_name, "approved", "approved", "已批准"),
        (approval_name, "rejected", "rejected", "已拒绝"),
        (task_name, "binary", "binary", "二分类"), (task_name, "regression", "regression", "回归"),
        (stage_name, "somewhere", "somewhere", "somewhere"),
        (traffic_text, "v1 90% · shadow v3", "v1 90% · shadow v3", "v1 90% · 影子 v3"),
        (traffic_text, "production only", "production only", "仅生产版本"),
    ],
)  # fmt: skip
def test_stored_codes_read_as_the_glossarys_words(
    name: Callable[[str], str], code: str, english: str, chinese: str
) -> None:
    """English shows the code itself (screens read as before); Chinese the glossary's word;
    a code the table does not know is shown as it is."""
    assert name(code) == english
    with use_language("zh_Hans"):
        assert name(code) == chinese
