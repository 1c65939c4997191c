"""The Data page: upload, pick a dataset version, and the tabs that show it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.context import Studio
from studio.data.sniff import SUPPORTED_EXTENSIONS
from studio.data.versions import (
    DatasetVersionInfo,
    add_dataset_version,
    delete_version,
    get_version,
    list_datasets,
    list_versions,
    load_frame,
    preview_frame,
)
from studio.errors import NotFoundError
from studio.escaping import markdown_text as md
from studio.escaping import to_safe_csv
from studio.ui.identity import current_user
from studio.ui.profile_views import render_columns, render_profile
from studio.ui.shell import error_boundary

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
UPLOAD_TYPES = [ext.lstrip(".") for ext in SUPPORTED_EXTENSIONS]


def render_data_page(studio: Studio) -> None:
    """Draw the whole Data page."""
    st.title("Data")
    with error_boundary("data.flash"):
        if flash := st.session_state.pop("data_flash", None):
            st.success(md(flash))
    datasets = list_datasets(studio)
    with st.expander("Add data", expanded=not datasets), error_boundary("data.upload"):
        _render_upload(studio)
    if not datasets:
        st.info("No datasets yet: upload a file above, or load the demo datasets on Home.")
        return
    with error_boundary("data.view"):
        info = _render_selector(studio, [d.name for d in datasets])
        _render_header(info)
        profile, columns, preview, history, manage = st.tabs(
            ["Profile", "Columns", "Preview", "Versions", "Export & delete"]
        )
        with profile, error_boundary("data.profile"):
            render_profile(studio, info)
        with columns, error_boundary("data.columns"):
            render_columns(info)
        with preview, error_boundary("data.preview"):
            _render_preview(studio, info)
        with history, error_boundary("data.versions"):
            _render_versions(studio, info)
        with manage, error_boundary("data.manage"):
            _render_manage(studio, info)


def _render_upload(studio: Studio) -> None:
    with st.form("data_upload", clear_on_submit=True, border=False):
        upload = st.file_uploader(
            "CSV, TSV, Parquet, Excel (.xlsx) or JSON Lines", type=UPLOAD_TYPES,
            key="data_file",
        )  # fmt: skip
        name = st.text_input("Dataset name", placeholder="default: the file name", key="data_name")
        submitted = st.form_submit_button("Add to Studio", type="primary")
    if not submitted:
        return
    if upload is None:
        st.error("Choose a file first, then press Add to Studio.")
        return
    with st.spinner(f"Reading and profiling {upload.name}…"):
        result = add_dataset_version(
            studio,
            upload.getvalue(),
            upload.name,
            name=name or None,
            actor=current_user(studio.settings),
        )
    ref = result.version.ref
    st.session_state["data_flash"] = (
        f"Added {ref}: {result.version.rows:,} rows x {result.version.columns} columns."
        if result.created
        else f"Identical content is already stored as {ref}; nothing new was added."
    )
    show_version(result.version.name, result.version.version)
    st.rerun()


def show_version(name: str, version: int) -> None:
    """Select ``name@version`` on the next run (widgets and the shareable URL agree)."""
    st.query_params.update(dataset=name, version=str(version))
    st.session_state["data_dataset"] = name
    st.session_state[f"data_version_{name}"] = version


def _render_selector(studio: Studio, names: list[str]) -> DatasetVersionInfo:
    """The dataset and version the URL names (``?dataset=NAME&version=N``), else the first;
    NotFoundError for a link to one that does not exist (never another one shown instead)."""
    wanted = st.query_params.get("dataset")
    if wanted and wanted not in names:
        raise NotFoundError(f"There is no dataset '{wanted}'.")
    left, right = st.columns([3, 1])
    name = left.selectbox(
        "Dataset", names, index=names.index(wanted) if wanted else 0, key="data_dataset"
    )
    versions = [v.version for v in list_versions(studio, name)]
    wanted_version = st.query_params.get("version") if name == wanted else None
    if wanted_version and not _is_in(wanted_version, versions):
        raise NotFoundError(f"Dataset {name} has no version {wanted_version}.")
    index = versions.index(int(wanted_version)) if wanted_version else 0
    version = right.selectbox(
        "Version", versions, index=index, key=f"data_version_{name}",
        format_func=lambda v: f"v{v} (latest)" if v == versions[0] else f"v{v}",
    )  # fmt: skip
    st.query_params.update(dataset=name, version=str(version))
    return get_version(studio, f"{name}@{version}")


def _is_in(value: str | None, versions: list[int]) -> bool:
    return value is not None and value.isdigit() and int(value) in versions


def _render_header(info: DatasetVersionInfo) -> None:
    ingest = info.ingest
    parts = [f"**{md(info.ref)}**", f"from {md(info.source_name)}", info.file_format.upper()]
    if ingest.get("encoding"):
        delimiter = DELIMITER_NAMES.get(ingest["delimiter"], repr(ingest["delimiter"]))
        decimal = "decimal comma" if ingest["decimal"] == "," else "decimal point"
        parts.append(f"{ingest['encoding']}, {delimiter}-separated, {decimal}")
    parts.append(f"added by {md(info.created_by)} on {info.created_at:%Y-%m-%d %H:%M} UTC")
    st.markdown(" · ".join(parts))
    # what reading changed (renamed headers, values read as missing, number and date formats,
    # UTC): shown in the header of the version, so right after an upload too; the profile's
    # warnings follow in the Overview tab
    for notice in info.notices:
        st.info(md(notice))


def _render_preview(studio: Studio, info: DatasetVersionInfo) -> None:
    frame = preview_frame(studio, info, rows=100)
    st.caption(f"The first {len(frame):,} of {info.rows:,} rows.")
    st.dataframe(frame, width="stretch", height=420)


def _render_versions(studio: Studio, info: DatasetVersionInfo) -> None:
    rows = [
        {
            "Version": v.version,
            "Rows": v.rows,
            "Columns": v.columns,
            "Source file": v.source_name,
            "SHA-256": v.sha256[:12],
            "Added": v.created_at,
            "By": v.created_by,
        }
        for v in list_versions(studio, info.name)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _render_manage(studio: Studio, info: DatasetVersionInfo) -> None:
    st.markdown(
        "**Download** as CSV (cells that a spreadsheet would run as formulas are escaped)."
    )
    st.download_button(
        f"Download {info.ref} as CSV", data=lambda: to_safe_csv(load_frame(studio, info)),
        file_name=f"{info.name}_v{info.version}.csv", mime="text/csv", key="data_download",
    )  # fmt: skip
    st.divider()
    st.markdown("**Delete** this version. Refused while a run or a model uses it.")
    confirm = st.checkbox(f"I want to delete {md(info.ref)} for good", key="data_confirm_delete")
    if st.button("Delete version", disabled=not confirm, key="data_delete"):
        delete_version(studio, info.ref, actor=current_user(studio.settings))
        st.session_state["data_flash"] = f"Deleted {info.ref}."
        st.query_params.clear()
        st.session_state.pop("data_dataset", None)
        st.session_state.pop(f"data_version_{info.name}", None)
        st.rerun()
