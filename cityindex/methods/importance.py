"""First-order sensitivity of a score to each of its children, by nonparametric regression.

The *importance* of child x_j for a score y is Pearson's correlation-ratio

    S_j = V(E(y | x_j)) / V(y),

the share of y's variance that x_j explains alone, whatever the shape of the relation
(Paruolo, Saisana & Saltelli 2013, JRSS-A 176(3); Becker, Saisana, Paruolo & Vandecasteele
2017, "Weights and importance in composite indicators: Closing the gap", Ecological Indicators
80). E(y | x_j) is estimated here by **local linear regression** with a Gaussian kernel and
Silverman's rule-of-thumb bandwidth h = 0.9 · min(sd, IQR / 1.34) · n^(−1/5) (sd when the IQR
is 0), evaluated at the observed x_j; S_j is the population variance of those fitted values
over the population variance of y. (Becker et al. compare several nonparametric regressions;
local linear is one of them and needs no tuning beyond the stated bandwidth.) Where a point's
neighbourhood holds a single x value (e.g. a 0/1 indicator with a narrow bandwidth), the local
linear fit has no slope and falls back to the local mean (Nadaraya–Watson).

The smoother is a linear map of y fixed by x_j alone (``smoother``), so optimised weights can
re-evaluate S_j for many candidate y cheaply.
"""

from __future__ import annotations

import numpy as np

from cityindex.methods.registry import FloatArray


def bandwidth(x: FloatArray) -> float:
    """Silverman's rule of thumb: 0.9 · min(sd, IQR / 1.34) · n^(−1/5); sd if the IQR is 0."""
    v = np.asarray(x, dtype=float)
    sd = float(np.std(v, ddof=1)) if v.size > 1 else 0.0
    q75, q25 = np.percentile(v, [75, 25]) if v.size else (0.0, 0.0)
    spread = min(sd, float(q75 - q25) / 1.34) if q75 > q25 else sd
    return 0.9 * spread * v.size ** (-0.2) if v.size else 0.0


def smoother(x: FloatArray) -> FloatArray:
    """The local linear smoother matrix L ``(n, n)``: fitted values at x are ``L @ y``.

    >>> L = smoother(np.array([0.0, 1.0, 2.0, 3.0, 4.0]))
    >>> [round(float(v), 6) for v in L @ np.array([1.0, 3.0, 5.0, 7.0, 9.0])]
    [1.0, 3.0, 5.0, 7.0, 9.0]
    """
    v = np.asarray(x, dtype=float)
    h = bandwidth(v)
    if h <= 0:
        return np.full((v.size, v.size), 1.0 / max(v.size, 1))
    d = v[None, :] - v[:, None]  # row: evaluation point, column: observation
    k = np.exp(-0.5 * (d / h) ** 2)
    s0, s1, s2 = k.sum(axis=1), (k * d).sum(axis=1), (k * d * d).sum(axis=1)
    det = s0 * s2 - s1 * s1
    linear = det > 1e-10 * s0 * np.maximum(s2, 1e-300)
    with np.errstate(invalid="ignore", divide="ignore"):
        ll = k * (s2[:, None] - s1[:, None] * d) / det[:, None]
    nw = k / s0[:, None]
    out: FloatArray = np.where(linear[:, None], ll, nw)
    return out


def first_order(x: FloatArray, y: FloatArray) -> FloatArray:
    """S_j = V(E(y | x_j)) / V(y) for each column of ``x`` ``(units, children)``.

    Units missing x_j or y are left out of that child's estimate; a constant y gives NaN.

    >>> x = np.column_stack([np.linspace(0, 1, 21), np.zeros(21)])
    >>> [round(float(v), 3) for v in first_order(x, 2 * x[:, 0])]
    [1.0, 0.0]
    """
    xv, yv = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    out = np.full(xv.shape[-1], np.nan)
    for j in range(xv.shape[-1]):
        ok = ~np.isnan(xv[:, j]) & ~np.isnan(yv)
        yj = yv[ok]
        vy = float(np.var(yj)) if yj.size > 1 else 0.0
        if vy > 0:
            out[j] = float(np.var(smoother(xv[ok, j]) @ yj)) / vy
    return out
