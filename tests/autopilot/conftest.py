"""Autopilot fixtures: small real datasets in a real store."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from studio.context import Studio
from studio.data.versions import add_dataset_version


def churn_like(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """A small binary table with numbers, categories, a date, an id and missing values."""
    rng = np.random.default_rng(seed)
    tenure = rng.integers(0, 72, n)
    plan = rng.choice(["basic", "plus", "pro"], n)
    charges = 20 + 30 * (plan == "pro") + rng.normal(0, 5, n)
    risk = -0.05 * tenure + 1.2 * (plan == "basic") + rng.normal(0, 0.8, n)
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(10_000, 10_000 + n),
            "tenure": tenure,
            "plan": plan,
            "charges": charges.round(2),
            "signup": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 600, n), "D"),
            "churn": np.where(risk > np.quantile(risk, 0.7), "Yes", "No"),
        }
    )
    frame.loc[rng.choice(n, 20, replace=False), "charges"] = np.nan
    return frame


@pytest.fixture
def churn_studio(studio: Studio) -> Studio:
    """A Studio holding the 'churn' dataset (400 rows)."""
    content = churn_like().to_csv(index=False).encode()
    add_dataset_version(studio, content, "churn.csv", actor="tester")
    return studio
