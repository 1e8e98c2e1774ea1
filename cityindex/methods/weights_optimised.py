"""Optimised weights: the weights under which each child explains its target share of its group.

COINr's ``get_opt_weights(optype = "balance")`` (bluefoxr/COINr, R/weights.R) re-aggregates
with candidate weights w, takes each child's correlation c_j with the result, and minimises
``log(Σ_j (t_j − c_j / Σ_k c_k)² / k)`` by R's Nelder–Mead started at the target t, with
``reltol = 0.1`` and at most 500 iterations, so it stops early at an approximate optimum. Here
the same gap, without the log (the log of 0 is −∞ at an exact balance),

    f(w) = (1/k) Σ_j (t_j − m_j(w) / Σ_k m_k(w))²,   w ≥ 0, Σ w = 1,

is solved to full precision (from the target and from equal weights; the better is kept) by a
projected Levenberg–Marquardt method that advances every replicate at once
(`cityindex.methods.weights_optimised_batch`; `least_gap` below, scipy's ``least_squares``,
serves the level-wide `cityindex.analysis.optimise_level`), where m_j is the child's Pearson
correlation with the group score (``measure: correlation``) or its first-order sensitivity
index S_j (``measure: importance``; Becker et al. 2017; see `cityindex.methods.importance`).
The group score is re-aggregated by the group's own aggregation method at each step.

One difference from COINr: COINr varies the weights of a whole *level* against the index;
here a group's weights are balanced against that group's score (at the top level the two are
the same). If no non-negative weights reach the target (f > 1e-12 at the best weights found),
the kernel says so and shows the closest shares, unless ``unreachable: closest`` accepts them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from cityindex.methods.importance import smoother
from cityindex.methods.registry import (
    DomainError,
    FloatArray,
    KernelContext,
    Param,
    get_method,
    register,
    register_check,
)
from cityindex.methods.weights import spread
from cityindex.methods.weights_optimised_batch import least_gap_batch, share_gap

TOLERANCE = 1e-12
"""Largest mean squared gap f(w) counted as reaching the target."""


def _targets(target: str | Mapping[str, float], ids: tuple[str, ...], k: int) -> FloatArray:
    if not isinstance(target, Mapping):
        return np.full(k, 1.0 / k)
    missing = [c for c in ids if c not in target]
    if missing or len(ids) != k:
        raise DomainError(
            "optimised weights' `target` must give a share for every child",
            columns=[ids.index(c) for c in missing],
        )
    t = np.array([float(target[c]) for c in ids])
    if np.any(t < 0) or t.sum() <= 0:
        raise DomainError("optimised weights' target shares must be >= 0, not all 0", columns=[])
    out: FloatArray = t / t.sum()
    return out


def _aggregator(ctx: KernelContext | None) -> Callable[[FloatArray, FloatArray], FloatArray]:
    choice = ctx.extra.get("aggregate") if ctx is not None else None
    if choice is None:
        method, params = get_method("aggregate", "arithmetic_mean"), {}
    else:
        method, params = get_method("aggregate", choice.name), dict(choice.params)
    return lambda x, w: np.asarray(method.kernel(x, w, ctx=ctx, **params), dtype=float)


def _corr(x: FloatArray, y: FloatArray) -> FloatArray:
    ok = ~np.isnan(y)
    xc = x[ok] - np.nanmean(x[ok], axis=0)
    yc = y[ok] - y[ok].mean()
    xc = np.where(np.isnan(xc), 0.0, xc)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = (xc * yc[:, None]).sum(axis=0) / np.sqrt(
            (xc**2).sum(axis=0) * (yc**2).sum()
        )
    return out


def least_gap(
    gap: Callable[[FloatArray], FloatArray], starts: Sequence[FloatArray]
) -> tuple[FloatArray, float]:
    """Bounded least squares (0 ≤ v ≤ 1) of `gap` from each start; the best (v, Σ gap²)."""
    from scipy.optimize import least_squares  # imported here: scipy costs start-up ~0.13 s

    best: tuple[FloatArray, float] | None = None
    for start in starts:
        res = least_squares(
            gap,
            np.clip(start, 1e-6, 1.0),
            bounds=(0.0, 1.0),
            xtol=1e-15,
            ftol=1e-15,
            gtol=1e-15,
            max_nfev=2000,
        )
        f = float(np.sum(res.fun**2))
        if best is None or f < best[1]:
            best = (np.asarray(res.x, dtype=float), f)
    assert best is not None
    return best


def optimise(
    x: FloatArray,
    target: FloatArray,
    aggregate: Callable[[FloatArray, FloatArray], FloatArray],
    *,
    measure: str = "correlation",
) -> tuple[FloatArray, FloatArray, float]:
    """Weights ``(k,)`` minimising f for one array ``x`` ``(units, k)``.

    Returns (weights, achieved shares m_j / Σ m, f).
    """
    k = x.shape[-1]
    if measure == "importance":
        smoothers = [
            smoother(np.nan_to_num(x[:, j], nan=float(np.nanmean(x[:, j])))) for j in range(k)
        ]

        def measure_of(y: FloatArray) -> FloatArray:
            vy = np.var(y)
            return np.array([np.var(s @ y) / vy for s in smoothers])

    else:

        def measure_of(y: FloatArray) -> FloatArray:
            return _corr(x, y)

    def shares(v: FloatArray) -> FloatArray:
        w = v / v.sum() if v.sum() > 0 else np.full(k, 1.0 / k)
        m = measure_of(aggregate(x, w))
        out: FloatArray = m / m.sum()
        return out

    def gap(v: FloatArray) -> FloatArray:
        out: FloatArray = np.nan_to_num(shares(v) - target, nan=1e3) / np.sqrt(k)
        return out

    v, f = least_gap(gap, (target, np.full(k, 1.0 / k)))
    w: FloatArray = v / v.sum()
    return w, shares(v), f


@register_check("weights", "optimised")
def check_target(params: Mapping[str, Any], *, child_ids: Sequence[str]) -> list[Any]:
    """`target` is `equal` or names every child of the group with a share >= 0.

    Registering a check also makes the method describe one group only: a group below it
    falls back to the default weights, as for AHP (its target names this group's children).
    """
    target = params.get("target", "equal")
    if isinstance(target, Mapping):
        unknown = sorted(str(c) for c in target if c not in child_ids)
        missing = [c for c in child_ids if c not in target]
        bad = [str(c) for c, v in target.items() if not isinstance(v, int | float) or v < 0]
        problems: list[tuple[str, str | None]] = []
        if unknown or missing:
            problems.append(
                (
                    "optimised weights' target must name each child once: "
                    + "; ".join(
                        p
                        for p in (
                            f"not children: {', '.join(unknown)}" if unknown else "",
                            f"missing: {', '.join(missing)}" if missing else "",
                        )
                        if p
                    ),
                    f"the children are: {', '.join(child_ids)}",
                )
            )
        if bad:
            problems.append((f"target shares must be numbers >= 0: {', '.join(bad)}", None))
        return problems
    if target != "equal":
        return [("optimised weights' target is `equal` or {child: share}", None)]
    return []


@register(
    "weights",
    "optimised",
    params=(
        Param("target", "any", "equal", "equal, or {child: share}: each child's target share"),
        Param(
            "measure",
            "text",
            "correlation",
            "what is balanced: Pearson correlation with the group score, or first-order "
            "importance S_j (local linear regression)",
            choices=("correlation", "importance"),
        ),
        Param(
            "unreachable",
            "text",
            "error",
            "if no non-negative weights reach the target: error, or accept the closest",
            choices=("error", "closest"),
        ),
    ),
    doc="w = argmin_{w ≥ 0, Σw = 1} (1/k) Σ_j (t_j − m_j / Σ_k m_k)², m_j the child's "
    "correlation (or S_j) with the group score re-aggregated under w (COINr's get_opt_weights "
    "balance objective, solved to precision)",
)
def optimised(
    x: FloatArray,
    *,
    ctx: KernelContext | None = None,
    target: str | Mapping[str, float] = "equal",
    measure: str = "correlation",
    unreachable: str = "error",
    fixed: FloatArray | None = None,
    **_: Any,
) -> FloatArray:
    """Weights balancing (or targeting) the children's correlation or importance shares."""
    v = np.asarray(x, dtype=float)
    k = v.shape[-1]
    ids = ctx.column_ids if ctx is not None else tuple(str(j) for j in range(k))
    t = _targets(target, ids, k)
    aggregate = _aggregator(ctx)
    flat = v.reshape(-1, *v.shape[-2:])
    gap = share_gap(flat, t, aggregate, measure)
    # From the target and from equal weights, every replicate at once; the better one wins.
    found = [
        least_gap_batch(gap, np.broadcast_to(s, (flat.shape[0], k)).copy())
        for s in (t, np.full(k, 1.0 / k))
    ]
    first = found[0][1] <= found[1][1]
    best = np.where(first[:, None], found[0][0], found[1][0])
    gaps = np.where(first, found[0][1], found[1][1])
    got = gap(best[:, None])[:, 0] * np.sqrt(k) + t
    out = best / best.sum(axis=-1, keepdims=True)
    for r in np.flatnonzero(gaps > TOLERANCE) if unreachable == "error" else ():
        shown = ", ".join(
            f"{c} {g:.3f} (target {tt:.3f})" for c, g, tt in zip(ids, got[r], t, strict=True)
        )
        raise DomainError(
            f"optimised weights cannot reach the target {measure} shares with "
            f"non-negative weights; closest: {shown} (mean squared gap {gaps[r]:.3g})",
            columns=[int(j) for j in np.flatnonzero(np.abs(got[r] - t) > 1e-6)],
            hint="set `unreachable: closest` to accept these weights, or change the target",
        )
    result: FloatArray = out.reshape(*v.shape[:-2], k)
    return spread(result, v, fixed)
