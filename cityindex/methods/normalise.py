"""Normalisation kernels: bring indicators with different units onto one comparable scale.

Each kernel works column-wise over the units axis (-2) of an array shaped
``(..., units, indicators)``, ignores missing values (NaN) when computing column statistics and
leaves them missing, and applies the indicator's direction so that the best unit always comes
out highest.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cityindex.methods.registry import Domain, DomainError, FloatArray, Param, register


def _oriented(x: FloatArray, direction: FloatArray) -> FloatArray:
    """Flip lower-is-better columns (multiply by -1), so higher is always better."""
    out: FloatArray = np.asarray(x, dtype=float) * np.asarray(direction, dtype=float)
    return out


@register(
    "normalise",
    "none",
    doc="x' = x (no transformation; direction is not applied)",
)
def none(x: FloatArray, *, direction: FloatArray, **_: Any) -> FloatArray:
    """Leave values as they are (for data already on a common scale)."""
    return np.asarray(x, dtype=float).copy()


@register(
    "normalise",
    "min_max",
    params=(Param("range", "range", (0.0, 1.0), "target interval [low, high]"),),
    doc="x' = low + (x - min) / (max - min) · (high - low); lower-is-better uses -x; "
    "a constant indicator maps to the middle of the range",
)
def min_max(
    x: FloatArray, *, direction: FloatArray, range: tuple[float, float] = (0.0, 1.0), **_: Any
) -> FloatArray:
    """Min-max onto ``range``; the best unit gets ``high``, the worst ``low``.

    A constant column carries no information to rank by, so every unit gets the middle of the
    range (it then shifts all units equally and changes no rank); the pipeline warns about it.
    """
    low, high = float(range[0]), float(range[1])
    v = _oriented(x, direction)  # a new array: transformed in place below
    lo = np.nanmin(v, axis=-2, keepdims=True)
    hi = np.nanmax(v, axis=-2, keepdims=True)
    width = hi - lo
    varies = width > 0
    gaps = None if varies.all() else np.isnan(v)
    # In place on the oriented array (no other array of the data's size): the same operations
    # in the same order as low + (v - lo) / width · (high - low), so the same bits.
    out: FloatArray = np.subtract(v, lo, out=v)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(out, np.where(varies, width, 1.0), out=out)
    np.multiply(out, high - low, out=out)
    np.add(out, low, out=out)
    if gaps is not None:  # a constant column: the middle of the range, gaps kept
        middle = low + 0.5 * (high - low)
        out = np.where(varies, out, np.where(gaps, np.nan, middle))
    return out


@register(
    "normalise",
    "z_score",
    params=(
        Param("mean", "number", 0.0, "mean of the result"),
        Param("sd", "number", 1.0, "standard deviation of the result", minimum=0.0),
    ),
    doc="x' = mean + sd · (x - x̄) / s, s the sample sd (n - 1); lower-is-better uses -x; "
    "a constant indicator maps to `mean`",
)
def z_score(
    x: FloatArray, *, direction: FloatArray, mean: float = 0.0, sd: float = 1.0, **_: Any
) -> FloatArray:
    """Standardise each column to the given mean and standard deviation (sample sd, as R)."""
    v = _oriented(x, direction)
    n = np.sum(~np.isnan(v), axis=-2, keepdims=True)
    mu = np.nanmean(v, axis=-2, keepdims=True) if v.size else v
    dev = np.where(np.isnan(v), 0.0, v - mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sqrt(np.sum(dev**2, axis=-2, keepdims=True) / np.maximum(n - 1, 1))
        z = np.where(s > 0, (v - mu) / np.where(s > 0, s, 1.0), 0.0)
    out: FloatArray = mean + sd * z
    return np.where(np.isnan(v), np.nan, out)


RATIO = Domain(
    "nonnegative",
    lower_is_better="positive",
    why="a share of the best value means nothing for a negative count, and min(x) / x has no "
    "value at 0",
    hint="correct the data (a count cannot be negative), or use min_max or z_score, which take "
    "values of either sign",
)
"""The domain of every ratio normalisation: x >= 0, and x > 0 for a lower-is-better column."""


@register(
    "normalise",
    "relative_to_max",
    doc="x' = x / max(x); lower-is-better: x' = min(x) / x (best unit = 1); needs x >= 0 "
    "(x > 0 for lower-is-better) and max(x) > 0",
    domain=RATIO,
)
def relative_to_max(x: FloatArray, *, direction: FloatArray, **_: Any) -> FloatArray:
    """Each value as a fraction of the best value (the best unit gets exactly 1).

    For a lower-is-better indicator the best value is the minimum and the ratio is inverted,
    min(x) / x, which keeps the result in (0, 1] instead of producing negative fractions.
    A negative value is refused by the registered domain (`RATIO`): divided by a positive
    maximum it would rank below every zero, a meaning no data gave it.
    """
    v = np.asarray(x, dtype=float)
    d = np.broadcast_to(np.asarray(direction, dtype=float), v.shape[-1:])
    hi = np.nanmax(v, axis=-2, keepdims=True)
    lo = np.nanmin(v, axis=-2, keepdims=True)
    higher = d > 0
    bad = higher & np.any(hi <= 0, axis=tuple(range(hi.ndim - 1)))
    if np.any(bad):
        raise DomainError(
            "relative_to_max needs a positive best value (every value of this indicator is 0)",
            columns=[int(i) for i in np.flatnonzero(bad)],
            hint="use min_max instead, or check the data",
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(higher, v / hi, lo / v)
    return out


# --- COINr's further normalisations (R/normalise.R of bluefoxr/COINr 1.1) -------------------


def _rank_min(v: FloatArray) -> FloatArray:
    """Rank over axis -2 with ties sharing the lowest rank (R's ``rank(ties = "min")``).

    The lowest value gets rank 1; missing values stay missing. Sort-based, so it is
    O(n log n) per column and vectorised over every other axis.
    """
    order = np.argsort(v, axis=-2, kind="stable")  # NaN sorts last
    srt = np.take_along_axis(v, order, axis=-2)
    n = v.shape[-2]
    pos = np.arange(n).reshape((n, 1))
    new = np.ones(srt.shape, dtype=bool)
    new[..., 1:, :] = srt[..., 1:, :] != srt[..., :-1, :]
    start = np.maximum.accumulate(np.where(new, pos, 0), axis=-2)
    ranks = np.empty(v.shape, dtype=float)
    np.put_along_axis(ranks, order, start + 1.0, axis=-2)
    out: FloatArray = np.where(np.isnan(v), np.nan, ranks)
    return out


@register(
    "normalise",
    "rank",
    doc="x' = rank of x among the units, 1 = worst; ties share the lowest rank (R's "
    "ties = 'min'); lower-is-better ranks -x",
)
def rank(x: FloatArray, *, direction: FloatArray, **_: Any) -> FloatArray:
    """COINr's n_rank: ranks with the best unit highest (n for the best, if no ties)."""
    return _rank_min(_oriented(x, direction))


@register(
    "normalise",
    "borda",
    doc="x' = rank - 1 (Borda score: how many units are strictly worse); ties share the lowest",
)
def borda(x: FloatArray, *, direction: FloatArray, **_: Any) -> FloatArray:
    """COINr's n_borda: the number of units a unit beats outright."""
    return _rank_min(_oriented(x, direction)) - 1.0


@register(
    "normalise",
    "percentile_rank",
    doc="x' = (rank - 1) / (n - 1), n the units with a value; ties share the lowest rank",
)
def percentile_rank(x: FloatArray, *, direction: FloatArray, **_: Any) -> FloatArray:
    """COINr's n_prank: the share of other units a unit beats, in [0, 1]."""
    v = _oriented(x, direction)
    n = np.sum(~np.isnan(v), axis=-2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = (_rank_min(v) - 1.0) / (n - 1)
    return out


@register(
    "normalise",
    "distance_to_max",
    doc="x' = 1 - (max - x) / (max - min) on x oriented by direction (COINr's n_dist2max; "
    "equals min_max onto [0, 1])",
)
def distance_to_max(x: FloatArray, *, direction: FloatArray, **_: Any) -> FloatArray:
    """COINr's n_dist2max; a constant indicator maps to 0.5, as in `min_max`."""
    out: FloatArray = min_max(x, direction=direction, range=(0.0, 1.0))
    return out


def _per_column(value: Any, ctx: Any, n: int, name: str) -> FloatArray:
    """A parameter given as one number or as a mapping indicator id -> number, as (n,)."""
    if isinstance(value, dict):
        ids = list(getattr(ctx, "column_ids", ()) or ())
        missing = [i for i in ids if i not in value]
        if len(ids) != n or missing:
            raise DomainError(
                f"`{name}` has no value for: " + ", ".join(missing or ["(unknown columns)"]),
                columns=[ids.index(m) for m in missing],
                hint=f"give `{name}` for every indicator, or one number for all",
            )
        return np.array([float(value[i]) for i in ids])
    return np.full(n, float(value))


@register(
    "normalise",
    "distance_to_reference",
    params=(
        Param("unit", "text", doc="the id of the reference unit"),
        Param("cap", "bool", False, "cap scores above the reference's at 1"),
    ),
    doc="x' = 1 - (x_ref - x) / (x_ref - min), x oriented by direction, x_ref the reference "
    "unit's value (COINr's n_dist2ref; the reference scores 1)",
)
def distance_to_reference(
    x: FloatArray,
    *,
    direction: FloatArray,
    ctx: Any = None,
    unit: str,
    cap: bool = False,
    **_: Any,
) -> FloatArray:
    """Distance to a reference unit; needs ``ctx.unit_ids`` to find ``unit``."""
    ids = list(getattr(ctx, "unit_ids", ()) or ())
    if unit not in ids:
        raise DomainError(
            f"reference unit '{unit}' is not among the units",
            columns=[],
            hint="name a unit id of the data",
        )
    v = _oriented(x, direction)
    ref = v[..., ids.index(unit) : ids.index(unit) + 1, :]
    lo = np.nanmin(v, axis=-2, keepdims=True)
    bad = np.any((ref - lo == 0) | np.isnan(ref), axis=tuple(range(v.ndim - 1)))
    if np.any(bad):
        raise DomainError(
            f"reference unit '{unit}' has the worst (or no) value, so distances are undefined",
            columns=[int(i) for i in np.flatnonzero(bad)],
            hint="pick a reference unit that is not the worst on any indicator",
        )
    out: FloatArray = 1.0 - (ref - v) / (ref - lo)
    return np.minimum(out, 1.0) if cap else out


@register(
    "normalise",
    "distance_to_target",
    params=(
        Param(
            "targets",
            "any",
            None,
            "target per indicator (mapping id -> value) or one number; default: each "
            "indicator's `target:`",
        ),
        Param("cap", "bool", False, "cap scores beyond the target at 1"),
    ),
    doc="higher-is-better: x' = (x - min) / (t - min); lower-is-better: x' = (max - x) / "
    "(max - t); t the indicator's target (COINr's n_dist2targ with iMeta targets)",
)
def distance_to_target(
    x: FloatArray,
    *,
    direction: FloatArray,
    ctx: Any = None,
    targets: Any = None,
    cap: bool = False,
    **_: Any,
) -> FloatArray:
    """Progress from the worst unit to the target (1 = target reached).

    Targets come from ``targets`` or, when not given, from each indicator's ``target``
    (``ctx.extra['indicators'][k].extra['target']``).
    """
    v = np.asarray(x, dtype=float)
    n = v.shape[-1]
    if targets is None:
        inds = list((getattr(ctx, "extra", {}) or {}).get("indicators", []))
        vals = [getattr(i, "extra", {}).get("target") for i in inds]
        if len(vals) != n or any(t is None for t in vals):
            raise DomainError(
                "distance_to_target needs a target for every indicator",
                columns=[k for k, t in enumerate(vals) if t is None],
                hint="give `targets:` or a `target:` on each indicator",
            )
        t = np.array([float(str(t)) for t in vals])
    else:
        t = _per_column(targets, ctx, n, "targets")
    d = np.broadcast_to(np.asarray(direction, dtype=float), (n,))
    tt, vv = t * d, v * d  # COINr flips the target with the data (get_iMeta_norm_paras)
    lo = np.nanmin(vv, axis=-2, keepdims=True)
    width = tt - lo
    bad = np.any(width == 0, axis=tuple(range(v.ndim - 1)))
    if np.any(bad):
        raise DomainError(
            "the target equals the worst value, so distances are undefined",
            columns=[int(i) for i in np.flatnonzero(bad)],
            hint="check the target",
        )
    out: FloatArray = (vv - lo) / width
    return np.minimum(out, 1.0) if cap else out


@register(
    "normalise",
    "goalposts",
    params=(
        Param("low", "any", doc="lower goalpost: a number or a mapping indicator id -> number"),
        Param("high", "any", doc="upper goalpost: a number or a mapping indicator id -> number"),
        Param("scale", "number", 1.0, "multiply the result by this (e.g. 100)"),
        Param("truncate", "bool", True, "clip to [0, 1] before scaling"),
    ),
    doc="higher-is-better: x' = scale · (x - low) / (high - low); lower-is-better: x' = scale · "
    "(high - x) / (high - low); clipped to [0, scale] (COINr's n_goalposts)",
)
def goalposts(
    x: FloatArray,
    *,
    direction: FloatArray,
    ctx: Any = None,
    low: Any,
    high: Any,
    scale: float = 1.0,
    truncate: bool = True,
    **_: Any,
) -> FloatArray:
    """Fixed goalposts: the same scale for every year, so scores compare over time."""
    v = np.asarray(x, dtype=float)
    n = v.shape[-1]
    lo = _per_column(low, ctx, n, "low")
    hi = _per_column(high, ctx, n, "high")
    if np.any(hi == lo):
        raise DomainError(
            "goalposts need low != high",
            columns=[int(i) for i in np.flatnonzero(hi == lo)],
        )
    d = np.broadcast_to(np.asarray(direction, dtype=float), (n,))
    y = np.where(d > 0, (v - lo) / (hi - lo), (hi - v) / (hi - lo))
    if truncate:
        y = np.clip(y, 0.0, 1.0)
    out: FloatArray = y * scale
    return out
