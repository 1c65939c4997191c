"""Home page: counts, demo data in one click, recent activity."""

from __future__ import annotations

from tests.pages.conftest import texts


def test_empty_home_invites_to_load_the_demo(open_page) -> None:  # noqa: ANN001
    """A first visit shows zero counts and offers the demo."""
    at = open_page("app.py")
    assert not at.exception
    assert [m.value for m in at.metric] == ["0", "0", "0", "0"]
    assert any("No data yet" in t for t in texts(at.info))


def test_demo_button_loads_four_datasets(open_page) -> None:  # noqa: ANN001
    """One click loads the demo; counts and activity update; a second click adds nothing."""
    at = open_page("app.py")
    at.button(key="home_load_demo").click().run()
    assert not at.exception
    assert "Loaded 4 demo datasets" in at.success[0].value
    assert at.metric[0].value == "4"
    activity = at.dataframe[0].value
    assert len(activity) == 4 and activity["What"].str.contains("telco_churn").any()
    at.button(key="home_load_demo").click().run()
    assert "already loaded" in at.success[0].value and at.metric[0].value == "4"


def test_sidebar_links_every_page(open_page) -> None:  # noqa: ANN001
    """The sidebar names Home (not 'app') and Data."""
    at = open_page("app.py")
    labels = [link.label for link in at.sidebar.get("page_link")]
    assert labels[:2] == ["Home", "Data"]
