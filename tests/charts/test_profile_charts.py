"""Profile figures: the traces carry the profile's numbers and labelled axes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from studio.charts.profile import distribution_figure, missing_figure
from studio.data.profile import profile_frame


def _profile():  # noqa: ANN202
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "amount": rng.normal(100, 10, 300),
            "colour": rng.choice([f"c{i}" for i in range(25)], 300),
            "when": pd.date_range("2024-01-01", periods=300, freq="D"),
        }
    )
    frame.loc[:29, "amount"] = np.nan
    return profile_frame(frame)


def test_numeric_histogram_figure() -> None:
    """A numeric column is a bar per bin with the bin counts, titled by the column."""
    column = _profile().column("amount")
    fig = distribution_figure(column)
    assert len(fig.data) == 1 and fig.data[0].type == "bar"
    assert list(fig.data[0].y) == list(column.distribution.counts)
    assert sum(fig.data[0].y) == 270
    assert fig.layout.xaxis.title.text == "amount" and fig.layout.yaxis.title.text == "rows"


def test_categorical_bars_include_other() -> None:
    """A category chart shows the top 20 plus an '(other values)' bar that adds up."""
    column = _profile().column("colour")
    fig = distribution_figure(column)
    bar = fig.data[0]
    assert bar.orientation == "h" and len(bar.y) == 21 and bar.y[-1] == "(other values)"
    assert sum(bar.x) == 300


def test_datetime_histogram_labels_are_dates() -> None:
    """Date columns get date-labelled bins."""
    fig = distribution_figure(_profile().column("when"))
    assert fig.data[0].x[0].startswith("2024-01-01")


def test_missing_figure_lists_only_columns_with_gaps() -> None:
    """Only columns with missing values appear, with their share."""
    fig = missing_figure(_profile())
    assert list(fig.data[0].y) == ["amount"] and list(fig.data[0].x) == [0.1]
    assert fig.layout.xaxis.tickformat == ".0%"
