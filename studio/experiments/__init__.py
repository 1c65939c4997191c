"""Experiments: browsing, analysing and comparing runs and candidates."""
