"""Weights reproducing a published order (a rank-only reference): `calibrate_order`.

A rank-only reference pins down no scores to match, only an order. `calibrate_order`
maximises the smallest gap between consecutive published units — maximise t subject to
s₁ − s₂ ≥ t, s₂ − s₃ ≥ t, …, and, for a published top-k, s_k − s_j ≥ t for every unlisted unit
j — over the free weights (`cityindex.analysis.calibrate_space`), with SLSQP from the spec's
weights and a few seeded random starts (the problem is not convex); among weights with that
largest margin it keeps the ones closest to the spec's. With a stated ``min_gap`` it takes the
weights closest to the spec's whose smallest gap is at least that.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from cityindex.analysis.calibrate_result import Calibration
from cityindex.analysis.calibrate_space import Bounds, Floor, FreeWeights
from cityindex.engine.panel import Prepared
from cityindex.engine.pipeline import aggregate_tree, scale_and_rank
from cityindex.methods.registry import FloatArray
from cityindex.model.reference import Reference
from cityindex.model.tree import ROOT

STEP = 1e-7


def units_below(reference: Reference, prepared: Prepared, position: dict[str, int]) -> np.ndarray:
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
        pairs += [(a, o) for a in runs[-1] for o in units_below(reference, prepared, position)]
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
    bounds: Bounds | None = None,
) -> Calibration:
    """Weights reproducing a published order (module docstring).

    Without `min_gap`: the weights with the largest smallest gap (the closest to the spec's
    among those). With `min_gap`: the weights closest to the spec's whose smallest gap is at
    least `min_gap`. The result's `min_gap` is the smallest gap the rounded weights give (in
    scaled scores); `success` means they put every published unit at its published rank and
    every unlisted unit of a top-k below it (and, with `min_gap`, keep that gap).
    """
    from scipy.optimize import minimize

    free = FreeWeights.of(prepared, levels, floor, bounds)
    children, start, v0, split = free.children, free.start, free.v0, free.split
    position = {u: i for i, u in enumerate(prepared.table.units)}
    hi, lo, listed, published = _order_pairs(reference, prepared, position)
    others = units_below(reference, prepared, position)

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
        v = _feasible(
            np.asarray(solution.x[:-1], dtype=float), sums[:, :-1], free.lower, free.upper
        )
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
    v_close = _feasible(np.asarray(closest.x, dtype=float), sums[:, :-1], free.lower, free.upper)
    enough = wanted * (1.0 - 1e-4) if min_gap is None else wanted - 1e-6
    if float(np.min(gaps(v_close)[0])) >= enough:
        best_v = v_close
    decimals = 6
    while True:
        rounded = _feasible(
            np.round(best_v, decimals), sums[:, :-1], free.lower, free.upper, renormalise=False
        )
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
    v: FloatArray,
    sums: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    *,
    renormalise: bool = True,
) -> FloatArray:
    """Clip into [floor, ceiling] and (optionally) rescale each group's weights to sum to 1."""
    out = np.clip(v, lower, upper)
    if renormalise:
        for row in sums.astype(bool):
            total = out[row].sum()
            if total > 0:
                out[row] = out[row] / total
    return out
