"""Uncertainty analysis: sampling plans, grouped chunked runs, rank summaries, Sobol on ranks.

The pipeline is stood in for by a two-level index over a fixed (units, indicators) matrix:
indicators → two groups (weighted arithmetic mean) → index (weighted arithmetic or geometric
mean, the method alternative), with weights renormalised within each group as the pipeline's
`fixed` weight rule does. It accepts weight overrides with a leading replicate axis.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import rankdata

from cityindex.analysis import uncertainty as unc
from cityindex.analysis.uncertainty import (
    Alternatives,
    Replicates,
    UncertaintyPlan,
    WeightNoise,
    Weights,
    WeightSet,
    chunk_size_for,
    draw_monte_carlo,
    draw_saltelli,
    rank_percentiles,
    rank_scores,
    run_replicates,
    sensitivity,
    summarise,
)

RNG = np.random.default_rng(42)
DATA = RNG.uniform(1.0, 10.0, size=(12, 5))  # 12 units × 5 indicators
GROUPS = {"a": [0, 1, 2], "b": [3, 4]}
NOMINAL: dict[str, np.ndarray] = {
    "a": np.array([1.0, 2.0, 1.0]),
    "b": np.array([3.0, 1.0]),
    "index": np.array([0.6, 0.4]),
}
AGGREGATE = Alternatives("methods.aggregate", ("arithmetic_mean", "geometric_mean"))


def normalised() -> np.ndarray:
    lo, hi = DATA.min(axis=0), DATA.max(axis=0)
    return 1.0 + 99.0 * (DATA - lo) / (hi - lo)


def stand_in(
    plan: UncertaintyPlan, calls: list[tuple[tuple[int, ...], int]] | None = None
) -> object:
    """An `Evaluate` for the stand-in index; records (variant, runs) per call in `calls`."""

    def evaluate(choices: tuple[int, ...], weights: Weights) -> np.ndarray:
        x = normalised()
        w = {g: np.asarray(weights.get(g, NOMINAL[g]), dtype=float) for g in NOMINAL}
        w = {g: v / v.sum(axis=-1, keepdims=True) for g, v in w.items()}
        runs = next((v.shape[0] for v in weights.values()), None)
        lead = () if runs is None else (runs,)
        groups = np.stack(
            [
                np.sum(x[:, idx] * np.broadcast_to(w[g], (*lead, len(idx)))[..., None, :], axis=-1)
                for g, idx in GROUPS.items()
            ],
            axis=-1,
        )
        top = np.broadcast_to(w["index"], (*lead, 2))[..., None, :]
        method = "arithmetic_mean"
        for alt, c in zip(plan.alternatives, choices, strict=True):
            if alt.path == "methods.aggregate":
                method = alt.options[c]
        if method == "geometric_mean":
            scores = np.exp(np.sum(top * np.log(groups), axis=-1))
        else:
            scores = np.sum(top * groups, axis=-1)
        if calls is not None:
            calls.append((choices, 0 if runs is None else runs))
        return scores

    return evaluate


def nominal_scores() -> np.ndarray:
    evaluate = stand_in(UncertaintyPlan())
    return np.asarray(evaluate((), {}))  # type: ignore[operator]


FULL_PLAN = UncertaintyPlan(
    noise=(WeightNoise("level1", ("a", "b"), 0.25), WeightNoise("level2", ("index",), 0.25)),
    alternatives=(AGGREGATE,),
    weight_sets=(
        WeightSet("nominal", {}),
        WeightSet("flat", {"a": (1.0, 1.0, 1.0), "index": (1.0, 1.0)}),
    ),
    leave_out=(("a", 0), ("a", 1), ("a", 2), ("b", 0), ("b", 1)),
)


def test_zero_noise_and_single_alternatives_reproduce_the_nominal_scores_exactly() -> None:
    plan = UncertaintyPlan(
        noise=(WeightNoise("all", ("a", "b", "index"), 0.0),),
        alternatives=(Alternatives("methods.aggregate", ("arithmetic_mean",)),),
        weight_sets=(WeightSet("nominal", {}),),
    )
    reps = draw_monte_carlo(plan, NOMINAL, 200, seed=3)
    scores = run_replicates(stand_in(plan), reps, chunk_size=64)  # type: ignore[arg-type]
    assert scores.shape == (200, 12)
    assert np.array_equal(scores, np.broadcast_to(nominal_scores(), scores.shape))


@pytest.mark.parametrize("chunk_size", [1, 7, 100, 10_000])
def test_same_seed_gives_identical_scores_whatever_the_chunk_size(chunk_size: int) -> None:
    reference = run_replicates(
        stand_in(FULL_PLAN),  # type: ignore[arg-type]
        draw_monte_carlo(FULL_PLAN, NOMINAL, 300, seed=9),
        chunk_size=300,
    )
    again = run_replicates(
        stand_in(FULL_PLAN),  # type: ignore[arg-type]
        draw_monte_carlo(FULL_PLAN, NOMINAL, 300, seed=9),
        chunk_size=chunk_size,
    )
    assert np.array_equal(reference, again)


def test_another_seed_gives_other_replicates() -> None:
    a = draw_monte_carlo(FULL_PLAN, NOMINAL, 50, seed=1)
    b = draw_monte_carlo(FULL_PLAN, NOMINAL, 50, seed=2)
    assert not np.array_equal(a.weights["index"], b.weights["index"])


def test_runs_are_grouped_by_spec_variant_and_chunked() -> None:
    calls: list[tuple[tuple[int, ...], int]] = []
    reps = draw_monte_carlo(FULL_PLAN, NOMINAL, 250, seed=4)
    run_replicates(stand_in(FULL_PLAN, calls), reps, chunk_size=100)  # type: ignore[arg-type]
    per_variant = {v: int(np.sum(reps.choices[:, 0] == v[0])) for v in [(0,), (1,)]}
    expected = [
        (v, min(100, count - start))
        for v, count in per_variant.items()
        for start in range(0, count, 100)
    ]
    assert calls == expected


def test_weight_noise_stays_within_the_fraction_of_each_nominal_weight() -> None:
    plan = UncertaintyPlan(noise=(WeightNoise("l1", ("a",), 0.25),))
    reps = draw_monte_carlo(plan, NOMINAL, 5000, seed=0)
    ratio = reps.weights["a"] / NOMINAL["a"]
    assert ratio.min() >= 0.75
    assert ratio.max() < 1.25
    # Uniform on [0.75, 1.25): mean 1, and both tails are reached.
    np.testing.assert_allclose(ratio.mean(axis=0), 1.0, atol=0.01)
    assert ratio.min() < 0.76
    assert ratio.max() > 1.24


def test_weight_sets_and_leave_one_out_pick_each_option() -> None:
    plan = UncertaintyPlan(
        weight_sets=(WeightSet("nominal", {}), WeightSet("flat", {"a": (1.0, 1.0, 1.0)})),
        leave_out=(("a", 0), ("b", 1)),
    )
    reps = draw_monte_carlo(plan, NOMINAL, 3000, seed=5)
    a, b = reps.weights["a"], reps.weights["b"]
    rows_a = {tuple(r) for r in a}
    assert rows_a == {(1.0, 2.0, 1.0), (1.0, 1.0, 1.0), (0.0, 2.0, 1.0), (0.0, 1.0, 1.0)}
    assert {tuple(r) for r in b} == {(3.0, 1.0), (3.0, 0.0)}
    # Never both left out in one run; leave-out options equally likely (1/3 each).
    dropped_a, dropped_b = a[:, 0] == 0.0, b[:, 1] == 0.0
    assert not np.any(dropped_a & dropped_b)
    np.testing.assert_allclose([dropped_a.mean(), dropped_b.mean()], 1 / 3, atol=0.03)


@given(arrays(np.float64, (4, 6), elements=st.sampled_from([0.1, 0.2, 0.5, 0.7, np.nan])))
def test_ranks_are_min_ranks_of_descending_scores_per_run(scores: np.ndarray) -> None:
    ranks = rank_scores(scores)
    for row, got in zip(scores, ranks, strict=True):
        present = ~np.isnan(row)
        expected = rankdata(-row[present], method="min")
        np.testing.assert_array_equal(got[present], expected)
        assert np.all(np.isnan(got[~present]))


def test_summary_of_a_hand_worked_example() -> None:
    """Three units over four runs; ranks per run are (1,2,3), (2,1,3), (1,1,3), (3,2,1).

    Sorted ranks: unit 0 (1, 1, 2, 3): mean 7/4, median 1.5; unit 1 (1, 1, 2, 2); unit 2 (1, 3, 3,
    3).
    """
    scores = np.array(
        [[0.9, 0.5, 0.1], [0.5, 0.9, 0.1], [0.8, 0.8, 0.2], [0.1, 0.5, 0.9]],
    )
    s = summarise(scores, np.array([0.9, 0.5, 0.1]), top_k=1, quantile_levels=(0.5,))
    np.testing.assert_array_equal(s.nominal_rank, [1, 2, 3])
    np.testing.assert_array_equal(s.mean_rank, [7 / 4, 6 / 4, 10 / 4])
    np.testing.assert_array_equal(s.median_rank, [1.5, 1.5, 3.0])
    np.testing.assert_array_equal(s.top_k_probability, [2 / 4, 2 / 4, 1 / 4])
    # Unit 0's ranks sorted (1,1,2,3): 5th percentile 1, 95th 1 + (2.85 − 2)·(3 − 2) = 2.85.
    np.testing.assert_allclose(s.rank_low[0], 1.0)
    np.testing.assert_allclose(s.rank_high[0], 2.85)
    np.testing.assert_allclose(s.score_quantiles[0], [0.65, 0.65, 0.15])
    assert s.runs == 4


def test_saltelli_replicates_are_seeded_and_chunk_independent() -> None:
    design, reps = draw_saltelli(FULL_PLAN, NOMINAL, 64, seed=2)
    assert reps.runs == 64 * (len(FULL_PLAN.input_names()) + 2) == design.runs
    _, again = draw_saltelli(FULL_PLAN, NOMINAL, 64, seed=2)
    evaluate = stand_in(FULL_PLAN)
    one = run_replicates(evaluate, reps, chunk_size=1000)  # type: ignore[arg-type]
    two = run_replicates(evaluate, again, chunk_size=13)  # type: ignore[arg-type]
    assert np.array_equal(one, two)


def test_an_input_the_index_ignores_has_zero_sobol_indices() -> None:
    """A method setting the stand-in never reads cannot move the ranks: S = ST = 0 exactly."""
    plan = UncertaintyPlan(
        noise=(WeightNoise("level2", ("index",), 0.5),),
        alternatives=(AGGREGATE, Alternatives("methods.unused", ("x", "y", "z"))),
    )
    result = sensitivity(
        plan,
        NOMINAL,
        stand_in(plan),  # type: ignore[arg-type]
        nominal_scores(),
        256,
        seed=1,
        n_bootstrap=100,
        per_unit=True,
    )
    names = list(result.inputs)
    assert names == ["methods.aggregate", "methods.unused", "weight_noise:level2"]
    unused = names.index("methods.unused")
    assert result.rank_shift.total[unused] == 0.0
    assert abs(result.rank_shift.first[unused]) < 0.02
    assert result.rank_shift.total[names.index("weight_noise:level2")] > 0.05
    assert result.per_unit is not None
    assert result.per_unit.total.shape == (3, 12)
    assert result.runs == 256 * 5


def test_chunk_size_keeps_within_the_memory_budget() -> None:
    size = chunk_size_for(300, 40, budget_bytes=2**30, copies=16)
    assert 16 * 8 * size * 300 * 40 <= 2**30
    assert chunk_size_for(10**6, 10**4) == 1


def test_chunk_size_sets_aside_the_scores_and_ranks_the_runs_keep() -> None:
    budget = 10**9
    size = chunk_size_for(3_000, 100, runs=10_000, budget_bytes=budget)
    held = 2 * 8 * 10_000 * 3_000
    assert 8 * 8 * size * 3_000 * 100 + held + unc.BASELINE_BYTES <= budget
    assert size < chunk_size_for(3_000, 100, budget_bytes=budget)


def _percentiles_by_counting(ranks: np.ndarray, levels: list[float]) -> np.ndarray:
    """The previous programme: a (units, units) table of rank counts (reference only)."""
    units = ranks.shape[-1]
    valid = ~np.isnan(ranks)
    cols = np.broadcast_to(np.arange(units), ranks.shape)[valid]
    counts = np.bincount(
        cols * units + ranks[valid].astype(np.int64) - 1, minlength=units * units
    ).reshape(units, units)
    cum = np.cumsum(counts, axis=1)
    n = cum[:, -1]
    out = np.full((len(levels), units), np.nan)
    for i, p in enumerate(np.asarray(levels, dtype=float) / 100.0):
        h = (n - 1) * p
        lo = np.floor(h)
        below = np.argmax(cum > lo[:, None], axis=1) + 1.0
        above = np.argmax(cum > np.minimum(lo + 1, n - 1)[:, None], axis=1) + 1.0
        with np.errstate(invalid="ignore"):
            out[i] = np.where(n > 0, below + (h - lo) * (above - below), np.nan)
    return out


def test_summaries_are_identical_whatever_the_block_size(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(13)
    scores = np.round(rng.random((240, 37)), 2)  # rounded: tied scores
    scores[rng.random(scores.shape) < 0.05] = np.nan
    nominal = scores.mean(axis=0)
    whole = summarise(scores, nominal, top_k=5)
    levels = [5.0, 50.0, 95.0, 33.3]
    ranks = rank_scores(scores)
    np.testing.assert_array_equal(
        rank_percentiles(ranks, levels), _percentiles_by_counting(ranks, levels)
    )
    monkeypatch.setattr(unc, "BLOCK_BYTES", 1)  # one run or one unit a block
    np.testing.assert_array_equal(rank_scores(scores), ranks)
    np.testing.assert_array_equal(
        rank_percentiles(ranks, levels), _percentiles_by_counting(ranks, levels)
    )
    blocked = summarise(scores, nominal, top_k=5)
    for name in ("median_rank", "mean_rank", "rank_low", "rank_high", "top_k_probability"):
        np.testing.assert_array_equal(getattr(blocked, name), getattr(whole, name))
    np.testing.assert_array_equal(blocked.score_quantiles, whole.score_quantiles)


def test_replicates_without_weight_overrides_broadcast_nominal_scores() -> None:
    plan = UncertaintyPlan(alternatives=(AGGREGATE,))
    reps = Replicates(np.array([[0], [1], [0]]))
    scores = run_replicates(stand_in(plan), reps)  # type: ignore[arg-type]
    np.testing.assert_array_equal(scores[0], nominal_scores())
    np.testing.assert_array_equal(scores[2], nominal_scores())
    assert not np.allclose(scores[1], scores[0])


@given(
    arrays(np.float64, (9, 5), elements=st.sampled_from([0.1, 0.2, 0.3, 0.5, 0.7, 0.9, np.nan])),
    st.lists(st.floats(0.0, 100.0), min_size=1, max_size=4),
)
def test_rank_percentiles_equal_numpy_nanpercentile(
    scores: np.ndarray, levels: list[float]
) -> None:
    ranks = rank_scores(scores)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN unit → NaN, as ours
        expected = np.nanpercentile(ranks, levels, axis=0)
    np.testing.assert_allclose(rank_percentiles(ranks, levels), expected, rtol=0, atol=1e-9)


def test_only_alternatives_that_change_normalisation_or_scaling_mix_score_scales() -> None:
    plan = UncertaintyPlan(
        alternatives=(
            Alternatives("methods.aggregate.method", ("arithmetic_mean", "geometric_mean")),
            Alternatives("methods.normalise", ({"method": "min_max"}, {"method": "z_score"})),
            Alternatives("index.scale.method", ("none",)),
            Alternatives("groups.a.methods.normalise.method", ("min_max", "rank")),
        )
    )
    assert plan.mixed_scales() == ["methods.normalise", "groups.a.methods.normalise.method"]
    assert UncertaintyPlan(noise=(WeightNoise("a", ("a",), 0.25),)).mixed_scales() == []
