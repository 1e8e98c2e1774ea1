"""Ranking methods used as aggregators: TOPSIS, VIKOR and grey relational analysis.

They follow the registry's aggregate contract: ``x`` ``(..., units, children)`` holds the
spec's normalised, direction-adjusted values (higher is better) — or, when the spec does not
normalise, raw values with ``ctx.directions`` giving each child's direction, so that a
lower-is-better child has its ideal at its minimum (pymcdm's criterion types) — and ``weights``
``(..., children)`` sums to 1; each returns ``(..., units)`` with higher meaning better. The
ideal and anti-ideal are taken over the units being scored, so — unlike the means — a unit's
score depends on the other units. The normalisation is the spec's own (stated in output), not
one hidden in the method: TOPSIS on min-max and TOPSIS on vector-normalised data are different
indices. A missing child (NaN) contributes nothing to that unit's sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cityindex.methods.registry import DomainError, FloatArray, KernelContext, Param, register


def _weighted(
    x: FloatArray, weights: FloatArray, ctx: KernelContext | None = None
) -> tuple[FloatArray, FloatArray]:
    """Values, oriented by ``ctx.directions`` if given, and weights broadcast together.

    Either may carry leading replicate axes (a batch of weight vectors against one data
    matrix, as weight noise draws them, or the reverse); they broadcast against each other.
    A lower-is-better column is negated (`KernelContext.orient`): its best value, the max of
    the negated column, is then its minimum.
    """
    values = ctx.orient(x) if ctx is not None else np.asarray(x, dtype=float)
    v, w = np.broadcast_arrays(values, np.asarray(weights, dtype=float)[..., None, :])
    return v, w


def _all_missing(v: FloatArray) -> FloatArray:
    """Units with no child present: their score is missing."""
    out: FloatArray = np.all(np.isnan(v), axis=-1)
    return out


@register(
    "aggregate",
    "topsis",
    doc="v = w·z; D± = ‖v_i − v±‖₂ with v⁺ = max_i v, v⁻ = min_i v (min and max swapped "
    "for a lower-is-better child given raw); closeness C_i = D⁻ / (D⁺ + D⁻) in [0, 1] "
    "(Hwang & Yoon 1981)",
    directions=True,
)
def topsis(
    x: FloatArray, weights: FloatArray, *, ctx: KernelContext | None = None, **_: Any
) -> FloatArray:
    """TOPSIS closeness to the ideal (Hwang & Yoon 1981, *Multiple Attribute Decision Making*).

    With z the normalised, direction-adjusted values and w the weights:

        v_ij = w_j z_ij,   v⁺_j = max_i v_ij,   v⁻_j = min_i v_ij,
        D⁺_i = √Σ_j (v_ij − v⁺_j)²,   D⁻_i = √Σ_j (v_ij − v⁻_j)²,
        C_i = D⁻_i / (D⁺_i + D⁻_i).

    C_i lies in [0, 1]; a unit best on every child has D⁺ = 0 and C = 1 (also when every
    unit is identical, D⁺ = D⁻ = 0, where all tie at 1). Missing values drop out of the sums
    and out of the ideals. With ``ctx.directions`` (raw values), a lower-is-better child has
    v⁺_j = min_i v_ij and v⁻_j = max_i v_ij.
    """
    v, w = _weighted(x, weights, ctx)
    weighted = w * v
    best = np.nanmax(weighted, axis=-2, keepdims=True) if v.size else weighted
    worst = np.nanmin(weighted, axis=-2, keepdims=True) if v.size else weighted
    d_plus = np.sqrt(np.nansum((weighted - best) ** 2, axis=-1))
    d_minus = np.sqrt(np.nansum((weighted - worst) ** 2, axis=-1))
    total = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 1.0)
    out: FloatArray = np.where(_all_missing(v), np.nan, c)
    return out


def vikor_measures(
    x: FloatArray, weights: FloatArray, *, v: float = 0.5, ctx: KernelContext | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """VIKOR's group utility S, individual regret R and compromise index Q (lower is better).

    Opricovic & Tzeng (2004, Eur. J. Oper. Res. 156(2): 445-455), eqs. (1)-(3), with
    f⁺_j = max_i x_ij and f⁻_j = min_i x_ij on direction-adjusted values:

        d_ij = w_j (f⁺_j − x_ij) / (f⁺_j − f⁻_j)      (0 when f⁺_j = f⁻_j),
        S_i = Σ_j d_ij,   R_i = max_j d_ij,
        Q_i = v (S_i − S⁺)/(S⁻ − S⁺) + (1 − v)(R_i − R⁺)/(R⁻ − R⁺),

    S⁺ = min S, S⁻ = max S (likewise R); a term whose range is 0 is 0. With
    ``ctx.directions`` (raw values), a lower-is-better child has f⁺_j = min_i x_ij and
    f⁻_j = max_i x_ij (Opricovic & Tzeng's cost criteria).
    """
    vals, w = _weighted(x, weights, ctx)
    hi = np.nanmax(vals, axis=-2, keepdims=True) if vals.size else vals
    lo = np.nanmin(vals, axis=-2, keepdims=True) if vals.size else vals
    width = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(width > 0, w * (hi - vals) / np.where(width > 0, width, 1.0), 0.0)
    d = np.where(np.isnan(vals), np.nan, d)
    s = np.nansum(d, axis=-1)
    r = np.nanmax(np.where(np.isnan(d), -np.inf, d), axis=-1)
    missing = _all_missing(vals)
    s = np.where(missing, np.nan, s)
    r = np.where(missing, np.nan, r)

    def share(m: FloatArray) -> FloatArray:
        low = np.nanmin(m, axis=-1, keepdims=True)
        high = np.nanmax(m, axis=-1, keepdims=True)
        span = high - low
        with np.errstate(invalid="ignore", divide="ignore"):
            out: FloatArray = np.where(span > 0, (m - low) / np.where(span > 0, span, 1.0), 0.0)
        return np.where(np.isnan(m), np.nan, out)

    q = v * share(s) + (1.0 - v) * share(r)
    return s, r, q


@register(
    "aggregate",
    "vikor",
    params=(Param("v", "number", 0.5, "weight of the group utility S against the regret R", 0.0),),
    doc="score = 1 − Q, Q_i = v(S_i − S⁺)/(S⁻ − S⁺) + (1 − v)(R_i − R⁺)/(R⁻ − R⁺), "
    "S_i = Σ_j d_ij, R_i = max_j d_ij, d_ij = w_j(f⁺_j − x_ij)/(f⁺_j − f⁻_j) "
    "(Opricovic & Tzeng 2004)",
    directions=True,
)
def vikor(
    x: FloatArray,
    weights: FloatArray,
    *,
    v: float = 0.5,
    ctx: KernelContext | None = None,
    **_: Any,
) -> FloatArray:
    """VIKOR as a score: ``1 − Q``, so higher is better and the compromise leader scores 1.

    See `vikor_measures` for S, R and Q. Opricovic & Tzeng's two acceptance conditions for a
    compromise set are not applied to the score, which ranks every unit by Q alone;
    `vikor_detail` reports them.
    """
    if not 0.0 <= float(v) <= 1.0:
        raise DomainError(f"vikor's v must lie in [0, 1], got {v}", columns=[])
    q = vikor_measures(x, weights, v=float(v), ctx=ctx)[2]
    out: FloatArray = 1.0 - q
    return out


@register(
    "aggregate",
    "grey_relational",
    params=(Param("rho", "number", 0.5, "distinguishing coefficient ρ in (0, 1]", 0.0),),
    doc="ξ_ij = (Δmin + ρΔmax)/(Δ_ij + ρΔmax), Δ_ij = |max_k x_kj − x_ij|; "
    "grade γ_i = Σ_j w_j ξ_ij (Deng 1982)",
    directions=True,
)
def grey_relational(
    x: FloatArray,
    weights: FloatArray,
    *,
    rho: float = 0.5,
    ctx: KernelContext | None = None,
    **_: Any,
) -> FloatArray:
    """Grey relational grade against the ideal unit (Deng 1982, Syst. Control Lett. 1(5)).

    The reference series is the best value of each child, x⁰_j = max_i x_ij. Then

        Δ_ij = |x⁰_j − x_ij|,   Δmin = min_i min_j Δ_ij,   Δmax = max_i max_j Δ_ij,
        ξ_ij = (Δmin + ρ Δmax) / (Δ_ij + ρ Δmax),   γ_i = Σ_j w_j ξ_ij / Σ_j w_j,

    the sums over the children a unit has. ξ lies in [ρ/(1 + ρ), 1] (Δmin = 0 since the
    reference is attained in every column); when every Δ is 0, ξ = 1. With ``ctx.directions``
    (raw values), a lower-is-better child's reference is its minimum, x⁰_j = min_i x_ij.
    """
    if not 0.0 < float(rho) <= 1.0:
        raise DomainError(f"grey_relational's rho must lie in (0, 1], got {rho}", columns=[])
    vals, w = _weighted(x, weights, ctx)
    ref = np.nanmax(vals, axis=-2, keepdims=True) if vals.size else vals
    delta = np.abs(ref - vals)
    axes = (-2, -1)
    dmin = np.nanmin(delta, axis=axes, keepdims=True) if vals.size else delta
    dmax = np.nanmax(delta, axis=axes, keepdims=True) if vals.size else delta
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = dmax > np.finfo(float).tiny  # else every unit equals the reference
        xi = np.where(spread, (dmin + rho * dmax) / np.where(spread, delta + rho * dmax, 1.0), 1.0)
    w = np.where(np.isnan(vals), 0.0, w)
    total = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        grade = np.where(total > 0, np.nansum(w * xi, axis=-1) / total, np.nan)
    out: FloatArray = np.where(_all_missing(vals), np.nan, grade)
    return out


@dataclass(frozen=True)
class VikorDetail:
    """VIKOR's measures per unit and Opricovic & Tzeng's compromise solution for one matrix.

    ``order`` lists unit positions by ascending Q (ties by S, then position); a unit with no
    child present is left out. ``advantage`` is condition C1, ``stability`` C2, and
    ``compromise`` the positions of the compromise set.
    """

    s: FloatArray
    r: FloatArray
    q: FloatArray
    order: tuple[int, ...]
    threshold: float
    advantage: bool
    stability: bool
    compromise: tuple[int, ...]


def vikor_detail(
    x: FloatArray, weights: FloatArray, *, v: float = 0.5, ctx: KernelContext | None = None
) -> VikorDetail:
    """S, R, Q and the compromise solution (Opricovic & Tzeng 2004, section 3, step 5).

    With a′ the unit of least Q, a″ the second and m the number of units ranked:

    - C1, acceptable advantage: Q(a″) − Q(a′) ≥ DQ = 1 / (m − 1);
    - C2, acceptable stability: a′ is also best (least) by S or by R.

    Both hold: the compromise set is {a′}. Only C2 fails: {a′, a″}. C1 fails: a′ and every
    unit a with Q(a) − Q(a′) < DQ (the first M of the Q order). ``x`` is one
    ``(units, children)`` matrix; ``weights`` ``(children,)``.

    >>> d = vikor_detail(np.array([[1.0, 0.0], [0.0, 1.0], [0.9, 0.9]]), np.array([0.5, 0.5]))
    >>> d.q.tolist(), d.order, d.advantage, d.stability, d.compromise
    ([1.0, 1.0, 0.0], (2, 0, 1), True, True, (2,))
    """
    s, r, q = vikor_measures(x, weights, v=float(v), ctx=ctx)
    if np.ndim(q) != 1:
        raise ValueError("vikor_detail takes one (units, children) matrix and one weight vector")
    ranked = [i for i in np.lexsort((np.arange(len(q)), s, q)) if not np.isnan(q[i])]
    m = len(ranked)
    if m < 2:
        only = tuple(int(i) for i in ranked)
        return VikorDetail(s, r, q, only, 1.0, True, True, only)
    threshold = 1.0 / (m - 1)
    first, second = ranked[0], ranked[1]
    slack = 1e-12  # Q differences exactly at DQ count as reaching it despite rounding
    advantage = bool(q[second] - q[first] >= threshold - slack)
    stability = bool(s[first] <= np.nanmin(s) or r[first] <= np.nanmin(r))
    if advantage:
        compromise = [first] if stability else [first, second]
    else:
        compromise = [i for i in ranked if q[i] - q[first] < threshold - slack]
    return VikorDetail(
        s,
        r,
        q,
        tuple(int(i) for i in ranked),
        threshold,
        advantage,
        stability,
        tuple(int(i) for i in compromise),
    )
