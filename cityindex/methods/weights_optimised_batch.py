"""Optimised weights for many replicates at once: a projected Levenberg–Marquardt method on arrays.

`cityindex.methods.weights_optimised` states the problem: find v in [0, 1]^k minimising
Σ_j g_j(v)², g_j = (m_j / Σ_l m_l − t_j) / √k, the shares of the children's correlation (or
first-order importance) with the group score re-aggregated under w = v / Σ v. Here every
replicate's problem advances together: each iteration evaluates the gap at v and at k forward
differences (one batched call of the aggregation), solves the damped normal equations

    (JᵀJ + λ diag(JᵀJ) + εI) δ = −Jᵀg

for every replicate with one stacked `numpy.linalg.solve`, freezes variables at a bound whose
gradient points outward (projected Newton, Bertsekas 1982, SIAM J. Control Optim. 20(2)),
clips v + δ to [0, 1], and accepts the step where the sum of squares fell (λ ÷ 3) or rejects it
(λ × 4) — Marquardt's (1963) rule. Each replicate's arithmetic is its own (elementwise, or one
matrix of the stack), so R replicates in one call give the results of R single calls exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cityindex.methods.importance import smoother
from cityindex.methods.registry import FloatArray

Gap = Callable[[FloatArray], FloatArray]
"""Residuals of a batch: v ``(R, J, k)`` (J candidate points per replicate) -> ``(R, J, k)``."""

MAX_ITERATIONS = 400


def batch_corr(x: FloatArray, y: FloatArray) -> FloatArray:
    """Pearson correlation of each child with the score, per replicate and candidate.

    ``x`` ``(R, 1, units, k)``, ``y`` ``(R, J, units)`` -> ``(R, J, k)``; units whose score is
    missing are left out, and a missing child value counts as its mean (as `_corr` does).
    """
    ok = ~np.isnan(y)
    count = ok.sum(axis=-1)
    xm = np.where(ok[..., None], x, np.nan)
    xc = xm - np.nanmean(xm, axis=-2, keepdims=True)
    xc = np.where(np.isnan(xc), 0.0, xc)
    yz = np.where(ok, y, 0.0)
    yc = np.where(ok, yz - (yz.sum(axis=-1) / count)[..., None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = (xc * yc[..., None]).sum(axis=-2) / np.sqrt(
            (xc**2).sum(axis=-2) * (yc**2).sum(axis=-1)[..., None]
        )
    return out


def share_gap(
    x: FloatArray,
    target: FloatArray,
    aggregate: Callable[[FloatArray, FloatArray], FloatArray],
    measure: str,
) -> Gap:
    """The residual function for replicates ``x`` ``(R, units, k)``."""
    k = x.shape[-1]
    xs = x[:, None]
    if measure == "importance":
        filled = np.where(np.isnan(x), np.nanmean(x, axis=-2, keepdims=True), x)
        smoothers = np.stack(
            [np.stack([smoother(filled[r, :, j]) for j in range(k)]) for r in range(len(x))]
        )  # (R, k, units, units): set-up only; the iterations are array operations

        def measure_of(y: FloatArray) -> FloatArray:
            fitted = np.einsum("rjab,rcb->rcja", smoothers, y)
            out: FloatArray = np.var(fitted, axis=-1) / np.var(y, axis=-1)[..., None]
            return out

    else:

        def measure_of(y: FloatArray) -> FloatArray:
            return batch_corr(xs, y)

    def gap(v: FloatArray) -> FloatArray:
        total = v.sum(axis=-1, keepdims=True)
        w = np.where(total > 0, v / np.where(total > 0, total, 1.0), 1.0 / k)
        m = measure_of(aggregate(xs, w))
        shares = m / m.sum(axis=-1, keepdims=True)
        out: FloatArray = np.nan_to_num(shares - target, nan=1e3) / np.sqrt(k)
        return out

    return gap


def least_gap_batch(gap: Gap, start: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Minimise Σ gap² over [0, 1]^k from ``start`` ``(R, k)``: the best v and Σ gap², per R."""
    v = np.clip(start, 1e-6, 1.0)
    replicates, k = v.shape
    eye = np.eye(k)
    g = gap(v[:, None])[:, 0]
    cost = np.sum(g * g, axis=-1)
    lam = np.full(replicates, 1e-3)
    active = np.ones(replicates, dtype=bool)
    for _ in range(MAX_ITERATIONS):
        if not active.any():
            break
        h = 1e-8 * np.maximum(np.abs(v), 1e-2)
        step_to = np.where(v[:, :, None] + h[:, :, None] * eye > 1.0, -1.0, 1.0) * h[:, :, None]
        probes = v[:, None, :] + step_to * eye  # (R, k probes, k)
        jac = (gap(probes) - g[:, None, :]) / np.diagonal(step_to, axis1=1, axis2=2)[..., None]
        jac = np.swapaxes(jac, 1, 2)  # (R, residuals, variables)
        grad = np.einsum("rij,ri->rj", jac, g)
        normal = np.einsum("rij,ril->rjl", jac, jac)
        frozen = ((v <= 0.0) & (grad > 0)) | ((v >= 1.0) & (grad < 0))
        pair = frozen[:, :, None] | frozen[:, None, :]
        damped = (
            normal
            + lam[:, None, None] * np.diagonal(normal, axis1=1, axis2=2)[:, :, None] * eye
            + 1e-30 * eye
        )
        system = np.where(pair, eye, damped)
        delta = np.linalg.solve(system, np.where(frozen, 0.0, -grad)[..., None])[..., 0]
        trial = np.clip(v + delta, 0.0, 1.0)
        top = trial.max(axis=-1, keepdims=True)
        trial = np.where(top > 0, trial / np.where(top > 0, top, 1.0), trial)  # same shares
        g_trial = gap(trial[:, None])[:, 0]
        cost_trial = np.sum(g_trial * g_trial, axis=-1)
        better = active & (cost_trial < cost)
        moved = np.max(np.abs(trial - v), axis=-1)
        v = np.where(better[:, None], trial, v)
        g = np.where(better[:, None], g_trial, g)
        previous = cost
        cost = np.where(better, cost_trial, cost)
        lam = np.where(better, np.maximum(lam / 3.0, 1e-12), np.where(active, lam * 4.0, lam))
        settled = (cost < 1e-30) | (lam > 1e16)
        settled |= better & ((moved < 1e-15) | (previous - cost <= 1e-15 * previous))
        active &= ~settled
    return v, cost
