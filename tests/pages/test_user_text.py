"""User text never becomes markup or a formula: a dataset whose target is named
``<img src=x onerror=alert(1)>`` (with that and ``=HYPERLINK(...)`` as its classes) and whose
column is named and filled with formulas goes through every page, the HTML reports and every
CSV the product writes; names are shown as text and every CSV cell and header is inert."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from studio.business.service import candidate_choices
from studio.business.value import CostMatrix
from studio.context import Studio
from studio.escaping import FORMULA_PREFIXES
from studio.reports.service import compare_html, model_html
from tests.cli import run
from tests.pages.test_models import _open
from tests.stores import FORMULA, IMG, StoreCopy, hostile_like


@pytest.fixture
def hostile(prepared: Callable[..., StoreCopy], monkeypatch: pytest.MonkeyPatch) -> StoreCopy:
    """The app's store: a private copy of the hostile churn store (run 1, model 'm' v1)."""
    copy = prepared("hostile_churn")
    copy.use(monkeypatch)
    return copy


class _Tags(HTMLParser):
    """The start tags and attribute names of a document (script contents are data)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        self.attributes |= {name for name, _ in attrs}


def _tags(document: str) -> _Tags:
    parser = _Tags()
    parser.feed(document)
    return parser


def _assert_no_markup(at) -> int:  # noqa: ANN001
    """No element of the page turns user text into HTML or Markdown; how many held it."""
    texts = [(getattr(e.proto, "allow_html", False), e.value) for e in at.markdown]
    for kind in ("caption", "success", "info", "warning", "error", "subheader", "title"):
        texts += [(False, e.value) for e in at.get(kind)]
    texts += [(False, m.label) for m in at.metric]
    holding = 0
    for allow_html, text in texts:
        if "img src=x" not in text:
            continue
        holding += 1
        if allow_html:
            found = _tags(text)
            assert "img" not in found.tags and "onerror" not in found.attributes, text
        else:
            assert not re.search(r"(?<!\\)<img", text), text  # shown as text: \<img
    return holding


@pytest.mark.parametrize("present", [True, False])
def test_business_page_shows_hostile_names_as_text(hostile: StoreCopy, present: bool) -> None:
    """Presentation mode's headline (HTML) and the full view (Markdown) show the target's
    name and classes as text, never as an element."""
    at = _open("pages/7_Business.py", **({"present": "true"} if present else {}))
    assert not at.exception and not at.error
    assert _assert_no_markup(at) >= 1
    if present:
        headline = next(m.value for m in at.markdown if m.value.startswith("<h1"))
        assert "&lt;img src=x onerror=alert(1)&gt; · hostile" in headline


@pytest.mark.parametrize(
    ("script", "query"),
    [
        ("pages/1_Data.py", {}),
        ("pages/2_Autopilot.py", {"run": "1"}),
        ("pages/3_Experiments.py", {"run": "1"}),
        ("pages/4_Models.py", {"model": "m"}),
        ("pages/5_Predict.py", {}),
        ("pages/6_Monitor.py", {}),
    ],
)
def test_other_pages_show_hostile_names_as_text(
    hostile: StoreCopy, script: str, query: dict[str, str]
) -> None:
    """The same text on the other pages that show names, notes and classes."""
    at = _open(script, **query)
    assert not at.exception
    _assert_no_markup(at)


def test_html_reports_hold_no_element_from_user_text(hostile: StoreCopy) -> None:
    """The comparison report and the model card report (with and without values): parsed,
    they hold no <img> element and no onerror attribute; the names are there as text."""
    studio = Studio.open(hostile.settings)
    ids = [cid for cid, _ in candidate_choices(studio, 1)]
    documents = [
        compare_html(studio, ids, IMG, CostMatrix(unit=IMG[:12])),
        model_html(studio, "m@1", IMG),
        model_html(studio, "m@1", "tester", CostMatrix()),
    ]
    for data in documents:
        document = data.decode("utf-8")
        found = _tags(document)
        assert "img" not in found.tags and "onerror" not in found.attributes
        assert "&lt;img src=x onerror=alert(1)&gt;" in document


def _inert(path_or_bytes: Path | bytes) -> list[list[str]]:
    """The CSV's rows, after checking that no header or cell would run as a formula."""
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_PREFIXES):
                float(cell)  # only a number may start with '-' or '+'
    return rows


def test_every_csv_is_inert_headers_and_cells(hostile: StoreCopy, tmp_path: Path) -> None:
    """Data export, the trial table and predictions (CLI and the Predict page's download)."""
    env = hostile.env()
    exported = tmp_path / "data.csv"
    assert run("data", "export", "hostile", "--out", str(exported), env=env).returncode == 0
    header, first = _inert(exported)[:2]
    assert f"'{FORMULA}" in header and IMG in header
    assert first[header.index(f"'{FORMULA}")].startswith("'=")
    trials = tmp_path / "trials.csv"
    assert run("runs", "trials", "1", "--out", str(trials), env=env).returncode == 0
    _inert(trials)

    batch = tmp_path / "batch.csv"
    hostile_like(60, seed=5).drop(columns=[IMG]).to_csv(batch, index=False)
    scores = tmp_path / "scores.csv"
    done = run("predict", "m@1", str(batch), "--out", str(scores), env=env)
    assert done.returncode == 0, done.stderr
    rows = _inert(scores)
    predictions = {row[rows[0].index("prediction")] for row in rows[1:]}
    assert predictions <= {f"'{FORMULA}", IMG} and f"'{FORMULA}" in predictions

    at = _open("pages/5_Predict.py")
    at.file_uploader(key="pred_upload").set_value(("b.csv", batch.read_bytes(), "text/csv"))
    at.run()
    at.button(key="pred_go").click().run()
    assert not at.exception and not at.error
    _inert(at.session_state["pred_result"][2]["csv"])
