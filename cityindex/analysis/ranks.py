"""Ranks of many runs at once: ranks per run, rank percentiles, the mean rank shift.

Split from `cityindex.analysis.uncertainty` (one responsibility a module); vectorised over runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Weights = Mapping[str, FloatArray]
Evaluate = Callable[[tuple[int, ...], Weights], npt.ArrayLike]
"""``evaluate(choices, weights) -> scores``: one spec variant (an option index per method
alternative) with weight overrides ``{group: (r, children)}``; returns ``(r, units)`` scores,
or ``(units,)`` when `weights` is empty (broadcast to every run)."""

BLOCK_BYTES = 32 * 2**20
"""Working memory of one block of the rank and summary passes (a few arrays this size)."""


def rank_scores(scores: npt.ArrayLike) -> FloatArray:
    """Ranks along the last axis: 1 = highest score, ties share the lowest rank, NaN → NaN.

    One sort per run, vectorised over runs; the tie pass (a running maximum of the first
    position of each run of equal values) is skipped when no two scores are equal.

    >>> rank_scores([[0.5, 0.9, 0.5, 0.1]]).tolist()
    [[2.0, 1.0, 2.0, 4.0]]
    """
    s = np.asarray(scores, dtype=float)
    units = s.shape[-1]
    flat = s.reshape(-1, units)
    ranks = np.empty(flat.shape)
    for rows in _blocks(flat.shape[0], 8 * 8 * units):  # runs are ranked independently
        ranks[rows] = _rank_rows(flat[rows])
    return ranks.reshape(s.shape)


def _rank_rows(flat: FloatArray) -> FloatArray:
    """`rank_scores` of a ``(runs, units)`` block."""
    units = flat.shape[-1]
    neg = -flat
    order = np.argsort(neg, axis=-1)
    ordered = np.take_along_axis(neg, order, axis=-1)
    position = np.arange(units, dtype=float)
    same = ordered[:, 1:] == ordered[:, :-1]
    if np.any(same):
        new_value = np.ones(flat.shape, dtype=bool)
        new_value[:, 1:] = ~same
        first = np.maximum.accumulate(np.where(new_value, position, 0.0), axis=-1)
    else:
        first = np.broadcast_to(position, flat.shape)
    ranks = np.empty(flat.shape)
    target = order + (np.arange(flat.shape[0]) * units)[:, None]
    ranks.reshape(-1)[target.reshape(-1)] = first.reshape(-1) + 1.0
    ranks[np.isnan(flat)] = np.nan
    return ranks


def rank_percentiles(ranks: FloatArray, levels: npt.ArrayLike) -> FloatArray:
    """Percentiles (in %) of ranks ``(runs, units)`` per unit, NaN ranks left out.

    Same values as ``np.nanpercentile(ranks, levels, axis=0)`` (linear interpolation, R's type
    7): each unit's ranks are sorted (NaN last) and the two order statistics around the level
    interpolated. Units are taken in blocks, so no array larger than a block is made (an
    earlier version counted ranks in a ``(units, units)`` table: 80 GB for 100,000 units).

    >>> rank_percentiles(np.array([[1.0, 2.0], [3.0, np.nan], [2.0, 1.0]]), [50.0]).tolist()
    [[2.0, 1.5]]
    """
    runs, units = ranks.shape
    levels_ = np.atleast_1d(np.asarray(levels, dtype=float)) / 100.0
    out = np.full((levels_.size, units), np.nan)
    for cols in _blocks(units if runs else 0, 2 * 8 * runs):
        ordered = np.sort(ranks[:, cols], axis=0)  # NaN sort last
        n = np.sum(~np.isnan(ordered), axis=0)
        at = np.arange(ordered.shape[1])
        for i, p in enumerate(levels_):
            h = (n - 1) * p
            lo = np.floor(h)
            k = lo.astype(np.int64)
            below = ordered[np.clip(k, 0, runs - 1), at]
            above = ordered[np.clip(np.minimum(k + 1, n - 1), 0, runs - 1), at]
            with np.errstate(invalid="ignore"):
                out[i, cols] = np.where(n > 0, below + (h - lo) * (above - below), np.nan)
    return out


def mean_rank_shift(ranks: FloatArray, nominal_ranks: FloatArray) -> FloatArray:
    """Mean absolute rank shift from nominal per run (COINr's sensitivity output)."""
    out: FloatArray = np.nanmean(np.abs(ranks - nominal_ranks), axis=-1)
    return out


def _blocks(total: int, bytes_each: int) -> Iterator[slice]:
    """Consecutive slices of range(total), each needing at most ~`BLOCK_BYTES` (at least 1)."""
    step = max(1, BLOCK_BYTES // max(1, bytes_each))
    for start in range(0, total, step):
        yield slice(start, min(total, start + step))
