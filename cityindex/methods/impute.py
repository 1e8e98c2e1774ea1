"""Imputation kernels: fill missing values before treatment and normalisation.

Kernels take ``(..., units, indicators)`` arrays (NaN = missing) and return the same shape.
Which values were imputed is recorded by the pipeline (a value NaN before and set after).
A value that cannot be imputed (its whole group, or its unit's whole series, is missing)
stays missing, as in COINr.

Semantics follow COINr 1.1 (R/impute.R of bluefoxr/COINr): ``i_mean``, ``i_median``,
``i_mean_grp``, ``i_median_grp`` column by column, and ``impute_panel`` with
``imp_type = "latest"`` or ``"linear"`` for panels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cityindex.methods.registry import (
    REQUIRED,
    DomainError,
    FloatArray,
    KernelContext,
    Param,
    register,
)

PANEL_METHODS = frozenset({"latest_available", "linear"})
"""Methods that fill a unit's gap from its other years: they see every row of a panel."""


@register("impute", "none", doc="missing values stay missing (the `missing` rule decides)")
def impute_none(x: FloatArray, **_: Any) -> FloatArray:
    """Leave missing values missing."""
    return np.asarray(x, dtype=float).copy()


def _fill(x: FloatArray, value: FloatArray) -> FloatArray:
    out: FloatArray = np.where(np.isnan(x), value, x)
    return out


@register(
    "impute",
    "constant",
    params=(Param("value", "number", REQUIRED, "the value every gap gets, e.g. 0 for 暂无"),),
    doc="a missing x_ij = value (an analyst's rule, e.g. 暂无 = 0)",
)
def impute_constant(x: FloatArray, *, value: float, **_: Any) -> FloatArray:
    """Replace every gap with one given value.

    >>> impute_constant(np.array([[1.0, np.nan], [np.nan, 4.0]]), value=0).tolist()
    [[1.0, 0.0], [0.0, 4.0]]
    """
    return _fill(np.asarray(x, dtype=float), np.asarray(float(value)))


def fill_absent(
    x: FloatArray, *, rule: Sequence[str | None], step: FloatArray, direction: FloatArray
) -> FloatArray:
    """Fill the cells of units absent from each indicator's source list (`absent:`).

    ``x`` is ``(..., units, indicators)``; `rule`, `step` and `direction` (+1/-1) hold one
    entry per indicator. A missing x_ij becomes 0 under ``zero``. Under ``below`` it becomes
    the worst listed value one `step` further on: ``max_i x_ij + step`` when lower is better
    (a list of ranks 1..N: N + 1), ``max(min_i x_ij - step, 0)`` when higher is better (the
    floor applies when every listed value is >= 0, so counts stay counts; with a negative
    listed value it is ``min_i x_ij - step``). A column whose rule is None is left as it is;
    a ``below`` column with no listed value stays missing.

    >>> x = np.array([[1.0, 9.0], [2.0, 5.0], [np.nan, np.nan]])
    >>> one = np.array([1.0, 1.0])
    >>> fill_absent(x, rule=["below"] * 2, step=one, direction=np.array([-1.0, 1.0])).tolist()
    [[1.0, 9.0], [2.0, 5.0], [3.0, 4.0]]
    """
    v = np.asarray(x, dtype=float)
    codes = np.array([{"zero": 1, "below": 2}.get(str(r), 0) for r in rule])
    listed = ~np.isnan(v)
    with np.errstate(invalid="ignore"):
        worst_high = np.min(np.where(listed, v, np.inf), axis=-2, keepdims=True)
        worst_low = np.max(np.where(listed, v, -np.inf), axis=-2, keepdims=True)
    floor = np.where(worst_high >= 0, 0.0, -np.inf)  # values >= 0 stay >= 0 (counts, scores)
    below = np.where(direction > 0, np.maximum(worst_high - step, floor), worst_low + step)
    below = np.where(np.isfinite(below), below, np.nan)  # nothing listed: nothing to be below
    fill = np.where(codes == 1, 0.0, np.where(codes == 2, below, np.nan))
    return _fill(v, fill)


