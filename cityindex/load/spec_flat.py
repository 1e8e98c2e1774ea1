"""A flat spec: top-level ``indicators:`` with no groups, read as one implicit group.

SPSSAU and most spreadsheets weigh a list of indicators with no dimensions above them; an
analyst's first spec often looks like that. Before the schema check, `flatten` moves such a
top-level ``indicators:`` mapping under ``groups: {index: {indicators: ...}}`` (the group id
is `IMPLICIT_GROUP`), moving the recorded YAML positions with it, so an error inside an
indicator still names its file, line and column. Issues are shown with the paths as written
(``indicators.gdp.weight``, not ``groups.index.indicators.gdp.weight``), and ``--set
indicators.gdp.weight=2`` addresses the same indicator. A spec with both ``groups:`` (or
``dimensions:``) and a top-level ``indicators:`` is refused: which group the indicators
belong to is the analyst's decision, not a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TypeVar

from cityindex.errors import Issue
from cityindex.model.spec_values import Path_, Tracker

IMPLICIT_GROUP = "index"
"""The id of the one group a flat spec's indicators are read into."""

V = TypeVar("V")

_GROUPED = ("groups", "dimensions")
_INNER = ("groups", IMPLICIT_GROUP, "indicators")


def is_flat(plain: dict[str, Any]) -> bool:
    """Whether the spec lists its indicators at the top level (before `flatten`)."""
    return "indicators" in plain


def flatten(plain: dict[str, Any], t: Tracker) -> bool:
    """Move a top-level ``indicators:`` under one implicit group, in place; True if it did.

    Refuses (an issue located at the ``indicators`` key) a spec that also has groups, or whose
    indicators are not a mapping keyed by id; the key is removed either way, so the schema
    reports nothing twice."""
    if "indicators" not in plain:
        return False
    indicators = plain.pop("indicators")
    grouped = [key for key in _GROUPED if key in plain]
    if grouped:
        t.add(
            "spec.indicators.with-groups",
            f"the spec has both `{grouped[0]}:` and a top-level `indicators:`",
            ("indicators",),
            at="key",
            expected="either `groups:` (indicators inside groups) or `indicators:` alone "
            "(a flat spec: one implicit group)",
            hint=f"move these indicators into one of the groups "
            f"(`{grouped[0]}: {{name: {{indicators: {{...}}}}}}`), or remove "
            f"`{grouped[0]}:` for a flat spec",
        )
        return False
    if not isinstance(indicators, dict):
        t.add(
            "spec.type.mapping",
            "top-level `indicators:` must be a mapping keyed by indicator id",
            ("indicators",),
            expected="indicators: {gdp: {column: gdp, direction: higher_is_better}, ...}",
            got="a list" if isinstance(indicators, list) else type(indicators).__name__,
            hint="write each indicator as `id: {column: ..., direction: ...}`, "
            "not as a `- ` list item",
        )
        return False
    plain["groups"] = {IMPLICIT_GROUP: {"indicators": indicators}}
    _move(t.key_locs)
    _move(t.value_locs)
    _move(t.spans)
    where = t.key_locs.get(_INNER)
    if where is not None:
        t.key_locs[("groups",)] = where
        t.key_locs[("groups", IMPLICIT_GROUP)] = where
    return True


def _move(table: dict[Path_, V]) -> None:
    """Re-key the positions recorded under ``indicators`` to the implicit group's path."""
    flat = [path for path in table if path[:1] == ("indicators",)]
    moved = {(*_INNER, *path[1:]): table.pop(path) for path in flat}
    table.update(moved)


def flat_overrides(overrides: Sequence[str]) -> list[str]:
    """``--set indicators.X…`` on a flat spec, as the path of the implicit group's indicator."""
    return [
        f"{_INNER[0]}.{_INNER[1]}.{arg}" if arg.startswith("indicators.") else arg
        for arg in overrides
    ]


def as_written(issues: Sequence[Issue]) -> list[Issue]:
    """Issues with the key paths of a flat spec as its author wrote them."""
    inner = ".".join(_INNER)
    group = ".".join(_INNER[:2])
    out = []
    refused = any(i.key_path == "indicators" and i.code == "spec.type.mapping" for i in issues)
    for item in issues:
        path = item.key_path
        if refused and path == "groups":
            continue  # the spec has no groups because its indicators were refused
        if path is not None and (path == inner or path.startswith(inner + ".")):
            path = path.removeprefix(group + ".")
        elif path in (group, "groups"):
            path = "indicators"
        where = item.location
        if where is not None and where.file.startswith(f"--set {inner}."):  # as she typed it
            where = replace(where, file="--set " + where.file.removeprefix(f"--set {group}."))
        out.append(replace(item, key_path=path, location=where))
    return out


__all__ = ["IMPLICIT_GROUP", "as_written", "flat_overrides", "flatten", "is_flat"]
