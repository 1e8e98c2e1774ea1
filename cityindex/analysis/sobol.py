"""Variance-based (Sobol) sensitivity indices: Saltelli design and vectorised estimators.

Every uncertain input is one column of the unit hypercube ``[0, 1)^d``; an input object maps
its column to values:

- `ContinuousInput`: uniform on ``[low, high]``: ``x = low + u (high - low)``.
- `DiscreteInput`: ``k`` alternatives, equally likely: alternative ``floor(u k)``.
- `WeightSimplexInput`: a group of weights perturbed then renormalised. A perturbation needs
  ``k`` random numbers but an input owns one column, so (as COINr's ``get_sensitivity`` does with
  its ``NrepWeights`` pre-drawn noisy weight sets) a pool of perturbed weight vectors is drawn
  once from a seeded generator and the column picks one: ``pool[floor(u · pool_size)]``.

Design (Saltelli 2002; Saltelli et al. 2010, "Variance based sensitivity analysis of model
output. Design and estimator for the total sensitivity index", Comput. Phys. Commun. 181,
259–270): two independent ``(n, d)`` matrices ``A`` and ``B`` and, for each input ``i``, ``AB_i``
= ``A`` with column ``i`` taken from ``B``; ``n (d + 2)`` model runs in all. ``A`` and ``B`` are the
two halves of a scrambled Sobol' sequence in ``2d`` dimensions (``scipy.stats.qmc.Sobol``, seeded),
or of plain seeded numpy uniforms (``sampler="random"``).

Estimators, with ``V = Var(f(A) ∪ f(B))`` (population variance, as SALib):

- first order (Saltelli et al. 2010, Table 2 (b)): ``S_i = mean(f(B) (f(AB_i) − f(A))) / V``;
- total (Jansen 1999, ibid. Table 2 (f)): ``ST_i = mean((f(A) − f(AB_i))²) / (2 V)``.

These are the estimators SALib's ``sobol.analyze`` uses, so on the same runs the point estimates
agree to rounding (a test checks it); like SALib, outputs are first centred on their mean over
all runs, which leaves the indices' expectations unchanged and lowers the first-order variance.
Confidence intervals come from a seeded bootstrap over the ``n`` rows (percentile interval),
computed in blocks of resamples so memory stays bounded.

All functions accept model outputs with trailing axes (e.g. one output per unit), and never loop
in Python over rows.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Sampler = Literal["sobol", "random"]


@dataclass(frozen=True)
class ContinuousInput:
    """An input uniform on ``[low, high]``."""

    name: str
    low: float
    high: float

    def values(self, u: FloatArray) -> FloatArray:
        """Map unit-interval draws to ``[low, high]``."""
        out: FloatArray = self.low + np.asarray(u, dtype=float) * (self.high - self.low)
        return out


@dataclass(frozen=True)
class DiscreteInput:
    """An input taking one of ``len(alternatives)`` values, each equally likely."""

    name: str
    alternatives: tuple[Any, ...]

    def index(self, u: FloatArray) -> IntArray:
        """The alternative picked by each draw: ``floor(u k)``, clipped to ``k − 1``."""
        return choice_index(u, len(self.alternatives))


@dataclass(frozen=True)
class WeightSimplexInput:
    """A group's weights, perturbed then renormalised; the column picks one pool entry.

    `pool` is ``(pool_size, k)``: each row a perturbed weight vector summing to 1.
    """

    name: str
    pool: FloatArray

    @classmethod
    def noisy(
        cls,
        name: str,
        nominal: npt.ArrayLike,
        *,
        noise: float,
        rng: np.random.Generator,
        pool_size: int = 1000,
    ) -> WeightSimplexInput:
        """Pool of ``w' = w (1 + U(−noise, noise))`` renormalised, drawn from `rng`."""
        w = np.asarray(nominal, dtype=float)
        draws = rng.uniform(-1.0, 1.0, size=(pool_size, w.shape[-1]))
        pool = w * (1.0 + noise * draws)
        return cls(name, pool / pool.sum(axis=-1, keepdims=True))

    def weights(self, u: FloatArray) -> FloatArray:
        """The weight vectors picked by each draw, ``(..., k)``."""
        return self.pool[choice_index(u, self.pool.shape[0])]


def choice_index(u: npt.ArrayLike, k: int) -> IntArray:
    """Which of ``k`` equally likely alternatives each draw ``u ∈ [0, 1)`` picks."""
    idx: IntArray = np.minimum(np.floor(np.asarray(u) * k).astype(np.int64), k - 1)
    return idx