@register("impute", "mean", doc="a missing x_ij = mean of indicator j over the units present")
def impute_mean(x: FloatArray, **_: Any) -> FloatArray:
    """Replace a gap with its indicator's mean (COINr's i_mean)."""
    v = np.asarray(x, dtype=float)
    n = np.sum(~np.isnan(v), axis=-2, keepdims=True)
    total = np.sum(np.where(np.isnan(v), 0.0, v), axis=-2, keepdims=True)
    return _fill(v, np.where(n > 0, total / np.maximum(n, 1), np.nan))


def _nanmedian(v: FloatArray, axis: int) -> FloatArray:
    """Median ignoring NaN; NaN (without a warning) where every value is missing."""
    present = np.any(~np.isnan(v), axis=axis, keepdims=True)
    safe = np.where(present, v, 0.0)
    out: FloatArray = np.where(present, np.nanmedian(safe, axis=axis, keepdims=True), np.nan)
    return out


@register("impute", "median", doc="a missing x_ij = median of indicator j over the units present")
def impute_median(x: FloatArray, **_: Any) -> FloatArray:
    """Replace a gap with its indicator's median (COINr's i_median)."""
    v = np.asarray(x, dtype=float)
    return _fill(v, _nanmedian(v, axis=-2))


def _group_labels(ctx: KernelContext, by: str, n_units: int) -> pd.Series:
    table = ctx.extra.get("table")
    if table is None or by not in table.columns:
        raise DomainError(
            f"grouping column '{by}' is not in the data",
            columns=[],
            hint="name a column of the data file in `by`",
        )
    labels = pd.Series(np.asarray(table[by], dtype=object)).replace("", np.nan)
    if len(labels) != n_units:
        raise DomainError(f"grouping column '{by}' does not match the units", columns=[])
    return labels


def _by_group(x: FloatArray, ctx: KernelContext, by: str, stat: str) -> FloatArray:
    v = np.asarray(x, dtype=float)
    labels = _group_labels(ctx, by, v.shape[-2])
    codes, uniques = pd.factorize(labels)  # NaN labels get -1: never imputed (skip_f_na)
    out = v.copy()
    for g in range(len(uniques)):
        rows = codes == g
        block = v[..., rows, :]
        if stat == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                n = np.sum(~np.isnan(block), axis=-2, keepdims=True)
                s = np.sum(np.where(np.isnan(block), 0.0, block), axis=-2, keepdims=True)
                value = np.where(n > 0, s / np.maximum(n, 1), np.nan)
        else:
            value = _nanmedian(block, axis=-2)
        out[..., rows, :] = _fill(block, value)
    return out


BY = Param("by", "text", doc="the data column whose values define the groups (e.g. a region)")


@register(
    "impute",
    "group_mean",
    params=(BY,),
    doc="a missing x_ij = mean of indicator j over the units of i's group (column `by`)",
)
def impute_group_mean(x: FloatArray, *, ctx: KernelContext, by: str, **_: Any) -> FloatArray:
    """Replace a gap with the mean of its unit's group (COINr's i_mean_grp).

    Needs ``ctx.extra['table']``: the data frame (rows aligned with the units axis) holding the
    grouping column ``by``. Units with no group label are left as they are.
    """
    return _by_group(x, ctx, by, "mean")


@register(
    "impute",
    "group_median",
    params=(BY,),
    doc="a missing x_ij = median of indicator j over the units of i's group (column `by`)",
)
def impute_group_median(x: FloatArray, *, ctx: KernelContext, by: str, **_: Any) -> FloatArray:
    """Replace a gap with the median of its unit's group (COINr's i_median_grp).

    Needs ``ctx.extra['table']`` with the grouping column ``by`` (see `impute_group_mean`).
    """
    return _by_group(x, ctx, by, "median")


# --- panels ----------------------------------------------------------------------------------


