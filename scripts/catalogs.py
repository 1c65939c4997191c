"""Studio's translation catalogs, managed with Babel: ``python scripts/catalogs.py COMMAND``.

- ``extract``: collect every marked sentence (``_()``, ``ngettext()``, ``N_()``) from
  ``studio/``, ``app.py`` and ``pages/`` (``babel.cfg``) into ``studio/locale/studio.pot``.
- ``update``: merge the template into each language's ``.po`` (new sentences arrive empty, changed
  ones as fuzzy, removed ones are dropped); then translate what is empty or fuzzy, using the
  terms of ``docs/glossary.md``.
- ``compile``: write each ``.po`` as the binary ``.mo`` Studio reads (package data).

Each command is Babel's own ``pybabel`` command line, run in this process with fixed options:
messages sorted and located by file only (no line numbers), so catalogs change only when
sentences do and merge cleanly. ``tests/i18n/test_catalogs.py`` fails while a sentence is
missing, empty or fuzzy, or while the committed files are stale against the code.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "studio" / "locale"
DOMAIN = "studio"
LANGUAGES = ("zh_Hans",)


def _pybabel(*argv: str) -> None:
    """Run ``pybabel ARGV`` from the repository root (Babel's mapping paths are relative)."""
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        CommandLineInterface().run(["pybabel", "--quiet", *argv])
    finally:
        os.chdir(here)


def extract(output: Path = LOCALE_DIR / f"{DOMAIN}.pot") -> Path:
    """Write the template of every marked sentence to ``output``; returns it."""
    _pybabel(
        "extract", "--mapping-file=babel.cfg", f"--output-file={output}",
        "--project=Studio", "--version=0.1", "--copyright-holder=the Studio authors",
        "--add-location=file", "--sort-output",
        "--add-comments=Translators:", ".",
    )  # fmt: skip
    return output


def update(template: Path = LOCALE_DIR / f"{DOMAIN}.pot", locale_dir: Path = LOCALE_DIR) -> None:
    """Merge ``template`` into each language's catalog under ``locale_dir`` (made if missing)."""
    for lang in LANGUAGES:
        _pybabel(
            "update", f"--input-file={template}", f"--output-dir={locale_dir}",
            f"--domain={DOMAIN}", f"--locale={lang}", "--init-missing", "--ignore-obsolete",
        )  # fmt: skip


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> None:
    """Compile each language's ``.po`` under ``locale_dir`` to its ``.mo`` (fuzzy ones skipped)."""
    _pybabel("compile", f"--directory={locale_dir}", f"--domain={DOMAIN}", "--statistics")


def main() -> None:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(description="Manage Studio's translation catalogs.")
    parser.add_argument("command", choices=("extract", "update", "compile"))
    command = parser.parse_args().command
    {"extract": extract, "update": update, "compile": compile_catalogs}[command]()


if __name__ == "__main__":
    main()
