"""Analyses built on the pipeline: calibration, checks against published results, and more."""
