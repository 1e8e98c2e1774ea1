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

The problems of all units are independent; they are solved as one block-diagonal linear
programme with scipy's HiGHS (`scipy.optimize.linprog`), per replicate. A missing value counts
as 0 (the unit gets no credit for it and it binds no one). The spec's weights are not used.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cityindex.methods.mpi import over_weights
from cityindex.methods.registry import DomainError, FloatArray, Param, register


def bod_weights(
    x: FloatArray, *, lower: float = 0.0, upper: float = 1.0
) -> tuple[FloatArray, FloatArray]:
    """BoD scores ``(units,)`` and each unit's optimal weights ``(units, children)``.

    ``x`` is ``(units, children)``. Weights are per unit of each child's values (w_j y_ij is
    child j's contribution to unit i's score); where the optimum is not unique HiGHS returns
    one of the optimal vertices.

    >>> s, w = bod_weights(np.array([[1.0, 4.0], [2.0, 2.0], [4.0, 1.0], [1.0, 1.0]]))
    >>> [round(float(v), 4) for v in s]
    [1.0, 0.8, 1.0, 0.4]
    """
    y = np.nan_to_num(np.asarray(x, dtype=float), nan=0.0)
    if np.any(y < 0):
        bad = np.any(y < 0, axis=0)
        raise DomainError(
            "bod needs values >= 0 (a negative value has no share of a score)",
            columns=[int(i) for i in np.flatnonzero(bad)],
            hint="normalise onto a non-negative range, e.g. min_max with range: [0, 1]",
        )
    n, k = y.shape
    if lower * k > 1 + 1e-12 or upper * k < 1 - 1e-12 or lower > upper:
        raise DomainError(
            f"bod's share bounds [{lower:g}, {upper:g}] cannot hold for {k} children "
            "(the shares sum to 1)",
            columns=[],
            hint=f"choose lower <= {1 / k:.4g} <= upper",
        )
    from scipy import sparse  # imported here: scipy costs start-up ~0.13 s
    from scipy.optimize import linprog

    blocks = [sparse.csr_matrix(y)] * n
    a_ub = sparse.block_diag(blocks, format="csr")
    b_ub = np.ones(n * n)
    if lower > 0 or upper < 1:
        share = []
        for i in range(n):
            own = y[i]
            base = np.outer(np.ones(k), own)  # row j: Σ_k w_k y_ik
            diag = np.diag(own)
            rows = []
            if lower > 0:
                rows.append(lower * base - diag)  # lower Σ − w_j y_ij ≤ 0
            if upper < 1:
                rows.append(diag - upper * base)  # w_j y_ij − upper Σ ≤ 0
            share.append(sparse.csr_matrix(np.vstack(rows)))
        a_share = sparse.block_diag(share, format="csr")
        a_ub = sparse.vstack([a_ub, a_share], format="csr")
        b_ub = np.concatenate([b_ub, np.zeros(a_share.shape[0])])
    res = linprog(-y.ravel(), A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    if res.status != 0:
        raise DomainError(f"bod's linear programme failed: {res.message}", columns=[])
    w = np.maximum(np.asarray(res.x, dtype=float), 0.0).reshape(n, k)
    scores: FloatArray = np.sum(w * y, axis=-1)
    return scores, w


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
    "2007; Compind's ci_bod); spec weights unused",
)
def bod(
    x: FloatArray, weights: FloatArray, *, lower: float = 0.0, upper: float = 1.0, **_: Any
) -> FloatArray:
    """Benefit-of-the-doubt scores in [0, 1]; leading replicate axes are solved one by one."""
    v = np.asarray(x, dtype=float)
    flat = v.reshape(-1, *v.shape[-2:])
    out = np.empty(flat.shape[:-1])
    for r in range(flat.shape[0]):
        out[r] = bod_weights(flat[r], lower=float(lower), upper=float(upper))[0]
    result: FloatArray = out.reshape(v.shape[:-1])
    return over_weights(result, v, weights)
