"""Find English sentences the code shows without marking them for translation.

A sentence is *marked* when it is the argument of ``_()``, ``gettext()``, ``ngettext()`` or
``N_()`` (Babel's keywords); the catalog check (``test_catalogs.py``) then makes sure it has a
Chinese translation. This module finds the ones that bypass the catalog altogether, by reading
the code's syntax tree (``ast``):

- in the UI (``studio/ui/``, ``pages/``, ``app.py``): a string literal, or an f-string with
  literal words, handed to a Streamlit element as its body or label (``st.caption("...")``,
  ``st.button(label=f"Run {n}")``, ``help=...``, ``placeholder=...``);
- in the command line (``studio/cli/``): what ``print()`` and ``emit()`` show, a command's
  help (``command(..., help_)``), and argparse's ``help=``/``description=`` texts, argument
  group titles and ``ArgumentTypeError`` messages; the stream prefixes ``error:``,
  ``warning:``, ``notice:`` and ``note:`` stay English (scripts match on them) and are no words;
- anywhere in ``studio/``: the message of a user-facing error (``InvalidInputError``,
  ``NotFoundError``, ``ConflictError``, ``PermissionDeniedError``, ``NotWritableError``,
  ``RefusedModelError``, ``UserError``) written as a literal or an f-string.

Text without a word (``"---"``, ``"**{name}**"``, ``"·"``, the brand ``"Studio"``) is not a
sentence. A line that shows text on purpose in one language (a page's path, the API's JSON
errors that client code matches on, the switch's bilingual label) carries the comment
``# i18n: keep`` (on the line of the text, or of the call when the text starts on it).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

MARKERS = {"_", "gettext", "ngettext", "N_", "pgettext", "npgettext"}
# Streamlit elements whose first argument (or label-like keyword) is read by people.
ELEMENTS = {
    "title", "header", "subheader", "caption", "markdown", "md", "text", "write", "info",
    "warning", "error", "success", "toast", "spinner", "expander", "tabs", "metric", "button",
    "download_button", "form_submit_button", "link_button", "page_link", "selectbox",
    "multiselect", "radio", "checkbox", "toggle", "text_input", "text_area", "number_input",
    "slider", "select_slider", "date_input", "time_input", "file_uploader", "color_picker",
    "segmented_control", "pills", "popover", "status", "set_page_config", "dialog",
    "data_editor", "column_config",
}  # fmt: skip
# Elements whose first argument is not shown (a page's path): only their labels are checked.
PATH_FIRST = {"page_link", "switch_page"}
LABEL_KEYWORDS = {"label", "help", "placeholder", "body", "page_title", "title", "caption"}
USER_ERRORS = {
    "UserError", "InvalidInputError", "NotFoundError", "ConflictError",
    "PermissionDeniedError", "NotWritableError", "RefusedModelError",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z]{2,}")
BRANDS = {"Studio"}
# The CLI's stderr prefixes, kept in every language like `error: ` (not sentences).
_PREFIX = re.compile(r"^\s*(error|warning|notice|note): ")
# CLI calls whose shown text is a positional argument: the name and the argument's index.
CLI_POSITIONAL = {"print": 0, "emit": 2, "command": 3, "add_argument_group": 0,
                  "ArgumentTypeError": 0}  # fmt: skip
CLI_KEYWORDS = {"help", "description", "title", "help_", "text"}
KEEP = "# i18n: keep"


@dataclass(frozen=True)
class Unmarked:
    """One unmarked sentence: where it is and its text (f-string parts joined)."""

    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def _literal_words(node: ast.AST) -> str | None:
    """The literal text of ``node`` when it is a string or f-string holding a word."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)
    else:
        return None
    return text if set(_WORD.findall(_PREFIX.sub("", text))) - BRANDS else None


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _shown_arguments(call: ast.Call, *, ui: bool, cli: bool = False) -> list[ast.AST]:
    name = _callee(call)
    if name in USER_ERRORS:
        return call.args[:1]
    if cli and name in {*CLI_POSITIONAL, "add_parser", "add_argument", "ArgumentParser"}:
        at = CLI_POSITIONAL.get(name)
        shown = call.args[at : at + 1] if at is not None else []
        return shown + [k.value for k in call.keywords if k.arg in CLI_KEYWORDS]
    if ui and name in ELEMENTS:
        shown = [] if name in PATH_FIRST else call.args[:1]
        return shown + [k.value for k in call.keywords if k.arg in LABEL_KEYWORDS]
    return []


def unmarked_in(path: Path, root: Path, *, ui: bool) -> list[Unmarked]:
    """Every unmarked sentence in the Python file ``path`` (reported relative to ``root``).

    ``ui``: also check what Streamlit elements show (true for the UI's files); the command
    line's files (``studio/cli/``) are always checked for what they print and their help."""
    cli = path.relative_to(root).as_posix().startswith("studio/cli/")
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if not isinstance(node, ast.Call) or _callee(node) in MARKERS:
            continue
        for argument in _shown_arguments(node, ui=ui, cli=cli):
            text = _literal_words(argument)
            kept = any(KEEP in lines[n - 1] for n in {node.lineno, argument.lineno})
            if text is not None and not kept:
                found.append(Unmarked(str(path.relative_to(root)), argument.lineno, text))
    return found


def is_ui(path: Path, root: Path) -> bool:
    """Whether ``path`` is part of the Streamlit UI (its elements are checked too)."""
    relative = path.relative_to(root).as_posix()
    return relative.startswith(("studio/ui/", "pages/")) or relative == "app.py"


def code_files(root: Path) -> list[Path]:
    """The Python files whose sentences people read: ``studio/``, ``pages/`` and ``app.py``."""
    return sorted([*root.glob("studio/**/*.py"), *root.glob("pages/*.py"), root / "app.py"])
