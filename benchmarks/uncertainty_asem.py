"""Benchmark: vectorised uncertainty/sensitivity runs against one full computation per run.

Run from the repository root: ``python benchmarks/uncertainty_asem.py [--quick]``.

Cases, all through the real pipeline (`SpecModel` over `prepare` / `aggregate_tree`):

- ``asem_sensitivity_n100`` / ``_n1000``: COINr's ASEM example with COINr's four uncertain
  assumptions (winsorisation points 1-5; min-max [1, 100] vs z-score (10, 2); ±25 % weight
  noise at levels 2 and 3; arithmetic vs geometric mean), Saltelli design N (d + 2) runs.
- ``asem_uncertainty_100`` / ``_10000``: the same plan, Monte Carlo runs, with the summary.
- ``asem_naive``: the same replicates, each one a full computation (variant spec → prepare →
  weight → aggregate → scale), as COINr's ``get_sensitivity`` does; timed on a subset and
  reported per run, and as the ratio naive / vectorised for the 10,000-run case.
- ``synthetic_300x40_mc10000``: 300 units × 40 indicators in 8 groups, ±25 % weight noise on
  both levels and arithmetic vs geometric mean, 10,000 runs (compute only).
- ``synthetic_3000x100x3_mc1000``: 3,000 units × 100 indicators, three levels, 1,000 runs.
- ``cli_*``: whole commands (process start to exit) for the issue's targets.
- ``asem_bod_100`` (``--bod`` runs only this case): ASEM with benefit-of-the-doubt
  aggregation of each sub-index (Conn, Sust) over its pillars and ±25 % weight noise on
  levels 1-3, 100 Monte Carlo runs: 100 replicates × 2 sub-indices of BoD linear programmes
  (51 units each); ``asem_bod_kernel_100`` times the kernel alone on the 100 replicates of
  Conn's pillars, against 100 single calls (the naive baseline).

Times are the best of `--repeats` (default 3) after one warm-up. The synthetic data are seeded
log-normal values, not real figures. Prints one line per case, then ``key=value ...``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT_DIR))

from cityindex.analysis.plan import SpecModel, combine, read_plan  # noqa: E402
from cityindex.analysis.uncertainty import (  # noqa: E402
    Replicates,
    chunk_size_for,
    draw_monte_carlo,
    run_replicates,
    sensitivity,
    summarise,
)
from cityindex.engine.panel import prepare  # noqa: E402
from cityindex.engine.pipeline import aggregate_tree, compute, scale_and_rank  # noqa: E402
from cityindex.load.data import load_data  # noqa: E402
from cityindex.load.spec_yaml import load_spec  # noqa: E402
from cityindex.model.tree import ROOT  # noqa: E402

ASEM_PLAN: dict[str, Any] = {
    "alternatives": [
        {"path": "methods.treat.max_points", "options": [1, 2, 3, 4, 5]},
        {
            "path": "methods.normalise",
            "options": [
                {"method": "min_max", "range": [1, 100]},
                {"method": "z_score", "mean": 10, "sd": 2},
            ],
        },
        {"path": "methods.aggregate.method", "options": ["arithmetic_mean", "geometric_mean"]},
    ],
    "weight_noise": [{"level": [2, 3], "fraction": 0.25, "name": "weights"}],
}
ASEM_PLAN_YAML = """\
alternatives:
  - {path: methods.treat.max_points, options: [1, 2, 3, 4, 5]}
  - path: methods.normalise
    options: [{method: min_max, range: [1, 100]}, {method: z_score, mean: 10, sd: 2}]
  - {path: methods.aggregate.method, options: [arithmetic_mean, geometric_mean]}
weight_noise:
  - {level: [2, 3], fraction: 0.25, name: weights}
