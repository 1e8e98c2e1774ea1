"""Aggregation kernels: combine a group's children into one score per unit.

Kernels take ``x`` ``(..., units, children)`` and ``weights`` ``(..., children)`` and return
``(..., units)``. A missing child (NaN) is dropped and the remaining weights are rescaled to sum
to 1 for that unit (the pipeline has already excluded units whose data coverage is too low); a
unit with every child missing gets NaN.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from cityindex.methods.registry import (
    Domain,
    DomainError,
    DomainRule,
    FloatArray,
    Param,
    register,
)


def _available_weights(x: FloatArray, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Weights broadcast to x with missing children zeroed, and their per-unit total."""
    x, w = np.broadcast_arrays(x, np.asarray(weights, dtype=float)[..., None, :])
    w = np.where(np.isnan(x), 0.0, w)
    return w, w.sum(axis=-1)


def _weighted_mean_complete(x: FloatArray, weights: FloatArray) -> FloatArray:
    """Σ w x / Σ w without gaps: one einsum, no broadcast temporaries (the Monte Carlo path)."""
    w = np.asarray(weights, dtype=float)
    out: FloatArray = np.einsum("...uk,...k->...u", x, w) / w.sum(axis=-1)[..., None]
    return out


@register(
    "aggregate",
    "arithmetic_mean",
    doc="y = Σ w_j x_j / Σ w_j over the children present",
)
def arithmetic_mean(x: FloatArray, weights: FloatArray, **_: Any) -> FloatArray:
    """Weighted arithmetic mean; fully compensatory."""
    if not np.isnan(x).any():
        return _weighted_mean_complete(np.asarray(x, dtype=float), weights)
    w, total = _available_weights(x, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.sum(w * np.where(np.isnan(x), 0.0, x), axis=-1)
        out: FloatArray = np.where(total > 0, terms / total, np.nan)
    return out


_POSITIVE_HINT = "normalise onto a strictly positive range, e.g. min_max with range: [1, 100]"
POSITIVE = Domain("positive", why="a zero or negative value has no logarithm", hint=_POSITIVE_HINT)
RECIPROCAL = Domain("positive", why="a zero has no reciprocal", hint=_POSITIVE_HINT)
P_LIMIT = 100.0
"""|p| of a generalised mean at most: beyond it the mean is within a few per cent of the
largest (p → ∞) or smallest (p → −∞) child, and x^p overflows for ordinary values."""


def _power_domain(params: Mapping[str, Any]) -> DomainRule:
    """x > 0 for p <= 0 (a logarithm, a reciprocal), x >= 0 for p > 0 (a real power of a
    negative number is not a real number), any value for p = 1 (the arithmetic mean)."""
    p = float(params.get("p", 1.0))
    if p == 1.0:
        return "any"
    return "positive" if p <= 0 else "nonnegative"


@register(
    "aggregate",
    "geometric_mean",
    doc="y = exp(Σ w_j ln x_j / Σ w_j) over the children present; needs x > 0",
    domain=POSITIVE,
)
def geometric_mean(x: FloatArray, weights: FloatArray, **_: Any) -> FloatArray:
    """Weighted geometric mean; partially compensatory, so a weak child drags the score down.

    Zero or negative values have no logarithm: the registered domain refuses them, naming the
    unit and child, never a silent NaN or -inf (min-max to [0, 100] produces a zero for the
    worst unit: use a range such as [1, 100]).
    """
    v = np.asarray(x, dtype=float)
    if not np.isnan(v).any():
        out_complete: FloatArray = np.exp(_weighted_mean_complete(np.log(v), weights))
        return out_complete
    w, total = _available_weights(v, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.where(np.isnan(v), 0.0, np.log(np.where(np.isnan(v), 1.0, v)))
        out: FloatArray = np.where(total > 0, np.exp(np.sum(w * logs, axis=-1) / total), np.nan)
    return out


@register(
    "aggregate",
    "harmonic_mean",
    doc="y = Σ w_j / Σ (w_j / x_j) over the children present; needs x > 0",
    domain=RECIPROCAL,
)
def harmonic_mean(x: FloatArray, weights: FloatArray, **_: Any) -> FloatArray:
    """Weighted harmonic mean (COINr's a_hmean); the least compensatory of the three means.

    COINr rejects only zeros; negative values are refused here too (the registered domain),
    as a harmonic mean of mixed signs has no meaning.
    """
    v = np.asarray(x, dtype=float)
    w, total = _available_weights(v, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = np.sum(w / np.where(np.isnan(v), 1.0, v), axis=-1)
        out: FloatArray = np.where(total > 0, total / inv, np.nan)
    return out


@register(
    "aggregate",
    "generalised_mean",
    params=(
        Param(
            "p",
            "number",
            1.0,
            "the power: 1 arithmetic, 0 geometric, -1 harmonic, 2 quadratic; a p close to 0 "
            "gives the geometric mean it tends to",
            minimum=-P_LIMIT,
            maximum=P_LIMIT,
        ),
    ),
    doc="y = (Σ w_j x_j^p / Σ w_j)^(1/p) over the children present, computed as "
    "exp(ln(Σ w_j e^(p ln x_j) / Σ w_j) / p) so that p near 0 gives the geometric mean (p = 0 "
    "is it); -100 <= p <= 100; needs x > 0 for p <= 0, x >= 0 for p > 0 (any x for p = 1)",
    domain=Domain(
        _power_domain,
        why="a real power mean is defined on x >= 0, and on x > 0 when p <= 0",
        hint="normalise onto a positive range (min_max with range: [1, 100]), or use "
        "arithmetic_mean for values of either sign",
    ),
)
def generalised_mean(x: FloatArray, weights: FloatArray, *, p: float = 1.0, **_: Any) -> FloatArray:
    """Weighted power mean (COINr's a_genmean), accurate for every p in [-100, 100].

    Computed in logs, ln M_p = m + ln(1 + Σ w_j expm1(p ln x_j − m) / Σ w_j) over p, with m the
    largest p ln x_j: no x^p overflows, and a p as small as 1e-300 gives the geometric mean
    (its limit) instead of 1^(1/p) = 1. Differences from COINr: a missing child is dropped and
    the rest re-weighted (COINr's a_genmean returns NA for the unit), and p = 0 is the
    geometric mean (COINr stops).

    >>> x = np.array([[1.0, 4.0]])
    >>> [round(float(generalised_mean(x, np.ones(2), p=q)[0]), 6) for q in (1, 1e-300, 0, -1)]
    [2.5, 2.0, 2.0, 1.6]
    """
    p = float(p)
    if p == 0:
        geo: FloatArray = geometric_mean(x, weights)
        return geo
    if p == 1:
        mean: FloatArray = arithmetic_mean(x, weights)
        return mean
    v = np.asarray(x, dtype=float)
    w, total = _available_weights(v, weights)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        a = np.where(w > 0, p * np.log(v), -np.inf)  # a zero child: −inf (p > 0 only)
        m = np.max(a, axis=-1, keepdims=True)
        rel = np.where(w > 0, np.expm1(a - m), 0.0)
        log_mean = m[..., 0] + np.log1p(np.sum(w * rel, axis=-1) / total)
        out: FloatArray = np.exp(log_mean / p)
    out = np.where(np.isneginf(m[..., 0]), 0.0, out)  # every child present is 0
    return np.where(total > 0, out, np.nan)


@register(
    "aggregate",
    "median",
    doc="y = weighted median of the children present: the smallest x_(k) whose cumulative "
    "weight exceeds half, or the mean of x_(k), x_(k+1) when it is exactly half",
)
def median(x: FloatArray, weights: FloatArray, **_: Any) -> FloatArray:
    """Weighted median; with equal weights the ordinary median (middle two averaged)."""
    w, total = _available_weights(x, weights)
    v = np.broadcast_to(np.asarray(x, dtype=float), w.shape)
    order = np.argsort(v, axis=-1, kind="stable")  # NaN (weight 0) sorts last
    xs = np.take_along_axis(v, order, axis=-1)
    ws = np.take_along_axis(w, order, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cum = np.cumsum(ws, axis=-1) / total[..., None]
    k = np.argmax(cum >= 0.5 - 1e-12, axis=-1)[..., None]
    at_k = np.take_along_axis(xs, k, axis=-1)[..., 0]
    after = np.take_along_axis(xs, np.minimum(k + 1, v.shape[-1] - 1), axis=-1)[..., 0]
    exactly_half = np.abs(np.take_along_axis(cum, k, axis=-1)[..., 0] - 0.5) <= 1e-12
    out: FloatArray = np.where(exactly_half, (at_k + after) / 2.0, at_k)
    return np.where(total > 0, out, np.nan)


@register(
    "aggregate",
    "copeland",
    doc="y_i = Σ_k≠i o_ik, o_ik = Σ w_j [x_ij > x_kj] + ½ Σ w_j [x_ij = x_kj] (w summing to 1, "
    "missing comparisons count for neither), o_ki = 1 - o_ik (COINr's a_copeland)",
)
def copeland(x: FloatArray, weights: FloatArray, **_: Any) -> FloatArray:
    """Copeland score from COINr's weighted outranking matrix.

    As in COINr's outrankMatrix, only the pairs i < k are computed and o_ki is set to
    1 - o_ik, so a comparison lost to a missing value goes to the unit listed later.
    Scores depend on which units are scored (it is a ranking method, not a mean).
    """
    v = np.asarray(x, dtype=float)
    w = np.asarray(weights, dtype=float)
    w = w / np.sum(w, axis=-1, keepdims=True)
    a = v[..., :, None, :]
    b = v[..., None, :, :]
    wb = w[..., None, None, :]
    o = np.sum(wb * (a > b), axis=-1) + 0.5 * np.sum(wb * (a == b), axis=-1)
    n = v.shape[-2]
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    m = np.where(upper, o, 0.0) + np.where(upper.T, 1.0 - np.swapaxes(o, -1, -2), 0.0)
    out: FloatArray = np.sum(m, axis=-1)
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


TIERS_PARAM = Param(
    "tiers",
    "mapping",
    None,
    "grade units into named tiers, best first, by the shown score: {labels: [第一梯队, 第二梯队, "
    "第三梯队], thresholds: [0.6, 0.3]} (lowest score of each tier but the last) or "
    "{labels: [...], breaks: jenks} (natural breaks); see cityindex.methods.tiers",
)
"""Shared by every scale method: the pipeline grades the scaled, rounded scores into tiers."""


@register(
    "scale",
    "none",
    params=(
        Param(
            "digits", "integer", None, "round the score to this many decimals (0-15)", 0, None, 15
        ),
        TIERS_PARAM,
    ),
    doc="the top-level score as aggregated (rounded to `digits` when given)",
)
def scale_none(scores: FloatArray, **_: Any) -> FloatArray:
    """No rescaling."""
    return np.asarray(scores, dtype=float).copy()


@register(
    "scale",
    "relative_to_max",
    params=(
        Param(
            "digits",
            "integer",
            None,
            "round the scaled score to this many decimals (0-15)",
            0,
            None,
            15,
        ),
        TIERS_PARAM,
    ),
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
