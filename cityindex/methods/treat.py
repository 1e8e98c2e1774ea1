"""Data treatment before normalisation: denominate and treat outliers.

Kernels take ``(..., units, indicators)`` arrays (NaN = missing) and return the same shape. Every
column (and every leading replicate slice) is treated on its own; statistics ignore missing
values, as COINr does with ``na.rm = TRUE``.

The outlier rule follows COINr 1.1 (``Treat()`` with its default specification, R/treat.R of
bluefoxr/COINr): an indicator *fails* when ``|skew| >= skew`` **and** ``kurtosis >= kurtosis``
(skew and kurtosis as ``e1071`` type 2, i.e. Excel's SKEW and KURT); a failing indicator is
winsorised one extreme value at a time (the side given by the sign of the skew; ties move
together) until it passes or ``max_points`` values have been moved; if it still fails, COINr's
``log_CT`` transform ``log(x - min + 0.01 (max - min))`` is applied to the *original* values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cityindex.methods.registry import DomainError, FloatArray, KernelContext, Param, register

BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


@register("treat", "none", doc="x' = x (no outlier treatment)")
def treat_none(x: FloatArray, **_: Any) -> FloatArray:
    """Leave values as they are."""
    return np.asarray(x, dtype=float).copy()


@register("denominate", "none", doc="x' = x (not divided by any column)")
def denominate_none(x: FloatArray, **_: Any) -> FloatArray:
    """Leave values as they are."""
    return np.asarray(x, dtype=float).copy()


# --- denominate ------------------------------------------------------------------------------


def _data_column(ctx: KernelContext, name: str) -> FloatArray:
    """A numeric data column (units,) from ``ctx.extra['table']``; empty cells become NaN."""
    table = ctx.extra.get("table")
    if table is None or name not in table.columns:
        raise DomainError(
            f"column '{name}' is not in the data",
            columns=[],
            hint="name a column of the data file",
        )
    return np.asarray(pd.to_numeric(table[name], errors="coerce"), dtype=float)


@register(
    "denominate",
    "by_column",
    params=(
        Param(
            "by",
            "any",
            None,
            "the denominator column: one name, or a mapping indicator id -> column name "
            "(indicators not in the mapping are left as they are); default: each "
            "indicator's `denominator:` (none: left as it is)",
        ),
        Param("scale", "number", 1.0, "multiply the ratio by this factor (e.g. 1000)"),
    ),
    doc="x' = scale · x / d, d the unit's value in the denominator column (COINr's Denominate)",
)
def denominate_by_column(
    x: FloatArray,
    *,
    ctx: KernelContext,
    by: str | Mapping[str, str | None] | None = None,
    scale: float = 1.0,
    **_: Any,
) -> FloatArray:
    """Divide each indicator by a data column (e.g. GDP, population, area).

    Needs ``ctx.extra['table']`` (the data frame, rows aligned with the units axis) and, when
    ``by`` is a mapping, ``ctx.column_ids`` (the indicator ids of the columns seen); without
    ``by``, ``ctx.extra['indicators']`` (each indicator's ``extra['denominator']``).
    A zero or missing denominator gives a missing value (COINr gives Inf/NaN).
    """
    v = np.array(x, dtype=float, copy=True)
    names: list[Any]
    if by is None:
        inds = ctx.extra.get("indicators", [])
        names = [getattr(i, "extra", {}).get("denominator") for i in inds]
        names += [None] * (v.shape[-1] - len(names))
    elif isinstance(by, str):
        names = [by] * v.shape[-1]
    else:
        names = [by.get(c) for c in ctx.column_ids]
    for j, name in enumerate(names):
        if name is None or (isinstance(name, float) and np.isnan(name)):
            continue
        d = _data_column(ctx, str(name))
        with np.errstate(invalid="ignore", divide="ignore"):
            v[..., j] = np.where(d != 0, scale * v[..., j] / np.where(d != 0, d, 1.0), np.nan)
    return v


# --- outlier statistics ----------------------------------------------------------------------


def skewness(x: FloatArray) -> FloatArray:
    """Sample skewness over axis -2, ignoring NaN (e1071 type 2 = Excel SKEW, as COINr's skew).

    ``g = sqrt(n) Σd³ / (Σd²)^{3/2} · sqrt(n (n-1)) / (n-2)``, ``d = x - mean``.
    """
    v = np.asarray(x, dtype=float)
    n = np.sum(~np.isnan(v), axis=-2)
    d = v - np.nanmean(v, axis=-2, keepdims=True)
    d = np.where(np.isnan(d), 0.0, d)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.sqrt(n) * np.sum(d**3, axis=-2) / np.sum(d**2, axis=-2) ** 1.5
        out: FloatArray = g * np.sqrt(n * (n - 1)) / (n - 2)
    return out


def kurtosis(x: FloatArray) -> FloatArray:
    """Sample excess kurtosis over axis -2, ignoring NaN (e1071 type 2 = Excel KURT).

    ``r = n Σd⁴ / (Σd²)²``, ``k = ((n+1)(r-3) + 6)(n-1) / ((n-2)(n-3))``.
    """
    v = np.asarray(x, dtype=float)
    n = np.sum(~np.isnan(v), axis=-2)
    d = v - np.nanmean(v, axis=-2, keepdims=True)
    d = np.where(np.isnan(d), 0.0, d)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * np.sum(d**4, axis=-2) / np.sum(d**2, axis=-2) ** 2
        out: FloatArray = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return out


def passes(x: FloatArray, *, skew: float = 2.0, kurt: float = 3.5) -> BoolArray:
    """COINr's check_SkewKurt: ``|skew| < skew`` or ``kurtosis < kurt`` (per column)."""
    with np.errstate(invalid="ignore"):
        ok: BoolArray = (np.abs(skewness(x)) < skew) | (kurtosis(x) < kurt)
    return ok


def _log_ct(x: FloatArray) -> FloatArray:
    """COINr's log_CT: ``log(x - min + 0.01 (max - min))`` per column."""
    lo = np.nanmin(x, axis=-2, keepdims=True)
    hi = np.nanmax(x, axis=-2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.log(x - lo + 0.01 * (hi - lo))
    return out


@dataclass(frozen=True)
class TreatmentLog:
    """What the outlier rule did to each column (arrays shaped like the column axis).

    Mirrors COINr's ``Dets_Table``: the check before treatment, the number of winsorised
    points and the check after winsorising (NaN / False where not reached), whether the log
    transform was applied and the check after it.
    """

    pass0: BoolArray
    skew0: FloatArray
    kurt0: FloatArray
    winsorised: FloatArray
    pass1: BoolArray
    skew1: FloatArray
    kurt1: FloatArray
    logged: BoolArray
    pass2: BoolArray
    skew2: FloatArray
    kurt2: FloatArray


def _winsorise_core(
    x: FloatArray, *, max_points: int, skew: float, kurt: float, then_log: bool
) -> tuple[FloatArray, TreatmentLog]:
    v = np.array(x, dtype=float, copy=True)
    # work on (units, columns) with every leading axis folded into the columns
    lead = v.shape[:-2]
    flat = np.moveaxis(v, -2, 0).reshape(v.shape[-2], -1)
    original = flat.copy()
    sk0, ku0 = skewness(flat), kurtosis(flat)
    with np.errstate(invalid="ignore"):
        # too few values to judge (n < 4) counts as passing: there is nothing to treat
        ok0 = (np.abs(sk0) < skew) | (ku0 < kurt) | np.isnan(sk0) | np.isnan(ku0)
    active = ~ok0 & (max_points > 0)
    n_hi = np.zeros(flat.shape[1], dtype=int)
    n_lo = np.zeros(flat.shape[1], dtype=int)
    ever = ~ok0
    with np.errstate(invalid="ignore"):
        while np.any(active):
            cols = np.flatnonzero(active)
            sub = flat[:, cols]
            high = skewness(sub) >= 0
            mx = np.nanmax(sub, axis=0)
            mn = np.nanmin(sub, axis=0)
            at_max = sub == mx
            at_min = sub == mn
            pick = np.where(high, at_max, at_min)
            # value of the next point in from the extreme (ties at the extreme move together)
            rest = np.where(pick, np.nan, sub)
            all_tied = np.all(np.isnan(rest), axis=0)
            safe = np.where(all_tied[None, :], 0.0, rest)
            nxt = np.where(high, np.nanmax(safe, axis=0), np.nanmin(safe, axis=0))
            sub = np.where(pick & ~all_tied[None, :], nxt[None, :], sub)
            flat[:, cols] = sub
            count = np.sum(pick, axis=0)
            n_hi[cols] = np.where(high, count, n_hi[cols])
            n_lo[cols] = np.where(high, n_lo[cols], count)
            still = ~passes(sub, skew=skew, kurt=kurt)
            below = (n_hi[cols] + n_lo[cols]) < max_points
            active[cols] = still & below & ~all_tied
    nwin = np.where(ever, (n_hi + n_lo).astype(float), np.nan)
    sk1 = np.where(ever, skewness(flat), np.nan)
    ku1 = np.where(ever, kurtosis(flat), np.nan)
    with np.errstate(invalid="ignore"):
        ok1 = ever & ((np.abs(sk1) < skew) | (ku1 < kurt))
    logged = ever & ~ok1 & then_log
    sk2 = np.full(flat.shape[1], np.nan)
    ku2 = np.full(flat.shape[1], np.nan)
    ok2 = np.zeros(flat.shape[1], dtype=bool)
    if np.any(logged):
        cols = np.flatnonzero(logged)
        lg = _log_ct(original[:, cols])
        flat[:, cols] = lg
        sk2[cols], ku2[cols] = skewness(lg), kurtosis(lg)
        with np.errstate(invalid="ignore"):
            ok2[cols] = (np.abs(sk2[cols]) < skew) | (ku2[cols] < kurt)

    def back(a: Any) -> Any:
        return np.asarray(a).reshape((*lead, v.shape[-1]))

    out = np.moveaxis(flat.reshape((v.shape[-2], *lead, v.shape[-1])), 0, -2)
    log = TreatmentLog(
        back(ok0),
        back(sk0),
        back(ku0),
        back(nwin),
        back(ok1),
        back(sk1),
        back(ku1),
        back(logged),
        back(ok2),
        back(sk2),
        back(ku2),
    )
    return np.where(np.isnan(v), np.nan, out), log


WINSORISE_PARAMS = (
    Param(
        "max_points",
        "integer",
        5,
        "most values moved per indicator (COINr's winmax; 0-1,000,000)",
        0,
        maximum=1_000_000,
    ),
    Param("skew", "number", 2.0, "absolute skewness threshold", 0.0),
    Param("kurtosis", "number", 3.5, "kurtosis (excess, Excel KURT) threshold"),
    Param("then_log", "bool", True, "log-transform an indicator winsorising could not fix"),
)


@register(
    "treat",
    "winsorise",
    params=WINSORISE_PARAMS,
    doc="while |skew| >= skew and kurtosis >= kurtosis and fewer than max_points moved: set "
    "the most extreme value(s) on the skewed side to the next value in; if still failing, "
    "x' = log(x - min + 0.01 (max - min)) on the original x (COINr's default Treat)",
)
def winsorise(
    x: FloatArray,
    *,
    max_points: int = 5,
    skew: float = 2.0,
    kurtosis: float = 3.5,
    then_log: bool = True,
    **_: Any,
) -> FloatArray:
    """COINr's default outlier treatment (see the module docstring); needs no ``ctx``."""
    out, _log = _winsorise_core(
        x, max_points=int(max_points), skew=skew, kurt=kurtosis, then_log=bool(then_log)
    )
    return out


def winsorise_log(
    x: FloatArray,
    *,
    max_points: int = 5,
    skew: float = 2.0,
    kurtosis: float = 3.5,
    then_log: bool = True,
) -> TreatmentLog:
    """The per-indicator treatment log of `winsorise` (COINr's ``Dets_Table``)."""
    return _winsorise_core(
        x, max_points=int(max_points), skew=skew, kurt=kurtosis, then_log=bool(then_log)
    )[1]


@register(
    "treat",
    "log",
    doc="x' = log(x - min + 0.01 (max - min)) (COINr's log_CT; defined for any data)",
)
def treat_log(x: FloatArray, **_: Any) -> FloatArray:
    """COINr's log_CT transform applied to every column (without any skew check)."""
    return _log_ct(np.asarray(x, dtype=float))


@register(
    "treat",
    "log1p",
    doc="x' = ln(1 + x): defined at 0, for counts; refuses x <= -1",
)
def treat_log1p(x: FloatArray, **_: Any) -> FloatArray:
    """Natural log of one plus the value, for counts with zeros (ln(1 + 0) = 0).

    Unlike `log` it shifts nothing by the data, so a unit's value does not depend on the others.

    >>> treat_log1p(np.array([[0.0], [np.e - 1]])).round(12).tolist()
    [[0.0], [1.0]]
    """
    v = np.asarray(x, dtype=float)
    bad = np.any(v <= -1, axis=tuple(range(v.ndim - 1)))
    if np.any(bad):
        raise DomainError(
            "log1p needs values > -1 (ln(1 + x) is undefined at x <= -1)",
            columns=[int(i) for i in np.flatnonzero(bad)],
            hint="log1p is for counts and other values >= 0; use `log` for data of any sign",
        )
    out: FloatArray = np.log1p(v)
    return out


@register(
    "treat",
    "box_cox",
    params=(
        Param("lambda", "number", 0.5, "the Box-Cox exponent λ (0 gives the log)"),
        Param("shift", "bool", True, "first shift x to x - min + 1 so every value is >= 1"),
    ),
    doc="x' = (y^λ - 1) / λ, or log y when λ = 0, y = x - min + 1 (COINr's boxcox, makepos)",
)
def box_cox(x: FloatArray, *, shift: bool = True, **params: Any) -> FloatArray:
    """Box-Cox transform with a fixed λ (no optimisation), as COINr's ``boxcox``."""
    lam = float(params.get("lambda", 0.5))
    y = np.asarray(x, dtype=float)
    if shift:
        y = y - np.nanmin(y, axis=-2, keepdims=True) + 1.0
    bad = np.any(y <= 0, axis=tuple(range(y.ndim - 1)))
    if np.any(bad):
        raise DomainError(
            "box_cox needs values > 0",
            columns=[int(i) for i in np.flatnonzero(bad)],
            hint="set shift: true",
        )
    out: FloatArray = np.log(y) if lam == 0 else (y**lam - 1.0) / lam
    return out
