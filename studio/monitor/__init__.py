"""Monitoring: drift between a model version's baseline and the data it scores."""
