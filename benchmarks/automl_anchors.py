"""The AutoML anchors of ``benchmarks/autopilot_vs_anchors.py``, each in a virtual environment.

Two venvs under ``benchmarks/.venvs/``, made with ``python -m venv`` the way
``benchmarks/mlflow_anchor.py`` makes its own: created once, reused while the marker file
``studio-requirements.txt`` lists the same requirements; a half-made one (no marker: an install
that failed or was stopped) is cleared and made again. After an install, ``pip freeze`` is
written beside the marker (``freeze.txt``) so a report can name every version in use.

- ``flaml``: ``flaml[automl]`` 2.8.0 with LightGBM 4.7.0 and XGBoost 2.1.4 (FLAML 2.8 requires
  xgboost < 3).
- ``autogluon``: ``autogluon.tabular`` 1.6.3 with its gradient boosting extras (LightGBM 4.7.0,
  CatBoost 1.2.10, ``xgboost-cpu`` 3.2.0) and torch for its neural network: AutoGluon 1.6.3
  accepts ``torch>=2.10,<2.14``, so the CPU wheel of torch 2.13.0 that lies on this machine's
  disk (``pip install torch==2.13.0`` takes it: a local ``+cpu`` build sorts above PyPI's CUDA
  one) serves its ``NN_TORCH`` model. Its ``FASTAI`` model is left out: fastai needs
  torchvision, and PyPI's torchvision 0.28.0 (the release for torch 2.13) links the CUDA
  libraries of torch (``libtorch_cuda.so``), so with the CPU torch its import fails
  ("operator torchvision::nms does not exist"); AutoGluon then skips FASTAI and fits the rest.
  Foundation models (TabPFN, Mitra, TabICL) are left out too: their weights come from a model
  hub, which this machine cannot reach.

Both venvs get the same numpy, scikit-learn and scipy as Studio's environment, and pandas
2.3.3 with pyarrow 24.0.0 (AutoGluon 1.6.3 requires pandas < 2.4 and pyarrow < 25; FLAML gets
the same so the two read the Parquet splits alike). No package of either venv is left to float:
torch or a range admitting newer releases would pull a multi-GB CUDA build.

Measured on this 2-core machine (December 2026): ``flaml`` installed in 160 s, 1,379 MB (xgboost
2.1.4 brings ``nvidia-nccl-cu12``, 469 MB, and is 333 MB itself); ``autogluon`` in 133 s,
1,901 MB (torch about 700 MB of it). Later runs reuse both (0 s).

AutoGluon runs without ray (``ray[default]`` 2.58.1 was tried: starting it took 23 s of a 10 s
budget on this 2-core machine, so DyStack had no time left): folds are fitted one after another,
and ``best_quality``'s DyStack sub-fit runs in the same process. There AutoGluon 1.6.3 has a
bug (a sub-fit that raises leaves the learner fit, and the main fit fails with "Learner is
already fit"; seen on penguins and digits with a 10 s budget); ``anchor_child.py`` works
around it so the main fit goes on as it would with ray.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / "benchmarks" / ".venvs"
COMMON = ("numpy==2.4.6", "pandas==2.3.3", "pyarrow==24.0.0", "scikit-learn==1.9.1",
          "scipy==1.17.1")  # fmt: skip
TORCH = "torch==2.13.0"  # the CPU wheel on this machine's disk (find-links)


@dataclass(frozen=True)
class Anchor:
    """One AutoML system's venv: its folder name, what pip installs (in order) and a note."""

    name: str
    steps: tuple[tuple[str, ...], ...]
    note: str

    @property
    def folder(self) -> Path:
        """The venv's folder."""
        return VENVS / self.name

    @property
    def python(self) -> Path:
        """The venv's interpreter."""
        return self.folder / "bin" / "python"

    @property
    def marker(self) -> Path:
        """The file that says the venv is complete (it lists the requirements)."""
        return self.folder / "studio-requirements.txt"

    def wanted(self) -> str:
        """The marker's content: every pip step, one line each."""
        return "".join(" ".join(step) + "\n" for step in self.steps)


FLAML = Anchor(
    "flaml",
    ((*COMMON, "flaml[automl]==2.8.0", "lightgbm==4.7.0", "xgboost==2.1.4"),),
    "FLAML 2.8.0 (lgbm, xgboost, rf, extra trees, lrl1; xgboost 2.1.4)",
)
AUTOGLUON = Anchor(
    "autogluon",
    (
        (TORCH,),  # first and alone, so nothing later can pick another torch
        (
            *COMMON,
            TORCH,
            "autogluon.tabular[lightgbm,catboost,xgboost]==1.6.3",
            "lightgbm==4.7.0",
            "catboost==1.2.10",
            "xgboost-cpu==3.2.0",
        ),
    ),  # fmt: skip
    "AutoGluon 1.6.3: GBM, CAT, XGB, RF, XT, KNN, LR and NN_TORCH (CPU torch 2.13.0); no FASTAI"
    " (PyPI's torchvision needs CUDA torch), no foundation models (weights from a hub)",
)
ANCHORS = {a.name: a for a in (FLAML, AUTOGLUON)}


def ensure_venv(anchor: Anchor) -> float:
    """Create and fill ``anchor``'s venv unless a complete one with the same requirements
    exists; the seconds it took (0 when reused). Raises ``subprocess.CalledProcessError`` when
    venv or pip fails (the venv is then left without its marker, so the next call starts over).
    """
    wanted = anchor.wanted()
    if anchor.marker.is_file() and anchor.marker.read_text() == wanted and anchor.python.exists():
        return 0.0
    started = time.perf_counter()
    print(f"installing {anchor.name} into {anchor.folder} (once) ...", file=sys.stderr)
    anchor.folder.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(anchor.folder)], check=True)
    pip = [str(anchor.python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    for step in anchor.steps:
        subprocess.run([*pip, *step], check=True)
    freeze = subprocess.run([str(anchor.python), "-m", "pip", "freeze"], check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    (anchor.folder / "freeze.txt").write_text(freeze)
    anchor.marker.write_text(wanted)
    return time.perf_counter() - started


def installed(anchor: Anchor) -> dict[str, str]:
    """Package name (lower case) -> version in the venv, from its ``freeze.txt``."""
    path = anchor.folder / "freeze.txt"
    lines = path.read_text().splitlines() if path.is_file() else []
    pairs = (line.split("==", 1) for line in lines if "==" in line)
    return {name.lower(): version for name, version in pairs}


def disk_megabytes(folder: Path) -> float:
    """The size of every file under ``folder``, in MB (10^6 bytes)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def remove(anchor: Anchor) -> None:
    """Delete ``anchor``'s venv (the next ``ensure_venv`` makes it anew)."""
    shutil.rmtree(anchor.folder, ignore_errors=True)


def main() -> int:
    """Make both venvs (or check they are there) and print install seconds and sizes."""
    for anchor in ANCHORS.values():
        seconds = ensure_venv(anchor)
        print(f"{anchor.name}: install {seconds:.0f} s, {disk_megabytes(anchor.folder):,.0f} MB "
              f"at {anchor.folder}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
