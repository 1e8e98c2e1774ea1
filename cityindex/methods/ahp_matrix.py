"""The analytic hierarchy process (AHP): weights from pairwise judgements, with consistency checks.

A judgement ``[a, b, 3]`` says child ``a`` is 3 times as important as child ``b`` on Saaty's
1-9 scale (any number in [1/9, 9]; ``"1/3"`` may be written as text); the reciprocal
``b : a = 1/3`` is implied and the diagonal is 1. The weights are the principal (Perron)
eigenvector of the judgement matrix A, normalised to sum to 1 (Saaty 1977, J. Math. Psychol.
15(3): 234-281; Saaty 1980, *The Analytic Hierarchy Process*, ch. 2):

    A w = λ_max w,   CI = (λ_max − n) / (n − 1),   CR = CI / RI(n).

RI(n) is Saaty's random index (1980, Table 1.1; as used in most AHP software) for n ≤ 15;
for n > 15 we use Alonso & Lamata's (2006, Int. J. Uncertain. Fuzziness Knowl.-Based Syst.
14(4): 445-459) fit of the mean λ_max of random reciprocal matrices,
λ̄(n) = 2.7699 n − 4.3513, i.e. RI(n) = (1.7699 n − 4.3513) / (n − 1) (1.586 at n = 15,
matching the table's 1.59). CR > 0.1 is inconsistent.

Two approximations Chinese textbooks teach beside the eigenvector (``priority``): the
sum-product method (和积法: normalise each column to sum 1, average each row) and the
geometric-mean or root method (方根法: the n-th root of each row's product, normalised). For
both, λ_max is estimated as (1/n) Σ_i (A w)_i / w_i and CI, CR follow as above; on a
consistent matrix all three give the same weights and λ_max = n.

Harker's completion of missing pairs and the geometric mean of several experts' matrices are
here too; reading judgements is `cityindex.methods.ahp_judgements`, the registered `ahp`
weights method `cityindex.methods.ahp`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from cityindex.methods.registry import FloatArray

SAATY_RANDOM_INDEX: tuple[float, ...] = (
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
    1.51,
    1.48,
    1.56,
    1.57,
    1.59,
)
"""Saaty's random index RI(n) for n = 1..15 (Saaty 1980, Table 1.1)."""

Priority = Literal["eigenvector", "sum_product", "geometric_mean"]
PRIORITIES: tuple[str, ...] = ("eigenvector", "sum_product", "geometric_mean")
"""How the weights are derived from the judgement matrix (Saaty's, 和积法, 方根法)."""

MAX_CR = 0.1
"""Saaty's threshold: a consistency ratio above 0.1 means the judgements need revising."""


def random_index(n: int) -> float:
    """RI(n): Saaty's table for n ≤ 15, Alonso & Lamata's (2006) fit above.

    >>> random_index(4), round(random_index(40), 4)
    (0.9, 1.7037)
    """
    if n <= len(SAATY_RANDOM_INDEX):
        return SAATY_RANDOM_INDEX[n - 1]
    return (1.7699 * n - 4.3513) / (n - 1)


def ahp_weights(
    matrix: FloatArray, *, priority: str = "eigenvector"
) -> tuple[FloatArray, float, float, float]:
    """Weights of a positive reciprocal matrix, with λ_max, CI and CR.

    ``priority``: ``eigenvector`` (Saaty's principal eigenvector and eigenvalue),
    ``sum_product`` (和积法) or ``geometric_mean`` (方根法), the last two with λ_max estimated
    as (1/n) Σ_i (A w)_i / w_i.

    >>> w, lam, ci, cr = ahp_weights(np.array([[1.0, 2.0], [0.5, 1.0]]))
    >>> [round(float(v), 6) for v in w], round(lam, 9), round(ci, 9), cr
    ([0.666667, 0.333333], 2.0, 0.0, 0.0)
    """
    if priority not in PRIORITIES:
        raise ValueError(f"priority must be one of {', '.join(PRIORITIES)}, got {priority!r}")
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    if a.shape != (n, n) or n == 0:
        raise ValueError(f"a judgement matrix must be square, got shape {a.shape}")
    if np.any(~np.isfinite(a)) or np.any(a <= 0):
        raise ValueError("a judgement matrix must have positive finite entries")
    if n == 1:
        return np.ones(1), 1.0, 0.0, 0.0
    if priority == "eigenvector":
        values, vectors = np.linalg.eig(a)
        top = int(np.argmax(values.real))
        lam = float(values[top].real)
        w = np.abs(vectors[:, top].real)
        w = w / w.sum()
    else:
        if priority == "sum_product":
            w = (a / a.sum(axis=0, keepdims=True)).mean(axis=1)
        else:
            w = np.exp(np.log(a).mean(axis=1))
        w = w / w.sum()
        lam = float(np.mean((a @ w) / w))
    ci = (lam - n) / (n - 1)
    ci = max(ci, 0.0) if abs(ci) < 1e-12 else ci
    ri = random_index(n)
    cr = ci / ri if ri > 0 else 0.0
    return w, lam, ci, cr


def harker_complete(matrix: FloatArray) -> FloatArray:
    """Fill the missing (NaN) entries of a judgement matrix by Harker's (1987) method.

    The weights are the principal eigenvector of C, where c_ij = a_ij for a known pair, 0 for
    a missing one, and c_ii = 1 + m_i (m_i missing entries in row i); each missing a_ij is then
    w_i / w_j, so the completed matrix has the same principal eigenvector.
    """
    a = np.asarray(matrix, dtype=float)
    missing = np.isnan(a)
    c = np.where(missing, 0.0, a)
    c[np.diag_indices_from(c)] = 1.0 + missing.sum(axis=1)
    values, vectors = np.linalg.eig(c)
    w = np.abs(vectors[:, int(np.argmax(values.real))].real)
    w = w / w.sum()
    out: FloatArray = np.where(missing, w[:, None] / w[None, :], a)
    return out


def most_inconsistent_pair(matrix: FloatArray, weights: FloatArray) -> tuple[int, int, float]:
    """The judgement farthest from what the weights imply: max |ln(a_ij w_j / w_i)|, i < j.

    Saaty (2003, Eur. J. Oper. Res. 145(1): 85-91) revises the judgement with the largest
    ε_ij = a_ij w_j / w_i first. Returns (i, j, w_i / w_j), the last being the ratio that would
    be consistent with the weights.
    """
    a = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    with np.errstate(invalid="ignore"):
        dev = np.abs(np.log(a * w[None, :] / w[:, None]))
    dev = np.where(np.isnan(dev), -1.0, np.triu(dev, 1))
    i, j = np.unravel_index(int(np.argmax(dev)), dev.shape)
    return int(i), int(j), float(w[i] / w[j])


def aggregate_judgements(matrices: Sequence[FloatArray]) -> FloatArray:
    """Entry-wise geometric mean of several experts' judgement matrices (still reciprocal)."""
    stack = np.stack([np.asarray(m, dtype=float) for m in matrices])
    out: FloatArray = np.exp(np.mean(np.log(stack), axis=0))
    return out
