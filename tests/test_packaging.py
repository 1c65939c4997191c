"""The wheel: it carries the app and every file of the package, the installed `studio app`
serves from outside a checkout, and the declared dependencies cover what the code imports.

The wheel is built once per module, offline (``--no-build-isolation`` uses the installed
setuptools), from a copy of the source tree, so parallel workers never share a build folder.
The installed copy runs in subprocesses with ``PYTHONPATH`` at a ``pip install --target``
folder, from a working directory outside the checkout, on the current environment's packages.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.metadata
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from studio.typeface import FONT_FILE

ROOT = Path(__file__).resolve().parent.parent
# Generated or local-only folders (at the top of a checkout, or anywhere): never in a build.
NOT_SOURCE_TOP = {".git", "build", "dist", ".pytest_cache", ".ruff_cache", "test-artifacts"}
NOT_SOURCE = {"__pycache__", ".studio", ".cache"}
# What setup.py copies into studio/_app/, relative to the top of the checkout.
APP_FILES = [
    "app.py",
    *sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("pages/*.py")),
    ".streamlit/config.toml",
    *sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("static/*")),
]
HEALTH_TIMEOUT_S = 180.0


def _not_source(folder: str, names: list[str]) -> set[str]:
    skip = NOT_SOURCE | (NOT_SOURCE_TOP if Path(folder) == ROOT else set())
    return {n for n in names if n in skip or n.endswith(".egg-info")}


def _pip(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--no-index", "--no-deps", "-q"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of this source tree."""
    work = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT, work / "src", ignore=_not_source)
    _pip("wheel", "--no-build-isolation", "-w", str(work / "dist"), str(work / "src"))
    (built,) = (work / "dist").glob("studio-*.whl")
    return built


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed into a folder of its own (``pip install --target``)."""
    target = tmp_path_factory.mktemp("site")
    _pip("install", "--target", str(target), str(wheel))
    return target


@pytest.fixture
def installed_env(site: Path, tmp_path: Path) -> dict[str, str]:
    """Environment for the installed copy: its folder on PYTHONPATH, a fresh STUDIO_HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDIO_", "STREAMLIT_"))}
    home = tmp_path / "studio-home"
    return env | {
        "PYTHONPATH": str(site),
        "STUDIO_HOME": str(home),
        "STUDIO_USER": "tester",
        "STREAMLIT_SERVER_HEADLESS": "true",  # never open a browser or ask for an e-mail
    }


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working directory outside the checkout."""
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    assert not cwd.resolve().is_relative_to(ROOT)
    return cwd


def test_wheel_carries_the_app_and_every_file_of_the_package(wheel: Path) -> None:
    """app.py, pages/ and the Streamlit settings sit in studio/_app/ byte for byte; every file
    under studio/ (modules, demo data, migrations, catalogs) is in; nothing else is at the top."""
    package = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "studio").rglob("*")
        if p.is_file() and not NOT_SOURCE & set(p.parts)
    }
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert sorted({f"studio/_app/{name}" for name in APP_FILES} - names) == []
        app = {name: archive.read(f"studio/_app/{name}") for name in APP_FILES}
    assert app == {name: (ROOT / name).read_bytes() for name in APP_FILES}
    assert sorted(package - names) == []
    assert "studio/demo_data/wa_churn.csv" in names
    tops = {name.split("/")[0] for name in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"studio"}


def test_installed_studio_app_serves_from_outside_a_checkout(
    installed_env: dict[str, str], outside: Path, tmp_path: Path
) -> None:
    """`python -m studio.cli app --port P` from the installed copy answers /_stcore/health and
    serves the bundled Chinese font where its theme's font face points (app/static/)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "app.log"
    with log.open("wb") as out:
        # A session of its own: `studio app` runs streamlit as a child, and both must stop.
        server = subprocess.Popen(
            [sys.executable, "-m", "studio.cli", "app", "--port", str(port)],
            cwd=outside, env=installed_env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        answer = _health(port, server)
        font = f"http://127.0.0.1:{port}/app/static/{FONT_FILE.name}"
        with urllib.request.urlopen(font, timeout=30) as response:
            served = response.read()
        outside_address = _non_loopback_address()
        if outside_address:  # listening on loopback only: another interface is refused
            with pytest.raises(OSError), socket.create_connection((outside_address, port), 5):
                pass
    finally:
        _stop(server)
    assert answer == "ok", log.read_text(errors="replace")
    assert "Network URL" not in log.read_text(errors="replace")
    assert served == FONT_FILE.read_bytes()


def _non_loopback_address() -> str | None:
    """An address of this machine other than loopback (no packet is sent), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def _health(port: int, server: subprocess.Popen) -> str | None:
    """The health endpoint's answer, polled until the server answers, exits or times out."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with opener.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.25)
    return None


def _stop(server: subprocess.Popen) -> None:
    """Stop the server's whole session (the CLI and its streamlit child) and reap the CLI."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=60)
            return


# Runs in a subprocess on the installed copy: the test process has the checkout's studio.
APPTEST = """
import json
import studio
from streamlit.testing.v1 import AppTest
from studio.cli.app_command import find_app

script = find_app()
home = AppTest.from_file(str(script), default_timeout=120).run()
data = AppTest.from_file(str(script), default_timeout=120)
data.switch_page("pages/1_Data.py")
data.run()
print(json.dumps({
    "studio": studio.__file__,
    "script": str(script),
    "home_exceptions": [e.message for e in home.exception],
    "home_titles": [t.value for t in home.title],
    "home_info": [i.value for i in home.info],
    "data_exceptions": [e.message for e in data.exception],
    "data_titles": [t.value for t in data.title],
}))
"""


def test_installed_home_and_data_page_render(
    site: Path, installed_env: dict[str, str], outside: Path
) -> None:
    """The installed app.py (found by `studio app`'s lookup) renders Home, and its pages/ folder
    renders Data, with no exception, from the installed package."""
    done = subprocess.run(
        [sys.executable, "-c", APPTEST], cwd=outside, env=installed_env,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(seen["studio"]).is_relative_to(site)
    assert Path(seen["script"]) == site / "studio" / "_app" / "app.py"
    assert seen["home_exceptions"] == [] and seen["data_exceptions"] == []
    assert seen["home_titles"] == ["Studio"]
    assert any("No data yet" in text for text in seen["home_info"])
    assert seen["data_titles"] == ["Data"]


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def third_party_imports(paths: list[Path]) -> set[str]:
    """Top-level names of the absolute imports in these files that are neither the standard
    library nor studio itself."""
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "studio"}


def test_the_import_scan_sees_third_party_imports_only(tmp_path: Path) -> None:
    """Both import forms count; the standard library, studio and relative imports do not."""
    sample = tmp_path / "x.py"
    sample.write_text(
        "from __future__ import annotations\nimport json, numpy.linalg\n"
        "from sklearn.base import clone\nfrom . import y\nfrom studio.errors import UserError\n"
    )
    assert third_party_imports([sample]) == {"numpy", "sklearn"}


def test_declared_dependencies_cover_direct_imports(site: Path) -> None:
    """Every third-party module that studio/, app.py or pages/ imports belongs to a distribution
    in the installed wheel's Requires-Dist (its runtime requirements, extras aside)."""
    (dist,) = importlib.metadata.distributions(name="studio", path=[str(site)])
    requires = [r for r in dist.requires or [] if "extra ==" not in r]
    declared = {_canonical(re.match(r"[A-Za-z0-9._-]+", r).group()) for r in requires}
    sources = [*(ROOT / "studio").rglob("*.py"), ROOT / "app.py", *(ROOT / "pages").glob("*.py")]
    owners = importlib.metadata.packages_distributions()
    imported = third_party_imports(sources)
    assert sorted(m for m in imported if m not in owners) == []  # no installed package has it
    undeclared = {
        module: owners[module]
        for module in sorted(imported)
        if not declared & {_canonical(d) for d in owners[module]}
    }
    assert undeclared == {}
