"""The Monitor page's "Alerts" tab: the model's alerts (open, acknowledged, resolved; who and
when), acknowledge or resolve one with a comment, and read its history and deliveries."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.alerts.delivery import deliveries
from studio.alerts.state import AlertInfo, acknowledge, history, list_alerts, resolve
from studio.context import Studio
from studio.escaping import markdown_text as md
from studio.registry.versions import VersionInfo
from studio.ui.identity import current_user
from studio.ui.shell import error_boundary

STATES = {"Unresolved": None, "Open": "open", "Acknowledged": "acknowledged",
          "Resolved": "resolved", "All": None}  # fmt: skip
COLUMNS = {"State": st.column_config.TextColumn(width=110),
           "What": st.column_config.TextColumn(width="large")}  # fmt: skip


def _when(moment) -> str:  # noqa: ANN001 (datetime or None)
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


def _row(alert: AlertInfo) -> dict:
    return {
        "Alert": alert.id, "State": alert.state, "Opened": _when(alert.opened_at),
        "What": alert.message, "Seen": alert.repeats + 1, "Last seen": _when(alert.last_seen_at),
        "Acknowledged by": alert.acknowledged_by, "Acknowledged": _when(alert.acknowledged_at),
        "Resolved by": alert.resolved_by, "Resolved": _when(alert.resolved_at),
    }  # fmt: skip


def _status(alert: AlertInfo) -> str:
    """Where the alert stands, who moved it and when, in one sentence (markdown)."""
    said = f"Alert #{alert.id} is **{alert.state}**, opened {_when(alert.opened_at)} UTC"
    if alert.acknowledged_by:
        said += (f"; acknowledged by {md(alert.acknowledged_by)} at "
                 f"{_when(alert.acknowledged_at)} UTC")  # fmt: skip
    if alert.resolved_by:
        said += f"; resolved by {md(alert.resolved_by)} at {_when(alert.resolved_at)} UTC"
    return said + "."


def render_alerts(studio: Studio, version: VersionInfo) -> None:
    """The alerts of ``version``'s model, with acknowledge and resolve."""
    shown = st.radio("Show", list(STATES), horizontal=True, key="mon_alert_state")
    alerts = list_alerts(studio, version.name, STATES[shown])
    if shown == "Unresolved":
        alerts = [a for a in alerts if a.state != "resolved"]
    if not alerts:
        st.info("No alert here. Scheduled checks open alerts when a rule's limit is crossed.")
        return
    st.dataframe(pd.DataFrame([_row(a) for a in alerts]), hide_index=True, key="mon_alerts",
                 column_config=COLUMNS)  # fmt: skip
    by_id = {a.id: a for a in alerts}
    chosen = st.selectbox(  # the label names the alert only: its state changes under the pick
        "Alert",
        list(by_id),
        key="mon_alert_pick",
        format_func=lambda i: f"#{i}: {by_id[i].message[:60]}",
    )
    alert = by_id[chosen]
    st.markdown(_status(alert))
    comment = st.text_input("Comment (kept with the alert)", key="mon_alert_comment")
    left, right = st.columns(2)
    actor = current_user(studio.settings)
    if left.button("Acknowledge", key="mon_alert_ack", disabled=alert.state != "open"):
        with error_boundary("alert acknowledge"):
            acknowledge(studio, alert.id, comment, actor)
            st.rerun()
    if right.button("Resolve", key="mon_alert_resolve", disabled=alert.state == "resolved"):
        with error_boundary("alert resolve"):
            resolve(studio, alert.id, comment, actor)
            st.rerun()
    for at, who, action, why in history(studio, alert.id):
        st.caption(md(f"{at:%Y-%m-%d %H:%M} · {who} · {action}" + (f" · {why}" if why else "")))
    for attempt in deliveries(studio, alert.id):
        outcome = "delivered" if attempt.ok else f"failed ({attempt.error})"
        st.caption(md(f"To {attempt.channel}, attempt {attempt.attempt}: {outcome}"))
