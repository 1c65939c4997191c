"""The Monitor page's "Schedule and alerts" tab: set or stop the model's schedule, read its
latest checks, add channels (and send a test), and add or remove the model's alert rules.
Every action is one core call; the core checks the acting user's roles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.alerts.channels import KINDS as CHANNEL_KINDS
from studio.alerts.channels import add_channel
from studio.alerts.delivery import send_test
from studio.alerts.rules import add_rule, remove_rule
from studio.context import Studio
from studio.escaping import markdown_text as md
from studio.monitor.checks import CheckInfo
from studio.monitor.schedules import (
    WINDOWS,
    ScheduleInfo,
    every_text,
    parse_every,
    set_schedule,
    stop_schedule,
)
from studio.monitor.setup import MonitoringSetup, monitoring_setup
from studio.registry.versions import VersionInfo
from studio.ui.identity import current_user
from studio.ui.shell import error_boundary

EVERY = ("15m", "1h", "1d")
HOW = ("Every", "Cron", "Off")
CHECK_COLUMNS = {
    "Drifted share": st.column_config.NumberColumn(format="percent"),
    "Error rate": st.column_config.NumberColumn(format="percent"),
}
WINDOW_HELP = (
    "How a check splits the data it covers: batch = one drift window per scored batch; "
    "1D / 1W = one per day / week the rows were scored in."
)


def render_schedule_and_rules(studio: Studio, version: VersionInfo) -> None:
    """The schedule, its checks, the channels and the rules of ``version``'s model."""
    setup = monitoring_setup(studio, version.name)
    actor = current_user(studio.settings)
    _schedule(studio, version, setup, actor)
    _checks(setup.checks)
    st.subheader("Channels")
    _channels(studio, setup, actor)
    st.subheader("Rules")
    _rules(studio, version, setup, actor)


def _form_defaults(schedule: ScheduleInfo | None) -> dict[str, str]:
    """The schedule form's first values: the stored schedule, so the form shows what runs."""
    if schedule is None:
        return {"how": "Every", "every": "1h", "cron": "", "window": "batch"}
    how = "Off" if not schedule.enabled else "Cron" if schedule.cron else "Every"
    every = every_text(schedule.every_seconds) if schedule.every_seconds else "1h"
    return {"how": how, "every": every, "cron": schedule.cron, "window": schedule.window}


def _schedule(studio: Studio, version: VersionInfo, setup: MonitoringSetup, actor: str) -> None:
    schedule = setup.schedule
    if schedule is None or not schedule.enabled:
        st.info("Not checked on a schedule: checks run only when someone asks.")
    else:
        st.success(
            f"Checked {md(schedule.cadence)}, window {schedule.window}; next check due "
            f"{schedule.next_due_at:%Y-%m-%d %H:%M} UTC, run by any Studio worker."
        )
    now = _form_defaults(schedule)
    with st.form("mon_schedule_form"):
        how = st.radio("Check", HOW, index=HOW.index(now["how"]), horizontal=True,
                       key="mon_sched_how")  # fmt: skip
        left, middle, right = st.columns(3)
        periods = list(dict.fromkeys([*EVERY, now["every"]]))
        every = left.selectbox("Every", periods, index=periods.index(now["every"]),
                               key="mon_sched_every")  # fmt: skip
        cron = middle.text_input("Cron (UTC)", value=now["cron"], placeholder="0 7 * * 1-5",
                                 key="mon_sched_cron")  # fmt: skip
        window = right.selectbox("Window", WINDOWS, index=WINDOWS.index(now["window"]),
                                 key="mon_sched_window", help=WINDOW_HELP)  # fmt: skip
        saved = st.form_submit_button("Save schedule", key="mon_sched_save")
    if saved:
        with error_boundary("monitor schedule"):
            if how == "Off":
                stop_schedule(studio, version.name, actor)
            else:
                set_schedule(studio, version.name, actor, window=window,
                             every=every if how == "Every" else None,
                             cron=cron if how == "Cron" else None)  # fmt: skip
            st.rerun()


def _check_row(check: CheckInfo) -> dict:
    drift = check.results.get("drift") or {}
    metric = check.results.get("metric") or {}
    estimated = check.results.get("estimated_metric") or {}
    serving = check.results.get("serving") or {}
    return {
        "Check": check.id,
        "Ran at": f"{check.started_at:%Y-%m-%d %H:%M}",
        "Status": check.status,
        "Batches": ", ".join(f"#{i}" for i in check.inputs.get("batches", [])) or "—",
        "Drifted share": drift.get("drift_share"),
        "Dataset drift": drift.get("dataset_drift"),
        "Metric now": metric.get("current"),
        "Estimated": _estimated(estimated),
        "Requests": serving.get("requests"),
        "Error rate": serving.get("error_rate"),
        "Worker": check.worker_id,
        "Error": check.error,
    }


