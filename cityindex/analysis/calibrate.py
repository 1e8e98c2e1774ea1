"""Weights that reproduce a published result, as close as possible to the spec's own.

Published indices rarely publish their data and weights together, so cityindex can only
*calibrate*: find non-negative weights, relative within each group, closest in least squares
to the weights the spec states, such that the computed scores equal the published ones. The
constraints run through the whole pipeline (missing-data re-weighting, scaling to the best
unit), so they are solved numerically with SLSQP (scipy); their Jacobian comes from one
vectorised pipeline call that scores every finite-difference perturbation at once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from cityindex.analysis.reference import Reference
from cityindex.pipeline import ROOT, Prepared, aggregate_tree, scale_and_rank
from cityindex.registry import FloatArray
from cityindex.spec import Group, Indicator

STEP = 1e-7


@dataclass(frozen=True)
class Calibration:
    """Calibrated relative weights per group id (ROOT for the top level) and the fit."""

    weights: dict[str, FloatArray]
    original: dict[str, FloatArray]
    children: dict[str, tuple[str, ...]]
    max_abs_diff: float
    success: bool
    message: str
    decimals: int


def node_level(node: Group | Indicator) -> int:
    """1 for an indicator; for a group, one more than its highest child (COINr's levels)."""
    if isinstance(node, Indicator):
        return 1
    return 1 + max(node_level(c) for c in node.children)


def free_groups(prepared: Prepared, levels: Collection[int] | None) -> list[str]:
    """Groups whose children's weights may change: fixed weights, 2+ children, chosen level."""
    tree = prepared.tree
    out = []
    for gid in [ROOT, *(g.id for g in tree.groups)]:
        children = tree.children_of(gid)
        if len(children) < 2 or tree.group_methods[gid]["weights"].name != "fixed":
            continue
        if levels is not None and node_level(children[0]) not in levels:
            continue
        out.append(gid)
    return out


def calibrate(
    prepared: Prepared,
    reference: Reference,
    *,
    levels: Collection[int] | None = None,
    max_decimals: int = 12,
) -> Calibration:
    """Solve for weights reproducing `reference`'s published scores (see module docstring)."""
    from scipy.optimize import least_squares, minimize

    tree = prepared.tree
    groups = free_groups(prepared, levels)
    children = {gid: tuple(c.id for c in tree.children_of(gid)) for gid in groups}
    start: dict[str, FloatArray] = {}
    for gid in groups:
        w = np.array([c.weight for c in tree.children_of(gid)], dtype=float)
        start[gid] = w / w.sum()
    sizes = [len(children[g]) for g in groups]
    bounds_idx = np.cumsum([0, *sizes])
    v0 = np.concatenate([start[g] for g in groups]) if groups else np.zeros(0)
    position = {u: i for i, u in enumerate(prepared.table.units)}
    has = ~np.isnan(reference.scores)
    targets = np.array([position[u] for u, h in zip(reference.units, has, strict=True) if h])
    published = reference.scores[has]
    tol = reference.tolerance()[has]

    def split(v: FloatArray) -> dict[str, FloatArray]:
        return {g: v[..., bounds_idx[k] : bounds_idx[k + 1]] for k, g in enumerate(groups)}

    def residuals(batch: FloatArray) -> FloatArray:
        """computed − published for every target, one row per weight vector in `batch`."""
        root = aggregate_tree(prepared, split(np.atleast_2d(batch)))[0][ROOT]
        exact = scale_and_rank(prepared, root)[0]
        out: FloatArray = exact[..., targets] - published
        return out

    def jacobian_all(v: FloatArray) -> FloatArray:
        s = residuals(np.vstack([v, v + STEP * np.eye(v.size)]))
        out: FloatArray = (s[1:] - s[0]).T / STEP
        return out

    others = _units_below(reference, prepared, position)
    ceiling = float(np.nanmin(published)) - float(np.max(tol)) * 2 if others.size else 0.0

    def headroom(batch: FloatArray) -> FloatArray:
        """ceiling − score for units the reference ranks below its listed ones (must be ≥ 0)."""
        root = aggregate_tree(prepared, split(np.atleast_2d(batch)))[0][ROOT]
        exact = scale_and_rank(prepared, root)[0]
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
        fit = float(np.max(np.abs(residuals(v0)))) if targets.size else 0.0
        return Calibration({}, {}, {}, fit, False, "no free weights to calibrate", 0)
    # A target no weight can move (the best unit scaled to exactly 1, say) has a zero gradient
    # row, which makes SLSQP's subproblem singular: leave it out of the solve while it already
    # holds; every target is verified on the result below.
    active = np.any(np.abs(jacobian_all(v0)) > 1e-9, axis=1) | (np.abs(residuals(v0)[0]) > tol)
    sums = np.zeros((len(groups), v0.size))
    for k in range(len(groups)):
        sums[k, bounds_idx[k] : bounds_idx[k + 1]] = 1.0
    message = ""
    v = v0
    if int(active.sum()) + len(groups) <= v0.size:
        solution = minimize(
            lambda v: float(np.sum((v - v0) ** 2)),
            v0,
            jac=lambda v: 2.0 * (v - v0),
            method="SLSQP",
            bounds=[(0.0, 1.0)] * v0.size,
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
            v0,
            jac=lambda v: np.vstack(
                [jacobian_all(v), sums, headroom_jac(v) * (headroom(v)[0] < 0)[:, None]]
            ),
            bounds=(0.0, 1.0),
            xtol=1e-15,
            ftol=1e-15,
            gtol=1e-15,
            max_nfev=2000,
        )
        v, message = np.asarray(fitted.x, dtype=float), str(fitted.message)
    v = np.clip(v, 0.0, None)
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
    return Calibration(
        weights=split(rounded),
        original=start,
        children=children,
        max_abs_diff=float(diff.max()) if diff.size else 0.0,
        success=success,
        message=message,
        decimals=decimals,
    )


def _units_below(reference: Reference, prepared: Prepared, position: dict[str, int]) -> np.ndarray:
    """Units the reference implicitly ranks below its listed ones.

    A published top-k (ranks 1..k, each listed) says every other unit scored lower than the
    k-th: those units get an inequality constraint, so calibration cannot reproduce the
    published scores by lifting an unlisted unit above them. Excluded units do not count.
    """
    ranks = reference.ranks[~np.isnan(reference.ranks)]
    k = len(ranks)
    if k == 0 or sorted(ranks.tolist()) != [float(r) for r in range(1, k + 1)]:
        return np.zeros(0, dtype=int)
    listed = {position[u] for u in reference.units if u in position}
    return np.array(
        [i for i in range(len(prepared.table.units)) if i not in listed and prepared.included[i]],
        dtype=int,
    )