def _panel_cube(
    x: FloatArray, ctx: KernelContext
) -> tuple[FloatArray, np.ndarray[Any, Any], np.ndarray[Any, Any], FloatArray]:
    """Rows (unit, time) → a cube ``(..., units, times, indicators)`` (NaN where no row)."""
    time = ctx.extra.get("time")
    if time is None or len(ctx.unit_ids) != x.shape[-2]:
        raise DomainError(
            "panel imputation needs each row's unit and time",
            columns=[],
            hint="score a panel (a data file with a time column)",
        )
    unit_codes, _units = pd.factorize(pd.Series(list(ctx.unit_ids)))
    times = np.asarray(time, dtype=float)
    uniq_t = np.unique(times)
    t_codes = np.searchsorted(uniq_t, times)
    cube = np.full((*x.shape[:-2], len(_units), len(uniq_t), x.shape[-1]), np.nan)
    cube[..., unit_codes, t_codes, :] = x
    return cube, unit_codes, t_codes, uniq_t


def _last_index(present: np.ndarray[Any, Any], axis: int) -> np.ndarray[Any, Any]:
    """Index of the latest present point at or before each position (-1 if none)."""
    shape = [1] * present.ndim
    shape[axis] = present.shape[axis]
    idx = np.where(present, np.arange(present.shape[axis]).reshape(shape), -1)
    out: np.ndarray[Any, Any] = np.maximum.accumulate(idx, axis=axis)
    return out


@register(
    "impute",
    "latest_available",
    params=(
        Param(
            "max_time",
            "integer",
            None,
            "look back at most this many time points (1-10,000)",
            1,
            maximum=10_000,
        ),
    ),
    doc="a missing x_i,t = x_i,s for the latest earlier time s with a value (s >= t - max_time "
    "time points); COINr's impute_panel 'latest'",
)
def impute_latest_available(
    x: FloatArray, *, ctx: KernelContext, max_time: int | None = None, **_: Any
) -> FloatArray:
    """Carry each unit's last observed value forward in time (never backwards).

    Needs ``ctx.unit_ids`` (one per row, repeated across times) and ``ctx.extra['time']``
    (each row's time, e.g. year): the array holds every row of the panel.
    """
    v = np.asarray(x, dtype=float)
    cube, uc, tc, _t = _panel_cube(v, ctx)
    axis = cube.ndim - 2
    last = _last_index(~np.isnan(cube), axis)
    filled = np.take_along_axis(cube, np.maximum(last, 0), axis=axis)
    steps = np.arange(cube.shape[axis]).reshape((-1, 1)) - last
    ok = (last >= 0) & (True if max_time is None else steps <= int(max_time))
    cube = np.where(np.isnan(cube) & ok, filled, cube)
    return _fill(v, cube[..., uc, tc, :])


@register(
    "impute",
    "linear",
    doc="a missing x_i,t = linear interpolation in time between the unit's nearest observed "
    "values; before the first / after the last, the nearest value (COINr's impute_panel "
    "'linear', approx rule 2)",
)
def impute_linear(x: FloatArray, *, ctx: KernelContext, **_: Any) -> FloatArray:
    """Interpolate each unit's series linearly in time (ctx as for `impute_latest_available`)."""
    v = np.asarray(x, dtype=float)
    cube, uc, tc, times = _panel_cube(v, ctx)
    axis = cube.ndim - 2
    present = ~np.isnan(cube)
    prev = _last_index(present, axis)
    rev = np.flip(present, axis=axis)
    nxt = cube.shape[axis] - 1 - np.flip(_last_index(rev, axis), axis=axis)
    has_prev, has_next = prev >= 0, nxt < cube.shape[axis]
    p = np.clip(prev, 0, cube.shape[axis] - 1)
    q = np.clip(nxt, 0, cube.shape[axis] - 1)
    vp = np.take_along_axis(cube, p, axis=axis)
    vq = np.take_along_axis(cube, q, axis=axis)
    tp, tq = times[p], times[q]
    tt = times.reshape((-1, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        inner = vp + (vq - vp) * (tt - tp) / np.where(tq > tp, tq - tp, 1.0)
    value = np.where(has_prev & has_next, inner, np.where(has_prev, vp, vq))
    cube = np.where(present, cube, value)
    return _fill(v, cube[..., uc, tc, :])
