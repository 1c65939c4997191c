"""The model card report (Models page, ``studio report model`` without values) makes no money
figures up from defaults nobody entered and says none were given; the Business page's report of
a model carries the values set there; the two files have distinct names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import streamlit as st

from studio.business.summary import NO_VALUES
from studio.context import Studio
from studio.escaping import html_text
from studio.registry.register import register_candidate
from studio.registry.versions import get_version
from tests.cli import run
from tests.pages.test_models import _open

NO_MONEY = html_text(NO_VALUES)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Every file the pages offer for download, by file name."""
    offered: dict[str, bytes] = {}
    real = st.download_button

    def spy(label: str, data: bytes, *args: object, file_name: str, **kwargs: object):  # noqa: ANN202
        offered[file_name] = data
        return real(label, data, *args, file_name=file_name, **kwargs)

    monkeypatch.setattr(st, "download_button", spy)
    return offered


def test_card_report_without_values_and_business_report_with_them(
    run_home: Studio, downloads: dict[str, bytes]
) -> None:
    register_candidate(run_home, 1, "churn", "tester")
    version = get_version(run_home, "churn@1")
    cards = _open("pages/4_Models.py", model="churn")
    cards.button(key=f"card_report_{version.id}_make").click().run()
    business = _open("pages/7_Business.py", model="churn", version="1", fp="-55", unit="EUR")
    business.button(key="biz_report_make").click().run()
    assert not cards.exception and not business.exception
    assert set(downloads) == {"studio-churn-v1-card.html", "studio-churn-v1-business.html"}

    card = downloads["studio-churn-v1-card.html"].decode("utf-8")
    assert NO_MONEY in card
    assert "per 1,000 cases" not in card and "$" not in card.split("<script")[0]
    valued = downloads["studio-churn-v1-business.html"].decode("utf-8")
    assert NO_MONEY not in valued
    assert "per 1,000 cases" in valued and "EUR" in valued and "-55" in valued


def test_cli_model_report_prices_only_with_values_given(run_home: Studio, tmp_path: Path) -> None:
    """``studio report model`` without --tp/--fp/... says no values were given; with one of
    them it shows the money (the others at the documented defaults)."""
    register_candidate(run_home, 1, "churn", "tester")
    env = dict(os.environ)  # run_home points STUDIO_* at the copy
    bare, priced = tmp_path / "bare.html", tmp_path / "priced.html"
    assert run("report", "model", "churn@1", "--html", str(bare), env=env).returncode == 0
    assert run("report", "model", "churn@1", "--html", str(priced), "--fp", "-35",
               env=env).returncode == 0  # fmt: skip
    text = bare.read_text(encoding="utf-8")
    assert NO_MONEY in text and "per 1,000 cases" not in text
    valued = priced.read_text(encoding="utf-8")
    assert NO_MONEY not in valued and "per 1,000 cases" in valued and "-35" in valued
