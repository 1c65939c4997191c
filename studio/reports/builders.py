"""The three stakeholder reports as ``Report`` objects: a comparison of candidates, a model
card, and a model's drift. Each holds aggregated figures only (no data rows)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from studio.business.service import business_view, model_view
from studio.business.summary import BusinessView
from studio.business.value import CostMatrix
from studio.charts.diagnostics import importance_figure
from studio.context import Studio
from studio.experiments.compare import compare
from studio.registry.versions import VersionInfo, get_version, history
from studio.reports.html import Chart, Metrics, Note, Paragraph, Report, Section, Table
from studio.reports.sections import answer_section, curves_section, value_section

FOOTNOTE = (
    "Figures are computed on each candidate's holdout rows (never used for training); "
    "intervals are 95% bootstrap intervals. The best threshold is chosen on the same holdout, so "
    "the value at it is slightly optimistic; value gaps between candidates use independent "
    "resamples (unpaired), so they are conservative. This file holds aggregated figures only, "
    "no rows."
)


def _now() -> datetime:
    return datetime.now(UTC)


def compare_report(
    studio: Studio,
    refs: list[str | int],
    actor: str,
    matrix: CostMatrix | None = None,
    tolerance: float = 0.1,
    relative: bool = True,
) -> Report:
    """A comparison of candidates (or one candidate) in business terms; without ``matrix`` (no
    money values given) it shows no money figures and says so."""
    view = business_view(studio, refs, matrix, tolerance, relative)
    first = view.entries[0]
    sections = [
        answer_section(view),
        value_section(view),
        curves_section(view.names, view.entries),
    ]
    if len(view.entries) > 1:
        params = compare(studio, refs).params
        differing = [(n, v) for n, v, differs in params if differs]
        if differing:
            frame = pd.DataFrame(
                {"Parameter": [n for n, _ in differing]}
                | {name: [_short(v[i]) for _, v in differing] for i, name in enumerate(view.names)}
            )
            sections.append(Section("How they differ", (Table(frame, "Parameters that differ."),)))
    sections.append(Section("About these numbers", (Paragraph(FOOTNOTE),)))
    return Report(
        f"{first.target} of {first.dataset}: {len(view.entries)} candidate(s) compared",
        f"{first.task} · ranked by {view.metric_label} · " + _runs(view.entries),
        tuple(sections),
        _now(),
        actor,
    )


def _runs(entries: tuple) -> str:
    runs = sorted({e.run_id for e in entries})
    return ("run " if len(runs) == 1 else "runs ") + ", ".join(map(str, runs))


def _short(value: object) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _card_section(version: VersionInfo) -> Section:
    card = version.card
    holdout = version.metrics.get("holdout", {}).get(version.metric)
    cards = (
        (version.metric_label, "—" if holdout is None else f"{holdout:.3f}", "on the holdout"),
        ("Stage", version.stage, f"approval: {version.approval}"),
        ("Registered", f"{version.created_at:%Y-%m-%d}", f"by {version.created_by}"),
    )
    blocks: list = [Metrics(cards)]
    for key, title in (("description", "What it does"), ("intended_use", "Intended use"),
                       ("limitations", "Limitations")):  # fmt: skip
        if card.get(key):
            blocks.append(Paragraph(str(card[key]), lead=f"{title}."))
    labels = f" (classes: {', '.join(version.labels)})" if version.labels else ""
    blocks.append(
        Paragraph(
            f"Predicts '{version.target}'{labels} from {version.dataset}; run {version.run_id}, "
            f"candidate {version.candidate_name} ({version.family})."
        )
    )
    if version.training_note:
        blocks.append(Paragraph(version.training_note))
    if version.cut_sentence:  # binary: the positive class and the threshold that cuts it
        blocks.append(Paragraph(version.cut_sentence, lead="Decision."))
    return Section("Model card", tuple(blocks))


def _inputs_section(version: VersionInfo) -> Section:
    features = version.input_schema.get("features", [])
    frame = pd.DataFrame(
        {
            "Column": [f["name"] for f in features],
            "Kind": [f.get("kind", "") for f in features],
            "Treatment": [f.get("treatment", "") for f in features],
            "Categories seen": [len(f.get("categories", [])) or "" for f in features],
        }
    )
    return Section("Inputs", (Table(frame, f"{len(features)} input columns."),))


def _change(action: str, before: str, after: str) -> str:
    if before and after:
        return f"{action}: {before} → {after}"
    return f"{action}: {after or before}" if after or before else action


def _drivers_section(view: BusinessView) -> Section | None:
    rows = (view.entries[0].diagnostics or {}).get("explain", {}).get("importance", [])
    if not rows:
        return None
    figure = importance_figure(rows[:10], view.metric_label)
    text = (
        "Permutation importance on the holdout: how much the metric drops when one column's "
        "values are shuffled. Longer bars: the model leans on that column more."
    )
    return Section("What drives it", (Chart(figure), Paragraph(text)))


def _history_section(studio: Studio, version: VersionInfo) -> Section:
    events = history(studio, version.name)[:30]
    frame = pd.DataFrame(
        {
            "When": [f"{e.at:%Y-%m-%d %H:%M}" for e in events],
            "Who": [e.actor for e in events],
            "Version": [e.version or "" for e in events],
            "What": [_change(e.action, e.from_value, e.to_value) for e in events],
            "Comment": [e.comment for e in events],
        }
    )
    return Section("History", (Table(frame, "Newest first."),))


def model_report(
    studio: Studio, ref: str, actor: str, matrix: CostMatrix | None = None,
    tolerance: float = 0.1, relative: bool = True,
) -> Report:  # fmt: skip
    """A registered version's card: what it does, its value, its quality, inputs, history.

    Without ``matrix`` (no money values given) it shows no money figures and says so."""
    version = get_version(studio, ref)
    sections = [_card_section(version)]
    if version.candidate_id:
        view = model_view(studio, version.ref, matrix, tolerance, relative)
        sections += [answer_section(view), value_section(view),
                     curves_section(view.names, view.entries)]  # fmt: skip
        drivers = _drivers_section(view)
        if drivers is not None:
            sections.append(drivers)
    else:
        sections.append(
            Section("Quality", (Note("No holdout diagnostics are stored.", "warning"),))
        )
    sections += [_inputs_section(version), _history_section(studio, version),
                 Section("About these numbers", (Paragraph(FOOTNOTE),))]  # fmt: skip
    return Report(
        f"Model card: {version.ref}",
        f"stage: {version.stage} · approval: {version.approval} · {version.task} model of "
        f"'{version.target}'",
        tuple(sections),
        _now(),
        actor,
    )
