"""Data page: upload, profile, leakage check, columns, deep links, errors, delete."""

from __future__ import annotations

import json

from sqlmodel import select

from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.db import session_scope
from studio.db.models import DatasetVersion, Run
from tests.pages.conftest import texts

CSV = "customer_id,tenure,plan,churn,churn_flag\n" + "\n".join(
    f"{i},{i % 24},{['basic', 'plus', 'pro'][i % 3]},{'Yes' if i % 4 == 0 else 'No'},"
    f"{1 if i % 4 == 0 else 0}"
    for i in range(120)
)


def upload(at, name: str, content: bytes):  # noqa: ANN001, ANN201
    at.file_uploader(key="data_file").set_value((name, content, "text/csv"))
    at.button[0].click()  # the form's submit button
    return at.run()


def test_empty_page_explains_what_to_do(open_page) -> None:  # noqa: ANN001
    """With no data the page says how to get some."""
    at = open_page("pages/1_Data.py")
    assert not at.exception
    assert any("No datasets yet" in t for t in texts(at.info))


def test_upload_shows_the_profile(open_page) -> None:  # noqa: ANN001
    """Uploading a CSV adds version 1 and shows its numbers, warnings and column table."""
    at = upload(open_page("pages/1_Data.py"), "churn.csv", CSV.encode())
    assert not at.exception and not at.error
    assert "Added churn@1: 120 rows x 5 columns" in at.success[0].value
    assert at.metric[0].value == "120" and at.metric[1].value == "5"
    assert any("looks like an identifier" in m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert table.set_index("Column")["Type"].to_dict()["customer_id"] == "identifier"
    assert at.query_params["dataset"] == "churn"


def test_same_file_again_is_recognised(open_page) -> None:  # noqa: ANN001
    """Uploading identical content says so and adds nothing."""
    at = upload(open_page("pages/1_Data.py"), "churn.csv", CSV.encode())
    at = upload(at, "churn.csv", CSV.encode())
    assert "already stored as churn@1" in at.success[0].value


def test_choosing_a_target_reveals_leakage(open_page) -> None:  # noqa: ANN001
    """Picking the target adds a high-severity leakage warning for its copy."""
    at = upload(open_page("pages/1_Data.py"), "churn.csv", CSV.encode())
    at.selectbox(key="data_target_churn@1").set_value("churn").run()
    assert not at.exception
    leaks = [m.value for m in at.markdown if "predicts 'churn'" in m.value]
    assert len(leaks) == 1 and "churn_flag" in leaks[0] and leaks[0].startswith(":red-badge")


def test_bad_file_shows_one_sentence_and_stores_nothing(open_page) -> None:  # noqa: ANN001
    """A malformed upload is an st.error naming the bad line, never a traceback."""
    at = upload(open_page("pages/1_Data.py"), "bad.csv", b"a,b\n1,2\n3,4,5\n")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Line 3 has 3 fields but the header has 2; fix or remove that line and upload again."
    ]
    assert any("No datasets yet" in t for t in texts(at.info))


def test_deep_link_opens_the_named_version(open_page, home_env) -> None:  # noqa: ANN001
    """?dataset=NAME&version=N opens that version first, with its column chart."""
    studio = Studio.open()
    add_dataset_version(studio, CSV.encode(), "churn.csv", actor="t")
    add_dataset_version(studio, (CSV + "\n999,1,pro,No,0").encode(), "churn.csv", actor="t")
    add_dataset_version(studio, b"x,y\n1,2\n3,4\n", "other.csv", actor="t")
    at = open_page("pages/1_Data.py", dataset="churn", version="1")
    assert not at.exception
    assert at.selectbox(key="data_dataset").value == "churn"
    assert at.metric[0].value == "120"
    at.selectbox(key="data_column_churn@1").set_value("tenure").run()
    spec = json.loads(at.get("plotly_chart")[-1].proto.spec)
    assert spec["data"][0]["type"] == "bar" and sum(spec["data"][0]["y"]) == 120


def test_delete_refused_while_a_run_uses_the_version(open_page, home_env) -> None:  # noqa: ANN001
    """Delete is refused with a clear message while a run uses the version; then allowed."""
    studio = Studio.open()
    add_dataset_version(studio, CSV.encode(), "churn.csv", actor="t")
    with session_scope(studio.engine) as session:
        version = session.exec(select(DatasetVersion)).one()
        run = Run(dataset_version_id=version.id, target="churn", task="binary",
                  status="finished", created_by="t")  # fmt: skip
        session.add(run)
    at = open_page("pages/1_Data.py")
    at.checkbox(key="data_confirm_delete").check().run()
    at.button(key="data_delete").click().run()
    assert not at.exception
    assert any("cannot be deleted while run 1" in e.value for e in at.error)
    with session_scope(studio.engine) as session:
        session.delete(session.exec(select(Run)).one())
    at.checkbox(key="data_confirm_delete").check().run()
    at.button(key="data_delete").click().run()
    assert "Deleted churn@1." in at.success[0].value
    assert any("No datasets yet" in t for t in texts(at.info))


def test_unexpected_failure_shows_a_reference_not_a_traceback(open_page, home_env) -> None:  # noqa: ANN001
    """A tampered artifact is refused; the page shows a short message with a reference."""
    studio = Studio.open()
    info = add_dataset_version(studio, CSV.encode(), "churn.csv", actor="t").version
    path = studio.artifacts.path_of(info.artifact)
    path.write_bytes(b"tampered" + path.read_bytes())
    at = open_page("pages/1_Data.py")
    assert not at.exception
    messages = [e.value for e in at.error]
    assert len(messages) == 1 and "Something went wrong on our side (reference" in messages[0]
    assert at.metric[0].value == "120"  # the other tabs still render
    log = (home_env / "logs" / "studio.log").read_text()
    assert "does not match its recorded checksum" in log and "Traceback" in log


def test_upload_shows_what_reading_changed_and_why_each_type(open_page) -> None:  # noqa: ANN001
    """Right after an upload the page tells what reading changed (a renamed header, NA read as
    missing), and the column table says why each column got its type."""
    rows = "\n".join(f"{i},{i % 3},{['NA', 'm', 'f'][i % 3]},{'ab'[i % 2]}" for i in range(60))
    at = upload(open_page("pages/1_Data.py"), "dups.csv", f"id,x,sex,x\n{rows}\n".encode())
    assert not at.exception and not at.error
    shown = texts(at.info)
    assert any("Renamed blank or duplicate column names" in t for t in shown)
    assert "20 cells in 'sex' were read as missing (NA)." in shown
    why = at.dataframe[0].value.set_index("Column")["Why"].to_dict()
    assert why["id"] == "consecutive integers 0…59" and why["sex"] == "text with 2 categories"
