"""Importance against weights: does each child explain as much of its parent as its weight says?

For each child of each group — and for each indicator against the index — over the scored
units: Pearson's correlation r with the parent, the first-order sensitivity index
S = V(E(y | x)) / V(y) (`cityindex.methods.importance`: local linear regression, Gaussian kernel,
Silverman's bandwidth), S's share among its siblings, the nominal weight (the spec's weight
made relative within the group), the weight actually used (the group's weight method), the
effective weight (its share of the index), and ``ratio`` = S share / weight used: 1 when the
child's influence matches its weight, below 1 when it says less than its weight (Becker,
Saisana, Paruolo & Vandecasteele 2017, Ecological Indicators 80; Paruolo, Saisana & Saltelli
2013, JRSS-A 176(3)). For the indicator-against-index rows the share is taken among all
indicators and compared with the effective weight.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cityindex.analysis.audit import pearson
from cityindex.methods.importance import first_order
from cityindex.methods.registry import FloatArray
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.model.result import IndexResult
from cityindex.model.spec import Indicator, Spec
from cityindex.model.tree import ROOT, resolve_tree

COLUMNS = list(OUTPUT_COLUMNS["importance"])
INDEX = "(index)"
"""The parent named in rows about the index itself (the top-level groups and every indicator)."""


def importance(
    spec: Spec, result: IndexResult, *, level: int | None = None
) -> list[dict[str, Any]]:
    """One row per child of each group (top first), then one per indicator against the index.

    `level` keeps only groups at that depth (1 = the index's own children); the indicator
    rows are kept when `level` is None.
    """
    tree = resolve_tree(spec)
    inc = result.included
    z = result.stages["normalised"]
    exact = result.score_exact if result.score_exact is not None else result.score
    index = np.asarray(exact, dtype=float)[inc]

    def series(node_id: str) -> FloatArray:
        frame = z if node_id in z.columns else result.group_scores
        out: FloatArray = np.asarray(frame[node_id].to_numpy(dtype=float)[inc], dtype=float)
        return out

    effective = _effective(tree, result)
    rows: list[dict[str, Any]] = []
    depth = {ROOT: 0}
    for gid in [ROOT, *(g.id for g in tree.groups)]:
        children = tree.children_of(gid)
        for c in children:
            depth[c.id] = depth[gid] + 1
        if level is not None and depth[gid] + 1 != level:
            continue
        ids = [c.id for c in children]
        y = index if gid == ROOT else series(gid)
        x = np.column_stack([series(i) for i in ids])
        nominal = np.array([c.weight for c in children], dtype=float)
        used = result.weights[gid].to_numpy(dtype=float)
        rows += _rows(
            INDEX if gid == ROOT else gid, ids, x, y, nominal, used, effective, depth[gid] + 1
        )
    if level is None:
        ids = [i.id for i in tree.indicators]
        x = np.column_stack([series(i) for i in ids])
        eff = np.array([effective[i] for i in ids])
        rows += _rows(INDEX, ids, x, index, eff, eff, effective, 0)
    return rows


def _effective(tree: Any, result: IndexResult) -> dict[str, float]:
    """Each node's share of the index: the product of the weights used down the tree."""
    out: dict[str, float] = {}

    def visit(gid: str, share: float) -> None:
        for c, w in zip(tree.children_of(gid), result.weights[gid].to_numpy(), strict=True):
            out[c.id] = share * float(w)
            if not isinstance(c, Indicator):
                visit(c.id, share * float(w))

    visit(ROOT, 1.0)
    return out


def _rows(
    parent: str,
    ids: list[str],
    x: FloatArray,
    y: FloatArray,
    nominal: FloatArray,
    used: FloatArray,
    effective: dict[str, float],
    level: int,
) -> list[dict[str, Any]]:
    s = first_order(x, y)
    total = float(np.nansum(s))
    nominal = nominal / nominal.sum() if nominal.sum() > 0 else nominal
    out = []
    for j, cid in enumerate(ids):
        share = float(s[j]) / total if total > 0 else float("nan")
        out.append(
            {
                "parent": parent,
                "child": cid,
                "level": level,
                "nominal_weight": float(nominal[j]),
                "weight": float(used[j]),
                "effective_weight": effective[cid],
                "correlation": pearson(x[:, j], y),
                "importance": float(s[j]),
                "importance_share": share,
                "ratio": share / float(used[j]) if used[j] > 0 else float("nan"),
            }
        )
    return out
