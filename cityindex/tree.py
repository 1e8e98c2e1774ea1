"""The spec's tree with every node's methods resolved, as the pipeline walks it.

A node uses its own `methods:` override, else the nearest ancestor's, else the spec's defaults,
else cityindex's defaults (DEFAULTS). Weight methods whose parameters name specific children
(AHP pairs) describe one group only and are not inherited. Resolved once per spec variant, so
aggregation over thousands of replicates never repeats the lookups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from cityindex.registry import CHECKS, Stage, load_methods
from cityindex.spec import Group, Indicator, MethodChoice, Spec

DEFAULTS: Mapping[Stage, MethodChoice] = {
    "denominate": MethodChoice("none"),
    "impute": MethodChoice("none"),
    "treat": MethodChoice("none"),
    "normalise": MethodChoice("min_max", {"range": [0.0, 1.0]}),
    "weights": MethodChoice("fixed"),
    "aggregate": MethodChoice("arithmetic_mean"),
    "missing": MethodChoice("none"),
}
ROOT = ""
"""Key of the index itself (the root node) in weight and score mappings."""


@dataclass(frozen=True)
class Tree:
    """The spec's tree with every node's effective methods resolved."""

    spec: Spec
    indicators: tuple[Indicator, ...]
    groups: tuple[Group, ...]
    indicator_methods: Mapping[str, Mapping[Stage, MethodChoice]]
    group_methods: Mapping[str, Mapping[Stage, MethodChoice]]

    @cached_property
    def _children(self) -> dict[str, tuple[Group | Indicator, ...]]:
        return {ROOT: self.spec.groups, **{g.id: g.children for g in self.groups}}

    def children_of(self, gid: str) -> tuple[Group | Indicator, ...]:
        """Children of a group id, or the top-level groups for ROOT."""
        return self._children[gid]

    @cached_property
    def _post_order(self) -> tuple[str, ...]:
        order: list[str] = []

        def visit(group: Group) -> None:
            for child in group.groups:
                visit(child)
            order.append(group.id)

        for group in self.spec.groups:
            visit(group)
        return (*order, ROOT)

    def bottom_up(self) -> list[str]:
        """Group ids in post-order (children before parents, siblings in definition order),
        ending with ROOT. Computed once per tree: aggregation walks it for every replicate chunk."""
        return list(self._post_order)


def resolve_tree(spec: Spec) -> Tree:
    """Resolve each node's methods: own override, else nearest ancestor's, else the defaults."""
    load_methods()
    base = {**DEFAULTS, **spec.methods}
    ind_methods: dict[str, dict[Stage, MethodChoice]] = {}
    grp_methods: dict[str, dict[Stage, MethodChoice]] = {ROOT: dict(base)}

    def visit(node: Group | Indicator, inherited: dict[Stage, MethodChoice]) -> None:
        mine = {**inherited, **node.methods}
        if "weights" not in node.methods and (("weights", inherited["weights"].name) in CHECKS):
            # weight methods whose parameters name specific children (AHP pairs) describe
            # one group only; below it, the default applies
            mine["weights"] = DEFAULTS["weights"]
        if isinstance(node, Group):
            grp_methods[node.id] = mine
            for child in node.children:
                visit(child, mine)
        else:
            ind_methods[node.id] = mine

    for g in spec.groups:
        visit(g, dict(base))
    return Tree(
        spec,
        tuple(spec.indicators()),
        tuple(spec.all_groups()),
        ind_methods,
        grp_methods,
    )
