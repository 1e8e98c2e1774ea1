"""Normalisation kernels: bring indicators with different units onto one comparable scale.

Each kernel works column-wise over the units axis (-2) of an array shaped
``(..., units, indicators)``, ignores missing values (NaN) when computing column statistics and
leaves them missing, and applies the indicator's direction so that the best unit always comes
out highest.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cityindex.registry import DomainError, FloatArray, Param, register


def _oriented(x: FloatArray, direction: FloatArray) -> FloatArray:
    """Flip lower-is-better columns (multiply by -1), so higher is always better."""
    out: FloatArray = np.asarray(x, dtype=float) * np.asarray(direction, dtype=float)
    return out


@register(
    "normalise",
    "none",
    doc="x' = x (no transformation; direction is not applied)",
)
def none(x: FloatArray, *, direction: FloatArray, **_: Any) -> FloatArray:
    """Leave values as they are (for data already on a common scale)."""
    return np.asarray(x, dtype=float).copy()


@register(
    "normalise",
    "min_max",
    params=(Param("range", "range", (0.0, 1.0), "target interval [low, high]"),),
    doc="x' = low + (x - min) / (max - min) · (high - low); lower-is-better uses -x; "
    "a constant indicator maps to the middle of the range",
)
def min_max(
    x: FloatArray, *, direction: FloatArray, range: tuple[float, float] = (0.0, 1.0), **_: Any
) -> FloatArray:
    """Min-max onto ``range``; the best unit gets ``high``, the worst ``low``.

    A constant column carries no information to rank by, so every unit gets the middle of the
    range (it then shifts all units equally and changes no rank); the pipeline warns about it.
    """
    low, high = float(range[0]), float(range[1])
    v = _oriented(x, direction)
    lo = np.nanmin(v, axis=-2, keepdims=True)
    hi = np.nanmax(v, axis=-2, keepdims=True)
    width = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(width > 0, (v - lo) / np.where(width > 0, width, 1.0), 0.5)
    out: FloatArray = low + scaled * (high - low)
    return np.where(np.isnan(v), np.nan, out)


@register(
    "normalise",
    "z_score",
    params=(
        Param("mean", "number", 0.0, "mean of the result"),
        Param("sd", "number", 1.0, "standard deviation of the result", minimum=0.0),
    ),
    doc="x' = mean + sd · (x - x̄) / s, s the sample sd (n - 1); lower-is-better uses -x; "
    "a constant indicator maps to `mean`",
)
def z_score(
    x: FloatArray, *, direction: FloatArray, mean: float = 0.0, sd: float = 1.0, **_: Any
) -> FloatArray:
    """Standardise each column to the given mean and standard deviation (sample sd, as R)."""
    v = _oriented(x, direction)
    n = np.sum(~np.isnan(v), axis=-2, keepdims=True)
    mu = np.nanmean(v, axis=-2, keepdims=True) if v.size else v
    dev = np.where(np.isnan(v), 0.0, v - mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sqrt(np.sum(dev**2, axis=-2, keepdims=True) / np.maximum(n - 1, 1))
        z = np.where(s > 0, (v - mu) / np.where(s > 0, s, 1.0), 0.0)
    out: FloatArray = mean + sd * z
    return np.where(np.isnan(v), np.nan, out)


@register(
    "normalise",
    "relative_to_max",
    doc="x' = x / max(x); lower-is-better: x' = min(x) / x (best unit = 1); needs x > 0 "
    "for lower-is-better and max(x) > 0",
)
def relative_to_max(x: FloatArray, *, direction: FloatArray, **_: Any) -> FloatArray:
    """Each value as a fraction of the best value (the best unit gets exactly 1).

    For a lower-is-better indicator the best value is the minimum and the ratio is inverted,
    min(x) / x, which keeps the result in (0, 1] instead of producing negative fractions.
    """
    v = np.asarray(x, dtype=float)
    d = np.broadcast_to(np.asarray(direction, dtype=float), v.shape[-1:])
    hi = np.nanmax(v, axis=-2, keepdims=True)
    lo = np.nanmin(v, axis=-2, keepdims=True)
    higher = d > 0
    bad = (higher & np.any(hi <= 0, axis=tuple(range(hi.ndim - 1)))) | (
        ~higher & np.any(lo <= 0, axis=tuple(range(lo.ndim - 1)))
    )
    if np.any(bad):
        raise DomainError(
            "relative_to_max needs a positive best value (and, for lower-is-better, all "
            "values > 0)",
            columns=[int(i) for i in np.flatnonzero(bad)],
            hint="use min_max instead, or check the data",
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(higher, v / hi, lo / v)
    return out
