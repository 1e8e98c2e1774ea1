"""Typed model of an index definition: what the YAML contract (DESIGN.md) means once parsed.

The models are frozen so the pipeline can never alter a spec; variants (``--set``, calibration,
uncertainty replicates) are made as new specs. Every node keeps its key path, and the `Spec`
keeps the file location of every key, so any later check can still point at a line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cityindex.errors import Location
from cityindex.methods.registry import Stage

Direction = Literal["higher_is_better", "lower_is_better"]
DIRECTIONS: tuple[Direction, ...] = ("higher_is_better", "lower_is_better")
DIRECTION_SYNONYMS: Mapping[str, Direction] = {
    "positive": "higher_is_better",
    "正向": "higher_is_better",
    "negative": "lower_is_better",
    "负向": "lower_is_better",
}
"""Other words for a direction, as Chinese specs and MCDA texts write it (one canonical form)."""


@dataclass(frozen=True)
class MethodChoice:
    """A method named in a `methods:` block, with its parameters (defaults filled in)."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    key_path: str = ""

    def describe(self) -> dict[str, Any]:
        """Plain form for manifests: {'method': name, **params}."""
        return {"method": self.name, **dict(self.params)}


Methods = Mapping[Stage, MethodChoice]

AbsentRule = Literal["zero", "below"]
ABSENT_RULES: tuple[AbsentRule, ...] = ("zero", "below")


@dataclass(frozen=True)
class Absent:
    """What absence from an indicator's source list means (`absent:` on an indicator).

    ``zero``: the list is complete, so a unit not on it has 0. ``below``: the list is a top-N
    list, so a unit not on it sits just below its last entry: the worst listed value + `step`
    for a lower-is-better indicator (ranks: N + 1), the worst listed value - `step`, floored
    at 0, for a higher-is-better one. Applied to the raw data, before every other stage.
    """

    rule: AbsentRule
    step: float = 1.0

    def describe(self) -> dict[str, Any]:
        """Plain form for manifests: {'rule': ..., 'step': ...} (step only for `below`)."""
        return {"rule": self.rule, "step": self.step} if self.rule == "below" else {"rule": "zero"}


@dataclass(frozen=True)
class Indicator:
    """A leaf of the tree: one data column, its direction and weight within its group."""

    id: str
    column: str
    direction: Direction
    weight: float
    key_path: str
    title: str | None = None
    unit: str | None = None
    source: str | None = None
    titles: Mapping[str, str] = field(default_factory=dict)
    """Per-language titles (``title_zh``, ``title_en``), shown before `title` in that language."""
    methods: Methods = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    absent: Absent | None = None
    """What a unit missing from the source list means (None: an ordinary gap)."""

    @property
    def sign(self) -> int:
        """+1 for higher-is-better, -1 for lower-is-better."""
        return 1 if self.direction == "higher_is_better" else -1


@dataclass(frozen=True)
class Group:
    """An inner node (dimension, pillar, sub-index): holds either groups or indicators."""

    id: str
    weight: float
    key_path: str
    title: str | None = None
    groups: tuple[Group, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    methods: Methods = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)
    """Per-language titles (``title_zh``, ``title_en``), shown before `title` in that language."""
    min_coverage: float | None = None
    """Least share (by the spec's weights) of the group's indicators a unit must have for its
    gaps to be dropped and re-weighted; below it, its missing indicators in the group count as
    the worst normalised value (`cityindex.engine.coverage`). None: no such rule."""

    @property
    def children(self) -> tuple[Group | Indicator, ...]:
        """Child groups or indicators, in definition order."""
        return self.groups if self.groups else self.indicators


@dataclass(frozen=True)
class IndexMeta:
    """The `index:` block: identity, data file, unit column and top-level scaling."""

    id: str
    title: str
    unit: str
    scale: MethodChoice
    data: Path | None = None
    description: str | None = None
    time: str = "year"
    """The data's time column: a file with it is a panel, one row per unit and time."""
    panel_normalise: Literal["per_year", "pooled"] = "per_year"
    """`per_year`: a panel's selected year is scored alone. `pooled`: every year is screened
    and treated on its own, then normalised together (statistics such as min and max taken over
    all years' rows, COINr's ``global = TRUE``), then the selected year is aggregated."""
    language: Literal["en", "zh"] | None = None
    """The language of tables, charts and reports (`--lang` overrides; default English)."""
    na_values: tuple[str, ...] = ()
    """Cell texts that mean "missing" in the data (e.g. 暂无, —, -), besides an empty cell."""
    coordinates: Path | None = None
    """A CSV of unit, longitude, latitude (and source) for the report's map."""
    titles: Mapping[str, str] = field(default_factory=dict)
    """``title_zh`` / ``title_en``: the index's title per language (`i18n.title`)."""
    unit_label_zh: str | None = None
    """The data column holding each unit's Chinese name (e.g. ``city_zh``): tables and
    Markdown under zh show it for the unit id, and commands taking a unit accept it."""


@dataclass(frozen=True)
class Spec:
    """A whole index definition.

    `groups` are the top-level groups; the index score aggregates them with the spec-level
    `methods`. `raw` is the plain mapping after overrides (used to derive variants) and
    `locations` maps dotted key paths to where each key was written.
    """

    index: IndexMeta
    methods: Methods
    groups: tuple[Group, ...]
    raw: Mapping[str, Any]
    path: Path | None = None
    text: str | None = None
    locations: Mapping[str, Location] = field(default_factory=dict)
    spans: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    calibration: Mapping[str, Any] | None = None
    sections: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()

    def walk(self) -> Iterator[Group | Indicator]:
        """Every node, depth first, in definition order (a group before its children)."""

        def visit(node: Group | Indicator) -> Iterator[Group | Indicator]:
            yield node
            if isinstance(node, Group):
                for child in node.children:
                    yield from visit(child)

        for group in self.groups:
            yield from visit(group)

    def indicators(self) -> list[Indicator]:
        """All indicators, depth first."""
        return [n for n in self.walk() if isinstance(n, Indicator)]

    def all_groups(self) -> list[Group]:
        """All groups, depth first (parents before children)."""
        return [n for n in self.walk() if isinstance(n, Group)]

    def location(self, key_path: str) -> Location | None:
        """Where `key_path` was written, if known."""
        return self.locations.get(key_path)
