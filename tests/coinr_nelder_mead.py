"""R's Nelder–Mead (``optim(method = "Nelder-Mead")``, R's src/appl/optim.c ``nmmin``), ported
step for step, so a test can reproduce where COINr's ``get_opt_weights`` stops.

COINr (bluefoxr/COINr, R/weights.R) calls ``stats::optim(par = itarg, fn = objfunc,
control = list(reltol = toler, maxit = maxiter))`` with ``toler = 0.1`` and ``maxiter = 500``
by default: reflection 1, contraction 0.5, expansion 2; the first simplex steps each
coordinate by 0.1 · max |par|; it stops when the simplex's highest and lowest values differ by
at most ``reltol · (|f(par)| + reltol)``, or after ``maxit`` function evaluations.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def nelder_mead_r(
    fn: Callable[[np.ndarray], float],
    par: np.ndarray,
    *,
    reltol: float = 0.1,
    maxit: int = 500,
    big: float = 1.0e35,
) -> tuple[np.ndarray, float, int]:
    """R's nmmin: returns (best point, its value, function evaluations)."""
    alpha, beta, gamma = 1.0, 0.5, 2.0
    n = len(par)

    def f_of(v: np.ndarray) -> float:
        out = float(fn(v))
        return out if np.isfinite(out) else big

    f = float(fn(np.asarray(par, dtype=float)))
    count = 1
    convtol = reltol * (abs(f) + reltol)
    p = np.zeros((n, n + 2))
    fv = np.zeros(n + 2)
    p[:, 0], fv[0] = par, f
    step = max(0.1 * float(np.max(np.abs(par))), 0.0) or 0.1
    size = 0.0
    for j in range(1, n + 1):
        p[:, j] = par
        trystep = step
        while p[j - 1, j] == par[j - 1]:
            p[j - 1, j] = par[j - 1] + trystep
            trystep *= 10
        size += trystep
    oldsize = size
    low = 0
    calcvert = True
    while True:
        if calcvert:
            for j in range(n + 1):
                if j != low:
                    fv[j] = f_of(p[:, j])
                    count += 1
            calcvert = False
        vl = vh = fv[low]
        high = low
        for j in range(n + 1):
            if j != low:
                if fv[j] < vl:
                    low, vl = j, fv[j]
                if fv[j] > vh:
                    high, vh = j, fv[j]
        if vh <= vl + convtol:
            break
        centre = (p[:, : n + 1].sum(axis=1) - p[:, high]) / n
        p[:, n + 1] = centre
        trial = (1 + alpha) * centre - alpha * p[:, high]
        vr = f_of(trial)
        count += 1
        if vr < vl:
            fv[n + 1] = vr
            expanded = gamma * trial + (1 - gamma) * centre
            p[:, n + 1] = trial
            fe = f_of(expanded)
            count += 1
            if fe < vr:
                p[:, high], fv[high] = expanded, fe
            else:
                p[:, high], fv[high] = trial, vr
        else:
            if vr < vh:
                p[:, high], fv[high] = trial, vr
            contracted = (1 - beta) * p[:, high] + beta * centre
            fc = f_of(contracted)
            count += 1
            if fc < fv[high]:
                p[:, high], fv[high] = contracted, fc
            elif vr >= vh:
                calcvert = True
                size = 0.0
                for j in range(n + 1):
                    if j != low:
                        p[:, j] = beta * (p[:, j] - p[:, low]) + p[:, low]
                        size += float(np.sum(np.abs(p[:, j] - p[:, low])))
                if size < oldsize:
                    oldsize = size
                else:
                    break
        if count > maxit:
            break
    return p[:, low].copy(), float(fv[low]), count
