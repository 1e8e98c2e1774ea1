"""The weights calibration may move, and the box they move in: `FreeWeights`, `Floor`, `Bounds`.

A free group is one whose children's weights are fixed in the spec (`weights: fixed`), with two
or more children, at a chosen level. Its children's relative weights are the unknowns, each in
``[lower, upper]`` and summing to 1 within the group:

- `Floor`: ``lower`` = ``group`` for a group's weight within its parent, ``indicator`` for an
  indicator's within its group (``--min-weight``, ``--min-indicator-weight``);
- `Bounds`: every dimension's (top-level group's) weight in ``dimension = (low, high)``
  (default 0.10 to 0.35), and no indicator above ``indicator_share`` (default 0.5) of its group
  (for an indicator directly under a dimension, its share of the dimension).

A box that cannot hold (k children x lower > 1, or k x upper < 1) is refused before solving
(`floor_problems`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from cityindex.engine.panel import Prepared
from cityindex.methods.registry import FloatArray
from cityindex.model.spec import Group, Indicator
from cityindex.model.tree import ROOT

DEFAULT_DIMENSION_BAND = (0.10, 0.35)
DEFAULT_INDICATOR_SHARE = 0.5


@dataclass(frozen=True)
class Floor:
    """Smallest weight a free group (``group``) or indicator (``indicator``) may get."""

    group: float = 0.0
    indicator: float = 0.0

    def of(self, node: Group | Indicator) -> float:
        """The floor for a child like `node`."""
        return self.indicator if isinstance(node, Indicator) else self.group


@dataclass(frozen=True)
class Bounds:
    """Bounds a published index's weights are expected to respect.

    `dimension`: (low, high) for every dimension's weight in the index (the top-level groups,
    relative to each other). `indicator_share`: the most any indicator may weigh within its
    group. Either may be None (no such bound).
    """

    dimension: tuple[float, float] | None = DEFAULT_DIMENSION_BAND
    indicator_share: float | None = DEFAULT_INDICATOR_SHARE

    def of(self, gid: str, node: Group | Indicator) -> tuple[float, float]:
        """(low, high) for child `node` of group `gid` (ROOT: a dimension)."""
        low, high = 0.0, 1.0
        if gid == ROOT and self.dimension is not None:
            low, high = self.dimension
        if isinstance(node, Indicator) and self.indicator_share is not None:
            high = min(high, self.indicator_share)
        return low, high


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
    upper: FloatArray

    @classmethod
    def of(
        cls,
        prepared: Prepared,
        levels: Collection[int] | None,
        floor: Floor | None = None,
        bounds: Bounds | None = None,
    ) -> FreeWeights:
        """Free groups of `prepared`'s tree and their spec weights, made relative."""
        tree = prepared.tree
        floor = floor or Floor()
        box = bounds or Bounds(dimension=None, indicator_share=None)
        groups = free_groups(prepared, levels)
        children = {gid: tuple(c.id for c in tree.children_of(gid)) for gid in groups}
        start: dict[str, FloatArray] = {}
        lower: list[FloatArray] = []
        upper: list[FloatArray] = []
        for gid in groups:
            nodes = tree.children_of(gid)
            w = np.array([c.weight for c in nodes], dtype=float)
            start[gid] = w / w.sum()
            band = np.array([box.of(gid, c) for c in nodes], dtype=float)
            lower.append(np.maximum(np.full(len(nodes), floor.of(nodes[0])), band[:, 0]))
            upper.append(band[:, 1])
        ends = np.cumsum([0, *(len(children[g]) for g in groups)])
        low = np.concatenate(lower) if lower else np.zeros(0)
        high = np.concatenate(upper) if upper else np.zeros(0)
        return cls(groups, children, start, ends, low, high)

    @property
    def box(self) -> list[tuple[float, float]]:
        """Bounds per free weight: (its floor, its ceiling; 1 unless `Bounds` say less)."""
        return [(float(lo), float(hi)) for lo, hi in zip(self.lower, self.upper, strict=True)]

    def clip(self, v: FloatArray) -> FloatArray:
        """`v` moved into the box (a start for solvers that need one inside it)."""
        out: FloatArray = np.clip(v, self.lower, self.upper)
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


def floor_problems(
    prepared: Prepared,
    levels: Collection[int] | None,
    floor: Floor,
    bounds: Bounds | None = None,
) -> list[str]:
    """Groups whose k children cannot all keep their bounds (k x floor > 1, or k x ceiling <
    1), as readable text."""
    free = FreeWeights.of(prepared, levels, floor, bounds)
    out = []
    for k, gid in enumerate(free.groups):
        low = free.lower[free.bounds[k] : free.bounds[k + 1]]
        high = free.upper[free.bounds[k] : free.bounds[k + 1]]
        name = gid or "the index"
        if float(low.sum()) > 1.0 + 1e-12:
            out.append(f"{name}: {low.size} children x {low[0]:g} = {low.sum():g} > 1")
        elif float(high.sum()) < 1.0 - 1e-12:
            out.append(f"{name}: {high.size} children with ceilings summing to {high.sum():g} < 1")
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
