"""A spec's tree as an uncertainty plan addresses it: each group's children and their weights as
written, COINr's levels (indicators 1, counting up), depths (the index 0, counting down), and the
groups whose weights a method derives from the data."""

from __future__ import annotations

import numpy as np

from cityindex.analysis.uncertainty import FloatArray
from cityindex.model.spec import Group, Indicator, Spec
from cityindex.model.tree import ROOT, resolve_tree


def children(spec: Spec, gid: str) -> tuple[Group | Indicator, ...]:
    """Children of group `gid` (ROOT: the top-level groups)."""
    if gid == ROOT:
        return spec.groups
    return next(g for g in spec.all_groups() if g.id == gid).children


def group_levels(spec: Spec) -> dict[str, int]:
    """COINr level of every group and of ROOT (indicators are level 1)."""
    levels: dict[str, int] = {}

    def level(node: Group | Indicator) -> int:
        if isinstance(node, Indicator):
            return 1
        out = 1 + max(level(c) for c in node.children)
        levels[node.id] = out
        return out

    levels[ROOT] = 1 + max(level(g) for g in spec.groups)
    return levels


def raw_weights(spec: Spec) -> dict[str, FloatArray]:
    """Every group's children's weights as written in the spec, ROOT included."""
    ids = [ROOT, *(g.id for g in spec.all_groups())]
    return {g: np.array([c.weight for c in children(spec, g)], dtype=float) for g in ids}


def group_depths(spec: Spec) -> dict[str, int]:
    """Depth of every group counting down from the index: ROOT 0, a top-level group 1, …"""
    depths = {ROOT: 0}
    for top in spec.groups:
        stack: list[tuple[Group, int]] = [(top, 1)]
        while stack:
            node, depth = stack.pop()
            depths[node.id] = depth
            stack += [(child, depth + 1) for child in node.groups]
    return depths


def derived_groups(spec: Spec) -> set[str]:
    """Groups (ROOT included) whose weights a method computes rather than the spec's `fixed`."""
    methods = resolve_tree(spec).group_methods
    return {g for g, m in methods.items() if m["weights"].name != "fixed"}
