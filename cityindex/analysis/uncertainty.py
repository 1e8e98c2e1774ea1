"""Uncertainty analysis: an index recomputed under uncertain weights and method choices.

A plan (`UncertaintyPlan`) names the uncertain inputs:

- weight noise (`WeightNoise`): each weight ``w`` of the listed groups' children becomes
  ``w (1 + U(−f, f))``; the pipeline renormalises within each group, with the same rule it
  applies to the spec's own weights, so zero noise reproduces the nominal weights bit for bit;
- discrete alternatives for method settings (`Alternatives`): each option is a value for one
  key path of the spec (``methods.normalise``, ``methods.treat.max_points``, ...), equally likely;
- alternative named weight sets (`WeightSet`), equally likely (list the nominal set too if it
  should be one of the candidates);
- leave-one-indicator-out: keep all, or drop one candidate (its weight set to 0).

Replicates (`Replicates`) carry, per run, the index of each method alternative picked and the
raw weights of every group the plan touches, ``(runs, children)``. Runs are grouped by their
combination of method alternatives (one spec variant each) and each group is pushed through the
pipeline in chunks of replicates along a leading axis, so memory stays bounded and no Python
loop runs over replicates or units. All random numbers are drawn up front from one
``numpy.random.default_rng(seed)`` in a fixed order, so a seed gives identical results for any
chunk size.

Monte Carlo (`draw_monte_carlo`) draws weight noise independently per run. The Sobol design
(`draw_saltelli`) gives each plan entry one column of the unit hypercube; a weight-noise entry's
column picks one of a pool of pre-drawn perturbations (as COINr's ``NrepWeights``), see
`cityindex.analysis.sobol`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from cityindex.analysis.budget import BASELINE_BYTES as BASELINE_BYTES
from cityindex.analysis.budget import DEFAULT_MEMORY as DEFAULT_MEMORY
from cityindex.analysis.budget import chunk_size_for as chunk_size_for
from cityindex.analysis.budget import kept_bytes as kept_bytes
from cityindex.analysis.budget import replicate_bytes as replicate_bytes
from cityindex.analysis.budget import sensitivity_bytes as sensitivity_bytes
from cityindex.analysis.ranks import BLOCK_BYTES as BLOCK_BYTES
from cityindex.analysis.ranks import _blocks
from cityindex.analysis.ranks import mean_rank_shift as mean_rank_shift
from cityindex.analysis.ranks import rank_percentiles as rank_percentiles
from cityindex.analysis.ranks import rank_scores as rank_scores
from cityindex.analysis.sobol import (
    SaltelliDesign,
    Sampler,
    SobolIndices,
    choice_index,
    saltelli_design,
    sobol_indices,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Weights = Mapping[str, FloatArray]
Evaluate = Callable[[tuple[int, ...], Weights], npt.ArrayLike]
"""``evaluate(choices, weights) -> scores``: one spec variant (an option index per method
alternative) with weight overrides ``{group: (r, children)}``; returns ``(r, units)`` scores,
or ``(units,)`` when `weights` is empty (broadcast to every run)."""


@dataclass(frozen=True)
class WeightNoise:
    """Uniform relative noise ``±fraction`` on the children's weights of `groups`."""

    name: str
    groups: tuple[str, ...]
    fraction: float


@dataclass(frozen=True)
class Alternatives:
    """One method setting (a spec key path) and its equally likely options."""

    path: str
    options: tuple[Any, ...]


@dataclass(frozen=True)
class WeightSet:
    """A named set of raw weights for some groups; other groups keep their nominal weights."""

    name: str
    weights: Mapping[str, tuple[float, ...]]


@dataclass(frozen=True)
class UncertaintyPlan:
    """Every uncertain input of an analysis; `leave_out` lists ``(group, child index)``."""

    noise: tuple[WeightNoise, ...] = ()
    alternatives: tuple[Alternatives, ...] = ()
    weight_sets: tuple[WeightSet, ...] = ()
    leave_out: tuple[tuple[str, int], ...] = ()
    perturb: str = "rederive"
    """``rederive``: data-driven weights are computed again from every replicate's data and
    the noise and leave-out act on them; ``nominal``: the nominal derived weights are
    perturbed as if they were fixed."""

    def input_names(self) -> list[str]:
        """One name per uncertain input (a Sobol column), in sampling order."""
        names = [a.path for a in self.alternatives]
        if self.weight_sets:
            names.append("weight_set")
        if self.leave_out:
            names.append("leave_one_out")
        return names + [f"weight_noise:{n.name}" for n in self.noise]

    def mixed_scales(self) -> list[str]:
        """Paths of alternatives that change the score's scale (a normalisation or scaling).

        Score percentiles pool every run, so with such an alternative they mix scales (a
        z-score run can give a negative score next to min-max runs in [0, 100]); ranks do not.
        """
        return [
            a.path
            for a in self.alternatives
            if {"normalise", "scale"} & set(a.path.split("."))
            and len({repr(o) for o in a.options}) > 1
        ]

    def discrete_sizes(self) -> list[int]:
        """Number of options of each discrete input (alternatives, weight set, leave-out)."""
        sizes = [len(a.options) for a in self.alternatives]
        if self.weight_sets:
            sizes.append(len(self.weight_sets))
        if self.leave_out:
            sizes.append(len(self.leave_out) + 1)
        return sizes

    def weight_groups(self) -> list[str]:
        """Groups whose weights vary, in first-mention order."""
        found = [g for n in self.noise for g in n.groups]
        found += [g for s in self.weight_sets for g in s.weights]
        found += [g for g, _ in self.leave_out]
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Replicates:
    """Runs of an analysis: method option per alternative ``(runs, alternatives)`` and weights."""

    choices: IntArray
    weights: Mapping[str, FloatArray] = field(default_factory=dict)

    @property
    def runs(self) -> int:
        """Number of runs."""
        return int(self.choices.shape[0])


