"""Weights that reproduce a published result, as close as possible to the spec's own.

Published indices rarely publish their data and weights together, so cityindex can only
*calibrate*: find non-negative weights, relative within each group, closest in least squares
to the weights the spec states, such that the computed scores equal the published ones. The
constraints run through the whole pipeline (missing-data re-weighting, scaling to the best
unit), so they are solved numerically with SLSQP (scipy); their Jacobian comes from one
vectorised pipeline call that scores every finite-difference perturbation at once.

A rank-only reference (ranks published, no scores) pins down no scores to match, only an
order: that is `cityindex.analysis.calibrate_order`. The free weights and their box (floors,
the dimension band, the indicator share) are `cityindex.analysis.calibrate_space`.

With `Bounds` (every dimension's weight in a band, default 0.10-0.35; no indicator above a
share of its group, default 0.5) a target the bounds cannot meet is not a failure to raise:
the result is the closest fit inside them, min Σ_u (s_u(w) - p_u)² over the box with each
group's weights summing to 1, and `Calibration.fit` gives its residual per published unit
(computed vs published) so a caller can ship those weights and state the residual.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np

from cityindex.analysis.calibrate_order import calibrate_order, units_below
from cityindex.analysis.calibrate_result import Calibration
from cityindex.analysis.calibrate_space import (
    DEFAULT_DIMENSION_BAND,
    DEFAULT_INDICATOR_SHARE,
    Bounds,
    Floor,
    FreeWeights,
    floor_problems,
    free_groups,
    node_level,
)
from cityindex.engine.panel import Prepared
from cityindex.engine.pipeline import aggregate_tree, scale
from cityindex.methods.registry import FloatArray
from cityindex.model.reference import Reference
from cityindex.model.tree import ROOT

STEP = 1e-7

__all__ = [
    "DEFAULT_DIMENSION_BAND",
    "DEFAULT_INDICATOR_SHARE",
    "Bounds",
    "Calibration",
    "Floor",
    "FreeWeights",
    "calibrate",
    "calibrate_order",
    "floor_problems",
    "free_groups",
    "node_level",
]


def calibrate(
    prepared: Prepared,
    reference: Reference,
    *,
    levels: Collection[int] | None = None,
    max_decimals: int = 12,
    floor: Floor | None = None,
    min_gap: float | None = None,
    bounds: Bounds | None = None,
) -> Calibration:
    """Solve for weights reproducing `reference`'s published scores (see module docstring).

    `bounds` (None: none) keeps every dimension's weight in its band and every indicator under
    its share; when no weights inside them reproduce the scores, the result is the closest
    in-bounds fit (least squares on the published scores), `success` False, with its residual
    per unit in `fit`. With no published scores (a rank-only reference) this is
    `calibrate_order` (`min_gap` is used only there).
    """
    if not reference.has_scores:
        return calibrate_order(
            prepared,
            reference,
            levels=levels,
            max_decimals=max_decimals,
            floor=floor,
            min_gap=min_gap,
            bounds=bounds,
        )
    from scipy.optimize import least_squares, minimize

    free = FreeWeights.of(prepared, levels, floor, bounds)
    groups, children, start, v0, split = free.groups, free.children, free.start, free.v0, free.split
    position = {u: i for i, u in enumerate(prepared.table.units)}
    has = ~np.isnan(reference.scores)
    targets = np.array([position[u] for u, h in zip(reference.units, has, strict=True) if h])
    published = reference.scores[has]
    tol = reference.tolerance()[has]

    def residuals(batch: FloatArray) -> FloatArray:
        """computed − published for every target, one row per weight vector in `batch`."""
        root = aggregate_tree(prepared, split(np.atleast_2d(batch)))[0][ROOT]
        exact = scale(prepared, root)[0]
        out: FloatArray = exact[..., targets] - published
        return out

    def jacobian_all(v: FloatArray) -> FloatArray:
        s = residuals(np.vstack([v, v + STEP * np.eye(v.size)]))
        out: FloatArray = (s[1:] - s[0]).T / STEP
        return out

    others = units_below(reference, prepared, position)
    # Units the reference leaves out rank below its lowest unit: at least two of that unit's
    # tolerances under its published score (its own precision, not the loosest in the file).
    lowest = int(np.argmin(published)) if published.size else 0
    ceiling = float(published[lowest] - 2 * tol[lowest]) if others.size else 0.0

    def headroom(batch: FloatArray) -> FloatArray:
        """ceiling − score for units the reference ranks below its listed ones (must be ≥ 0)."""
        root = aggregate_tree(prepared, split(np.atleast_2d(batch)))[0][ROOT]
        exact = scale(prepared, root)[0]
        out: FloatArray = ceiling - exact[..., others]
        return out

    def headroom_jac(v: FloatArray) -> FloatArray:
        s = headroom(np.vstack([v, v + STEP * np.eye(v.size)]))
        out: FloatArray = (s[1:] - s[0]).T / STEP
        return out

    def holds(v: FloatArray) -> bool:
        fits = bool(np.all(np.abs(residuals(v)[0]) <= tol))
        return fits and (others.size == 0 or bool(np.all(headroom(v)[0] >= -1e-12)))

    if v0.size == 0:
        worst = float(np.max(np.abs(residuals(v0)))) if targets.size else 0.0
        return Calibration({}, {}, {}, worst, False, "no free weights to calibrate", 0)
    # A target no weight can move (the best unit scaled to exactly 1, say) has a zero gradient
    # row, which makes SLSQP's subproblem singular: leave it out of the solve while it already
    # holds; every target is verified on the result below.
    active = np.any(np.abs(jacobian_all(v0)) > 1e-9, axis=1) | (np.abs(residuals(v0)[0]) > tol)
    sums = free.sums(v0.size)
    message = ""
    v = v0
    if int(active.sum()) + len(groups) <= v0.size:
        solution = minimize(
            lambda v: float(np.sum((v - v0) ** 2)),
            v0,
            jac=lambda v: 2.0 * (v - v0),
            method="SLSQP",
            bounds=free.box,
            constraints=[
                {
                    "type": "eq",
                    "fun": lambda v: residuals(v)[0][active],
                    "jac": lambda v: jacobian_all(v)[active],
                },
                {"type": "eq", "fun": lambda v: sums @ v - 1.0, "jac": lambda v: sums},
                *(
                    [{"type": "ineq", "fun": lambda v: headroom(v)[0], "jac": headroom_jac}]
                    if others.size
                    else []
                ),
            ],
            options={"maxiter": 500, "ftol": 1e-16},
        )
        v, message = np.asarray(solution.x, dtype=float), str(solution.message)
    if not holds(v):
        # More targets than free weights (overdetermined: a solution, if any, is unique) or
        # SLSQP stalled: find the bounded least-squares root of the residuals instead.
        fitted = least_squares(
            lambda v: np.concatenate(
                [residuals(v)[0], sums @ v - 1.0, np.minimum(headroom(v)[0], 0.0)]
            ),
            free.clip(v0),
            jac=lambda v: np.vstack(
                [jacobian_all(v), sums, headroom_jac(v) * (headroom(v)[0] < 0)[:, None]]
            ),
            bounds=(free.lower, free.upper),
            xtol=1e-15,
            ftol=1e-15,
            gtol=1e-15,
            max_nfev=2000,
        )
        v, message = np.asarray(fitted.x, dtype=float), str(fitted.message)
        if bounds is not None:  # the closest fit that keeps the bounds exactly (sums too)
            v, message = closest_in_bounds(free, residuals, jacobian_all, v0), "closest in bounds"
    v = free.clip(v)
    decimals = 6
    while True:
        rounded = np.round(v, decimals)
        diff = np.abs(residuals(rounded)[0])
        if holds(rounded) or decimals >= max_decimals:
            break
        decimals += 2
    success = holds(rounded)
    if not success and np.all(diff <= tol):
        message = "scores reproduced, but another unit would rank above a published one"
    message = message if not success else "published scores reproduced"
    computed = residuals(rounded)[0] + published
    fit = [
        {"unit": prepared.table.units[i], "published": p, "computed": c, "diff": c - p}
        for i, p, c in zip(targets.tolist(), published.tolist(), computed.tolist(), strict=True)
    ]
    if not success and bounds is not None and not np.all(diff <= tol):
        message = (
            f"no weights inside the bounds reproduce the published scores: closest fit, "
            f"max |computed - published| = {float(diff.max()):.3g}"
        )
    return Calibration(
        weights=split(rounded),
        original=start,
        children=children,
        max_abs_diff=float(diff.max()) if diff.size else 0.0,
        success=success,
        message=message,
        decimals=decimals,
        fit=fit,
    )


def closest_in_bounds(
    free: FreeWeights,
    residuals: Callable[[FloatArray], FloatArray],
    jacobian: Callable[[FloatArray], FloatArray],
    v0: FloatArray,
) -> FloatArray:
    """The weights minimising Σ (computed - published)² with every weight in its box and each
    group's weights summing to 1 exactly (SLSQP from the spec's weights, moved into the box)."""
    from scipy.optimize import minimize

    sums = free.sums(v0.size)
    solution = minimize(
        lambda v: float(np.sum(residuals(v)[0] ** 2)),
        free.clip(v0),
        jac=lambda v: 2.0 * jacobian(v).T @ residuals(v)[0],
        method="SLSQP",
        bounds=free.box,
        constraints=[{"type": "eq", "fun": lambda v: sums @ v - 1.0, "jac": lambda v: sums}],
        options={"maxiter": 500, "ftol": 1e-18},
    )
    return np.asarray(solution.x, dtype=float)
