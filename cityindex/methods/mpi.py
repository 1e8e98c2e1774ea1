"""Mazziotta–Pareto aggregation: a mean penalised by each unit's spread across its children.

Both kernels follow the registry's aggregate contract (``x`` ``(..., units, children)``,
direction-adjusted so higher is better) and reproduce the R package Compind's conventions
(Fusco, Vidoli & Sahoo; ``ci_mpi`` and ``ci_ampi`` in Compind 3.x):

- ``mpi`` standardises each child over the units, z = 100 + 10 (x − mean) / sd, with the
  *sample* sd (n − 1), as Compind's ``normalise_ci(method = 1, z.mean = 100, z.std = 10)``
  does; then per unit M = mean_j z_j, S = the *sample* sd of the unit's z_j (``var``, n − 1,
  as ``ci_mpi`` computes it), cv = S / M, and MPI = M − S·cv = M (1 − cv²) (``penalty:
  positive``, for indicators where higher is better) or M + S·cv (``penalty: negative``).

  Where the standardisation happens is a convention that changed inside Compind (cran/Compind,
  R/ci_mpi.R): versions 2.7.1–3.2 standardise inside ``ci_mpi`` (``scale(x_num) * 10 + 100``,
  sample sd); since 3.3 ``ci_mpi`` takes its input as given and its help asks for
  ``normalise_ci(..., method = 1, z.mean = 100, z.std = 10)`` first. ``standardise: true``
  (the default) is both the old function and the new two-step recipe, so raw data need no
  other step; ``standardise: false`` is the new function alone, for values already on the
  100 ± 10 scale (``normalise: {method: z_score, mean: 100, sd: 10}``). On raw data the two
  differ — that is the gap between cityindex and a bare ``ci_mpi(raw)`` of Compind ≥ 3.3.
  (Compind 1.0–2.6 and 2.8 subtract ``colMeans`` from a data frame, which R recycles down the
  rows rather than across the columns; that version is reproduced by neither.)
- ``ampi`` rescales each child onto goalposts, r = 70 + 60 (x − (ref − Δ)) / (2Δ), with
  Δ = (max − min) / 2 over the units and ref the reference value (the units' mean unless
  given), so the reference maps to 100 and the range to [70, 130]; S is the *population* sd
  of the unit's r_j (``var · (n − 1) / n``, as ``ci_ampi`` computes it), and AMPI = M − S·cv.
  (Compind's ``ci_ampi`` always subtracts: its ``penalty`` test compares a numeric matrix with
  "POS" and is never true; ``penalty: negative`` here adds, as Mazziotta & Pareto define it.)

Values that were not normalised come with ``ctx.directions``: a lower-is-better child is then
standardised with negative polarity, z = 100 − 10 (x − mean) / sd (``normalise_ci`` with
``polarity = "NEG"``), r = 70 + 60 (ref + Δ − x) / (2Δ) for ``ampi`` — the same as
negating the child (and its reference) first.

The weights are not used: both indices are unweighted means by construction (Mazziotta &
Pareto 2016, "On a generalized non-compensatory composite index", Social Indicators Research
127). A missing child is left out of the unit's mean and sd.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from cityindex.methods.registry import DomainError, FloatArray, KernelContext, Param, register

_STANDARDISE = Param(
    "standardise",
    "bool",
    True,
    "true: z = 100 + 10 (x − mean) / sd per child first (Compind's normalise_ci then ci_mpi); "
    "false: the values as given (Compind ≥ 3.3's ci_mpi alone; they must already be on one "
    "scale, e.g. normalise: {method: z_score, mean: 100, sd: 10})",
)

_PENALTY = Param(
    "penalty",
    "text",
    "positive",
    "positive: M − S·cv (unbalanced units lose; higher is better); negative: M + S·cv",
    choices=("positive", "negative"),
)


def over_weights(scores: FloatArray, x: FloatArray, weights: FloatArray) -> FloatArray:
    """`scores` (computed without weights) repeated over the replicate axes of `weights`.

    These aggregations ignore the spec's weights, but a batch of R weight vectors must still
    give R results (one per replicate), like every other aggregation.
    """
    shape = np.broadcast_shapes(np.shape(scores), (*np.shape(weights)[:-1], np.shape(x)[-2]))
    if np.shape(scores) == shape:
        return scores
    return np.broadcast_to(scores, shape).copy()


def _penalised(r: FloatArray, *, ddof: int, penalty: str) -> FloatArray:
    """M ∓ S·cv per unit, M and S the mean and sd over the children present."""
    n = np.sum(~np.isnan(r), axis=-1)
    if np.any(n < 2):
        raise DomainError("the Mazziotta–Pareto index needs at least two children", columns=[])
    m = np.nanmean(r, axis=-1)
    s = np.sqrt(np.nansum((r - m[..., None]) ** 2, axis=-1) / (n - ddof))
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = s / m
    sign = -1.0 if penalty == "positive" else 1.0
    out: FloatArray = m + sign * s * cv
    return out


@register(
    "aggregate",
    "mpi",
    uses_weights=False,
    params=(_PENALTY, _STANDARDISE),
    doc="z_ij = 100 + 10 (x_ij − mean_j) / sd_j (sample sd over units; standardise: false "
    "takes z = x); M_i, S_i the mean and sample sd of z_i·; MPI_i = M_i − S_i·(S_i / M_i) "
    "(penalty: negative adds); unweighted (Compind's normalise_ci + ci_mpi)",
    directions=lambda params: bool(params.get("standardise", True)),
)
def mpi(
    x: FloatArray,
    weights: FloatArray,
    *,
    ctx: KernelContext | None = None,
    penalty: str = "positive",
    standardise: bool = True,
    **_: Any,
) -> FloatArray:
    """Mazziotta–Pareto Index, Compind's ``ci_mpi`` after its z-score standardisation.

    With ``standardise=False`` the values are taken as the z of the formula (Compind ≥ 3.3's
    ``ci_mpi`` alone); directions cannot be honoured then, and the loader refuses raw
    lower-is-better children.

    >>> x = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0]])
    >>> [round(float(v), 4) for v in mpi(x, np.ones(2))]
    [90.0, 104.5238, 104.5238]
    >>> [round(float(v), 4) for v in mpi(100 + x, np.ones(2), standardise=False)]
    [101.0, 102.4951, 102.4951]
    """
    if not standardise:
        given = np.asarray(x, dtype=float)
        return over_weights(_penalised(given, ddof=1, penalty=penalty), given, weights)
    v = ctx.orient(x) if ctx is not None else np.asarray(x, dtype=float)
    mean = np.nanmean(v, axis=-2, keepdims=True)
    n = np.sum(~np.isnan(v), axis=-2, keepdims=True)
    sd = np.sqrt(np.nansum((v - mean) ** 2, axis=-2, keepdims=True) / np.maximum(n - 1, 1))
    flat = np.any(sd <= 0, axis=tuple(range(v.ndim - 1)))
    if np.any(flat):
        raise DomainError(
            "mpi standardises each child by its sd over units; these children do not vary",
            columns=[int(i) for i in np.flatnonzero(flat)],
        )
    z = 100.0 + 10.0 * (v - mean) / sd
    return over_weights(_penalised(z, ddof=1, penalty=penalty), v, weights)


@register(
    "aggregate",
    "ampi",
    uses_weights=False,
    params=(
        Param(
            "reference",
            "any",
            "mean",
            "the value each child maps to 100: `mean` (the units' mean) or {child: value}",
        ),
        _PENALTY,
    ),
    doc="r_ij = 70 + 60 (x_ij − ref_j + Δ_j) / (2Δ_j), Δ_j = (max_j − min_j) / 2; M_i, S_i the "
    "mean and population sd of r_i·; AMPI_i = M_i − S_i·(S_i / M_i) (Compind's ci_ampi)",
    directions=True,
)
def ampi(
    x: FloatArray,
    weights: FloatArray,
    *,
    ctx: KernelContext | None = None,
    reference: str | Mapping[str, float] = "mean",
    penalty: str = "positive",
    **_: Any,
) -> FloatArray:
    """Adjusted Mazziotta–Pareto Index on goalposts, Compind's ``ci_ampi`` for one period.

    For comparisons over time give `reference` fixed values (e.g. a base year's means): the
    goalposts then stay put and scores of different years are comparable.

    >>> x = np.array([[0.0, 2.0], [2.0, 0.0], [1.0, 1.0]])
    >>> [round(float(v), 4) for v in ampi(x, np.ones(2))]
    [91.0, 91.0, 100.0]
    """
    v = ctx.orient(x) if ctx is not None else np.asarray(x, dtype=float)
    if isinstance(reference, Mapping):
        ids = ctx.column_ids if ctx is not None else ()
        missing = [c for c in ids if c not in reference]
        if missing or not ids:
            raise DomainError(
                "ampi's `reference` must give a value for every child",
                columns=[ids.index(c) for c in missing],
                hint="e.g. reference: {" + ", ".join(f"{c}: 0.5" for c in ids[:2]) + "}",
            )
        ref = np.array([float(reference[c]) for c in ids])
        if ctx is not None and ctx.directions is not None:
            ref = ref * np.asarray(ctx.directions, dtype=float)  # oriented as the values
    else:
        ref = np.nanmean(v, axis=-2)[..., None, :]
    delta = (np.nanmax(v, axis=-2, keepdims=True) - np.nanmin(v, axis=-2, keepdims=True)) / 2
    flat = np.any(delta <= 0, axis=tuple(range(v.ndim - 1)))
    if np.any(flat):
        raise DomainError(
            "ampi's goalposts need each child to vary over the units",
            columns=[int(i) for i in np.flatnonzero(flat)],
        )
    r = 70.0 + 60.0 * (v - (ref - delta)) / (2 * delta)
    return over_weights(_penalised(r, ddof=0, penalty=penalty), v, weights)