def _replicates(
    plan: UncertaintyPlan, nominal: Weights, discrete: IntArray, noise: Mapping[str, FloatArray]
) -> Replicates:
    """Assemble runs from picked discrete options ``(runs, inputs)`` and noise draws in [−1, 1]."""
    runs = discrete.shape[0]
    n_alt = len(plan.alternatives)
    col = n_alt
    weights: dict[str, FloatArray] = {}
    for g in plan.weight_groups():
        base = np.asarray(nominal[g], dtype=float)
        weights[g] = np.broadcast_to(base, (runs, base.shape[-1])).copy()
    if plan.weight_sets:
        picked = discrete[:, col]
        col += 1
        for g in weights:
            table = np.array([s.weights.get(g, nominal[g]) for s in plan.weight_sets], dtype=float)
            weights[g] = table[picked]
    if plan.leave_out:
        picked = discrete[:, col]
        for option, (g, child) in enumerate(plan.leave_out, start=1):
            weights[g][picked == option, child] = 0.0
    for entry in plan.noise:
        for g in entry.groups:
            weights[g] = weights[g] * (1.0 + entry.fraction * noise[f"{entry.name}:{g}"])
    return Replicates(discrete[:, :n_alt].copy(), weights)


def _pick(u: FloatArray, sizes: list[int]) -> IntArray:
    """Option index per run for each discrete input: column i of `u` over `sizes[i]` options."""
    out = np.zeros((u.shape[0], len(sizes)), dtype=np.int64)
    for i, k in enumerate(sizes):
        out[:, i] = choice_index(u[:, i], k)
    return out


def draw_monte_carlo(
    plan: UncertaintyPlan, nominal: Weights, runs: int, *, seed: int
) -> Replicates:
    """`runs` independent replicates: discrete options uniform, weight noise uniform per run.

    Draw order from ``default_rng(seed)``: one ``(runs, discrete inputs)`` block of uniforms,
    then, per noise entry and group in plan order, ``(runs, children)`` uniforms on [−1, 1).
    """
    rng = np.random.default_rng(seed)
    sizes = plan.discrete_sizes()
    u = rng.random((runs, len(sizes)))
    discrete = _pick(u, sizes)
    noise = {
        f"{entry.name}:{g}": rng.uniform(-1.0, 1.0, (runs, len(nominal[g])))
        for entry in plan.noise
        for g in entry.groups
    }
    return _replicates(plan, nominal, discrete, noise)


def draw_saltelli(
    plan: UncertaintyPlan,
    nominal: Weights,
    n: int,
    *,
    seed: int,
    sampler: Sampler = "sobol",
    pool_size: int = 1000,
) -> tuple[SaltelliDesign, Replicates]:
    """A Saltelli design over the plan's inputs and its ``n (d + 2)`` replicates.

    Each weight-noise entry owns one column, which picks one of `pool_size` noise draws made up
    front (after the design) from ``default_rng(seed)``.
    """
    sizes = plan.discrete_sizes()
    design = saltelli_design(len(plan.input_names()), n, seed=seed, sampler=sampler)
    u = design.stacked()
    discrete = _pick(u, sizes)
    rng = np.random.default_rng([seed, 1])
    noise: dict[str, FloatArray] = {}
    for j, entry in enumerate(plan.noise):
        picked = choice_index(u[:, len(sizes) + j], pool_size)
        for g in entry.groups:
            noise[f"{entry.name}:{g}"] = rng.uniform(-1.0, 1.0, (pool_size, len(nominal[g])))[
                picked
            ]
    return design, _replicates(plan, nominal, discrete, noise)


