"""Data treatment before normalisation: denominate and treat outliers.

Kernels take ``(..., units, indicators)`` arrays (NaN = missing) and return the same shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cityindex.registry import FloatArray, register


@register("treat", "none", doc="x' = x (no outlier treatment)")
def treat_none(x: FloatArray, **_: Any) -> FloatArray:
    """Leave values as they are."""
    return np.asarray(x, dtype=float).copy()


@register("denominate", "none", doc="x' = x (not divided by any column)")
def denominate_none(x: FloatArray, **_: Any) -> FloatArray:
    """Leave values as they are."""
    return np.asarray(x, dtype=float).copy()