def _estimated(part: dict) -> str | None:
    """'ROC AUC 0.812 (0.78–0.84)', or why it was not estimated, or None."""
    if not part:
        return None
    if not part.get("offered"):
        return "not estimated"
    if part.get("estimated") is None:
        return f"{part['label']}: undefined"
    band = ""
    if part.get("low") is not None and part.get("high") is not None:
        band = f" ({part['low']:.3f}–{part['high']:.3f})"
    return f"{part['label']} {part['estimated']:.3f}{band}"


def _checks(checks: tuple[CheckInfo, ...]) -> None:
    if not checks:
        st.caption("No scheduled check has run yet.")
        return
    st.dataframe(pd.DataFrame([_check_row(c) for c in checks]), hide_index=True,
                 key="mon_checks", column_config=CHECK_COLUMNS)  # fmt: skip


def _channels(studio: Studio, setup: MonitoringSetup, actor: str) -> None:
    if setup.channels:
        table = pd.DataFrame([{"Name": c.name, "Kind": c.kind, "Where": c.target,
                               "Signed": c.has_secret} for c in setup.channels])  # fmt: skip
        st.dataframe(table, hide_index=True, key="mon_channels")
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        name = left.selectbox("Channel", [c.name for c in setup.channels], key="mon_test_name")
        if right.button("Send a test", key="mon_test_go"):
            with error_boundary("alert test"):
                attempts = send_test(studio, name, actor)
                if attempts and attempts[-1].ok:
                    st.success(f"The test reached '{md(name)}'.")
                else:
                    st.error(f"The test did not reach '{md(name)}': {md(attempts[-1].error)}")
    else:
        st.caption("No channel yet: add one so alerts reach the team.")
    with st.form("mon_channel_form", clear_on_submit=True):
        left, right = st.columns(2)
        name = left.text_input("Name", key="mon_ch_name")
        kind = right.selectbox("Kind", list(CHANNEL_KINDS), format_func=CHANNEL_KINDS.get,
                               key="mon_ch_kind")  # fmt: skip
        url = st.text_input("Webhook URL (kept secret)", type="password", key="mon_ch_url")
        secret = st.text_input("Signing secret (optional)", type="password", key="mon_ch_secret")
        markdown = st.checkbox("WeCom: send markdown", key="mon_ch_markdown")
        added = st.form_submit_button("Add channel", key="mon_ch_add")
    if added:
        with error_boundary("alert channel"):
            options = {"format": "markdown"} if kind == "wecom" and markdown else {}
            add_channel(studio, name, kind, actor, url=url, secret=secret, options=options)
            st.rerun()


def _rules(studio: Studio, version: VersionInfo, setup: MonitoringSetup, actor: str) -> None:
    if setup.rules:
        table = pd.DataFrame([{"Rule": r.id, "When": r.summary, "Tell": ", ".join(r.channels),
                               "By": r.created_by} for r in setup.rules])  # fmt: skip
        st.dataframe(table, hide_index=True, key="mon_rules")
        summaries = {r.id: f"{r.summary} → {', '.join(r.channels)}" for r in setup.rules}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        rule_id = left.selectbox("Rule", [r.id for r in setup.rules], key="mon_rule_pick",
                                 format_func=lambda i: f"#{i}: {summaries[i]}")  # fmt: skip
        if right.button("Remove rule", key="mon_rule_remove"):
            with error_boundary("alert rule"):
                remove_rule(studio, rule_id, actor)
                st.rerun()
    if not setup.channels:
        st.caption("Rules send to channels: add a channel first.")
        return
    features = [f["name"] for f in version.input_schema.get("features", [])]
    with st.form("mon_rule_form"):
        kind = st.selectbox("Alert on", list(setup.rule_kinds), format_func=setup.rule_kinds.get,
                            key="mon_rule_kind")  # fmt: skip
        first, second, third, fourth = st.columns(4)
        feature = first.selectbox("Feature (feature drift)", features, key="mon_rule_feature")
        delta = second.number_input("Largest drop (metric rules)", min_value=0.0, value=0.05,
                                    step=0.01, key="mon_rule_delta")  # fmt: skip
        period = third.selectbox("No data for", ["1h", "6h", "1d", "7d"], index=2,
                                 key="mon_rule_period")  # fmt: skip
        above = fourth.number_input("Largest error rate, % (endpoint)", min_value=0.0,
                                    max_value=99.0, value=5.0, step=1.0,
                                    key="mon_rule_above")  # fmt: skip
        channels = st.multiselect("Tell", [c.name for c in setup.channels],
                                  default=[c.name for c in setup.channels][:1],
                                  key="mon_rule_channels")  # fmt: skip
        added = st.form_submit_button("Add rule", key="mon_rule_add")
    if added:
        with error_boundary("alert rule"):
            add_rule(
                studio,
                version.name,
                kind,
                channels,
                actor,
                feature=feature if kind == "feature_drift" else "",
                delta=delta if kind.endswith("metric_drop") else None,
                period_seconds=parse_every(period) if kind == "no_data" else None,
                above=above / 100 if kind == "error_rate" else None,
            )
            st.rerun()
