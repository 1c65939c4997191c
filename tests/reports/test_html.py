"""The standalone HTML report: offline, escaped, size-capped, atomic, and drawn by Chromium."""

from __future__ import annotations

import base64
import gzip
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline
import pytest

from studio.charts.monitor import distribution_overlay_figure, drift_share_figure
from studio.errors import InvalidInputError
from studio.reports import html as report_html
from studio.reports.html import (
    MAX_BYTES,
    Chart,
    Metrics,
    Note,
    Paragraph,
    Report,
    Section,
    Table,
    plotly_js_gzip_base64,
    render_html,
    save_report,
)
from tests.e2e.conftest import ARTIFACTS

EVIL = "<script>alert(1)</script>"
AT = datetime(2026, 3, 14, 9, 26, tzinfo=UTC)


def _figures() -> list[go.Figure]:
    """Three figures as Studio draws them, one carrying a script tag in its hover text."""
    rng = np.random.default_rng(7)
    loss = go.Figure(
        go.Scatter(
            x=np.arange(120),
            y=np.exp(-np.arange(120) / 40) + rng.normal(0, 0.02, 120),
            mode="lines",
            name="validation loss",
            text=["</script><script>alert(1)</script>"] * 120,
        )
    )
    loss.update_layout(title="Validation loss per round", template="plotly_white")
    overlay = distribution_overlay_figure(
        "age", rng.normal(40, 10, 800), rng.normal(44, 11, 800), True
    )
    shares = drift_share_figure(["2026-01", "2026-02", "2026-03"], [0.1, 0.2, 0.45], 0.3)
    return [loss, overlay, shares]


def _report(title: str = "Churn model: monthly check", **texts: str) -> Report:
    """A typical report: metrics, text, notes, three charts and a table."""
    frame = pd.DataFrame(
        {
            "feature": ["age", "income", "tenure", "plan", "region"],
            "test": ["psi", "psi", "ks", "chi-square", "chi-square"],
            "statistic": [0.31, 0.04, 0.0012, 0.12, 0.08],
            "rows": [12480, 12480, 12480, 12311, 12480],
            "drifted": [True, False, True, False, False],
        }
    )
    charts = [Chart(f, c) for f, c in zip(_figures(), ["Loss", "Age", "Drift"], strict=True)]
    summary = (
        Metrics(
            (
                ("ROC AUC", "0.912", "+0.004 vs. last month"),
                ("Rows scored", "12,480", "March 2026"),
                ("Drifted features", "2 of 5", "PSI above 0.2"),
            )
        ),
        Paragraph(texts.get("paragraph", "The model is stable; two features moved.")),
        Note(texts.get("note", "Age drifted; check the new sign-up campaign."), "warning"),
        Note("Quality is within the agreed band.", "good"),
    )
    return Report(
        title=title,
        subtitle=texts.get("subtitle", "Reference: January 2026, current: March 2026"),
        sections=(
            Section(texts.get("section", "Summary"), summary),
            Section("Charts", tuple(charts)),
            Section("Per-feature drift", (Table(frame, texts.get("caption", "Drift tests")),)),
        ),
        generated_at=AT,
        generated_by=texts.get("by", "alice"),
    )


class _Scripts(HTMLParser):
    """Collects every <script> element: its attributes and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def _scripts(document: str) -> list[tuple[dict[str, str | None], str]]:
    """The script elements of a document, as a browser's tokenizer splits them."""
    parser = _Scripts()
    parser.feed(document)
    return parser.scripts


def _payload(document: str) -> str:
    """The base64 text of the embedded plotly.js."""
    return next(text for attrs, text in _scripts(document) if attrs.get("id") == "plotly-gz")


# Unit tests: the document itself.


def test_typical_report_is_small_and_references_nothing_outside() -> None:
    """Three charts, a table, metrics and notes: under the cap, no external resource at all."""
    document = render_html(_report()).decode("utf-8")
    assert 1_500_000 < len(document.encode()) < MAX_BYTES
    for external in ("<script src", "<link", "@import", "url(", "<iframe", "<img"):
        assert external not in document.lower()
    outside_payload = document.replace(_payload(document), "")
    assert re.findall(r"https?:", outside_payload) == []  # only "http-equiv" mentions http
    assert outside_payload.count("http") == 1
    assert "default-src 'none'" in document and '<meta charset="utf-8">' in document


def test_plotly_js_is_embedded_once_and_unpacks_to_the_real_library() -> None:
    """The payload is gzip+base64 of plotly.offline.get_plotlyjs(), and it appears once."""
    document = render_html(_report()).decode("utf-8")
    assert document.count('id="plotly-gz"') == 1
    unpacked = gzip.decompress(base64.b64decode(_payload(document))).decode("utf-8")
    assert unpacked == plotly.offline.get_plotlyjs()


