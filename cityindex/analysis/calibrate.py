"""Weights that reproduce a published result, as close as possible to the spec's own.

Published indices rarely publish their data and weights together, so cityindex can only
*calibrate*: find non-negative weights, relative within each group, closest in least squares
to the weights the spec states, such that the computed scores equal the published ones. The
constraints run through the whole pipeline (missing-data re-weighting, scaling to the best
unit), so they are solved numerically with SLSQP (scipy); their Jacobian comes from one
vectorised pipeline call that scores every finite-difference perturbation at once.

A rank-only reference (ranks published, no scores) pins down no scores to match, only an
order. Then `calibrate` maximises the smallest gap between consecutive published units —
maximise t subject to s₁ − s₂ ≥ t, s₂ − s₃ ≥ t, …, and, for a published top-k, s_k − s_j ≥ t
for every unlisted unit j (everyone else is below the k-th) — over the same weights, with
SLSQP from the spec's weights and a few seeded random starts (the problem is not convex);
among weights with that largest margin it keeps the ones closest to the spec's. If the best
margin is not positive, no weights reproduce the order, and it says so. With a stated minimum
gap (``min_gap``) the widest margin is not sought for its own sake: among the weights whose
smallest gap is at least that, it takes the ones closest to the spec's (a margin-maximising
optimum is often a corner — one weight near 0, its sibling near 1).

A floor on weights (``min_weight`` for groups' weights within their parent,
``min_indicator_weight`` for indicators' within their group) bounds every free weight from
below in both problems, so no dimension is switched off; a floor above 1/k for a group of k
children is infeasible and is refused (`floor_problems`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from cityindex.engine.panel import Prepared
from cityindex.engine.pipeline import aggregate_tree, scale, scale_and_rank
from cityindex.methods.registry import FloatArray
from cityindex.model.reference import Reference
from cityindex.model.spec import Group, Indicator
from cityindex.model.tree import ROOT

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
    rank_only: bool = False
    min_gap: float = float("nan")


def node_level(node: Group | Indicator) -> int:
    """1 for an indicator; for a group, one more than its highest child (COINr's levels)."""
    if isinstance(node, Indicator):
        return 1
    return 1 + max(node_level(c) for c in node.children)


@dataclass(frozen=True)
class FreeWeights:
    """The weights calibration may change, laid out as one vector (group by group)."""

    groups: list[str]
    children: dict[str, tuple[str, ...]]
    start: dict[str, FloatArray]
    bounds: FloatArray
    lower: FloatArray

    @classmethod
    def of(
        cls,
        prepared: Prepared,
        levels: Collection[int] | None,
        floor: Floor | None = None,
    ) -> FreeWeights:
        """Free groups of `prepared`'s tree and their spec weights, made relative."""
        tree = prepared.tree
        floor = floor or Floor()
        groups = free_groups(prepared, levels)
        children = {gid: tuple(c.id for c in tree.children_of(gid)) for gid in groups}
        start: dict[str, FloatArray] = {}
        lower: list[FloatArray] = []
        for gid in groups:
            nodes = tree.children_of(gid)
            w = np.array([c.weight for c in nodes], dtype=float)
            start[gid] = w / w.sum()
            lower.append(np.full(len(nodes), floor.of(nodes[0])))
        bounds = np.cumsum([0, *(len(children[g]) for g in groups)])
        low = np.concatenate(lower) if lower else np.zeros(0)
        return cls(groups, children, start, bounds, low)

    @property
    def box(self) -> list[tuple[float, float]]:
        """Bounds per free weight: (its floor, 1)."""
        return [(float(lo), 1.0) for lo in self.lower]

    def clip(self, v: FloatArray) -> FloatArray:
        """`v` moved into the box (a start for solvers that need one inside it)."""
        out: FloatArray = np.clip(v, self.lower, 1.0)
        return out

    @property
    def v0(self) -> FloatArray:
        """The starting vector: the spec's relative weights."""
        if not self.groups:
            return np.zeros(0)
        return np.concatenate([self.start[g] for g in self.groups])

    def split(self, v: FloatArray) -> dict[str, FloatArray]:
        """A vector (or a batch of them) back into weights per group id."""
        b = self.bounds
        return {g: v[..., b[k] : b[k + 1]] for k, g in enumerate(self.groups)}

    def sums(self, width: int) -> FloatArray:
        """Rows summing each group's weights (for the sum-to-one constraints)."""
        out = np.zeros((len(self.groups), width))
        for k in range(len(self.groups)):
            out[k, self.bounds[k] : self.bounds[k + 1]] = 1.0
        return out


@dataclass(frozen=True)
class Floor:
    """Smallest weight a free group (``group``) or indicator (``indicator``) may get."""

    group: float = 0.0
    indicator: float = 0.0

    def of(self, node: Group | Indicator) -> float:
        """The floor for a child like `node`."""
        return self.indicator if isinstance(node, Indicator) else self.group


def floor_problems(prepared: Prepared, levels: Collection[int] | None, floor: Floor) -> list[str]:
    """Groups whose k children cannot all get the floor (k × floor > 1), as readable text."""
    free = FreeWeights.of(prepared, levels, floor)
    out = []
    for k, gid in enumerate(free.groups):
        low = free.lower[free.bounds[k] : free.bounds[k + 1]]
        if float(low.sum()) > 1.0 + 1e-12:
            name = gid or "the index"
            out.append(f"{name}: {low.size} children x {low[0]:g} = {low.sum():g} > 1")
    return out


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
    floor: Floor | None = None,
    min_gap: float | None = None,
) -> Calibration:
    """Solve for weights reproducing `reference`'s published scores (see module docstring).

    With no published scores (a rank-only reference) this is `calibrate_order` (`min_gap`
    is used only there).
    """
    if not reference.has_scores:
        return calibrate_order(
            prepared,
            reference,
            levels=levels,
            max_decimals=max_decimals,
            floor=floor,
            min_gap=min_gap,
        )
    from scipy.optimize import least_squares, minimize

    free = FreeWeights.of(prepared, levels, floor)
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

    others = _units_below(reference, prepared, position)
    ceiling = float(np.nanmin(published)) - float(np.max(tol)) * 2 if others.size else 0.0

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
        fit = float(np.max(np.abs(residuals(v0)))) if targets.size else 0.0
        return Calibration({}, {}, {}, fit, False, "no free weights to calibrate", 0)
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
            bounds=(free.lower, np.ones(v0.size)),
            xtol=1e-15,
            ftol=1e-15,
            gtol=1e-15,
            max_nfev=2000,
        )
        v, message = np.asarray(fitted.x, dtype=float), str(fitted.message)
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


