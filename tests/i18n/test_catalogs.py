"""The catalogs hold every sentence of the code, translated and current.

Extracts the code's messages afresh with Babel (``scripts/catalogs.py``, into a temporary
folder) and fails when a message is missing from the Chinese catalog, has an empty or fuzzy
translation, loses or misspells a ``{placeholder}``, or when the committed template, catalog or
compiled ``.mo`` are stale against the code.
"""

from __future__ import annotations

import gettext
import importlib.util
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from studio.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "studio.po"
MO = PO.with_suffix(".mo")
GLOSSARY_ANCHORS = [
    ("Autopilot", "自动建模"),
    ("Monitor", "监控"),
    ("approver", "审批人"),
    ("Registered models", "已注册模型"),
]
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def _catalogs_script():  # noqa: ANN202 (the module object of scripts/catalogs.py)
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "scripts" / "catalogs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _ids(catalog: Catalog) -> set[object]:
    return {m.id for m in catalog if m.id}


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def catalog_problems(template: Catalog, translated: Catalog) -> list[str]:
    """What is wrong with ``translated`` against the code's ``template``, one line each."""
    problems = [f"missing from the .po: {i!r}" for i in _ids(template) - _ids(translated)]
    problems += [f"no longer in the code: {i!r}" for i in _ids(translated) - _ids(template)]
    for message in (m for m in translated if m.id):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not all(strings):
            problems.append(f"no translation: {message.id!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy (check and clear the flag): {message.id!r}")
        elif any(_placeholders(s) != _placeholders(ids[-1]) for s in strings):
            problems.append(f"placeholders differ from the English: {message.id!r}")
    return sorted(problems)


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The code's messages as Babel extracts them now."""
    output = tmp_path_factory.mktemp("pot") / "studio.pot"
    return _read(_catalogs_script().extract(output))


def test_every_message_in_the_code_has_a_current_chinese_translation(
    fresh_template: Catalog,
) -> None:
    """No sentence of studio/, app.py or pages/ is missing, empty, fuzzy or stale."""
    assert len(_ids(fresh_template)) > 50  # the extraction found the code's sentences
    assert catalog_problems(fresh_template, _read(PO)) == []


def test_the_committed_template_matches_the_code(fresh_template: Catalog) -> None:
    """studio.pot holds exactly the code's messages (run `python scripts/catalogs.py extract`)."""
    assert _ids(_read(LOCALE_DIR / "studio.pot")) == _ids(fresh_template)


def test_the_compiled_catalog_matches_the_po(tmp_path: Path) -> None:
    """studio.mo is what compiling the committed .po gives (run `... compile` after editing)."""
    fresh = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    fresh.mkdir(parents=True)
    shutil.copy(PO, fresh / PO.name)
    _catalogs_script().compile_catalogs(tmp_path / "locale")
    with MO.open("rb") as committed, (fresh / MO.name).open("rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == (  # type: ignore[attr-defined]
            gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
        )


def _catalog(*messages: tuple[object, object, bool]) -> Catalog:
    catalog = Catalog(locale="zh_Hans")
    for msgid, string, fuzzy in messages:
        catalog.add(msgid, string, flags=("fuzzy",) if fuzzy else ())
    return catalog


@pytest.mark.parametrize(
    ("translated", "problem"),
    [
        (_catalog(("Deleted {ref}.", "已删除 {ref}。", False)), "missing from the .po"),
        (_catalog(("Home", "", False), ("Deleted {ref}.", "已删除 {ref}。", False)),
         "no translation: 'Home'"),
        (_catalog(("Home", "首页", True), ("Deleted {ref}.", "已删除 {ref}。", False)),
         "fuzzy"),
        (_catalog(("Home", "首页", False), ("Deleted {ref}.", "已删除 {名称}。", False)),
         "placeholders differ"),
        (_catalog(("Home", "首页", False), ("Deleted {ref}.", "已删除 {ref}。", False),
                  ("Gone", "没了", False)), "no longer in the code: 'Gone'"),
    ],
)  # fmt: skip
def test_the_check_sees_each_kind_of_problem(translated: Catalog, problem: str) -> None:
    """A missing, empty, fuzzy, misspelt or obsolete entry is reported; a good catalog is not."""
    template = _catalog(("Home", "", False), ("Deleted {ref}.", "", False))
    good = _catalog(("Home", "首页", False), ("Deleted {ref}.", "已删除 {ref}。", False))
    assert catalog_problems(template, good) == []
    problems = catalog_problems(template, translated)
    assert len(problems) == 1 and problem in problems[0]


def test_the_catalogs_follow_the_glossary() -> None:
    """Terms the glossary fixes are the ones the catalog uses (a few anchors)."""
    strings = {m.id: m.string for m in _read(PO) if m.id}
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    for english, chinese in GLOSSARY_ANCHORS:
        assert chinese in strings[english] and chinese in glossary