@dataclass(frozen=True)
class SaltelliDesign:
    """The two base matrices of a Saltelli design; ``AB_i`` are derived on demand."""

    a: FloatArray
    b: FloatArray

    @property
    def n(self) -> int:
        """Base sample size N."""
        return int(self.a.shape[0])

    @property
    def d(self) -> int:
        """Number of inputs."""
        return int(self.a.shape[1])

    @property
    def runs(self) -> int:
        """Model evaluations needed: ``N (d + 2)``."""
        return self.n * (self.d + 2)

    def ab(self) -> FloatArray:
        """``(d, n, d)``: ``AB_i`` = ``A`` with column ``i`` from ``B``."""
        out = np.broadcast_to(self.a, (self.d, self.n, self.d)).copy()
        cols = np.arange(self.d)
        out[cols, :, cols] = self.b.T
        return out

    def stacked(self) -> FloatArray:
        """All run points, ``(n (d + 2), d)``, in the order ``A, B, AB_1, …, AB_d``."""
        return np.concatenate([self.a, self.b, self.ab().reshape(-1, self.d)])

    def split(self, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Outputs of `stacked` runs ``(n (d + 2), ...)`` → ``f(A)``, ``f(B)``, ``f(AB)``.

        ``f(AB)`` is ``(d, n, ...)``.
        """
        y = np.asarray(y, dtype=float)
        if y.shape[0] != self.runs:
            raise ValueError(f"expected {self.runs} outputs, got {y.shape[0]}")
        n = self.n
        return y[:n], y[n : 2 * n], y[2 * n :].reshape(self.d, n, *y.shape[1:])


def saltelli_design(d: int, n: int, *, seed: int, sampler: Sampler = "sobol") -> SaltelliDesign:
    """A Saltelli design for `d` inputs with base sample size `n`.

    ``sampler="sobol"``: a scrambled Sobol' sequence in ``2d`` dimensions seeded with `seed`
    (its balance properties hold when `n` is a power of two; other sizes are allowed and scipy's
    warning about them is silenced here on purpose). ``sampler="random"``: seeded numpy uniforms.
    """
    if d < 1 or n < 2:
        raise ValueError("need at least one input and n >= 2")
    rng = np.random.default_rng(seed)
    if sampler == "random":
        points: FloatArray = rng.random((n, 2 * d))
    else:
        from scipy.stats import qmc  # imported here: scipy.stats is slow to import

        key = "rng" if "rng" in inspect.signature(qmc.Sobol).parameters else "seed"
        engine = qmc.Sobol(2 * d, scramble=True, **{key: rng})
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*balance properties.*")
            points = engine.random(n)
    return SaltelliDesign(points[:, :d].copy(), points[:, d:].copy())


@dataclass(frozen=True)
class SobolIndices:
    """First-order and total indices ``(d, ...)`` with bootstrap percentile intervals.

    ``first_ci``/``total_ci`` are ``(2, d, ...)``: lower and upper bounds at `confidence`.
    """

    first: FloatArray
    total: FloatArray
    first_ci: FloatArray
    total_ci: FloatArray
    variance: FloatArray
    confidence: float


def _estimate(
    y_a: FloatArray, y_b: FloatArray, y_ab: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Saltelli-2010 first-order and Jansen total indices; the row axis is -(1 + trailing)."""
    axis = 0  # rows of y_a / y_b
    var = np.var(np.concatenate([y_a, y_b], axis=axis), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.mean(y_b * (y_ab - y_a), axis=1) / var
        total = 0.5 * np.mean((y_a - y_ab) ** 2, axis=1) / var
    return first, total, var


def _estimate_boot(
    y_a: FloatArray, y_b: FloatArray, y_ab: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """As `_estimate` with a leading resample axis: y_a ``(m, n, ...)``, y_ab ``(d, m, n, ...)``."""
    var = np.var(np.concatenate([y_a, y_b], axis=1), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.mean(y_b * (y_ab - y_a), axis=2) / var
        total = 0.5 * np.mean((y_a - y_ab) ** 2, axis=2) / var
    return first, total


def sobol_indices(
    y_a: npt.ArrayLike,
    y_b: npt.ArrayLike,
    y_ab: npt.ArrayLike,
    *,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    max_elements: int = 20_000_000,
) -> SobolIndices:
    """First-order and total Sobol indices from the outputs of a Saltelli design.

    `y_a`, `y_b` are ``(n, ...)``; `y_ab` is ``(d, n, ...)``. The bootstrap draws all its
    resample indices up front from ``default_rng(seed)``, then evaluates them in blocks of at
    most `max_elements` array elements, so the result does not depend on the block size.
    """
    fa, fb, fab = (np.asarray(v, dtype=float) for v in (y_a, y_b, y_ab))
    # Centre on the mean of all runs (as SALib >= 1.4 does): the first-order estimator is not
    # shift-invariant, and centring removes a variance term proportional to the mean squared.
    d, n = fab.shape[:2]
    centre = (fa.sum(axis=0) + fb.sum(axis=0) + fab.sum(axis=(0, 1))) / ((d + 2) * n)
    fa, fb, fab = fa - centre, fb - centre, fab - centre
    first, total, var = _estimate(fa, fb, fab)
    trailing = int(np.prod(fa.shape[1:], dtype=np.int64))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_bootstrap, n))
    block = max(1, max_elements // max(1, (d + 2) * n * trailing))
    boot_first = np.empty((n_bootstrap, *first.shape))
    boot_total = np.empty((n_bootstrap, *total.shape))
    for start in range(0, n_bootstrap, block):
        rows = idx[start : start + block]
        bf, bt = _estimate_boot(fa[rows], fb[rows], fab[:, rows])
        boot_first[start : start + len(rows)] = np.moveaxis(bf, 0, 1)
        boot_total[start : start + len(rows)] = np.moveaxis(bt, 0, 1)
    tail = 100 * (1 - confidence) / 2
    q = (tail, 100 - tail)
    with np.errstate(invalid="ignore"):  # an output that never varies has NaN indices
        first_ci = np.percentile(boot_first, q, axis=0)
        total_ci = np.percentile(boot_total, q, axis=0)
    return SobolIndices(
        first=first,
        total=total,
        first_ci=first_ci,
        total_ci=total_ci,
        variance=var,
        confidence=confidence,
    )
