"""Level-wide optimised weights: COINr's ``get_opt_weights(optype = "balance")`` as COINr runs it.

The per-group method (`cityindex.methods.weights_optimised`) balances one group's children
against that group's score. COINr instead varies *all* weights of one level at once (ASEM's
eight pillars, children of two sub-indices) and compares each one with the *index*: with c_j
the Pearson correlation of child j with the index re-aggregated under the candidate weights,

    f(w) = (1/k) Σ_j (t_j − c_j / Σ_k c_k)²,   w ≥ 0,

is minimised by bounded least squares (scipy's trust-region reflective ``least_squares``)
from the target, from equal weights and from the spec's weights; the best start is kept.
Levels count as COINr counts them: 1 = indicators, one more for each group above. Weights are
made relative within each parent group, as the aggregation uses them. The target is reached
when f ≤ 1e-12 at the best weights found (the per-group method's tolerance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cityindex.analysis.calibrate import node_level
from cityindex.engine.panel import Prepared
from cityindex.engine.pipeline import aggregate_tree
from cityindex.methods.registry import FloatArray
from cityindex.methods.weights_optimised import TOLERANCE, _corr, least_gap
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.model.spec import Indicator
from cityindex.model.tree import ROOT

COLUMNS = list(OUTPUT_COLUMNS["optimise-weights"])


@dataclass(frozen=True)
class LevelOptimum:
    """The best weights found for one level, with what they achieve."""

    level: int
    children: tuple[str, ...]
    parents: tuple[str, ...]
    before: FloatArray
    after: FloatArray
    correlation: FloatArray
    share: FloatArray
    target: FloatArray
    objective: float

    @property
    def reached(self) -> bool:
        """True when the mean squared gap is within `TOLERANCE`."""
        return self.objective <= TOLERANCE

    def rows(self) -> list[dict[str, Any]]:
        """One row per child, in the spec's order."""
        return [
            {
                "child": c,
                "parent": p,
                "weight_before": float(b),
                "weight_after": float(a),
                "correlation": float(r),
                "share": float(s),
                "target": float(t),
                "objective": self.objective,
            }
            for c, p, b, a, r, s, t in zip(
                self.children,
                self.parents,
                self.before,
                self.after,
                self.correlation,
                self.share,
                self.target,
                strict=True,
            )
        ]


def level_groups(prepared: Prepared, level: int) -> list[str]:
    """Groups (ROOT included) whose children are at `level`, top first."""
    tree = prepared.tree
    out = []
    for gid in [ROOT, *(g.id for g in tree.groups)]:
        children = tree.children_of(gid)
        if children and all(node_level(c) == level for c in children):
            out.append(gid)
    return out


def level_targets(target: str | Mapping[str, float], children: tuple[str, ...]) -> FloatArray:
    """`equal` or {child: share} as shares summing to 1 (ValueError naming what is wrong)."""
    k = len(children)
    if not isinstance(target, Mapping):
        if target != "equal":
            raise ValueError("the target is `equal` or child=share pairs")
        return np.full(k, 1.0 / k)
    unknown = sorted(c for c in target if c not in children)
    missing = [c for c in children if c not in target]
    if unknown or missing:
        raise ValueError(
            "the target must give a share for every child of the level: "
            + "; ".join(
                p
                for p in (
                    f"not children: {', '.join(unknown)}" if unknown else "",
                    f"missing: {', '.join(missing)}" if missing else "",
                )
                if p
            )
            + f" (the children are: {', '.join(children)})"
        )
    t = np.array([float(target[c]) for c in children])
    if np.any(t < 0) or t.sum() <= 0:
        raise ValueError("target shares must be >= 0, not all 0")
    out: FloatArray = t / t.sum()
    return out


def optimise_level(
    prepared: Prepared, level: int, target: str | Mapping[str, float] = "equal"
) -> LevelOptimum:
    """Weights of every child at `level` balancing their correlation shares with the index.

    Raises ValueError when no group has children at `level` or the target is malformed.
    """
    tree = prepared.tree
    groups = level_groups(prepared, level)
    if not groups:
        raise ValueError(f"no group has all its children at level {level}")
    children = tuple(c.id for g in groups for c in tree.children_of(g))
    parents = tuple(g for g in groups for _ in tree.children_of(g))
    sizes = [len(tree.children_of(g)) for g in groups]
    cuts = np.cumsum(sizes)[:-1]
    t = level_targets(target, children)
    k = len(children)
    inc = prepared.included
    _, used = aggregate_tree(prepared)
    before = np.concatenate([np.asarray(used[g], dtype=float) for g in groups])

    def series(v: FloatArray) -> tuple[FloatArray, FloatArray]:
        overrides = {}
        for g, part in zip(groups, np.split(v, cuts), strict=True):
            overrides[g] = part if part.sum() > 0 else np.ones_like(part)
        scores, _ = aggregate_tree(prepared, overrides)
        index = np.asarray(scores[ROOT], dtype=float)[inc]
        if isinstance(tree.children_of(groups[0])[0], Indicator):
            position = {ind.id: j for j, ind in enumerate(tree.indicators)}
            x = prepared.normalised[..., [position[c] for c in children]][inc]
        else:
            x = np.column_stack([np.asarray(scores[c], dtype=float)[inc] for c in children])
        return x, index

    def measured(v: FloatArray) -> tuple[FloatArray, FloatArray]:
        x, index = series(v)
        c = _corr(x, index)
        return c, c / c.sum()

    def gap(v: FloatArray) -> FloatArray:
        out: FloatArray = np.nan_to_num(measured(v)[1] - t, nan=1e3) / np.sqrt(k)
        return out

    v, f = least_gap(gap, (t, np.full(k, 1.0 / k), before))
    after = np.concatenate(
        [p / p.sum() if p.sum() > 0 else np.full(p.size, 1.0 / p.size) for p in np.split(v, cuts)]
    )
    corr, share = measured(v)
    return LevelOptimum(level, children, parents, before, after, corr, share, t, f)