def test_packed_plotly_is_computed_once_per_process() -> None:
    """The compressed library is cached: a second call returns the very same string."""
    assert plotly_js_gzip_base64() is plotly_js_gzip_base64()


def test_a_report_without_charts_carries_no_plotly() -> None:
    """Text-only reports stay tiny: plotly.js is embedded only when a chart needs it."""
    report = Report("Notes", "", (Section("Only text", (Paragraph("Hello."),)),), AT)
    document = render_html(report)
    assert len(document) < 20_000
    assert b'id="plotly-gz"' not in document


@pytest.mark.parametrize(
    "field", ["title", "subtitle", "section", "paragraph", "note", "caption", "by"]
)
def test_every_text_is_escaped(field: str) -> None:
    """A script tag typed into any text field is shown as text, never run."""
    report = _report(**{field: EVIL})
    document = render_html(report).decode("utf-8")
    assert EVIL not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document


def test_table_cells_and_metrics_are_escaped() -> None:
    """Column names, index labels, cells and metric cards are escaped too."""
    frame = pd.DataFrame({EVIL: [EVIL]}, index=pd.Index([EVIL], name=EVIL))
    metrics = Metrics(((EVIL, EVIL, EVIL),))
    report = Report("t", "", (Section("s", (Table(frame), metrics)),), AT)
    document = render_html(report).decode("utf-8")
    assert EVIL not in document
    assert document.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 7


def test_paragraph_text_is_literal_and_its_lead_bold() -> None:
    """A paragraph's text is shown as typed (``**`` stays ``**``, markup is escaped); only its
    lead is bold."""
    report = Report("t", "", (Section("s", (Paragraph("a **b<i>** c", lead="Use."),)),), AT)
    assert b"<p><strong>Use.</strong> a **b&lt;i&gt;** c</p>" in render_html(report)


def test_script_end_tag_inside_a_figure_cannot_break_out() -> None:
    """A figure's '</script>' text stays inside its JSON block and round-trips intact."""
    document = render_html(_report()).decode("utf-8")
    scripts = _scripts(document)
    kinds = [attrs.get("type") for attrs, _ in scripts]
    assert kinds == ["application/json"] * 3 + ["application/octet-stream", None]
    figure = json.loads(scripts[0][1])
    assert figure["data"][0]["text"][0] == "</script><script>alert(1)</script>"
    assert "</script" not in scripts[0][1].lower()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.31, 0.04, 0.0012], ["0.3100", "0.0400", "0.0012"]),
        ([1.5, 22.25, 3.0], ["1.50", "22.25", "3.00"]),
        ([1500.4, 2.0, 12345.6], ["1,500", "2", "12,346"]),
        ([1.0, 2.0, float("nan")], ["1", "2", ""]),
        ([12480, 7, 0], ["12480", "7", "0"]),
        ([True, False, True], ["True", "False", "True"]),
        (["a", None, "<b>"], ["a", "", "&lt;b&gt;"]),
    ],
)
def test_table_cells_are_formatted_per_column(values: list, expected: list[str]) -> None:
    """Floats share decimals within a column, integers stay plain, missing values are blank."""
    report = Report("t", "", (Section("s", (Table(pd.DataFrame({"v": values})),)),), AT)
    document = render_html(report).decode("utf-8")
    assert re.findall(r"<td(?: class=\"num\")?>([^<]*)</td>", document) == expected
    numeric = isinstance(values[0], int | float) and not isinstance(values[0], bool)
    assert ('<td class="num">' in document) == numeric


def test_long_tables_are_cut_at_200_rows_and_say_so() -> None:
    """A 250-row frame shows 200 rows and a caption saying how many there were."""
    frame = pd.DataFrame({"n": range(250)})
    report = Report("t", "", (Section("s", (Table(frame, "Scores"),)),), AT)
    document = render_html(report).decode("utf-8")
    assert document.count("<tr>") == 201
    assert "<caption>Scores — showing the first 200 of 250 rows.</caption>" in document
    assert '<td class="num">199</td>' in document and ">200</td>" not in document


def test_header_shows_when_and_by_whom() -> None:
    """The generated line keeps the report's own time zone."""
    cet = timezone(timedelta(hours=1), "CET")
    report = Report("t", "sub", (), datetime(2026, 3, 14, 10, 26, tzinfo=cet), "bob")
    document = render_html(report).decode("utf-8")
    assert '<time datetime="2026-03-14T10:26:00+01:00">2026-03-14 10:26 CET</time> by bob' in (
        document
    )


