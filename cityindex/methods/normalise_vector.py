"""Vector normalisation (向量归一化): each column divided by its Euclidean norm over the units.

The normalisation TOPSIS was first described with (Hwang & Yoon 1981) and the one Chinese
studies call 向量归一化 or 向量规范化: for a higher-is-better indicator

    x'_ij = x_ij / √(Σ_k x_kj²),

and for a lower-is-better one pymcdm's ``vector_normalization(x, cost=True)`` convention,
x'_ij = 1 − x_ij / √(Σ_k x_kj²), so the best unit is highest in both cases. Missing values
(NaN) stay missing and are left out of the norm. A column of zeros has no norm: its values stay
0 (1 for a lower-is-better column: every unit is equally good).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cityindex.methods.registry import Domain, FloatArray, register


@register(
    "normalise",
    "vector",
    doc="x' = x / ‖x‖₂ (‖x‖₂ = √Σ_i x_ij² over the units); lower-is-better: "
    "x' = 1 − x / ‖x‖₂ (pymcdm's vector_normalization); needs x ≥ 0",
    domain=Domain(
        "nonnegative",
        why="a negative value would flip its sign against the norm",
        hint="use min_max or z_score for indicators that can be negative",
    ),
)
def vector(x: FloatArray, *, direction: FloatArray, **_: Any) -> FloatArray:
    """Divide each column by its Euclidean norm; a lower-is-better column gives 1 − x/‖x‖.

    >>> z = vector(np.array([[3.0, 3.0], [4.0, 4.0]]), direction=np.array([1.0, -1.0]))
    >>> z.round(2).tolist()
    [[0.6, 0.4], [0.8, 0.2]]
    """
    v = np.asarray(x, dtype=float)
    norm = np.sqrt(np.nansum(v * v, axis=-2, keepdims=True))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(norm > 0, v / np.where(norm > 0, norm, 1.0), 0.0)
    cost = np.asarray(direction, dtype=float) < 0
    out: FloatArray = np.where(cost, 1.0 - share, share)
    return np.where(np.isnan(v), np.nan, out)
