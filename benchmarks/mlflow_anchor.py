"""MLflow's ``mlflow models serve`` of a registered Studio pipeline, in a virtual environment.

The anchor of ``benchmarks/serving.py`` (issue 16). Three steps, each usable alone:

- ``ensure_venv()`` creates ``benchmarks/.venvs/mlflow`` with ``python -m venv`` and installs
  MLflow ``MLFLOW_VERSION`` (3.17.2, the latest 3.x that pip can install from PyPI in December
  2026: ``mlflow`` 3.18.0 is listed but needs ``mlflow-skinny==3.18.0``, which is not) with the
  exact versions of scikit-learn, pandas, numpy, scipy and skops that this environment has
  (read with ``importlib.metadata``), so the pickled pipeline loads identically; pyarrow is the
  one exception (``RELAXED``: MLflow 3.17.2 requires pyarrow < 26; the venv gets 25.0.1). It is
  created once and reused while its marker file lists the same requirements; a half-made one
  (no marker: an install that failed or was stopped) is cleared and made again. The first
  install took 80 s on this 2-core machine (about 850 MB), later runs none.
- ``export_version(studio, ref, sample, directory)`` loads the version through Studio's own
  loader (``studio.modelio.load_version_model``: checksum and skops, as ``studio serve`` does),
  pickles it here, and lets a short script in the venv save it with ``mlflow.sklearn.save_model``
  (``serialization_format="cloudpickle"``, ``pyfunc_predict_fn="predict_proba"``, an input and
  output signature inferred from ``sample``, the pinned requirements written out rather than
  inferred). MLflow's pyfunc then answers probabilities, in the order of ``model.classes_``.
- ``serve(directory)`` starts ``mlflow models serve -m DIR -h 127.0.0.1 -p PORT --env-manager
  local --workers 1`` (flags checked with ``--help`` of 3.17.2), waits until ``GET /ping``
  answers 200 and yields the port; on exit it stops the server's whole process group (MLflow
  runs uvicorn as a child process). The server's output (uvicorn logs every request, as
  MLflow runs it by default) goes to ``mlflow-serve.log`` beside the model directory.

The pipeline's ``FunctionTransformer`` steps reference functions of ``studio.autopilot.prepare``
(pickled by reference), so the export script and the server run with the repository root on
``PYTHONPATH``. That module imports only numpy, pandas, scikit-learn and ``studio.data``
modules that import the same, so the venv needs nothing beyond the pinned packages.

MLflow's scoring endpoint is ``POST /invocations`` with a DataFrame as
``{"dataframe_split": {"columns": [...], "data": [[...], ...]}}`` (``BODY_PATH``, ``body``);
it answers ``{"predictions": [[p, ...], ...]}``.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.metadata
import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from studio.context import Studio
from studio.modelio import load_version_model
from studio.registry.versions import get_version

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "benchmarks" / ".venvs" / "mlflow"
MARKER = VENV / "studio-requirements.txt"
MLFLOW_VERSION = "3.17.2"
PINNED = ("scikit-learn", "pandas", "numpy", "scipy", "pyarrow", "skops")
# MLflow 3.17.2 requires pyarrow<26 (this environment has 26.0.1): the newest 25.x instead.
# pyarrow backs pandas' string columns and Parquet, not the pipeline's arithmetic.
RELAXED = {"pyarrow": "pyarrow<26"}
BODY_PATH = "/invocations"
START_SECONDS = 120

_EXPORT = """
import pickle, sys
import mlflow.sklearn
from mlflow.models import infer_signature
source, target, requirements = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(source, "rb") as handle:
    model, sample = pickle.load(handle)
signature = infer_signature(sample, model.predict_proba(sample))
mlflow.sklearn.save_model(model, target, serialization_format="cloudpickle",
                          signature=signature, pyfunc_predict_fn="predict_proba",
                          pip_requirements=requirements)
"""


def requirements() -> list[str]:
    """``mlflow==MLFLOW_VERSION`` and this environment's exact versions of ``PINNED``."""
    pins = [RELAXED.get(name, f"{name}=={importlib.metadata.version(name)}") for name in PINNED]
    return [f"mlflow=={MLFLOW_VERSION}", *pins]


def python() -> Path:
    """The venv's interpreter."""
    return VENV / "bin" / "python"


def ensure_venv() -> float:
    """Create and fill the venv unless a complete one with the same requirements exists;
    the seconds it took (0 when reused). Raises ``subprocess.CalledProcessError`` when venv or
    pip fails (the venv is then left without its marker, so the next call starts over)."""
    wanted = "\n".join(requirements()) + "\n"
    if MARKER.is_file() and MARKER.read_text() == wanted and python().exists():
        return 0.0
    started = time.perf_counter()
    print(f"installing MLflow {MLFLOW_VERSION} into {VENV} (once) ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    pip = [str(python()), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, *requirements()], check=True)
    MARKER.write_text(wanted)
    return time.perf_counter() - started


def _environment() -> dict[str, str]:
    """This process's environment with the venv first on PATH and the repository importable."""
    path = f"{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    return os.environ | {"PATH": path, "PYTHONPATH": str(ROOT), "VIRTUAL_ENV": str(VENV)}


def export_version(studio: Studio, ref: str, sample: pd.DataFrame, directory: Path) -> Path:
    """Save version ``ref`` (loaded by Studio's loader) as an MLflow model at ``directory``
    (which must not exist yet), its signature inferred from ``sample``; returns ``directory``.
    Raises ``subprocess.CalledProcessError`` when the venv's script fails."""
    model = load_version_model(studio.artifacts, get_version(studio, ref))
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "model.pkl"
        source.write_bytes(pickle.dumps((model, sample), protocol=pickle.HIGHEST_PROTOCOL))
        command = [str(python()), "-c", _EXPORT, str(source), str(directory), *requirements()]
        done = subprocess.run(command, cwd=scratch, env=_environment(), capture_output=True,
                              text=True)  # fmt: skip
    if done.returncode != 0:  # MLflow's warnings are noise; its traceback is the message
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
        done.check_returncode()
    return directory


def body(frame: pd.DataFrame) -> bytes:
    """``frame`` as MLflow's documented DataFrame body (``dataframe_split``, no index)."""
    split = json.loads(frame.to_json(orient="split", index=False, date_format="iso"))
    return json.dumps({"dataframe_split": split}).encode()


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[int]:
    """Run ``mlflow models serve`` of ``directory`` with one worker; yields its port.
    Exits the benchmark with a message when it does not answer ``/ping`` in ``START_SECONDS``."""
    port = free_port()
    command = [str(VENV / "bin" / "mlflow"), "models", "serve", "-m", str(directory),
               "-h", "127.0.0.1", "-p", str(port), "--env-manager", "local",
               "--workers", "1"]  # fmt: skip
    log = directory.parent / "mlflow-serve.log"  # uvicorn logs every request: not on our stdout
    with log.open("ab") as output:
        server = subprocess.Popen(command, cwd=directory.parent, env=_environment(),
                                  stdout=output, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # fmt: skip
    try:
        wait_until_up(port, "/ping", server, "mlflow models serve", log)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_until_up(port: int, path: str, server: subprocess.Popen, name: str,
                  log: Path | None = None) -> None:  # fmt: skip
    """Return once ``GET path`` answers 200 on 127.0.0.1:``port``; exit the benchmark when
    ``server`` ends first (with the tail of ``log``) or after ``START_SECONDS``."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log else ""
            sys.exit(f"{name} exited with {server.returncode}:\n{tail}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{name} did not answer {path} within {START_SECONDS} s")
