"""The Models page's Serving tab: how an application calls the model, how its live requests
are split between versions (approvers change it), and what each version answered."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from studio.access import can
from studio.autopilot.metrics import metric_label
from studio.business.value import CostMatrix
from studio.context import Studio
from studio.i18n import _, format_percent
from studio.registry.labels import traffic_source_name
from studio.registry.traffic import Traffic, get_traffic, set_traffic
from studio.registry.versions import VersionInfo
from studio.serving.ab import ab_verdict
from studio.serving.examples import example_row
from studio.serving.stats import variant_stats
from studio.ui.identity import current_user
from studio.ui.shell import error_boundary


def curl_example(base: str, version: VersionInfo) -> str:
    """A ready-to-run request for the model's endpoint, with a typical row as its body."""
    body = json.dumps({"instances": [example_row(version)]}, ensure_ascii=False)
    body = body.replace("'", "'\\''")  # inside the shell's single quotes
    return (
        f"curl -s -X POST {base}/v1/models/{version.name}/predict \\\n"
        f"  -H 'Content-Type: application/json' \\\n  -d '{body}'"
    )


def render_serving(studio: Studio, versions: list[VersionInfo]) -> None:
    """Endpoint and example, the traffic split with its editor, and live numbers per version."""
    name = versions[0].name
    shown = next((v for v in versions if v.stage == "production"), versions[0])
    st.markdown(
        _(
            "Applications call `POST {url}/v1/models/{name}/predict` (`studio serve`; API docs "
            "at `/docs`). A bare model name follows the split below; `{name}@production` or "
            "`{name}@3` always reaches that version."
        ).format(url=studio.settings.serve_url, name=name)
    )
    st.code(curl_example(studio.settings.serve_url, shown), language="bash")
    traffic = get_traffic(studio, name)
    st.markdown(
        _("**Traffic:** {traffic}").format(
            traffic=traffic.summary() if traffic else _("production only")
        )
    )
    if can(studio.settings, current_user(studio.settings), "production"):
        with error_boundary("models.traffic"):
            _traffic_form(studio, name, versions, traffic)
    _live(studio, name)
    if traffic is not None:
        _verdict(studio, name)


def _verdict(studio: Studio, name: str) -> None:
    matrix = CostMatrix()
    verdict = ab_verdict(studio, name, matrix)
    show = {"promote": st.success, "keep": st.warning}.get(verdict.decision, st.info)
    st.markdown(_("**A/B verdict**"))
    show(verdict.sentence)
    arms = [a for a in (verdict.champion, verdict.challenger) if a is not None]
    if any(a.metric is not None for a in arms):
        st.dataframe(pd.DataFrame([_arm_row(a, verdict.metric, matrix) for a in arms]),
                     hide_index=True, width="stretch")  # fmt: skip
        st.caption(
            _(
                "Values per 1,000 cases price each decision at the Business page's defaults "
                "(true positive {tp}, false positive {fp}); `studio models ab {name} --tp … "
                "--fp …` prices them your way."
            ).format(tp=matrix.money(matrix.tp), fp=matrix.money(matrix.fp), name=name)
        )
    for version, share in verdict.shadow_agreement.items():
        st.caption(
            _("Shadow v{version} gives the live answer on {share} of requests.").format(
                version=version, share=format_percent(share, digits=1)
            )
        )


def _arm_row(arm: Any, metric: str, matrix: CostMatrix) -> dict[str, Any]:
    def interval(pair: tuple[float, float] | None, text: Callable[[float], str]) -> str:
        if pair is None:
            return ""
        return _("{low} to {high}").format(low=text(pair[0]), high=text(pair[1]))

    level = format_percent(0.95)  # the intervals' confidence level
    return {
        _("Version"): f"v{arm.version}",
        _("Requests"): arm.traffic.requests if arm.traffic else 0,
        _("Labelled"): arm.labelled,
        metric_label(metric): None if arm.metric is None else round(arm.metric, 4),
        _("{level} interval").format(level=level): interval(arm.interval, lambda v: f"{v:.4f}"),
        _("Value per 1,000"): "" if arm.value is None else matrix.money(arm.value),
        _("Value {level} interval").format(level=level):
            interval(arm.value_interval, matrix.money),
    }  # fmt: skip


def _traffic_form(
    studio: Studio, name: str, versions: list[VersionInfo], traffic: Traffic | None
) -> None:
    approved = [v.version for v in versions if v.approval == "approved"]
    with st.form(key=f"mdl_traffic_{name}", border=True, clear_on_submit=True):
        st.markdown(_("**Split live traffic (A/B) and shadow**"))
        production = next((v.version for v in versions if v.stage == "production"), None)
        current = traffic.split if traffic and traffic.split else {production: 1.0}
        shares = {}
        columns = st.columns(max(1, len(approved)))
        for column, version in zip(columns, approved, strict=False):
            shares[version] = column.number_input(
                _("v{version} share (%)").format(version=version), min_value=0, max_value=100,
                step=5,
                value=round(current.get(version, 0) * 100), key=f"mdl_share_{name}_{version}",
            )  # fmt: skip
        others = [v.version for v in versions if v.approval != "rejected"]
        names = {None: _("none")} | {v: f"v{v}" for v in others}
        shadow = st.selectbox(
            _("Shadow version (scores the same requests, answers nobody)"), [None, *others],
            format_func=names.get, key=f"mdl_shadow_{name}",
        )  # fmt: skip
        comment = st.text_input(_("Comment (required)"), key=f"mdl_traffic_comment_{name}")
        apply, clear = st.columns(2)
        if apply.form_submit_button(_("Apply split"), type="primary"):
            split = {v: s / 100 for v, s in shares.items() if s > 0} or None
            if split and abs(sum(split.values()) - 1) > 1e-9:
                st.error(_("The shares must add up to 100%; adjust them and apply again."))
                return
            set_traffic(studio, name, split, shadow, comment, current_user(studio.settings))
            st.rerun()
        if clear.form_submit_button(_("Back to production only"), disabled=traffic is None):
            set_traffic(studio, name, None, None, comment, current_user(studio.settings))
            st.rerun()


def _live(studio: Studio, name: str) -> None:
    stats = variant_stats(studio, name)
    if not stats:
        st.caption(
            _(
                "No live requests logged yet: the endpoint writes the requests it answered "
                "every minute (STUDIO_SERVE_LOG_SECONDS)."
            )
        )
        return
    table = pd.DataFrame([
        {_("Version"): f"v{s.version}", _("Traffic"): traffic_source_name(s.source),
         _("Requests"): s.requests,
         _("Requests/min (last 5 min)"): round(s.per_minute, 1),
         _("Errors 4xx"): s.client_errors, _("Errors 5xx"): s.server_errors,
         _("Error rate"): format_percent(s.error_rate, digits=1),
         _("Rows logged"): s.rows, _("Latency p50 (ms)"): round(s.latency_ms_p50, 2),
         _("Latency p99 (ms, at most)"): round(s.latency_ms_p99, 2),
         _("Predictions"): ", ".join(f"{k} {format_percent(v)}" for k, v in s.predictions.items()),
         _("Last request"): s.last_at.replace(tzinfo=None)}
        for s in stats
    ])  # fmt: skip
    st.markdown(_("**What the endpoint answered**"))
    st.dataframe(table, hide_index=True, width="stretch")
