"""The spec's tree with every node's methods resolved, as the pipeline walks it.

A node uses its own `methods:` override, else the nearest ancestor's, else the spec's defaults,
else cityindex's defaults (DEFAULTS). Weight methods whose parameters name specific children
(AHP pairs) describe one group only and are not inherited. Resolved once per spec variant, so
aggregation over thousands of replicates never repeats the lookups.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from cityindex.methods.registry import CHECKS, Stage, get_method, load_methods
from cityindex.model.spec import Group, Indicator, MethodChoice, Spec

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


def uses_spec_weights(choice: MethodChoice) -> bool:
    """Whether a weight method reads the weights written in the spec: `fixed` does, and
    `combine` when one of its parts does; data-driven (entropy, CRITIC, CV, SD, PCA), AHP and
    `equal` weights do not."""
    if choice.name == "fixed":
        return True
    if choice.name != "combine":
        return False
    parts = choice.params.get("of") or ()
    return any(
        isinstance(part, Mapping)
        and uses_spec_weights(
            MethodChoice(str(part.get("method")), {k: v for k, v in part.items() if k != "method"})
        )
        for part in parts
    )


def ignored_weight_warnings(tree: Tree) -> list[str]:
    """Warnings for weights written in the spec (or set by ``--set``) that have no effect,
    because the weights of their group come from a method that does not use them.

    Equal weights written everywhere (``weight: 1`` on every child, as specs with entropy or
    TOPSIS often do) state no preference and are not reported; a weight that differs from
    its siblings', or any weight given by ``--set``, is.
    """
    spec = tree.spec
    out: list[str] = []
    for gid in [ROOT, *(g.id for g in tree.groups)]:
        choice = tree.group_methods[gid]["weights"]
        aggregate = tree.group_methods[gid]["aggregate"]
        unweighted = not get_method("aggregate", aggregate.name).uses_weights
        if uses_spec_weights(choice) and not unweighted:
            continue
        children = tree.children_of(gid)
        written = {
            f"{c.key_path}.weight": c.weight
            for c in children
            if f"{c.key_path}.weight" in spec.locations
        }
        by_set = [p for p in written if (spec.locations[p].file or "").startswith("--set")]
        if not by_set and len({c.weight for c in children}) < 2:
            continue
        named = by_set or [f"{p} ({w:g})" for p, w in written.items()]
        if not named:
            continue
        whose = "the top-level groups" if gid == ROOT else f"the children of '{gid}'"
        if unweighted:
            out.append(
                f"{', '.join(named)}: no effect — `{aggregate.name}` "
                f"({aggregate.key_path or 'methods.aggregate'}) aggregates {whose} without "
                "weights (an arithmetic or geometric mean would use them)"
            )
            continue
        out.append(
            f"{', '.join(named)}: no effect — the weights of {whose} come from "
            f"`{choice.name}` ({choice.key_path or 'methods.weights'}), which does not use "
            "the weights written in the spec (`fixed` would, or `combine` with a `fixed` part)"
        )
    return out


@dataclass(frozen=True)
class Refusal:
    """A declared property a method cannot give effect to: refused, located at `path`."""

    code: str
    message: str
    path: tuple[str, ...]
    expected: str
    hint: str


DIRECTION_HINT = (
    "normalise this indicator (e.g. methods: {normalise: {method: min_max}} on it), or give "
    "it as a benefit in the data (1/x or max − x) and write direction: higher_is_better"
)


def indicator_paths(
    groups: tuple[Group, ...], at: tuple[str, ...] = ()
) -> Iterator[tuple[Indicator, tuple[str, ...]]]:
    """Every indicator with its key path as a tuple (ids may contain dots)."""
    for group in groups:
        here = (*at, "groups", group.id)
        yield from indicator_paths(group.groups, here)
        for ind in group.indicators:
            yield ind, (*here, "indicators", ind.id)


def unhonoured_directions(tree: Tree) -> list[Refusal]:
    """Lower-is-better indicators given raw (`normalise: none`) to an aggregation that adds
    their values as they are (a mean, the median, BoD, Copeland): the direction would have no
    effect, so the spec is refused. Methods registered with ``directions=True`` (TOPSIS,
    VIKOR, grey relational, MPI/AMPI with standardise) honour it and pass."""
    parent = {c.id: g.id for g in tree.groups for c in g.children}
    out: list[Refusal] = []
    for ind, path in indicator_paths(tree.spec.groups):
        if ind.sign > 0 or tree.indicator_methods[ind.id]["normalise"].name != "none":
            continue
        gid = parent.get(ind.id, ROOT)
        aggregate = tree.group_methods[gid]["aggregate"]
        if get_method("aggregate", aggregate.name).takes_directions(aggregate.params):
            continue
        where = aggregate.key_path or "methods.aggregate"
        out.append(
            Refusal(
                "spec.direction.ignored",
                f"indicator '{ind.id}' is lower_is_better but is not normalised "
                f"(normalise: none), and `{aggregate.name}` ({where}) takes its raw values as "
                "they are: a higher value would count as better",
                (*path, "direction"),
                "a normalisation that applies the direction (min_max, z_score, "
                "relative_to_max, …), or an aggregation that takes criterion types: "
                + ", ".join(direction_aware_aggregations()),
                DIRECTION_HINT,
            )
        )
    return out


def direction_aware_aggregations() -> list[str]:
    """The aggregations that honour raw values' directions (with their default parameters)."""
    from cityindex.methods.registry import REGISTRY

    return [name for name, m in REGISTRY["aggregate"].items() if m.takes_directions({})]
