"""Aggregation kernels: combine a group's children into one score per unit.

Kernels take ``x`` ``(..., units, children)`` and ``weights`` ``(..., children)`` and return
``(..., units)``. A missing child (NaN) is dropped and the remaining weights are rescaled to sum
to 1 for that unit (the pipeline has already excluded units whose data coverage is too low); a
unit with every child missing gets NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cityindex.registry import DomainError, FloatArray, Param, register


def _available_weights(x: FloatArray, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Weights broadcast to x with missing children zeroed, and their per-unit total."""
    x, w = np.broadcast_arrays(x, np.asarray(weights, dtype=float)[..., None, :])
    w = np.where(np.isnan(x), 0.0, w)
    return w, w.sum(axis=-1)


@register(
    "aggregate",
    "arithmetic_mean",
    doc="y = Σ w_j x_j / Σ w_j over the children present",
)
def arithmetic_mean(x: FloatArray, weights: FloatArray, **_: Any) -> FloatArray:
    """Weighted arithmetic mean; fully compensatory."""
    w, total = _available_weights(x, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.sum(w * np.where(np.isnan(x), 0.0, x), axis=-1)
        out: FloatArray = np.where(total > 0, terms / total, np.nan)
    return out


@register(
    "aggregate",
    "geometric_mean",
    doc="y = exp(Σ w_j ln x_j / Σ w_j) over the children present; needs x > 0",
)
def geometric_mean(x: FloatArray, weights: FloatArray, **_: Any) -> FloatArray:
    """Weighted geometric mean; partially compensatory, so a weak child drags the score down.

    Zero or negative values have no logarithm: they are an error naming the child, never a
    silent NaN or -inf (min-max to [0, 100] produces a zero for the worst unit: use a range such
    as [1, 100]).
    """
    v = np.asarray(x, dtype=float)
    bad = np.any(v <= 0, axis=tuple(range(v.ndim - 1)))
    if np.any(bad):
        raise DomainError(
            "geometric_mean needs values > 0",
            columns=[int(i) for i in np.flatnonzero(bad)],
            hint="normalise onto a strictly positive range, e.g. min_max with range: [1, 100]",
        )
    w, total = _available_weights(v, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.where(np.isnan(v), 0.0, np.log(np.where(np.isnan(v), 1.0, v)))
        out: FloatArray = np.where(total > 0, np.exp(np.sum(w * logs, axis=-1) / total), np.nan)
    return out


@register(
    "missing",
    "none",
    doc="a missing value is an error (no unit may have a gap)",
)
def missing_none(x: FloatArray, **_: Any) -> FloatArray:
    """Every unit is kept; the pipeline reports any gap as an error."""
    return np.ones(x.shape[:-1], dtype=bool)


@register(
    "missing",
    "reweight",
    params=(
        Param("min_coverage", "number", 0.0, "least share of indicators a unit must have", 0.0),
    ),
    doc="drop a missing value from its unit's aggregate and re-weight the rest; exclude units "
    "whose share of available indicators is below min_coverage",
)
def missing_reweight(x: FloatArray, *, min_coverage: float = 0.0, **_: Any) -> FloatArray:
    """Which units to keep: those whose data coverage reaches ``min_coverage``."""
    coverage = np.mean(~np.isnan(x), axis=-1)
    keep: FloatArray = coverage >= min_coverage - 1e-12
    return keep


@register(
    "scale",
    "none",
    params=(Param("digits", "integer", None, "round the score to this many decimals", 0),),
    doc="the top-level score as aggregated (rounded to `digits` when given)",
)
def scale_none(scores: FloatArray, **_: Any) -> FloatArray:
    """No rescaling."""
    return np.asarray(scores, dtype=float).copy()


@register(
    "scale",
    "relative_to_max",
    params=(Param("digits", "integer", None, "round the scaled score to this many decimals", 0),),
    doc="s' = s / max(s): the best unit scores exactly 1 (rounded to `digits` when given)",
)
def scale_relative_to_max(scores: FloatArray, **_: Any) -> FloatArray:
    """Divide by the best score so the leader is exactly 1 (rounding happens at output)."""
    s = np.asarray(scores, dtype=float)
    top = np.nanmax(s, axis=-1, keepdims=True)
    if np.any(top <= 0):
        raise DomainError("relative_to_max scaling needs a positive best score", columns=[])
    out: FloatArray = s / top
    return out