def _order_pairs(
    reference: Reference, prepared: Prepared, position: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, list[int], list[float]]:
    """(higher, lower) unit index pairs the published order implies, and the listed units.

    Consecutive published ranks give one pair per unit of rank r and unit of the next rank;
    units sharing a rank are not ordered against each other. For a published top-k every
    unlisted, included unit is paired below each unit of the last rank.
    """
    listed = sorted(
        (float(r), position[u])
        for u, r in zip(reference.units, reference.ranks, strict=True)
        if not np.isnan(r) and u in position
    )
    runs: list[list[int]] = []
    last = float("nan")
    for r, i in listed:
        if r != last:
            runs.append([])
            last = r
        runs[-1].append(i)
    pairs = [(a, b) for k in range(len(runs) - 1) for a in runs[k] for b in runs[k + 1]]
    if runs:
        pairs += [(a, o) for a in runs[-1] for o in _units_below(reference, prepared, position)]
    hi = np.array([p[0] for p in pairs], dtype=int)
    lo = np.array([p[1] for p in pairs], dtype=int)
    return hi, lo, [i for _, i in listed], [r for r, _ in listed]


def calibrate_order(
    prepared: Prepared,
    reference: Reference,
    *,
    levels: Collection[int] | None = None,
    max_decimals: int = 12,
    restarts: int = 8,
    seed: int = 0,
    floor: Floor | None = None,
    min_gap: float | None = None,
) -> Calibration:
    """Weights reproducing a published order (module docstring).

    Without `min_gap`: the weights with the largest smallest gap (the closest to the spec's
    among those). With `min_gap`: the weights closest to the spec's whose smallest gap is at
    least `min_gap`. The result's `min_gap` is the smallest gap the rounded weights give (in
    scaled scores); `success` means they put every published unit at its published rank and
    every unlisted unit of a top-k below it (and, with `min_gap`, keep that gap).
    """
    from scipy.optimize import minimize

    free = FreeWeights.of(prepared, levels, floor)
    children, start, v0, split = free.children, free.start, free.v0, free.split
    position = {u: i for i, u in enumerate(prepared.table.units)}
    hi, lo, listed, published = _order_pairs(reference, prepared, position)
    others = _units_below(reference, prepared, position)

    def fail(message: str, gap: float = float("nan")) -> Calibration:
        return Calibration(split(v0), start, children, float("nan"), False, message, 0, True, gap)

    def scored(batch: FloatArray) -> tuple[FloatArray, FloatArray]:
        root = aggregate_tree(prepared, split(np.atleast_2d(batch)))[0][ROOT]
        exact, _, rank, _ = scale_and_rank(prepared, root)
        return exact, rank

    def gaps(batch: FloatArray) -> FloatArray:
        """s_higher − s_lower for every implied pair, one row per weight vector in `batch`."""
        exact = scored(batch)[0]
        out: FloatArray = exact[..., hi] - exact[..., lo]
        return out

    def gaps_jac(v: FloatArray) -> FloatArray:
        g = gaps(np.vstack([v, v + STEP * np.eye(v.size)]))
        out: FloatArray = (g[1:] - g[0]).T / STEP
        return out

    def holds(v: FloatArray) -> bool:
        rank = scored(v)[1][0]
        in_place = bool(np.all(rank[listed] == np.array(published)))
        below = others.size == 0 or bool(np.all(rank[others] > max(published)))
        return in_place and below

    unscored = [prepared.table.units[i] for i in listed if not prepared.included[i]]
    if unscored:
        return fail("published unit(s) without a score (too little data): " + ", ".join(unscored))
    if hi.size == 0:
        return fail("the reference implies no order (fewer than two ranks)")
    if v0.size == 0:
        return fail("no free weights to calibrate", float(np.min(gaps(v0)[0])))

    n = v0.size
    sums = free.sums(n + 1)
    objective_jac = np.zeros(n + 1)
    objective_jac[-1] = -1.0
    epigraph = [
        {
            "type": "ineq",
            "fun": lambda x: gaps(x[:-1])[0] - x[-1],
            "jac": lambda x: np.hstack([gaps_jac(x[:-1]), -np.ones((hi.size, 1))]),
        },
        {"type": "eq", "fun": lambda x: sums @ x - 1.0, "jac": lambda x: sums},
    ]
    rng = np.random.default_rng(seed)
    starts = [v0] + [
        np.concatenate([rng.dirichlet(np.ones(len(free.children[g]))) for g in free.groups])
        for _ in range(restarts)
    ]
    best_v, best_gap = v0, float(np.min(gaps(v0)[0]))
    for v_start in starts:
        x0 = np.append(v_start, float(np.min(gaps(v_start)[0])))
        solution = minimize(
            lambda x: -float(x[-1]),
            x0,
            jac=lambda x: objective_jac,
            method="SLSQP",
            bounds=[*free.box, (-1.0, 1.0)],
            constraints=epigraph,
            options={"maxiter": 300, "ftol": 1e-12},
        )
        v = _feasible(np.asarray(solution.x[:-1], dtype=float), sums[:, :-1], free.lower)
        gap = float(np.min(gaps(v)[0]))
        if gap > best_gap + 1e-12:
            best_v, best_gap = v, gap
    if best_gap <= 0.0:
        return fail(
            "no weights put the units in the published order: the best smallest gap is "
            f"{best_gap:.4g} (a published unit can never rise above the one ranked below it)",
            best_gap,
        )
    if min_gap is not None and best_gap < min_gap:
        return fail(
            f"no weights keep a gap of {min_gap:g} between the published units: the widest "
            f"smallest gap the data allow is {best_gap:.4g}",
            best_gap,
        )
    # Among weights with (nearly) that margin — or with the stated one — the closest to
    # the spec's.
    wanted = best_gap * (1.0 - 1e-6) if min_gap is None else min_gap
    closest = minimize(
        lambda v: float(np.sum((v - v0) ** 2)),
        best_v,
        jac=lambda v: 2.0 * (v - v0),
        method="SLSQP",
        bounds=free.box,
        constraints=[
            {"type": "ineq", "fun": lambda v: gaps(v)[0] - wanted, "jac": gaps_jac},
            {"type": "eq", "fun": lambda v: sums[:, :-1] @ v - 1.0, "jac": lambda v: sums[:, :-1]},
        ],
        options={"maxiter": 300, "ftol": 1e-14},
    )
    v_close = _feasible(np.asarray(closest.x, dtype=float), sums[:, :-1], free.lower)
    enough = wanted * (1.0 - 1e-4) if min_gap is None else wanted - 1e-6
    if float(np.min(gaps(v_close)[0])) >= enough:
        best_v = v_close
    decimals = 6
    while True:
        rounded = _feasible(np.round(best_v, decimals), sums[:, :-1], free.lower, renormalise=False)
        if holds(rounded) or decimals >= max_decimals:
            break
        decimals += 2
    success = holds(rounded)
    gap = float(np.min(gaps(rounded)[0]))
    if success and min_gap is not None and gap < min_gap - 1e-4:
        success = False
    message = (
        f"published order reproduced; smallest gap between consecutive units {gap:.4f}"
        if success
        else f"weights found, but the order (or the stated gap) does not survive rounding "
        f"them (gap {gap:.3g})"
    )
    return Calibration(
        split(rounded), start, children, float("nan"), success, message, decimals, True, gap
    )


def _feasible(
    v: FloatArray, sums: FloatArray, lower: FloatArray, *, renormalise: bool = True
) -> FloatArray:
    """Clip to ≥ the floor and (optionally) rescale each group's weights to sum to 1."""
    out = np.clip(v, lower, None)
    if renormalise:
        for row in sums.astype(bool):
            total = out[row].sum()
            if total > 0:
                out[row] = out[row] / total
    return out
