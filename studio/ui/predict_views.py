"""The Predict page: pick a model and a stage or version, upload a file, download the scores."""

from __future__ import annotations

import streamlit as st

from studio.context import Studio
from studio.escaping import markdown_text as md
from studio.i18n import _, format_number
from studio.registry.labels import approval_name, stage_name
from studio.registry.scoring import ScoreResult, read_batch, score_frame
from studio.ui.identity import current_user
from studio.ui.model_picker import pick_version
from studio.ui.shell import error_boundary


def render_predict_page(studio: Studio) -> None:
    """Choose, upload, score, download."""
    st.title(_("Predict"))
    with error_boundary("predict"):
        ref = _choose_model(studio)
        if ref is None:
            return
        upload = st.file_uploader(
            _("File to score (CSV, TSV, Parquet, Excel or JSON Lines)"), key="pred_upload"
        )
        wanted = (ref, upload.name, upload.size) if upload is not None else None
        if upload is not None and st.button(_("Score"), key="pred_go", type="primary"):
            with st.spinner(_("Scoring {file} with {ref}…").format(file=upload.name, ref=ref)):
                frame = read_batch(studio, upload.getvalue(), upload.name, model=ref)
                result = score_frame(
                    studio, ref, frame, upload.name, current_user(studio.settings)
                )
                # the files are made once, not on every rerun while the result is shown
                files = {fmt: result.to_bytes(fmt) for fmt in ("csv", "parquet")}
                st.session_state["pred_result"] = (wanted, result, files)
        kept = st.session_state.get("pred_result")
        if kept is not None and kept[0] == wanted:  # a result for another file or model is stale
            _show(kept[1], kept[2])


def _choose_model(studio: Studio) -> str | None:
    picked = pick_version(
        studio,
        "pred",
        _("No registered model yet: register a candidate on the Models page first."),
    )
    if picked is None:
        return None
    ref, chosen = picked
    st.caption(
        _("{name} v{version} ({stage}, {approval}) predicts '{target}' from {count} columns.")
        .format(
            name=md(chosen.name), version=chosen.version, stage=stage_name(chosen.stage),
            approval=approval_name(chosen.approval), target=md(chosen.target),
            count=format_number(len(chosen.input_schema.get("features", []))),
        )
    )  # fmt: skip
    return ref


def _show(result: ScoreResult, files: dict[str, bytes]) -> None:
    v = result.version
    st.success(
        _("Scored {rows} rows with {ref} ({stage}).").format(
            rows=format_number(len(result.output)), ref=md(v.ref), stage=stage_name(v.stage)
        )
    )
    for notice in result.notices:
        st.info(md(notice))
    st.dataframe(result.output.head(200), hide_index=True, width="stretch")
    stem = f"scores_{v.name}_v{v.version}"
    left, right, _rest = st.columns([1, 1, 4])
    left.download_button(
        _("Download CSV"),
        data=files["csv"],
        file_name=f"{stem}.csv",
        mime="text/csv",
        key="pred_csv",
    )
    right.download_button(
        _("Download Parquet"),
        data=files["parquet"],
        file_name=f"{stem}.parquet",
        mime="application/octet-stream",
        key="pred_parquet",
    )
