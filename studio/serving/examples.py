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


def _property(spec: dict[str, Any]) -> dict[str, Any]:
    kind = spec.get("kind", "")
    if kind == "numeric" or spec.get("treatment") == "numeric" and kind != "boolean":
        return {"type": ["number", "null"]}
    if kind == "boolean":
        return {"type": ["boolean", "null"]}
    if kind == "datetime":
        return {"type": ["string", "null"], "format": "date-time"}
    prop: dict[str, Any] = {"type": ["string", "null"]}
    if spec.get("categories") and len(spec["categories"]) <= 50:
        prop["description"] = "seen in training: " + ", ".join(map(str, spec["categories"]))
    return prop


def row_schema(version: VersionInfo) -> dict[str, Any]:
    """The JSON Schema of one input row of ``version`` (OpenAPI 3.1): every feature, its JSON
    type (null for a blank), the categories seen in training; other fields are ignored."""
    features = version.input_schema.get("features", [])
    return {
        "title": f"{version.name} v{version.version} row", "type": "object",
        "properties": {spec["name"]: _property(spec) for spec in features},
        "required": [spec["name"] for spec in features], "additionalProperties": True,
    }  # fmt: skip


def openapi_models(versions: list[VersionInfo]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per model version a bare name answers: its example request body and its row schema,
    as OpenAPI ``examples`` (keyed by model name) and ``components.schemas`` entries."""
    examples, schemas = {}, {}
    for version in versions:
        examples[version.name] = {
            "summary": f"{version.name} (v{version.version}, {version.task})",
            "value": {"instances": [example_row(version)]},
        }
        schemas[f"{version.name}_row"] = row_schema(version)
    return examples, schemas