def run_replicates(
    evaluate: Evaluate,
    replicates: Replicates,
    *,
    chunk_size: int = 1000,
    progress: Callable[[int], None] | None = None,
    reduce: Callable[[FloatArray], FloatArray] | None = None,
) -> FloatArray:
    """Scores ``(runs, units)``: runs grouped by spec variant, each group evaluated in chunks.

    With `reduce`, each chunk's ``(chunk, units)`` scores are reduced at once to ``(chunk,
    ...)`` per-run values (e.g. the mean rank shift) and only those are kept: ``(runs, ...)``
    instead of every run's scores. `reduce` must treat each run on its own, so the result is
    the same for any chunk size. `progress` (if given) is called with the number of runs just
    finished.
    """
    variants, inverse = np.unique(replicates.choices, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    out: FloatArray | None = None
    for v, variant in enumerate(variants):
        rows = np.flatnonzero(inverse == v)
        key = tuple(int(c) for c in variant)
        for start in range(0, len(rows), chunk_size):
            chunk = rows[start : start + chunk_size]
            weights = {g: w[chunk] for g, w in replicates.weights.items()}
            scores = np.asarray(evaluate(key, weights), dtype=float)
            if scores.ndim == 1:  # no weight overrides: the same scores for every run
                scores = np.broadcast_to(scores, (len(chunk), scores.shape[-1]))
            kept = scores if reduce is None else np.asarray(reduce(scores), dtype=float)
            del scores
            if out is None:
                out = np.full((replicates.runs, *kept.shape[1:]), np.nan)
            out[chunk] = kept
            if progress is not None:
                progress(len(chunk))
    if out is None:
        raise ValueError("no replicates to run")
    return out


@dataclass(frozen=True)
class UncertaintySummary:
    """Per unit: nominal, median and mean rank, 5th–95th percentile ranks, top-k probability.

    Percentiles use linear interpolation (numpy's default; R's type 7, as COINr's quantile).
    `score_quantiles` is ``(len(quantile_levels), units)``.
    """

    nominal_rank: FloatArray
    median_rank: FloatArray
    mean_rank: FloatArray
    rank_low: FloatArray
    rank_high: FloatArray
    top_k: int
    top_k_probability: FloatArray
    quantile_levels: tuple[float, ...]
    score_quantiles: FloatArray
    runs: int


def summarise(
    scores: npt.ArrayLike,
    nominal_scores: npt.ArrayLike,
    *,
    top_k: int = 10,
    quantile_levels: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95),
) -> UncertaintySummary:
    """Summarise replicate scores ``(runs, units)`` against the nominal scores ``(units,)``."""
    s = np.asarray(scores, dtype=float)
    ranks = rank_scores(s)
    pct = rank_percentiles(ranks, [5.0, 50.0, 95.0])
    units = s.shape[-1]
    mean_rank, top = np.empty(units), np.empty(units)
    quantiles = np.empty((len(quantile_levels), units))
    for cols in _blocks(units, 3 * 8 * s.shape[0]):  # each unit on its own
        block = ranks[:, cols]
        with np.errstate(invalid="ignore", divide="ignore"):
            present = np.sum(~np.isnan(block), axis=0)
            mean_rank[cols] = np.nansum(block, axis=0) / present
            top[cols] = np.sum(block <= top_k, axis=0) / present
        quantiles[:, cols] = np.quantile(s[:, cols], quantile_levels, axis=0)
    return UncertaintySummary(
        nominal_rank=rank_scores(nominal_scores),
        median_rank=pct[1],
        mean_rank=mean_rank,
        rank_low=pct[0],
        rank_high=pct[2],
        top_k=top_k,
        top_k_probability=top,
        quantile_levels=quantile_levels,
        score_quantiles=quantiles,
        runs=int(s.shape[0]),
    )


@dataclass(frozen=True)
class SensitivityResult:
    """Sobol indices per input for the mean absolute rank shift (and optionally per unit)."""

    inputs: tuple[str, ...]
    rank_shift: SobolIndices
    per_unit: SobolIndices | None
    runs: int


def sensitivity(
    plan: UncertaintyPlan,
    nominal: Weights,
    evaluate: Evaluate,
    nominal_scores: npt.ArrayLike,
    n: int,
    *,
    seed: int,
    n_bootstrap: int = 1000,
    per_unit: bool = False,
    chunk_size: int = 1000,
    progress: Callable[[int], None] | None = None,
    sampler: Sampler = "random",
) -> SensitivityResult:
    """First-order and total Sobol indices of every plan input, ``n (d + 2)`` runs.

    The design's base matrices are seeded plain uniforms by default (COINr's Monte Carlo
    design); ``sampler="sobol"`` uses a scrambled Sobol' sequence (scipy, slower to import).
    """
    design, reps = draw_saltelli(plan, nominal, n, seed=seed, sampler=sampler)
    nominal_ranks = rank_scores(nominal_scores)
    unit = None
    if per_unit:  # every unit's rank is an output: every run's ranks are kept
        scores = run_replicates(evaluate, reps, chunk_size=chunk_size, progress=progress)
        ranks = rank_scores(scores)
        del scores
        shift = mean_rank_shift(ranks, nominal_ranks)
        unit = sobol_indices(*design.split(ranks), n_bootstrap=n_bootstrap, seed=seed)
        del ranks
    else:  # one number a run: each chunk's scores are ranked and reduced at once
        shift = run_replicates(
            evaluate,
            reps,
            chunk_size=chunk_size,
            progress=progress,
            reduce=lambda scores: mean_rank_shift(rank_scores(scores), nominal_ranks),
        )
    del reps
    overall = sobol_indices(*design.split(shift), n_bootstrap=n_bootstrap, seed=seed)
    return SensitivityResult(tuple(plan.input_names()), overall, unit, design.runs)
