"""Real demo datasets, one click (or one command) away.

scikit-learn's bundled breast cancer, wine and diabetes sets, and the telco customer-churn
table shipped with Studio (IBM Watson Analytics sample via R's modeldata, MIT): the business demo.
Loading twice adds nothing: identical content is the same version.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

import pandas as pd
from sklearn import datasets as skdatasets

from studio.context import Studio
from studio.data.versions import AddResult, add_dataset_version

DEMO_TARGETS = {
    "breast_cancer": "diagnosis",
    "wine": "cultivar",
    "diabetes": "progression",
    "telco_churn": "churn",
}


def _sklearn_frame(loader: Callable, target: str, labels: bool) -> pd.DataFrame:  # noqa: ANN001
    bunch = loader(as_frame=True)
    frame = bunch.frame.rename(columns={"target": target})
    if labels:
        names = list(bunch.target_names)
        frame[target] = frame[target].map(lambda i: str(names[int(i)]))
    return frame


def demo_files() -> dict[str, bytes]:
    """The demo datasets as CSV bytes, by dataset name."""
    churn = resources.files("studio").joinpath("demo_data/wa_churn.csv").read_bytes()
    frames = {
        "breast_cancer": _sklearn_frame(skdatasets.load_breast_cancer, "diagnosis", labels=True),
        "wine": _sklearn_frame(skdatasets.load_wine, "cultivar", labels=True),
        "diabetes": _sklearn_frame(skdatasets.load_diabetes, "progression", labels=False),
    }
    files = {name: frame.to_csv(index=False).encode("utf-8") for name, frame in frames.items()}
    files["telco_churn"] = churn
    return files


def load_demo(studio: Studio, *, actor: str) -> list[AddResult]:
    """Add the demo datasets (idempotent) and return what each upload produced."""
    return [
        add_dataset_version(studio, content, f"{name}.csv", name=name, actor=actor)
        for name, content in demo_files().items()
    ]
