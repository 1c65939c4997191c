"""Build hook: the wheel carries the Streamlit app as ``studio/_app/`` (all metadata is in
pyproject.toml).

The product keeps ``app.py``, ``pages/`` and ``.streamlit/config.toml`` at the top of the
repository (``streamlit run app.py`` from a checkout), and Streamlit wants ``pages/`` beside the
main script and reads ``.streamlit/config.toml`` beside it too; with static serving on it also
serves the ``static/`` folder beside it. So the installed copy is one folder, ``studio/_app/``,
holding all four. A ``build_py`` subclass is the smallest hook that does it: ``build_py`` fills
the build folder that every wheel is made from (``pip install .``, ``pip wheel``, ``python -m
build``), so the files keep one home in git and need no path tricks in ``package-dir``.
``static/`` is the one exception to "one home": it is a symlink to ``studio/static/`` (the
bundled font, which the offline reports read from the package too), so the wheel carries that
font twice (about 1.1 MB more), since a wheel cannot hold a symlink. Editable installs skip the
copy: there ``studio app`` runs the checkout's own ``app.py``. MANIFEST.in puts the same files in
the sdist.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import FileError

ROOT = Path(__file__).resolve().parent
APP_FILES = ("app.py", "pages/*.py", ".streamlit/config.toml", "static/*")
APP_PACKAGE_DIR = Path("studio", "_app")


def app_sources() -> list[Path]:
    """The app's files in the source tree; each pattern must match (else the wheel is broken)."""
    sources: list[Path] = []
    for pattern in APP_FILES:
        found = sorted(ROOT.glob(pattern))
        if not found:
            raise FileError(f"{pattern} is missing from {ROOT}; the wheel would hold no app.")
        sources += found
    return sources


class BuildPyWithApp(build_py):
    """``build_py`` that also copies the app into ``studio/_app/`` of the build folder."""

    def _app_targets(self) -> list[tuple[Path, Path]]:
        if self.editable_mode:  # an editable install runs the checkout's app in place
            return []
        build = Path(self.build_lib, APP_PACKAGE_DIR)
        return [(source, build / source.relative_to(ROOT)) for source in app_sources()]

    def run(self) -> None:
        super().run()
        for source, target in self._app_targets():
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return super().get_outputs(include_bytecode) + [str(t) for _, t in self._app_targets()]


setup(cmdclass={"build_py": BuildPyWithApp})
