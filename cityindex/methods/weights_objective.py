"""Objective (data-driven) weights: entropy, CRITIC, coefficient of variation, standard deviation,
PCA, and combinations of any weight methods.

Every kernel follows the registry's weights contract: it sees the group's children's values
``x`` shaped ``(..., units, children)`` — normalised and direction-adjusted, so higher is always
better — and returns ``(..., children)`` non-negative weights summing to 1. Statistics are
taken over the units axis and ignore missing values (NaN); correlations use pairwise-complete
units. Each formula is stated exactly in its kernel's docstring and in ``docs/methods-mcda.md``.

Side data (a contract for the pipeline): ``entropy`` with ``on: raw`` reads the group's raw
(unnormalised) child values from ``ctx.extra["raw"]``, an array shaped exactly like ``x``
(same replicate axes, same units — those being weighted — and the same children in order).
When it is absent (a group of groups has no raw values) the kernel raises a `DomainError`
rather than silently using ``x``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cityindex.methods.registry import (
    DomainError,
    FloatArray,
    KernelContext,
    Param,
    get_method,
    register,
)
from cityindex.methods.weights import spread


def _normalised_weights(score: FloatArray) -> FloatArray:
    """Scores made relative along the last axis; all-zero scores give equal weights.

    All-zero scores mean no child carries information by the method's own measure (e.g. every
    column is constant); equal weights are then the only neutral answer.
    """
    total = score.sum(axis=-1, keepdims=True)
    k = score.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(total > 0, score / np.where(total > 0, total, 1.0), 1.0 / k)
    return out


def _column_sd(x: FloatArray) -> FloatArray:
    """Sample standard deviation (n − 1) of each column over units, ignoring NaN."""
    n = np.sum(~np.isnan(x), axis=-2)
    mean = np.nanmean(x, axis=-2, keepdims=True) if x.size else x
    dev = np.where(np.isnan(x), 0.0, x - mean)
    out: FloatArray = np.sqrt(np.sum(dev**2, axis=-2) / np.maximum(n - 1, 1))
    return out


def _check_units(x: FloatArray, method: str) -> None:
    """A data-driven weight needs at least two units with data in every column."""
    n = np.sum(~np.isnan(x), axis=-2)
    bad = np.any(n < 2, axis=tuple(range(n.ndim - 1)))
    if np.any(bad):
        raise DomainError(
            f"{method} weights need at least two units with data for every child",
            columns=[int(i) for i in np.flatnonzero(bad)],
        )


def pairwise_correlation(x: FloatArray) -> FloatArray:
    """Pearson correlation of every pair of columns over the units they both have.

    Returns ``(..., children, children)``. A pair with no variation in either column (or fewer
    than two shared units) has correlation 0 — no linear relation can be measured — and the
    diagonal is 1.
    """
    v = np.asarray(x, dtype=float)
    m = (~np.isnan(v)).astype(float)
    z = np.where(np.isnan(v), 0.0, v)
    n = np.einsum("...ij,...ik->...jk", m, m)
    sx = np.einsum("...ij,...ik->...jk", z, m)  # Σ x_j over units where k is present
    sy = np.swapaxes(sx, -1, -2)
    sxx = np.einsum("...ij,...ik->...jk", z * z, m)
    syy = np.swapaxes(sxx, -1, -2)
    sxy = np.einsum("...ij,...ik->...jk", z, z)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sy / n
        vx = sxx - sx * sx / n
        vy = syy - sy * sy / n
        varies = (vx > 1e-12 * np.abs(sxx)) & (vy > 1e-12 * np.abs(syy)) & (n >= 2)
        denom = np.sqrt(np.where(varies, vx * vy, 1.0))
        r = np.where(varies, cov / denom, 0.0)
    r = np.clip(r, -1.0, 1.0)
    k = v.shape[-1]
    eye = np.eye(k, dtype=bool)
    out: FloatArray = np.where(eye, 1.0, r)
    return out


@register(
    "weights",
    "entropy",
    params=(
        Param("shift", "number", 0.0, "ε added to every value before p_ij (the common +ε)", 0.0),
        Param(
            "on",
            "text",
            "normalised",
            "values the entropy is taken of",
            choices=("normalised", "raw"),
        ),
    ),
    doc="p_ij = z_ij / Σ_i z_ij, e_j = −Σ_i p_ij ln p_ij / ln n (0·ln 0 = 0), "
    "w_j = (1 − e_j) / Σ_k (1 − e_k); z the normalised values (+shift), or the raw values "
    "with on: raw",
)
def entropy(
    x: FloatArray,
    *,
    fixed: FloatArray | None = None,
    ctx: KernelContext | None = None,
    shift: float = 0.0,
    on: str = "normalised",
    **_: Any,
) -> FloatArray:
    """Entropy weights (熵权法): a child whose values are spread unevenly over units weighs more.

    With z the values (``on: normalised``, the default: the spec's normalised, direction-adjusted
    values, as Chinese studies compute it after min-max; ``on: raw``: the raw values from
    ``ctx.extra["raw"]``, direction not applied) plus ``shift``:

        p_ij = z_ij / Σ_i z_ij,   e_j = −(1 / ln n) Σ_i p_ij ln p_ij   (0 · ln 0 = 0),
        w_j = (1 − e_j) / Σ_k (1 − e_k),

    n the number of units with data in column j; missing values are left out of the sums.
    A column whose values sum to 0 carries no distribution (e_j = 1, weight 0). Negative
    values have no share p_ij and are an error (z-scores need ``shift`` or another
    normalisation). Since p_ij is unchanged when a column is multiplied by c > 0, the weights
    are invariant to the column's unit of measurement.

    >>> w = entropy(np.array([[1.0, 1.0], [1.0, 3.0]]))
    >>> [round(float(v), 6) for v in w]
    [0.0, 1.0]
    """
    values = np.asarray(x, dtype=float)
    if on == "raw":
        if ctx is None or "raw" not in ctx.extra:
            raise DomainError(
                "entropy with `on: raw` needs the children's raw values, which are not "
                "available here (a group of groups has none)",
                columns=[],
                hint="use `on: raw` only in groups of indicators, or the default `on: normalised`",
            )
        values = np.asarray(ctx.extra["raw"], dtype=float)
        if values.shape != np.asarray(x).shape:
            raise DomainError(
                f"entropy `on: raw`: raw values shaped {values.shape}, expected {np.shape(x)}",
                columns=[],
            )
    _check_units(values, "entropy")
    z = values + float(shift)
    negative = np.any(z < 0, axis=tuple(range(z.ndim - 1)))
    if np.any(negative):
        raise DomainError(
            "entropy weights need values >= 0 (shares p_ij = z_ij / Σ z_ij)",
            columns=[int(i) for i in np.flatnonzero(negative)],
            hint="normalise with min_max or relative_to_max, or give entropy a shift",
        )
    n = np.sum(~np.isnan(z), axis=-2)
    total = np.nansum(z, axis=-2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(total > 0, z / np.where(total > 0, total, 1.0), 0.0)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
        e = np.where(total[..., 0, :] > 0, -np.nansum(plogp, axis=-2) / np.log(n), 1.0)
    d = 1.0 - e
    # e within rounding of 1 is a column without information (e.g. a constant one)
    d = np.where(d > 1e-12, d, 0.0)
    return spread(_normalised_weights(d), x, fixed)


@register(
    "weights",
    "critic",
    doc="z = min-max of the direction-adjusted values ((max − x)/(max − min) for a "
    "lower-is-better child given raw); C_j = σ_j Σ_k (1 − r_jk), σ the sample sd (n − 1), "
    "r Pearson; w_j = C_j / Σ_k C_k (Diakoulaki et al. 1995)",
    directions=True,
)
def critic(
    x: FloatArray,
    *,
    fixed: FloatArray | None = None,
    ctx: KernelContext | None = None,
    **_: Any,
) -> FloatArray:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995, Comput. Oper. Res. 22(7)).

    Each column of the direction-adjusted values is min-max scaled to [0, 1],
    ``z_ij = (x_ij − min_i x_ij) / (max_i x_ij − min_i x_ij)``; then

        C_j = σ_j · Σ_k (1 − r_jk),   w_j = C_j / Σ_k C_k,

    σ_j the sample standard deviation of z_j (divisor n − 1; with complete data the divisor
    cancels in w) and r_jk Pearson's correlation of z_j and z_k over the units both have. A
    constant column has σ_j = 0 (weight 0) and correlation 0 with the others. Because z is
    min-max scaled, the weights do not change under any positive affine rescaling of a column.
    With ``ctx.directions`` (raw values), a lower-is-better column is scaled by direction,
    ``z_ij = (max_i x_ij − x_ij) / (max_i x_ij − min_i x_ij)``, as Diakoulaki et al. and
    JMcDM's ``critic(decmat, fns)`` do.
    """
    v = ctx.orient(x) if ctx is not None else np.asarray(x, dtype=float)
    _check_units(v, "critic")
    lo = np.nanmin(v, axis=-2, keepdims=True)
    hi = np.nanmax(v, axis=-2, keepdims=True)
    width = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(width > 0, (v - lo) / np.where(width > 0, width, 1.0), 0.0)
    z = np.where(np.isnan(v), np.nan, z)
    sd = _column_sd(z)
    r = pairwise_correlation(z)
    c = sd * np.sum(1.0 - r, axis=-1)
    return spread(_normalised_weights(np.clip(c, 0.0, None)), v, fixed)


