"""Benchmark: entropy weights re-derived in every replicate against frozen nominal weights.

Run from the repository root: ``python benchmarks/rederive.py [--quick] [--repeats N]``.

The synthetic 300 × 40 index of ``uncertainty_asem.py`` (8 groups of 5 indicators, 2 levels,
seeded log-normal data), with entropy weights at every level, 10,000 Monte Carlo runs of a plan
with ±25 % weight noise on both levels, min-max [1, 100] vs ranks and arithmetic vs
geometric mean:

- ``nominal``: ``perturb: nominal`` (the nominal entropy weights perturbed, as before);
- ``rederive``: ``perturb: rederive`` (the default: entropy run on every replicate's data);
- ``nominal_loo`` / ``rederive_loo``: the same with ``leave_one_out: true`` (each replicate
  also keeps all or drops one indicator; re-derived, its group's entropy weights are computed
  without it);
- ``rederive_naive``: the ``rederive`` replicates one at a time (variant spec → prepare →
  weight → aggregate → scale), timed on a subset and reported per run.

Times are the best of `--repeats` (default 3) after one warm-up, compute only (draw, evaluate,
summarise). Prints one line per case, then ``key=value ...``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from uncertainty_asem import best_of, load_model, synthetic_spec

from cityindex.analysis.plan import SpecModel, combine
from cityindex.analysis.uncertainty import (
    Replicates,
    chunk_size_for,
    draw_monte_carlo,
    run_replicates,
    summarise,
)
from cityindex.engine.pipeline import aggregate_tree, prepare, scale
from cityindex.model.tree import ROOT

UNITS, INDICATORS, RUNS = 300, 40, 10_000
PLAN: dict[str, Any] = {
    "weight_noise": [{"level": 1, "fraction": 0.25}, {"level": 2, "fraction": 0.25}],
    "alternatives": [
        {
            "path": "methods.normalise",
            "options": [
                {"method": "min_max", "range": [1, 100]},
                {"method": "rank"},
            ],
        },
        {"path": "methods.aggregate.method", "options": ["arithmetic_mean", "geometric_mean"]},
    ],
}


def entropy_spec(folder: Path) -> Path:
    """The synthetic 300 × 40 spec with entropy weights at every level."""
    path = synthetic_spec(folder, UNITS, INDICATORS, 2)
    text = path.read_text().replace(
        "methods: {normalise: {method: min_max, range: [1, 100]}}",
        "methods: {normalise: {method: min_max, range: [1, 100]}, weights: {method: entropy}}",
    )
    path.write_text(text)
    return path


def one_by_one(model: SpecModel, reps: Replicates, count: int) -> np.ndarray:
    """The first `count` replicates, each a full computation of its own variant."""
    rows = []
    again = model.rederived()
    for r in range(count):
        settings = [
            (a.path, a.options[int(c)])
            for a, c in zip(model.plan.alternatives, reps.choices[r], strict=True)
        ]
        spec, _ = combine(model.spec, settings)
        assert spec is not None
        prepared = prepare(spec, model.table)
        factors = {g: w[r : r + 1] for g, w in reps.weights.items() if g in again}
        scores, _ = aggregate_tree(prepared, None, factors)
        _, shown, _ = scale(prepared, scores[ROOT])
        rows.append(np.where(prepared.included, shown[0], np.nan))
    return np.stack(rows)


def main() -> None:
    """Run every case and print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat, fewer one-by-one runs")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    fig: dict[str, float] = {}
    chunk = chunk_size_for(UNITS, INDICATORS)
    with tempfile.TemporaryDirectory() as tmp:
        path = entropy_spec(Path(tmp))
        models = {}
        for key, extra in (
            ("nominal", {"perturb": "nominal"}),
            ("rederive", {}),
            ("nominal_loo", {"perturb": "nominal", "leave_one_out": True}),
            ("rederive_loo", {"leave_one_out": True}),
        ):
            model, nominal = load_model(path, {**PLAN, **extra})
            weights = model.nominal_weights()
            models[key] = model

            def run(
                model: SpecModel = model, weights: Any = weights, nominal: Any = nominal
            ) -> Any:
                reps = draw_monte_carlo(model.plan, weights, RUNS, seed=1)
                return summarise(run_replicates(model.evaluate, reps, chunk_size=chunk), nominal)

            fig[key] = best_of(repeats, run)
            print(f"{key}: {fig[key]:.3f} s ({RUNS:,} runs, chunk {chunk})", flush=True)
        model = models["rederive"]
        reps = draw_monte_carlo(model.plan, model.nominal_weights(), RUNS, seed=1)
        count = 20 if args.quick else 100
        vectorised = run_replicates(model.evaluate, reps, chunk_size=chunk)
        single = one_by_one(model, reps, 5)
        assert np.allclose(single, vectorised[:5], rtol=1e-9, atol=1e-9, equal_nan=True)
        per_run = best_of(1, lambda: one_by_one(model, reps, count)) / count
    fig["rederive_naive_s_per_run"] = per_run
    fig["rederive_cost"] = fig["rederive"] / fig["nominal"]
    fig["rederive_loo_cost"] = fig["rederive_loo"] / fig["nominal_loo"]
    fig["rederive_ratio"] = per_run * RUNS / fig["rederive"]
    print(
        f"rederive_naive: {per_run * 1e3:.2f} ms per run ({count} runs timed) → "
        f"{per_run * RUNS:.1f} s for {RUNS:,}; vectorised is {fig['rederive_ratio']:.0f}x faster",
        flush=True,
    )
    print(
        f"cost of re-deriving: {fig['rederive_cost']:.2f}x nominal, "
        f"{fig['rederive_loo_cost']:.2f}x with leave-one-out",
        flush=True,
    )
    print(f"machine: {os.cpu_count()} cores", flush=True)
    print(" ".join(f"{k}={v:.4g}" for k, v in fig.items()))


if __name__ == "__main__":
    main()
