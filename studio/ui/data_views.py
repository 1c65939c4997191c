"""The Data page: upload, pick a dataset version, and the tabs that show it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.context import Studio
from studio.data.phrases import shown
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
from studio.i18n import N_, _, format_number, pgettext
from studio.ui.identity import current_user
from studio.ui.profile_views import render_columns, render_profile
from studio.ui.shell import error_boundary

DELIMITER_NAMES = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": N_("pipe")}
UPLOAD_TYPES = [ext.lstrip(".") for ext in SUPPORTED_EXTENSIONS]


def render_data_page(studio: Studio) -> None:
    """Draw the whole Data page."""
    st.title(_("Data"))
    with error_boundary("data.flash"):
        if flash := st.session_state.pop("data_flash", None):
            st.success(md(flash))
    datasets = list_datasets(studio)
    with st.expander(_("Add data"), expanded=not datasets), error_boundary("data.upload"):
        _render_upload(studio)
    if not datasets:
        st.info(_("No datasets yet: upload a file above, or load the demo datasets on Home."))
        return
    with error_boundary("data.view"):
        info = _render_selector(studio, [d.name for d in datasets])
        _render_header(info)
        profile, columns, preview, history, manage = st.tabs(
            # "Versions" is the tab of a dataset's versions (Models' "Versions" counts them)
            [_("Profile"), _("Columns"), _("Preview"), pgettext("tab", "Versions"),
             _("Export & delete")]
        )  # fmt: skip
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
            _("CSV, TSV, Parquet, Excel (.xlsx) or JSON Lines"), type=UPLOAD_TYPES,
            key="data_file",
        )  # fmt: skip
        name = st.text_input(
            _("Dataset name"), placeholder=_("default: the file name"), key="data_name"
        )
        submitted = st.form_submit_button(_("Add to Studio"), type="primary")
    if not submitted:
        return
    if upload is None:
        st.error(_("Choose a file first, then press Add to Studio."))
        return
    with st.spinner(_("Reading and profiling {file}…").format(file=upload.name)):
        result = add_dataset_version(
            studio,
            upload.getvalue(),
            upload.name,
            name=name or None,
            actor=current_user(studio.settings),
        )
    ref = result.version.ref
    st.session_state["data_flash"] = (
        _("Added {ref}: {rows} rows x {columns} columns.").format(
            ref=ref, rows=format_number(result.version.rows), columns=result.version.columns
        )
        if result.created
        else _("Identical content is already stored as {ref}; nothing new was added.").format(
            ref=ref
        )
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
        raise NotFoundError(_("There is no dataset '{name}'.").format(name=wanted))
    left, right = st.columns([3, 1])
    name = left.selectbox(
        _("Dataset"), names, index=names.index(wanted) if wanted else 0, key="data_dataset"
    )
    versions = [v.version for v in list_versions(studio, name)]
    wanted_version = st.query_params.get("version") if name == wanted else None
    if wanted_version and not _is_in(wanted_version, versions):
        raise NotFoundError(
            _("Dataset {name} has no version {version}.").format(name=name, version=wanted_version)
        )
    index = versions.index(int(wanted_version)) if wanted_version else 0
    version = right.selectbox(
        _("Version"), versions, index=index, key=f"data_version_{name}",
        format_func={v: version_label(v, latest=v == versions[0]) for v in versions}.get,
    )  # fmt: skip
    st.query_params.update(dataset=name, version=str(version))
    return get_version(studio, f"{name}@{version}")


def version_label(version: int, *, latest: bool) -> str:
    """``v3``, or ``v3 (latest)`` for the newest version."""
    return _("v{version} (latest)").format(version=version) if latest else f"v{version}"


def _is_in(value: str | None, versions: list[int]) -> bool:
    return value is not None and value.isdigit() and int(value) in versions


def _render_header(info: DatasetVersionInfo) -> None:
    ingest = info.ingest
    parts = [
        f"**{md(info.ref)}**",
        _("from {source}").format(source=md(info.source_name)),
        info.file_format.upper(),
    ]
    if ingest.get("encoding"):
        delimiter = ingest["delimiter"]
        name = _(DELIMITER_NAMES[delimiter]) if delimiter in DELIMITER_NAMES else repr(delimiter)
        decimal = _("decimal comma") if ingest["decimal"] == "," else _("decimal point")
        parts.append(
            _("{encoding}, {delimiter}-separated, {decimal}").format(
                encoding=ingest["encoding"], delimiter=name, decimal=decimal
            )
        )
    parts.append(
        _("added by {user} on {time} UTC").format(
            user=md(info.created_by), time=f"{info.created_at:%Y-%m-%d %H:%M}"
        )
    )
    st.markdown(" · ".join(parts))
    # what reading changed (renamed headers, values read as missing, number and date formats,
    # UTC): shown in the header of the version, so right after an upload too; the profile's
    # warnings follow in the Overview tab
    for notice in info.notices:
        st.info(md(shown(notice)))


def _render_preview(studio: Studio, info: DatasetVersionInfo) -> None:
    frame = preview_frame(studio, info, rows=100)
    st.caption(
        _("The first {shown} of {rows} rows.").format(
            shown=format_number(len(frame)), rows=format_number(info.rows)
        )
    )
    st.dataframe(frame, width="stretch", height=420)


def _render_versions(studio: Studio, info: DatasetVersionInfo) -> None:
    rows = [
        {
            _("Version"): v.version,
            _("Rows"): v.rows,
            _("Columns"): v.columns,
            _("Source file"): v.source_name,
            "SHA-256": v.sha256[:12],
            _("Added"): v.created_at,
            _("By"): v.created_by,
        }
        for v in list_versions(studio, info.name)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _render_manage(studio: Studio, info: DatasetVersionInfo) -> None:
    st.markdown(
        _("**Download** as CSV (cells that a spreadsheet would run as formulas are escaped).")
    )
    st.download_button(
        _("Download {ref} as CSV").format(ref=info.ref),
        data=lambda: to_safe_csv(load_frame(studio, info)),
        file_name=f"{info.name}_v{info.version}.csv", mime="text/csv", key="data_download",
    )  # fmt: skip
    st.divider()
    st.markdown(_("**Delete** this version. Refused while a run or a model uses it."))
    confirm = st.checkbox(
        _("I want to delete {ref} for good").format(ref=md(info.ref)), key="data_confirm_delete"
    )
    if st.button(_("Delete version"), disabled=not confirm, key="data_delete"):
        delete_version(studio, info.ref, actor=current_user(studio.settings))
        st.session_state["data_flash"] = _("Deleted {ref}.").format(ref=info.ref)
        st.query_params.clear()
        st.session_state.pop("data_dataset", None)
        st.session_state.pop(f"data_version_{info.name}", None)
        st.rerun()