@register(
    "weights",
    "standard_deviation",
    doc="w_j = s_j / Σ_k s_k, s_j the sample sd (n − 1) of the normalised values",
)
def standard_deviation(x: FloatArray, *, fixed: FloatArray | None = None, **_: Any) -> FloatArray:
    """Standard-deviation weights: w_j ∝ s_j on the normalised values (divisor n − 1)."""
    v = np.asarray(x, dtype=float)
    _check_units(v, "standard_deviation")
    return spread(_normalised_weights(_column_sd(v)), v, fixed)


@register(
    "weights",
    "coefficient_of_variation",
    doc="w_j = (s_j / x̄_j) / Σ_k (s_k / x̄_k) on the normalised values; needs x̄_j > 0",
)
def coefficient_of_variation(
    x: FloatArray, *, fixed: FloatArray | None = None, **_: Any
) -> FloatArray:
    """Coefficient-of-variation weights (变异系数法): w_j ∝ s_j / x̄_j (sample sd, n − 1).

    The mean must be positive: a z-scored column has mean 0 and no coefficient of variation.
    """
    v = np.asarray(x, dtype=float)
    _check_units(v, "coefficient_of_variation")
    mean = np.nanmean(v, axis=-2)
    bad = np.any(mean <= 0, axis=tuple(range(mean.ndim - 1)))
    if np.any(bad):
        raise DomainError(
            "coefficient_of_variation needs a positive mean in every child",
            columns=[int(i) for i in np.flatnonzero(bad)],
            hint="normalise onto a positive range (min_max with range: [1, 100], relative_to_max)",
        )
    return spread(_normalised_weights(_column_sd(v) / mean), v, fixed)


