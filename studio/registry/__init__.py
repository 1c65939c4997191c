"""The model registry: versions, approvals, stages, model cards and batch scoring."""
