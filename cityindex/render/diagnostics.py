"""Rows of the `obstacles` and `coupling` commands, from the library's frames.

The library returns obstacle degrees as a units × indicators frame and coupling as one row
per scored unit (both in rank order); the command lists each unit's largest obstacles, and
coupling sorted by coordination, highest first (ties in the data's order).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cityindex.model.result import IndexResult
from cityindex.model.spec import Indicator, Spec


def group_of(spec: Spec) -> dict[str, str]:
    """The group each indicator sits in."""
    return {
        child.id: group.id
        for group in spec.all_groups()
        for child in group.children
        if isinstance(child, Indicator)
    }


def whole_rank(value: float) -> int | None:
    """A rank as a whole number (None for an unranked unit)."""
    return None if np.isnan(value) else int(value)


def obstacle_rows(
    degrees: pd.DataFrame,
    result: IndexResult,
    spec: Spec,
    *,
    unit: str | None = None,
    count: int = 3,
) -> list[dict[str, Any]]:
    """Each unit's `count` largest obstacles (every indicator for `unit` alone), in the
    frame's unit order: unit, rank, indicator, group, normalised value, obstacle degree."""
    z = result.stages["normalised"]
    ids = [str(c) for c in degrees.columns]
    groups = group_of(spec)
    position = {u: i for i, u in enumerate(result.units)}
    rows: list[dict[str, Any]] = []
    for name, row in degrees.iterrows():
        if unit is not None and name != unit:
            continue
        i = position[str(name)]
        values = row.to_numpy(dtype=float)
        ranked = np.argsort(-values, kind="stable")
        for j in ranked if unit is not None else ranked[:count]:
            rows.append(
                {
                    result.unit_column: name,
                    "rank": whole_rank(result.rank[i]),
                    "indicator": ids[j],
                    "group": groups.get(ids[j], ""),
                    "normalised": float(z.iloc[i, j]),
                    "obstacle_degree": float(values[j]),
                }
            )
    return rows


def coupling_rows(
    frame: pd.DataFrame, result: IndexResult, groups: list[str]
) -> list[dict[str, Any]]:
    """One row per unit, highest coordination first (ties in the data's order)."""
    position = {u: i for i, u in enumerate(result.units)}
    at = np.array([position[str(u)] for u in frame.index], dtype=int)
    coordination = frame["coordination"].to_numpy(dtype=float)
    order = np.lexsort((at, -coordination))
    return [
        {
            result.unit_column: frame.index[k],
            "rank": whole_rank(result.rank[at[k]]),
            **{g: float(frame[g].iloc[k]) for g in groups},
            "coupling": float(frame["coupling"].iloc[k]),
            "development": float(frame["development"].iloc[k]),
            "coordination": float(coordination[k]),
            "band": frame["band"].iloc[k],
        }
        for k in order
    ]
