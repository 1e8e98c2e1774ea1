"""Results as labelled pandas frames: integer ranks, rank order, the score frame."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cityindex.model.result import IndexResult


def int_ranks(values: Any) -> pd.api.extensions.ExtensionArray:
    """Ranks as nullable integers (``<NA>`` for an unranked unit)."""
    array = np.asarray(values, dtype=float)
    return pd.array([None if np.isnan(r) else int(r) for r in array], dtype="Int64")


def labelled_frame(columns: Mapping[str, Any], index: Sequence[Any], name: str) -> pd.DataFrame:
    """A frame from equal-length columns (no index alignment), indexed by `index` named `name`."""
    return pd.DataFrame(dict(columns), index=pd.Index(list(index), name=name))


def rank_order(result: IndexResult) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Positions of the units, ranked first (ties by name), then the unranked."""
    order: np.ndarray[Any, np.dtype[np.intp]] = np.lexsort(
        (np.arange(len(result.units)), np.nan_to_num(result.rank, nan=np.inf))
    )
    return order


def result_frame(result: IndexResult) -> pd.DataFrame:
    """An `IndexResult` as `score` returns it (see `score`)."""
    columns: dict[str, Any] = {"rank": int_ranks(result.rank), "score": result.score}
    for gid in result.group_scores.columns:
        columns[str(gid)] = result.group_scores[gid].to_numpy(dtype=float)
    if result.tiers is not None:
        columns["tier"] = list(result.tiers)
    columns["coverage"] = result.coverage
    frame = labelled_frame(columns, result.units, result.unit_column).iloc[rank_order(result)]
    frame.attrs = {"manifest": dict(result.manifest), "warnings": list(result.warnings)}
    return frame