"""


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    """Fastest wall time of `repeats` calls after one warm-up call (seconds)."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def load_model(spec_path: Path, plan: dict[str, Any] | None) -> tuple[SpecModel, np.ndarray]:
    """The spec-backed model and the nominal scores."""
    spec = load_spec(spec_path)
    table = load_data(spec.index.data, unit=spec.index.unit)  # type: ignore[arg-type]
    model = SpecModel(spec, table, read_plan(spec, plan).plan)
    return model, compute(spec, table).score


def naive(model: SpecModel, reps: Replicates, count: int) -> np.ndarray:
    """The first `count` replicates, each a full computation of its own variant."""
    rows = []
    for r in range(count):
        settings = [
            (a.path, a.options[int(c)])
            for a, c in zip(model.plan.alternatives, reps.choices[r], strict=True)
        ]
        spec, _ = combine(model.spec, settings) if settings else (model.spec, [])
        assert spec is not None
        prepared = prepare(spec, model.table)
        scores, _ = aggregate_tree(prepared, {g: w[r] for g, w in reps.weights.items()})
        _, shown, _, _ = scale_and_rank(prepared, scores[ROOT])
        rows.append(np.where(prepared.included, shown, np.nan))
    return np.stack(rows)


def synthetic_spec(folder: Path, units: int, indicators: int, levels: int, seed: int = 0) -> Path:
    """Write a synthetic spec + CSV: indicators in groups of 5, then groups of 4 above."""
    rng = np.random.default_rng(seed)
    data = rng.lognormal(size=(units, indicators))
    names = [f"x{j}" for j in range(indicators)]
    lines = ["unit," + ",".join(names)]
    lines += [f"u{i}," + ",".join(f"{v:.6g}" for v in row) for i, row in enumerate(data)]
    (folder / "synthetic.csv").write_text("\n".join(lines) + "\n")

    def block(ids: list[str], depth: int) -> list[str]:
        pad = "  " * depth
        if len(ids) <= 5 or depth >= levels:
            out = [f"{pad}indicators:"]
            for name in ids:
                w = rng.uniform(0.5, 2.0)
                sign = "higher" if rng.random() < 0.8 else "lower"
                out.append(f"{pad}  {name}: {{direction: {sign}_is_better, weight: {w:.3f}}}")
            return out
        parts = np.array_split(np.array(ids), 4 if depth < levels - 1 else len(ids) // 5)
        out = [f"{pad}groups:"]
        for k, part in enumerate(parts):
            out.append(f"{pad}  g{depth}_{part[0]}_{k}:")
            out.append(f"{pad}    weight: {rng.uniform(0.5, 2.0):.3f}")
            out += block(list(part), depth + 2)
        return out

    text = [
        "index: {id: synthetic, title: Synthetic, data: synthetic.csv, unit: unit}",
        "methods: {normalise: {method: min_max, range: [1, 100]}}",
        *block(names, 0)[0:],
    ]
    path = folder / "synthetic.yaml"
    path.write_text("\n".join(text).replace("groups:", "groups:", 1) + "\n")
    return path


SYNTHETIC_PLAN: dict[str, Any] = {
    "weight_noise": [{"level": 1, "fraction": 0.25}, {"level": 2, "fraction": 0.25}],
    "alternatives": [
        {"path": "methods.aggregate.method", "options": ["arithmetic_mean", "geometric_mean"]}
    ],
}


BOD_PLAN: dict[str, Any] = {"weight_noise": [{"level": [1, 2, 3], "fraction": 0.25}]}


def highs_bod(y: np.ndarray) -> np.ndarray:
    """The naive baseline: BoD scores of one ``(units, children)`` matrix as the kernel
    computed them before issue 24 — one block-diagonal linear programme solved by scipy's
    HiGHS, called once per replicate."""
    from scipy import sparse
    from scipy.optimize import linprog

    y = np.nan_to_num(y, nan=0.0)
    n, k = y.shape
    a_ub = sparse.block_diag([sparse.csr_matrix(y)] * n, format="csr")
    res = linprog(-y.ravel(), A_ub=a_ub, b_ub=np.ones(n * n), bounds=(0, None), method="highs")
    w = np.maximum(np.asarray(res.x), 0.0).reshape(n, k)
    out: np.ndarray = np.sum(w * y, axis=-1)
    return out


def bod_cases(repeats: int, case: Callable[..., None]) -> None:
    """ASEM with BoD sub-indices, 100 Monte Carlo runs, and the BoD kernel alone."""
    from cityindex.methods.bod import bod

    text = (ROOT_DIR / "indicators" / "asem-example.yaml").read_text(encoding="utf-8")
    data = (ROOT_DIR / "data" / "asem" / "ASEM_iData.csv").as_posix()
    text = text.replace("data: ../data/asem/ASEM_iData.csv", f"data: {data}")
    for group in ("Conn", "Sust"):
        text = text.replace(
            f"\n  {group}:\n", f"\n  {group}:\n    methods: {{aggregate: {{method: bod}}}}\n"
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "asem-bod.yaml"
        path.write_text(text, encoding="utf-8")
        model, _ = load_model(path, BOD_PLAN)
    weights = model.nominal_weights()
    reps = draw_monte_carlo(model.plan, weights, 100, seed=1)
    case("asem_bod_100", best_of(repeats, lambda: run_replicates(model.evaluate, reps)))
    prepared = prepare(model.spec, model.table)
    scores, _ = aggregate_tree(prepared, dict(reps.weights))
    children = prepared.tree.children_of("Conn")
    pillars = np.stack([scores[c.id] for c in children], axis=-1)  # (100, units, pillars)
    pillars = pillars[:, prepared.included]
    ones = np.ones(pillars.shape[-1])
    batch = best_of(repeats, lambda: bod(pillars, ones))
    single = best_of(repeats, lambda: [bod(p, ones) for p in pillars])
    highs = best_of(repeats, lambda: [highs_bod(p) for p in pillars])
    assert np.allclose(np.stack([highs_bod(p) for p in pillars]), bod(pillars, ones), atol=1e-9)
    case(
        "asem_bod_kernel_100",
        batch,
        f" (100 single calls: {single:.3f} s; HiGHS per replicate, the kernel before issue 24: "
        f"{highs:.3f} s, ratio {highs / batch:.1f}x)",
    )


def command_seconds(args: list[str]) -> float:
    """Wall time of one whole `cityindex` command (process start to exit)."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cityindex", *args],
        cwd=ROOT_DIR,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    """Run every case and print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat, fewer naive runs")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--bod", action="store_true", help="only the BoD case (issue 24)")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    naive_runs = 50 if args.quick else 200
    fig: dict[str, float] = {}

    def case(key: str, seconds: float, note: str = "") -> None:
        fig[key] = seconds
        print(f"{key}: {seconds:.3f} s{note}", flush=True)

    if args.bod:
        bod_cases(repeats, case)
        print(" ".join(f"{k}={v:.4g}" for k, v in fig.items()))
        return

    # --- ASEM, COINr's four assumptions -------------------------------------------------
    asem = ROOT_DIR / "indicators" / "asem-example.yaml"
    model, nominal = load_model(asem, ASEM_PLAN)
    weights = model.nominal_weights()
    chunk = chunk_size_for(len(model.table.units), len(model.spec.indicators()))
    for n in (100, 1000):
        case(
            f"asem_sensitivity_n{n}",
            best_of(
                repeats,
                lambda n=n: sensitivity(  # type: ignore[misc]
                    model.plan, weights, model.evaluate, nominal, n, seed=1, chunk_size=chunk
                ),
            ),
            f" ({n * 6} runs)",
        )
    for runs in (100, 10_000):
        case(
            f"asem_uncertainty_{runs}",
            best_of(
                repeats,
                lambda runs=runs: summarise(  # type: ignore[misc]
                    run_replicates(
                        model.evaluate,
                        draw_monte_carlo(model.plan, weights, runs, seed=1),
                        chunk_size=chunk,
                    ),
                    nominal,
                ),
            ),
        )
    reps = draw_monte_carlo(model.plan, weights, 10_000, seed=1)
    vectorised = run_replicates(model.evaluate, reps, chunk_size=chunk)
    check = naive(model, reps, 5)
    assert np.allclose(check, vectorised[:5], rtol=1e-9, atol=1e-9, equal_nan=True)
    per_run = best_of(1, lambda: naive(model, reps, naive_runs)) / naive_runs
    fig["asem_naive_s_per_run"] = per_run
    print(
        f"asem_naive: {per_run * 1e3:.2f} ms per run ({naive_runs} runs timed); "
        f"{per_run * 10_000:.1f} s for 10,000 runs",
        flush=True,
    )
    fig["asem_ratio_10000"] = per_run * 10_000 / fig["asem_uncertainty_10000"]
    fig["asem_ratio_sens_n100"] = per_run * 600 / fig["asem_sensitivity_n100"]
    print(
        f"asem_ratio: naive / vectorised = {fig['asem_ratio_10000']:.1f}x (10,000 runs), "
        f"{fig['asem_ratio_sens_n100']:.1f}x (sensitivity N = 100)",
        flush=True,
    )

    # --- synthetic scale cases ------------------------------------------------------------
    with tempfile.TemporaryDirectory() as tmp:
        for units, indicators, levels, runs, key in (
            (300, 40, 2, 10_000, "synthetic_300x40_mc10000"),
            (3000, 100, 3, 1000, "synthetic_3000x100x3_mc1000"),
        ):
            path = synthetic_spec(Path(tmp), units, indicators, levels)
            plan = dict(SYNTHETIC_PLAN)
            if levels == 3:
                plan["weight_noise"] = [*plan["weight_noise"], {"level": 3, "fraction": 0.25}]
            smodel, snominal = load_model(path, plan)
            sweights = smodel.nominal_weights()
            schunk = chunk_size_for(units, indicators)
            seconds = best_of(
                repeats,
                lambda smodel=smodel, sweights=sweights, schunk=schunk, runs=runs, sn=snominal: (  # type: ignore[misc]
                    summarise(
                        run_replicates(
                            smodel.evaluate,
                            draw_monte_carlo(smodel.plan, sweights, runs, seed=1),
                            chunk_size=schunk,
                        ),
                        sn,
                    )
                ),
            )
            case(key, seconds, f" (chunk {schunk} runs)")
            sreps = draw_monte_carlo(smodel.plan, sweights, runs, seed=1)
            count = 20 if args.quick else 100
            sper = (
                best_of(
                    1, lambda smodel=smodel, sreps=sreps, count=count: naive(smodel, sreps, count)
                )
                / count
            )  # type: ignore[misc]
            fig[f"{key}_naive_s_per_run"] = sper
            fig[f"{key}_ratio"] = sper * runs / seconds
            print(
                f"{key}_naive: {sper * 1e3:.2f} ms per run; ratio {fig[f'{key}_ratio']:.1f}x",
                flush=True,
            )

    # --- whole commands -------------------------------------------------------------------
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        handle.write(ASEM_PLAN_YAML)
        plan_file = handle.name
    try:
        base = ["indicators/asem-example.yaml", "--plan", plan_file, "-f", "csv"]
        case("cli_sensitivity_asem_n100", command_seconds(["sensitivity", *base, "--runs", "100"]))
        case(
            "cli_uncertainty_asem_10000",
            command_seconds(["uncertainty", *base, "--runs", "10000"]),
        )
        case(
            "cli_score_asem",
            command_seconds(["score", "indicators/asem-example.yaml", "-f", "csv"]),
        )
    finally:
        os.unlink(plan_file)

    fig["cores"] = float(os.cpu_count() or 0)
    print(f"machine: {os.cpu_count()} cores", flush=True)
    print(" ".join(f"{k}={v:.4g}" for k, v in fig.items()))


if __name__ == "__main__":
    main()
