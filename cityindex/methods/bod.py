"""Benefit of the Doubt: each unit's weights chosen by linear programming to show it at its best.

For unit i with children y_i· (direction-adjusted, non-negative):

    BoD_i = max_w Σ_j w_j y_ij   subject to   Σ_j w_j y_kj ≤ 1 for every unit k,   w_j ≥ 0,

so the best-placed units score 1 and no unit can exceed 1 under the weights that favour it
most (Cherchye, Moesen, Rogge & Van Puyenbroeck 2007, "An introduction to 'benefit of the
doubt' composite indicators", Social Indicators Research 82). This is the input-oriented,
constant-returns DEA with a unit input that the R package Compind's ``ci_bod`` solves through
``Benchmarking::dea.dual(ORIENTATION = 1, RTS = 3)``. Optional bounds restrict each child's
share of the unit's own score ("pie shares", Cherchye et al. 2007, section 4):
``lower ≤ w_j y_ij / Σ_k w_k y_ik ≤ upper``, linear once multiplied out.

The problems of all units, and of all replicates, are independent and tiny (one variable per
child): they are solved together by a dense simplex method vectorised over the problems
(`simplex_max`), one pivot of every unfinished problem per array operation, so R replicates
cost a few dozen array operations rather than R linear programmes. Each problem's arithmetic
is elementwise and its own, so a batch gives bit for bit the results of single calls. A
missing value counts as 0 (the unit gets no credit for it and it binds no one). The spec's
weights are not used.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cityindex.methods.mpi import over_weights
from cityindex.methods.registry import Domain, DomainError, FloatArray, Param, register

PIVOT_TOLERANCE = 1e-12
"""Reduced costs and pivot entries within this (times the problem's scale) count as zero."""

CHUNK_CELLS = 4_000_000
"""Most tableau cells (8 bytes each) solved at once; problems beyond are solved in chunks."""


def simplex_max(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
    """Maximise c·x subject to a x ≤ b, x ≥ 0, for a batch of problems with b ≥ 0.

    ``a`` is ``(problems, m, k)``, ``b`` ``(problems, m)``, ``c`` ``(problems, k)``; returns
    the optimal x ``(problems, k)``. The simplex method in condensed (Tucker) tableau form —
    a row per basic variable, a column per non-basic one, so ``(m + 1) × (k + 1)`` numbers
    per problem — starts from the slack basis (x = 0 is feasible since b ≥ 0). The first
    m + k pivots bring in the steepest improving variable (Dantzig's rule; few pivots in
    practice); later ones follow Bland's rule — the improving non-basic variable with the
    least index enters — which cannot cycle on the degenerate rows (b = 0) that share bounds
    add (Bland 1977, Math. Oper. Res. 2(2): 103-107). Among the rows with the least ratio
    the basic variable with the least index leaves. Every operation is elementwise within
    one problem, so a problem's result does not depend on the others in its batch.

    >>> x = simplex_max(np.array([[[1.0, 4.0], [4.0, 1.0]]]), np.ones((1, 2)), np.ones((1, 2)))
    >>> x.round(6).tolist()
    [[0.2, 0.2]]
    """
    problems, m, k = a.shape
    out = np.empty((problems, k))
    step = max(1, CHUNK_CELLS // ((m + 1) * (k + 1)))
    for start in range(0, problems, step):
        part = slice(start, start + step)
        out[part] = _simplex_chunk(a[part], b[part], c[part])
    return out


def _simplex_chunk(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
    problems, m, k = a.shape
    tableau = np.zeros((problems, m + 1, k + 1))
    tableau[:, :m, :k] = a
    tableau[:, :m, k] = b
    tableau[:, m, :k] = -c
    basic = np.tile(np.arange(k, k + m), (problems, 1))  # variable labels: x 0..k-1, slacks
    free = np.tile(np.arange(k), (problems, 1))
    tol = PIVOT_TOLERANCE * np.maximum(np.max(np.abs(c), axis=-1), 1.0)
    unused = k + m  # a label beyond every variable's
    for iteration in range(50 * (m + k)):
        improving = tableau[:, m, :k] < -tol[:, None]
        todo = np.flatnonzero(improving.any(axis=1))
        if todo.size == 0:
            break
        t = tableau[todo]
        at = np.arange(todo.size)
        if iteration < m + k:  # Dantzig: the steepest improving column (first if tied)
            col = np.argmin(np.where(improving[todo], t[:, m, :k], 0.0), axis=1)
        else:  # then Bland's rule, which cannot cycle
            col = np.argmin(np.where(improving[todo], free[todo], unused), axis=1)
        entries = t[at, :m, col]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(entries > tol[todo, None], t[:, :m, k] / entries, np.inf)
        least = ratio.min(axis=1)
        if np.any(np.isinf(least)):
            raise DomainError("bod's linear programme is unbounded", columns=[])
        row = np.argmin(np.where(ratio == least[:, None], basic[todo], unused), axis=1)
        pivot = t[at, row, col]
        pivot_row = t[at, row, :] / pivot[:, None]
        column = t[at, :, col].copy()
        t -= column[:, :, None] * pivot_row[:, None, :]
        t[at, :, col] = -column / pivot[:, None]
        pivot_row[at, col] = 1.0 / pivot
        t[at, row, :] = pivot_row
        tableau[todo] = t
        entering = free[todo, col]
        free[todo, col] = basic[todo, row]
        basic[todo, row] = entering
    else:
        raise DomainError("bod's linear programme did not converge", columns=[])
    x = np.zeros((problems, k + m))
    np.put_along_axis(x, basic, tableau[:, :m, k], axis=1)
    out: FloatArray = x[:, :k]
    return out


def _check(y: FloatArray, lower: float, upper: float) -> None:
    if np.any(y < 0):
        bad = np.any(y < 0, axis=tuple(range(y.ndim - 1)))
        raise DomainError(
            "bod needs values >= 0 (a negative value has no share of a score)",
            columns=[int(i) for i in np.flatnonzero(bad)],
            hint="normalise onto a non-negative range, e.g. min_max with range: [0, 1]",
        )
    k = y.shape[-1]
    if lower * k > 1 + 1e-12 or upper * k < 1 - 1e-12 or lower > upper:
        raise DomainError(
            f"bod's share bounds [{lower:g}, {upper:g}] cannot hold for {k} children "
            "(the shares sum to 1)",
            columns=[],
            hint=f"choose lower <= {1 / k:.4g} <= upper",
        )


def bod_batch(
    x: FloatArray, *, lower: float = 0.0, upper: float = 1.0
) -> tuple[FloatArray, FloatArray]:
    """BoD scores ``(..., units)`` and optimal weights ``(..., units, children)`` of a batch.

    ``x`` is ``(..., units, children)``; every unit of every replicate is one problem: its
    constraints are its replicate's units (Σ_j w_j y_kj ≤ 1) and, with share bounds, its own
    2k rows ``lower Σ_l w_l y_il − w_j y_ij ≤ 0`` and ``w_j y_ij − upper Σ_l w_l y_il ≤ 0``.
    """
    y = np.nan_to_num(np.asarray(x, dtype=float), nan=0.0)
    _check(y, lower, upper)
    lead, (n, k) = y.shape[:-2], y.shape[-2:]
    flat = y.reshape(-1, n, k)
    replicates = flat.shape[0]
    a = np.broadcast_to(flat[:, None, :, :], (replicates, n, n, k)).reshape(-1, n, k)
    c = flat.reshape(-1, k)
    b = np.ones((replicates * n, n))
    extra = []
    if lower > 0:
        extra.append(lower * c[:, None, :] - c[:, :, None] * np.eye(k))
    if upper < 1:
        extra.append(c[:, :, None] * np.eye(k) - upper * c[:, None, :])
    if extra:
        a = np.concatenate([a, *extra], axis=1)
        b = np.concatenate([b, np.zeros((replicates * n, k * len(extra)))], axis=1)
    w = np.maximum(simplex_max(np.ascontiguousarray(a), b, c), 0.0)
    weights = w.reshape(*lead, n, k)
    scores: FloatArray = np.sum(weights * y, axis=-1)
    return scores, weights


def bod_weights(
    x: FloatArray, *, lower: float = 0.0, upper: float = 1.0
) -> tuple[FloatArray, FloatArray]:
    """BoD scores ``(units,)`` and each unit's optimal weights ``(units, children)``.

    ``x`` is ``(units, children)``. Weights are per unit of each child's values (w_j y_ij is
    child j's contribution to unit i's score); where the optimum is not unique the simplex
    method returns one of the optimal vertices.

    >>> s, w = bod_weights(np.array([[1.0, 4.0], [2.0, 2.0], [4.0, 1.0], [1.0, 1.0]]))
    >>> [round(float(v), 4) for v in s]
    [1.0, 0.8, 1.0, 0.4]
    """
    return bod_batch(x, lower=lower, upper=upper)


@register(
    "aggregate",
    "bod",
    uses_weights=False,
    params=(
        Param("lower", "number", 0.0, "least share of a unit's score any child may have", 0.0),
        Param("upper", "number", 1.0, "largest share of a unit's score any child may have", 0.0),
    ),
    doc="BoD_i = max_w Σ_j w_j x_ij s.t. Σ_j w_j x_kj ≤ 1 ∀ units k, w ≥ 0, and optionally "
    "lower ≤ w_j x_ij / Σ_l w_l x_il ≤ upper; one linear programme per unit (Cherchye et al. "
    "2007; Compind's ci_bod); spec weights unused; needs x >= 0",
    domain=Domain(
        "nonnegative",
        why="a negative value has no share of a score",
        hint="normalise onto a non-negative range, e.g. min_max with range: [0, 1]",
    ),
)
def bod(
    x: FloatArray, weights: FloatArray, *, lower: float = 0.0, upper: float = 1.0, **_: Any
) -> FloatArray:
    """Benefit-of-the-doubt scores in [0, 1]; every replicate's units are solved together."""
    v = np.asarray(x, dtype=float)
    result = bod_batch(v, lower=float(lower), upper=float(upper))[0]
    return over_weights(result, v, weights)
