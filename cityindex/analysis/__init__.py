"""Analyses on computed indices: diagnostics, uncertainty and sensitivity, comparison."""
