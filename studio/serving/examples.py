"""What an application needs to call a model: its input columns and an example request body,
built from the version's schema and its monitoring baseline (a typical training row: the
median of each number, the most frequent category, the earliest date seen)."""

from __future__ import annotations

from typing import Any

from studio.registry.versions import VersionInfo

JSON_TYPES = {"numeric": "number", "boolean": "boolean", "datetime": "string (ISO date)"}


def _typical(name: str, spec: dict[str, Any], summaries: dict[str, Any]) -> Any:
    summary = summaries.get(name, {})
    if spec.get("kind") == "boolean":
        return True
    if "quantiles" in summary:
        middle = summary["quantiles"][len(summary["quantiles"]) // 2]
        if spec.get("dtype", "").startswith(("int", "uint")):
            return int(middle)
        return float(f"{middle:.4g}")  # a readable example: 23.74, not 23.744999999999997
    if "top" in summary and summary["top"]:
        return next(iter(summary["top"]))
    if "min" in summary:
        return str(summary["min"])[:10]
    return None


def example_row(version: VersionInfo) -> dict[str, Any]:
    """One typical input row of ``version``: ``{column: value}`` for every feature."""
    summaries = version.baseline.get("features", {})
    return {
        spec["name"]: _typical(spec["name"], spec, summaries)
        for spec in version.input_schema.get("features", [])
    }


def describe(version: VersionInfo) -> dict[str, Any]:
    """The version a reference names, its input columns (name, JSON type, known categories)
    and an example body for ``POST /v1/models/{ref}/predict``."""
    columns = []
    for spec in version.input_schema.get("features", []):
        column = {"name": spec["name"], "type": JSON_TYPES.get(spec.get("kind", ""), "string")}
        if spec.get("categories"):
            column["categories"] = list(spec["categories"])
        columns.append(column)
    return {
        "model": version.name, "version": version.version, "stage": version.stage,
        "approval": version.approval, "task": version.task, "target": version.target,
        "labels": list(version.labels), "columns": columns,
        "identifiers": list(version.input_schema.get("identifiers", [])),
        "example": {"instances": [example_row(version)]},
    }  # fmt: skip