def test_a_huge_figure_is_refused_with_its_size() -> None:
    """A report above 5 MB raises one sentence naming its size and the limit."""
    huge = go.Figure(go.Scatter(x=np.arange(600_000), y=np.random.default_rng(0).random(600_000)))
    report = Report("t", "", (Section("s", (Chart(huge),)),), AT)
    with pytest.raises(
        InvalidInputError, match=r"^The report would be \d+\.\d MB, above the 5 MB"
    ):
        render_html(report)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Note("x", "danger"), "Unknown note tone 'danger'; use one of info, good,"),
        (lambda: Report("t", "", (), datetime(2026, 1, 1)), "has no time zone"),
    ],
)
def test_invalid_blocks_are_refused(build: object, message: str) -> None:
    """Bad tones and naive timestamps fail when the block is made, with what to do."""
    with pytest.raises(InvalidInputError, match=re.escape(message)):
        build()  # type: ignore[operator]


# Unit tests: saving.


def test_save_report_writes_the_document_and_returns_its_size(tmp_path: Path) -> None:
    """The file holds exactly render_html's bytes; no temporary file is left beside it."""
    report = _report()
    target = tmp_path / "report.html"
    target.write_text("old")
    size = save_report(report, target)
    assert size == target.stat().st_size == len(render_html(report))
    assert target.read_bytes() == render_html(report)
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_save_report_keeps_the_old_file_when_the_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Atomic: a failure before the rename leaves the previous report and no temp file."""
    target = tmp_path / "report.html"
    target.write_text("previous")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(report_html.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_report(_report(), target)
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_save_report_refuses_a_missing_folder(tmp_path: Path) -> None:
    """A path in a folder that does not exist is a user error, and nothing is created."""
    with pytest.raises(InvalidInputError, match="does not exist"):
        save_report(_report(), tmp_path / "missing" / "report.html")
    assert list(tmp_path.iterdir()) == []


# Browser tests: the saved file in a real, offline Chromium.


@pytest.fixture
def chromium(browser):  # noqa: ANN001, ANN201
    """The session's shared Chromium (see tests/conftest.py)."""
    return browser


def _open_offline(chromium, path: Path, init_script: str = ""):  # noqa: ANN001, ANN202
    """Open the file offline, aborting every other request; returns (page, blocked, problems)."""
    url = path.as_uri()
    context = chromium.new_context(offline=True, viewport={"width": 1280, "height": 900})
    blocked: list[str] = []
    problems: list[str] = []

    def guard(route) -> None:  # noqa: ANN001
        if route.request.url == url:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("request", lambda r: r.url != url and blocked.append(r.url))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    if init_script:
        page.add_init_script(init_script)
    page.goto(url)
    page.wait_for_selector('body[data-charts-ready="true"]', state="attached", timeout=30_000)
    return page, blocked, problems


@pytest.mark.e2e
def test_the_saved_report_draws_every_chart_offline(chromium, tmp_path: Path) -> None:  # noqa: ANN001
    """All charts draw from the embedded plotly.js with no request, error or script run."""
    report = _report(title=f"Churn model: monthly check {EVIL}")
    path = tmp_path / "report.html"
    save_report(report, path)
    page, blocked, problems = _open_offline(chromium, path)
    charts = [b for s in report.sections for b in s.blocks if isinstance(b, Chart)]
    plots = page.locator(".js-plotly-plot")
    assert plots.count() == len(charts) == 3
    assert page.evaluate("document.body.dataset.chartsDrawn") == "3"
    for i in range(plots.count()):
        assert plots.nth(i).locator("svg.main-svg").count() >= 1
    assert page.locator("h1").inner_text() == report.title
    assert page.locator(".card").count() == 3 and page.locator("tbody tr").count() == 5
    assert blocked == [] and problems == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "report-html.png", full_page=True)
    page.context.close()


@pytest.mark.e2e
def test_a_browser_without_decompression_stream_says_so(chromium, tmp_path: Path) -> None:  # noqa: ANN001
    """Without DecompressionStream each chart shows a sentence; text and tables still show."""
    path = tmp_path / "report.html"
    save_report(_report(), path)
    page, blocked, problems = _open_offline(chromium, path, "delete window.DecompressionStream;")
    messages = page.locator(".chart .chart-message").all_inner_texts()
    assert len(messages) == 3 and all("too old to draw charts" in m for m in messages)
    assert page.evaluate("document.body.dataset.chartsDrawn") == "0"
    assert page.locator(".js-plotly-plot").count() == 0
    assert page.locator("tbody tr").count() == 5 and page.locator(".note").count() == 2
    assert blocked == [] and problems == []
    page.context.close()
