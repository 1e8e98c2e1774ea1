"""Analyses built on the pure pipeline: uncertainty and sensitivity, calibration, comparison."""
