"""Every sentence the code shows people goes through the catalog (no bare English).

The catalog check (``test_catalogs.py``) covers what is marked with ``_()``; this one fails on
what is not marked at all (``tests/i18n/unmarked.py`` says what counts), so a new English
label, caption or user error cannot reach a Chinese screen untranslated.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.i18n.unmarked import code_files, is_ui, unmarked_in

ROOT = Path(__file__).resolve().parents[2]
# Files still being translated; each leaves this list when its sentences are marked. The list
# only shrinks: a file not on it is checked.
NOT_YET: set[str] = {
    "studio/alerts/channels.py",
    "studio/alerts/rules.py",
    "studio/alerts/state.py",
    "studio/monitor/batches.py",
    "studio/monitor/calibration.py",
    "studio/monitor/checks.py",
    "studio/monitor/config.py",
    "studio/monitor/estimate.py",
    "studio/monitor/estimate_windows.py",
    "studio/monitor/retrain.py",
    "studio/monitor/schedules.py",
    "studio/monitor/service.py",
    "studio/monitor/stats.py",
    "studio/monitor/windows.py",
    "studio/reports/drift.py",
    "studio/reports/html.py",
    "studio/tracking.py",
    "studio/ui/monitor_alert_views.py",
    "studio/ui/monitor_batch_views.py",
    "studio/ui/monitor_estimate_views.py",
    "studio/ui/monitor_report_views.py",
    "studio/ui/monitor_schedule_views.py",
    "studio/ui/monitor_views.py",
}


def _files() -> list[Path]:
    return [p for p in code_files(ROOT) if p.relative_to(ROOT).as_posix() not in NOT_YET]


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_shown_sentence_is_marked_for_translation(path: Path) -> None:
    """No Streamlit label or body, and no user error, is a bare English literal."""
    found = unmarked_in(path, ROOT, ui=is_ui(path, ROOT))
    assert not found, "mark these with _() (studio.i18n):\n" + "\n".join(map(str, found))


def test_the_not_yet_list_names_only_files_with_unmarked_sentences() -> None:
    """A file whose sentences are all marked leaves NOT_YET, so it stays checked."""
    done = [n for n in NOT_YET if not unmarked_in(ROOT / n, ROOT, ui=is_ui(ROOT / n, ROOT))]
    assert done == []
