"""Checks on the ids of a spec's tree: each id unique, none a column the outputs add."""

from __future__ import annotations

from collections.abc import Sequence

from cityindex.model.output_columns import RESERVED_NAMES
from cityindex.model.spec import Group, Indicator
from cityindex.model.spec_values import Tracker


def check_reserved(groups: Sequence[Group], unit: str | None, t: Tracker) -> None:
    """No id may be the unit column or a column the outputs add (`output_columns`): the score
    table would have two columns of that name, and a reader keeps only one of them."""
    reserved = RESERVED_NAMES | ({unit} if unit else set())
    shown = ", ".join(sorted(RESERVED_NAMES))

    def visit(node: Group | Indicator) -> None:
        if node.id in reserved:
            what = "the unit column" if node.id == unit else "a column of the outputs"
            kind = "group" if isinstance(node, Group) else "indicator"
            t.add(
                "spec.id.reserved",
                f"{kind} id '{node.id}' is {what}; outputs would have two '{node.id}' columns",
                tuple(node.key_path.split(".")),
                at="key",
                expected=f"an id other than the unit column ('{unit}') and: {shown}",
                got=repr(node.id),
                hint=f"rename it, e.g. '{node.id}_{kind}'; the data column can keep its name "
                f"(`column: {node.id}`)"
                if kind == "indicator" and node.id != unit
                else f"rename it, e.g. '{node.id}_{kind}'",
            )
        if isinstance(node, Group):
            for child in node.children:
                visit(child)

    for g in groups:
        visit(g)


def check_unique_ids(groups: list[Group], t: Tracker) -> None:
    seen: dict[str, str] = {}

    def visit(node: Group | Indicator) -> None:
        if node.id in seen:
            t.add(
                "spec.id.duplicate",
                f"id '{node.id}' is used twice (also at {seen[node.id]})",
                tuple(node.key_path.split(".")),
                at="key",
                hint="group and indicator ids must be unique across the tree",
            )
        seen[node.id] = node.key_path
        if isinstance(node, Group):
            for child in node.children:
                visit(child)

    for g in groups:
        visit(g)
