"""Sensitivity keeps one number a run: chunks of runs reduced at once, the same indices.

The Sobol estimators of the default output need one number per run, the mean absolute rank
shift from nominal; `sensitivity` ranks each chunk's scores and reduces them to it at once, so
it keeps ``(runs,)`` values instead of every run's ``(runs, units)`` scores and ranks (issue 24:
15,000 runs on 3,000 units peaked at 1.68 GB). The indices are the same bits as when every
run was kept, whatever the chunk size, and the memory it counts against ``--memory`` is what
it keeps.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import cityindex
from cityindex.analysis.plan import SpecModel, nominal_for_runs, read_plan
from cityindex.analysis.sobol import sobol_indices
from cityindex.analysis.uncertainty import (
    Alternatives,
    UncertaintyPlan,
    WeightNoise,
    Weights,
    draw_saltelli,
    mean_rank_shift,
    rank_scores,
    run_replicates,
    sensitivity,
    sensitivity_bytes,
)
from cityindex.cli import run as cli_run
from cityindex.engine.pipeline import compute
from cityindex.load.data import load_data
from cityindex.load.spec_yaml import load_spec

PLAN = {
    "weight_noise": [{"level": 1, "fraction": 0.3}, {"level": 2, "fraction": 0.3}],
    "alternatives": [
        {"path": "methods.aggregate.method", "options": ["arithmetic_mean", "geometric_mean"]}
    ],
}


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 units × 40 indicators in 4 groups (seeded log-normal values) and the plan above:
    under a 64 MB budget a chunk holds 10 runs (an eighth of the budget over 64 bytes a value)."""
    folder = tmp_path_factory.mktemp("wide")
    rng = np.random.default_rng(5)
    values = np.round(rng.lognormal(1.0, 1.0, (300, 40)), 3)
    names = [f"x{j:02d}" for j in range(40)]
    rows = [",".join(["city", *names])]
    rows += [",".join([f"c{i:03d}", *map(str, row)]) for i, row in enumerate(values)]
    (folder / "wide.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    lines = [
        "index: {id: wide, title: Wide, unit: city, data: wide.csv}",
        "methods: {normalise: {method: min_max, range: [1, 100]}}",
        "groups:",
    ]
    for g in range(4):
        lines += [f"  g{g}:", f"    weight: {1 + g}", "    indicators:"]
        for k, name in enumerate(names[g * 10 : (g + 1) * 10]):
            lines.append(f"      {name}: {{direction: higher_is_better, weight: {1 + k % 3}}}")
    (folder / "wide.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    import yaml

    (folder / "plan.yaml").write_text(yaml.safe_dump(PLAN), encoding="utf-8")
    return folder / "wide.yaml"


def kept_everything(spec_path: Path, n: int, seed: int, bootstrap: int) -> np.ndarray:
    """The indices as computed before issue 24: every run's scores and ranks kept, then the
    rank shift taken over all of them; the six columns of the frame, ``(6, inputs)``."""
    spec = load_spec(spec_path)
    table = load_data(spec_path.parent / "wide.csv", unit="city")
    settings = read_plan(spec, PLAN)
    model = SpecModel(spec, table, settings.plan)
    nominal = nominal_for_runs(compute(spec, table))
    design, reps = draw_saltelli(
        settings.plan, model.nominal_weights(), n, seed=seed, sampler="random"
    )
    scores = run_replicates(model.evaluate, reps, chunk_size=10**6)
    shift = mean_rank_shift(rank_scores(scores), rank_scores(nominal.score))
    ind = sobol_indices(*design.split(shift), n_bootstrap=bootstrap, seed=seed)
    return np.array([ind.first, *ind.first_ci, ind.total, *ind.total_ci])


def test_small_chunks_from_a_small_budget_give_the_indices_of_keeping_every_run(
    wide: Path,
) -> None:
    """64 MB is less than the process holds already: it warns, and still keeps to small chunks."""
    chunks: list[int] = []
    with pytest.warns(cityindex.MemoryBudgetWarning):
        frame = cityindex.sensitivity(
            wide,
            PLAN,
            runs=16,
            seed=4,
            bootstrap=200,
            memory=64 * 10**6,
            progress=lambda done, total: chunks.append(done),
        )
    assert frame.attrs["runs"] == sum(chunks) == 16 * (3 + 2)
    # the budget made the chunks small: 10 runs at most, per spec variant (two means)
    assert max(chunks) == 10
    assert len(chunks) == 9
    expected = kept_everything(wide, 16, 4, 200)
    np.testing.assert_array_equal(frame.to_numpy().T, expected)
    assert np.all(np.isfinite(expected))
    one = cityindex.sensitivity(wide, PLAN, runs=16, seed=4, bootstrap=200, chunk_size=1)
    assert one.equals(frame)


def test_the_command_prints_the_same_bytes_under_any_budget(
    wide: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = str(wide.parent / "plan.yaml")
    base = ["sensitivity", str(wide), "--plan", plan, "--runs", "12", "--seed", "2"]
    printed = []
    for extra in (["--memory", "64MB"], ["--chunk-size", "100000"], ["--chunk-size", "3"]):
        assert cli_run([*base, "--format", "csv", *extra]) == 0
        printed.append(capsys.readouterr().out)
    assert printed[0] == printed[1] == printed[2]
    assert (
        printed[0].splitlines()[0] == "input,first,first_low,first_high,total,total_low,total_high"
    )
    assert len(printed[0].splitlines()) == 1 + 3


UNITS = 2_000
DATA = np.random.default_rng(8).uniform(0.0, 1.0, (UNITS, 4))
NOMINAL = {"index": np.array([1.0, 2.0, 3.0, 4.0])}
NOISE = UncertaintyPlan(noise=(WeightNoise("w", ("index",), 0.5),))


def weighted_sum(choices: tuple[int, ...], weights: Weights) -> np.ndarray:
    """A stand-in index: the weighted sum of four indicators of 2,000 units, ``(runs, units)``."""
    w = np.asarray(weights.get("index", NOMINAL["index"]), dtype=float)
    out: np.ndarray = w @ DATA.T
    return out


def test_the_runs_never_hold_every_runs_scores_at_once() -> None:
    """1,500 runs × 2,000 units: 24 MB of scores and 24 MB of ranks if kept; in chunks of 50
    runs what is allocated at once stays under 8 MB, and the indices are the same bits."""
    nominal = weighted_sum((), {})
    tracemalloc.start()
    try:
        result = sensitivity(
            NOISE, NOMINAL, weighted_sum, nominal, 500, seed=3, n_bootstrap=50, chunk_size=50
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.runs == 1_500
    assert peak < 8 * 10**6
    design, reps = draw_saltelli(NOISE, NOMINAL, 500, seed=3, sampler="random")
    ranks = rank_scores(run_replicates(weighted_sum, reps))
    assert ranks.nbytes == 24 * 10**6
    shift = mean_rank_shift(ranks, rank_scores(nominal))
    whole = sobol_indices(*design.split(shift), n_bootstrap=50, seed=3)
    np.testing.assert_array_equal(result.rank_shift.first, whole.first)
    np.testing.assert_array_equal(result.rank_shift.total_ci, whole.total_ci)
    assert 0.9 < result.rank_shift.total[0] <= 1.1  # the only input moves every rank


def test_what_sensitivity_counts_against_the_budget_is_what_it_keeps() -> None:
    """The issue's case: 3,000 units, 13 inputs, N = 1,000 (15,000 runs), 1,000 resamples.

    Kept: the replicates (115 varied weights and one alternative a run), the design (two
    1,000 × 13 matrices and the 15,000 × 13 points), the 1,000 × 1,000 resample indices, one
    rank shift a run, its centred copy and two estimates per input and resample:
    8 (15,000 · 116 + 2 · 13,000 + 195,000 + 1,000,000 + 15,000 + 15,000 + 26,000) bytes.
    """
    noise = tuple(WeightNoise(f"n{i}", (f"g{i}",), 0.25) for i in range(11))
    mean = Alternatives("methods.aggregate.method", ("arithmetic_mean", "geometric_mean"))
    plan = UncertaintyPlan(noise=noise, alternatives=(mean,), leave_out=(("g0", 0),))
    assert len(plan.input_names()) == 13
    children = {f"g{i}": 115 // 11 + (1 if i < 115 % 11 else 0) for i in range(11)}
    assert sum(children.values()) == 115
    kept = sensitivity_bytes(plan, children, 3_000, 1_000, bootstrap=1_000, per_unit=False)
    assert kept == 8 * (15_000 * 116 + 26_000 + 195_000 + 1_000_000 + 15_000 + 15_000 + 26_000)
    assert kept == 24_136_000
    assert kept == sensitivity_bytes(plan, children, 3, 1_000, bootstrap=1_000, per_unit=False)
    per_unit = sensitivity_bytes(plan, children, 3_000, 1_000, bootstrap=1_000, per_unit=True)
    # per unit, every run's scores and ranks are outputs: 720 MB, and 3,000 outputs' estimates
    assert per_unit - kept > 8 * 15_000 * 2 * 3_000 + 8 * 3_000 * 2 * 1_000 * 13
