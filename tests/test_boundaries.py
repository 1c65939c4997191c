"""Architecture rules a test can check."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit() -> None:
    """Only studio/ui/ may import streamlit."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "studio").rglob("*.py")
        if "ui" not in p.relative_to(ROOT / "studio").parts[:1] and "streamlit" in _imports(p)
    ]
    assert offenders == []


def test_the_check_sees_streamlit_imports(tmp_path: Path) -> None:
    """The import scan detects both import forms (so the rule above can fail)."""
    sample = tmp_path / "x.py"
    sample.write_text("import streamlit as st\nfrom streamlit import session_state\n")
    assert "streamlit" in _imports(sample)


def test_pages_are_thin() -> None:
    """Pages hold no SQL and no core logic: they set up and call studio.ui."""
    for page in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        source = page.read_text(encoding="utf-8")
        assert "setup_page(" in source, page
        assert "select(" not in source and "session_scope" not in source, page
        assert len(source.splitlines()) < 40, page


def test_the_command_line_starts_without_the_model_stack() -> None:
    """Building the CLI's parser imports neither scikit-learn nor Optuna (a command that needs
    them imports them itself), so `studio --help` and quick commands start fast."""
    import subprocess
    import sys

    code = (
        "import sys, studio.cli as c; c.build_parser(); "
        "print(sorted(m for m in ('sklearn', 'optuna', 'streamlit') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
