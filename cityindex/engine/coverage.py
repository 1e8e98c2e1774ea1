"""Rules that stop missing data from paying: `absent:` lists and per-group `min_coverage`.

Two fills, each recorded cell by cell so `explain` can say why a value is there:

- `fill_absent_cells` runs on the raw data, before every other stage: a unit missing from an
  indicator's source list gets the value its `absent:` rule gives (0 for a complete list, just
  below the last entry for a top-N list; `cityindex.methods.impute.fill_absent`). Such a cell
  counts as present for coverage and for the `missing` rule: the list is complete about it.
- `count_missing_as_worst` runs on the normalised data. In a group with ``min_coverage: c``, a
  unit whose indicators present under the group carry a share of its weight below c (shares
  by the spec's weights, multiplied down the tree and made relative within the group) has each
  of its missing indicators there set to the worst normalised value, ``min(0, lowest normalised
  value among the scored units)``, instead of being dropped and the rest re-weighted. With an
  arithmetic mean of values >= 0 the group score is then Σ_present w_j z_j / Σ_all w_j: what its
  present data earn at full weight, never more.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cityindex.methods.impute import fill_absent
from cityindex.methods.registry import FloatArray
from cityindex.model.spec import Group, Indicator
from cityindex.model.tree import Tree

BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
IntArray = np.ndarray[Any, np.dtype[np.intp]]


def fill_absent_cells(
    raw: FloatArray, tree: Tree, blocks: tuple[IntArray, ...]
) -> tuple[FloatArray, BoolArray]:
    """`raw` with absent units filled by each indicator's `absent:` rule, and which cells were.

    `blocks` are the rows of each year of a panel (one block otherwise): a top-N list is one
    year's list. Without any `absent:` rule `raw` itself is returned, untouched.
    """
    rules = [ind.absent.rule if ind.absent is not None else None for ind in tree.indicators]
    if not any(rules):
        return raw, np.zeros(raw.shape, dtype=bool)
    step = np.array([ind.absent.step if ind.absent else 1.0 for ind in tree.indicators])
    direction = np.array([ind.sign for ind in tree.indicators], dtype=float)
    out = np.array(raw, dtype=float, copy=True)
    for rows in blocks:
        out[rows] = fill_absent(raw[rows], rule=rules, step=step, direction=direction)
    return out, np.isnan(raw) & ~np.isnan(out)


def count_missing_as_worst(
    z: FloatArray, tree: Tree, included: BoolArray
) -> tuple[FloatArray, BoolArray]:
    """`z` (normalised, ``(units, indicators)``) with the `min_coverage` rule of every group
    applied, and which cells it set. Without any such group `z` itself is returned."""
    groups = [g for g in tree.groups if g.min_coverage is not None]
    if not groups:
        return z, np.zeros(z.shape, dtype=bool)
    position = {ind.id: j for j, ind in enumerate(tree.indicators)}
    out = np.array(z, dtype=float, copy=True)
    scored = out[included]
    with np.errstate(invalid="ignore"):
        lowest = np.min(np.where(np.isnan(scored), np.inf, scored), axis=0)
    worst = np.minimum(np.where(np.isfinite(lowest), lowest, 0.0), 0.0)
    for group in groups:
        shares = indicator_shares(group)
        cols = np.array([position[i] for i in shares], dtype=np.intp)
        share = np.array(list(shares.values()))
        present = ~np.isnan(z[:, cols])  # the data's own gaps, not gaps another group filled
        coverage = present @ share
        short = included & (coverage < float(group.min_coverage or 0.0) - 1e-12)
        cells = short[:, None] & np.isnan(out[:, cols])
        out[:, cols] = np.where(cells, worst[cols], out[:, cols])
    return out, np.isnan(z) & ~np.isnan(out)


def indicator_shares(group: Group) -> dict[str, float]:
    """Each indicator under `group` with its share of the group's weight (summing to 1): the
    spec's weights, relative within each group, multiplied down the tree."""
    out: dict[str, float] = {}

    def visit(node: Group, share: float) -> None:
        total = sum(c.weight for c in node.children)
        for child in node.children:
            part = share * (child.weight / total if total > 0 else 0.0)
            if isinstance(child, Indicator):
                out[child.id] = part
            else:
                visit(child, part)

    visit(group, 1.0)
    return out
