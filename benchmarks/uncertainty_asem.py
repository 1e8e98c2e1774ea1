"""Benchmark: vectorised uncertainty/sensitivity runs against a naive one-run-at-a-time loop.

Run from the repository root: ``python benchmarks/uncertainty_asem.py [--quick]``.

Cases (one line each, then a last ``key=value ...`` line):

- ``synthetic_300x40_mc10000``: 300 units × 40 indicators in 8 groups, ±25 % weight noise on
  both levels, 10,000 Monte Carlo runs: draw, run (grouped, chunked, replicate axis) and
  summarise; compute time only (no loading or printing).
- ``naive_300x40``: the same replicates, one evaluation per run (the loop COINr's
  ``get_sensitivity`` performs); timed on a subset of runs and reported per run and as a ratio.

The synthetic index is built from the registered kernels (min-max onto [1, 100], fixed weights,
arithmetic mean); its data are seeded random log-normal values, not real figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cityindex.analysis.uncertainty import (
    Evaluate,
    Replicates,
    UncertaintyPlan,
    WeightNoise,
    chunk_size_for,
    draw_monte_carlo,
    run_replicates,
    summarise,
)
from cityindex.registry import get_method


def synthetic_problem(
    units: int, indicators: int, groups: int, *, seed: int = 0
) -> tuple[Evaluate, dict[str, np.ndarray], UncertaintyPlan]:
    """A two-level synthetic index: indicators → `groups` groups → index."""
    rng = np.random.default_rng(seed)
    data = rng.lognormal(size=(units, indicators))
    direction = np.where(rng.random(indicators) < 0.8, 1.0, -1.0)
    members = np.array_split(np.arange(indicators), groups)
    ids = [f"g{j}" for j in range(groups)]
    nominal = {g: rng.uniform(0.5, 2.0, len(m)) for g, m in zip(ids, members, strict=True)}
    nominal["index"] = rng.uniform(0.5, 2.0, groups)
    normalise = get_method("normalise", "min_max").kernel
    fixed = get_method("weights", "fixed").kernel
    mean = get_method("aggregate", "arithmetic_mean").kernel

    def evaluate(choices: tuple[int, ...], weights: Mapping[str, np.ndarray]) -> np.ndarray:
        x = normalise(data, direction=direction, range=(1.0, 100.0))
        lead = next((w.shape[:1] for w in weights.values()), ())
        cols = []
        for g, m in zip(ids, members, strict=True):
            xs = np.broadcast_to(x[:, m], (*lead, units, len(m)))
            cols.append(mean(xs, fixed(xs, fixed=weights.get(g, nominal[g]))))
        level = np.stack(cols, axis=-1)
        return np.asarray(mean(level, fixed(level, fixed=weights.get("index", nominal["index"]))))

    plan = UncertaintyPlan(
        noise=(WeightNoise("level1", tuple(ids), 0.25), WeightNoise("level2", ("index",), 0.25))
    )
    return evaluate, nominal, plan


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    """Fastest wall time of `repeats` calls (seconds)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def naive(evaluate: Evaluate, reps: Replicates, count: int) -> np.ndarray:
    """The first `count` replicates, one evaluation per run."""
    rows = []
    for r in range(count):
        choice = tuple(int(c) for c in reps.choices[r])
        rows.append(
            np.asarray(evaluate(choice, {g: w[r : r + 1] for g, w in reps.weights.items()}))
        )
    return np.concatenate(rows)


def main() -> None:
    """Run every case and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and naive runs")
    args = parser.parse_args()
    repeats, naive_runs = (1, 200) if args.quick else (3, 1000)
    figures: dict[str, float] = {}

    units, indicators, runs = 300, 40, 10_000
    evaluate, nominal, plan = synthetic_problem(units, indicators, 8)
    chunk = chunk_size_for(units, indicators)
    nominal_scores = np.asarray(evaluate((), {}))

    def vectorised() -> object:
        reps = draw_monte_carlo(plan, nominal, runs, seed=1)
        scores = run_replicates(evaluate, reps, chunk_size=chunk)
        return summarise(scores, nominal_scores)

    seconds = best_of(repeats, vectorised)
    print(f"synthetic_300x40_mc10000: {seconds:.3f} s compute (chunk {chunk} runs)")
    figures["synthetic_300x40_mc10000_s"] = seconds

    reps = draw_monte_carlo(plan, nominal, runs, seed=1)
    all_scores = run_replicates(evaluate, reps, chunk_size=chunk)
    loop = best_of(1, lambda: naive(evaluate, reps, naive_runs))
    assert np.allclose(naive(evaluate, reps, 5), all_scores[:5], rtol=1e-12, atol=1e-12)
    per_run = loop / naive_runs
    print(
        f"naive_300x40: {per_run * 1e3:.3f} ms per run ({naive_runs} runs timed), "
        f"{per_run * runs:.2f} s for {runs} runs"
    )
    figures["naive_300x40_s_per_run"] = per_run
    figures["ratio_300x40"] = per_run * runs / seconds

    figures["cores"] = float(os.cpu_count() or 0)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(" ".join(f"{k}={v:.4g}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
