"""Imputation kernels: fill missing values before treatment and normalisation.

Kernels take ``(..., units, indicators)`` arrays (NaN = missing) and return the same shape.
Which values were imputed is recorded by the pipeline (a value NaN before and set after).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cityindex.registry import FloatArray, register


@register("impute", "none", doc="missing values stay missing (the `missing` rule decides)")
def impute_none(x: FloatArray, **_: Any) -> FloatArray:
    """Leave missing values missing."""
    return np.asarray(x, dtype=float).copy()