def varimax(loadings: FloatArray, *, tol: float = 1e-13, max_iter: int = 20000) -> FloatArray:
    """Kaiser's varimax rotation with Kaiser row normalisation (as R's ``stats::varimax``).

    Rows are indicators, columns retained components. Rows are scaled to unit length, rotated
    by the orthogonal matrix maximising the variance of squared loadings (iterated SVD
    solution), and scaled back. One column is returned unchanged.
    """
    a = np.asarray(loadings, dtype=float)
    p, k = a.shape
    if k < 2:
        return a.copy()
    h = np.sqrt(np.sum(a**2, axis=1, keepdims=True))
    h = np.where(h > 0, h, 1.0)
    z = a / h
    rotation = np.eye(k)
    for _ in range(max_iter):
        lam = z @ rotation
        target = lam**3 - lam @ np.diag(np.sum(lam**2, axis=0)) / p
        u, _s, vt = np.linalg.svd(z.T @ target)
        previous, rotation = rotation, u @ vt
        if np.max(np.abs(rotation - previous)) < tol:
            break
    out: FloatArray = (z @ rotation) * h
    return out


def pca_weights_matrix(x: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
    """PCA weights for one ``(units, children)`` matrix, with the retained-component details.

    Implements the OECD/JRC *Handbook on Constructing Composite Indicators* (2008), section
    6.1 "Weights based on principal components analysis or factor analysis", pp. 89-91:

    1. PCA of the correlation matrix (pairwise-complete Pearson r) of the children.
    2. Retain components with eigenvalue > 1 that each explain more than 10% of the variance;
       if those explain less than 60% together, add the next components in eigenvalue order
       until they do (at least one component is always kept).
    3. Rotate the retained loadings (eigenvector × √eigenvalue) with varimax.
    4. Square the rotated loadings and scale each factor's squares to sum to one
       (``L²_jf / V_f``, V_f = Σ_j L²_jf the factor's explained variance).
    5. Each child goes with the factor in which its scaled squared loading is largest; its
       weight is that scaled squared loading times the factor's share of explained variance,
       ``V_f / Σ_g V_g``; the weights are finally normalised to sum to 1.

    Since ``(L²_jf / V_f) · (V_f / Σ V) = L²_jf / Σ V``, a child's weight is proportional to
    its squared rotated loading on its own factor.
    """
    v = np.asarray(x, dtype=float)
    r = pairwise_correlation(v)
    eigenvalues, vectors = np.linalg.eigh(r)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues = np.clip(eigenvalues[order], 0.0, None)
    vectors = vectors[:, order]
    share = eigenvalues / eigenvalues.sum()
    keep = int(np.sum((eigenvalues > 1.0) & (share > 0.10)))
    keep = max(keep, 1)
    while np.sum(share[:keep]) < 0.60 and keep < len(share):
        keep += 1
    loadings = vectors[:, :keep] * np.sqrt(eigenvalues[:keep])
    rotated = varimax(loadings)
    squared = rotated**2
    explained = squared.sum(axis=0)
    scaled = squared / np.where(explained > 0, explained, 1.0)
    factor = np.argmax(scaled, axis=1)
    rows = np.arange(squared.shape[0])
    raw_weight = scaled[rows, factor] * (explained[factor] / explained.sum())
    weights = _normalised_weights(raw_weight)
    details = {
        "eigenvalues": eigenvalues,
        "retained": keep,
        "rotated_loadings": rotated,
        "factor": factor,
    }
    return weights, details


@register(
    "weights",
    "pca",
    doc="OECD/JRC Handbook (2008) pp. 89-91: components with eigenvalue > 1 and > 10% of "
    "variance (extended to ≥ 60% cumulative), varimax-rotated; w_j ∝ squared loading on the "
    "factor where its scaled squared loading is largest",
)
def pca(x: FloatArray, *, fixed: FloatArray | None = None, **_: Any) -> FloatArray:
    """PCA weights as in the OECD/JRC Handbook; see `pca_weights_matrix` for the exact steps.

    The eigen-decomposition and rotation run once per replicate (a loop over leading axes
    only: each replicate is a small children × children problem).
    """
    v = np.asarray(x, dtype=float)
    _check_units(v, "pca")
    lead = v.shape[:-2]
    out = np.empty((*lead, v.shape[-1]))
    for index in np.ndindex(*lead):
        out[index] = pca_weights_matrix(v[index])[0]
    return spread(out, v, fixed)


@register(
    "weights",
    "combine",
    params=(
        Param("of", "list", doc="the weight methods to combine, e.g. [{method: ahp, ...}, ...]"),
        Param("mix", "list", None, "shares of each method (additive rule; default equal)"),
        Param(
            "rule",
            "text",
            "additive",
            "additive: w = Σ_k mix_k w_k; multiplicative: w ∝ Π_k w_k",
            choices=("additive", "multiplicative"),
        ),
    ),
    doc="additive: w_j = Σ_k α_k w_kj (α = mix / Σ mix); multiplicative: "
    "w_j = Π_k w_kj / Σ_i Π_k w_ki",
)
def combine(
    x: FloatArray,
    *,
    fixed: FloatArray,
    ctx: KernelContext | None = None,
    of: Sequence[Mapping[str, Any]] = (),
    mix: Sequence[float] | None = None,
    rule: str = "additive",
    **_: Any,
) -> FloatArray:
    """Combined subjective-objective weights (组合赋权), e.g. AHP with entropy.

    Each entry of ``of`` names a registered weight method and its parameters; every one is
    computed on the same ``x``. The additive rule mixes them with shares ``mix`` (made to sum
    to 1; equal when omitted); the multiplicative rule takes the normalised product
    ``w_j ∝ Π_k w_kj`` (``mix`` is not used).
    """
    if not of:
        raise DomainError("combine needs at least one method in `of`", columns=[])
    parts = []
    for entry in of:
        params = dict(entry)
        name = str(params.pop("method"))
        method = get_method("weights", name)
        resolved = method.resolve(params)
        parts.append(np.asarray(method.kernel(x, fixed=fixed, ctx=ctx, **resolved), dtype=float))
    stacked = np.stack(np.broadcast_arrays(*parts))
    if rule == "multiplicative":
        return _normalised_weights(np.prod(stacked, axis=0))
    shares = np.ones(len(parts)) if mix is None else np.asarray(mix, dtype=float)
    if shares.shape != (len(parts),) or np.any(shares < 0) or shares.sum() <= 0:
        raise DomainError(
            f"combine: mix must be {len(parts)} non-negative numbers, one per method in `of`",
            columns=[],
        )
    shares = shares / shares.sum()
    out: FloatArray = np.tensordot(shares, stacked, axes=1)
    return out
