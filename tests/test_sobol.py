"""Sobol indices: Saltelli design, Saltelli-2010 / Jansen estimators, bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityindex.analysis.sobol import (
    ContinuousInput,
    DiscreteInput,
    SaltelliDesign,
    Sampler,
    WeightSimplexInput,
    choice_index,
    saltelli_design,
    sobol_indices,
)

ISHIGAMI_A = 7.0
ISHIGAMI_B = 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    """f = sin x1 + a sin² x2 + b x3⁴ sin x1, x ∈ [−π, π]³ (Ishigami & Homma 1990)."""
    return (
        np.sin(x[..., 0])
        + ISHIGAMI_A * np.sin(x[..., 1]) ** 2
        + ISHIGAMI_B * x[..., 2] ** 4 * np.sin(x[..., 0])
    )


def ishigami_analytic() -> tuple[np.ndarray, np.ndarray]:
    """Analytic first-order and total indices of the Ishigami function.

    Saltelli et al. (2008), Global Sensitivity Analysis: The Primer, §1.2 / Ishigami & Homma
    (1990): V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2; V1 = (1 + bπ⁴/5)²/2; V2 = a²/8; V3 = 0;
    V13 = b²π⁸ (1/18 − 1/50) = 8 b²π⁸/225; other interactions vanish. For a = 7, b = 0.1:
    S ≈ (0.3139, 0.4424, 0), ST ≈ (0.5576, 0.4424, 0.2437).
    """
    a, b, pi = ISHIGAMI_A, ISHIGAMI_B, np.pi
    v = a**2 / 8 + b * pi**4 / 5 + b**2 * pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * pi**8 / 225
    first = np.array([v1, v2, 0.0]) / v
    total = np.array([v1 + v13, v2, v13]) / v
    return first, total


def run_ishigami(
    n: int, seed: int, sampler: Sampler = "sobol"
) -> tuple[SaltelliDesign, np.ndarray]:
    design = saltelli_design(3, n, seed=seed, sampler=sampler)
    x = ContinuousInput("x", -np.pi, np.pi).values(design.stacked())
    return design, ishigami(x)


def test_analytic_reference_values_are_the_published_ones() -> None:
    first, total = ishigami_analytic()
    np.testing.assert_allclose(first, [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(total, [0.5576, 0.4424, 0.2437], atol=1e-4)


@pytest.mark.parametrize("sampler", ["sobol", "random"])
def test_ishigami_indices_match_analytic_values_within_002_at_n_8192(sampler: Sampler) -> None:
    design, y = run_ishigami(8192, seed=11, sampler=sampler)
    result = sobol_indices(*design.split(y), n_bootstrap=200, seed=3)
    first, total = ishigami_analytic()
    np.testing.assert_allclose(result.first, first, atol=0.02)
    np.testing.assert_allclose(result.total, total, atol=0.02)


def test_bootstrap_interval_brackets_the_estimate_and_the_truth_for_ishigami() -> None:
    design, y = run_ishigami(4096, seed=5)
    result = sobol_indices(*design.split(y), n_bootstrap=300, seed=1)
    _, total = ishigami_analytic()
    assert np.all(result.first_ci[0] <= result.first)
    assert np.all(result.first <= result.first_ci[1])
    assert np.all(result.total_ci[0] <= result.total)
    assert np.all(result.total <= result.total_ci[1])
    # Truth inside a slightly widened interval (a 95% interval may miss once in a while).
    assert np.all(result.total_ci[0] - 0.02 <= total)
    assert np.all(total <= result.total_ci[1] + 0.02)


def test_bootstrap_is_seeded_and_independent_of_block_size() -> None:
    design, y = run_ishigami(512, seed=2)
    parts = design.split(y)
    big = sobol_indices(*parts, n_bootstrap=100, seed=9)
    small = sobol_indices(*parts, n_bootstrap=100, seed=9, max_elements=5000)
    np.testing.assert_array_equal(big.first_ci, small.first_ci)
    np.testing.assert_array_equal(big.total_ci, small.total_ci)
    other = sobol_indices(*parts, n_bootstrap=100, seed=10)
    assert not np.array_equal(big.first_ci, other.first_ci)


def test_same_seed_gives_the_same_design_and_another_seed_another() -> None:
    a = saltelli_design(4, 64, seed=1)
    b = saltelli_design(4, 64, seed=1)
    c = saltelli_design(4, 64, seed=2)
    np.testing.assert_array_equal(a.stacked(), b.stacked())
    assert not np.array_equal(a.a, c.a)


def test_ab_matrices_take_exactly_column_i_from_b() -> None:
    design = saltelli_design(3, 8, seed=0)
    ab = design.ab()
    for i in range(3):
        expected = design.a.copy()
        expected[:, i] = design.b[:, i]
        np.testing.assert_array_equal(ab[i], expected)
    assert design.stacked().shape == (8 * 5, 3)


def test_trailing_output_axes_give_one_index_per_output() -> None:
    """Outputs (runs, 2): column 0 depends on input 0 only, column 1 on input 1 only."""
    design = saltelli_design(2, 1024, seed=4)
    u = design.stacked()
    y = np.stack([u[:, 0], u[:, 1] ** 2], axis=-1)
    result = sobol_indices(*design.split(y), n_bootstrap=50)
    assert result.first.shape == (2, 2)
    np.testing.assert_allclose(result.first[:, 0], [1.0, 0.0], atol=0.03)
    np.testing.assert_allclose(result.total[:, 1], [0.0, 1.0], atol=0.03)


def test_an_additive_model_has_first_order_equal_to_total_and_summing_to_one() -> None:
    """f = x1 + 2 x2 on U[0,1]²: S = ST = (1/5, 4/5) (variances 1/12 and 4/12)."""
    design = saltelli_design(2, 4096, seed=8)
    u = design.stacked()
    result = sobol_indices(*design.split(u[:, 0] + 2 * u[:, 1]), n_bootstrap=50)
    np.testing.assert_allclose(result.first, [0.2, 0.8], atol=0.01)
    np.testing.assert_allclose(result.total, [0.2, 0.8], atol=0.01)


@given(st.integers(1, 12), st.floats(0.0, 1.0, exclude_max=True))
def test_discrete_choice_index_is_floor_u_times_k_within_range(k: int, u: float) -> None:
    idx = int(choice_index(np.array([u]), k)[0])
    assert 0 <= idx < k
    assert idx == min(int(np.floor(u * k)), k - 1)


def test_discrete_input_picks_each_alternative_equally_often() -> None:
    design = saltelli_design(1, 1024, seed=0)
    idx = DiscreteInput("winsorise", (1, 2, 3, 4, 5)).index(design.a[:, 0])
    counts = np.bincount(idx, minlength=5)
    assert counts.sum() == 1024
    assert np.all(np.abs(counts - 1024 / 5) <= 2)


@settings(max_examples=30)
@given(st.floats(0.0, 0.9), st.integers(0, 2**16))
def test_weight_simplex_pool_sums_to_one_and_stays_within_noise_band(
    noise: float, seed: int
) -> None:
    nominal = np.array([0.5, 0.3, 0.2])
    inp = WeightSimplexInput.noisy(
        "w", nominal, noise=noise, rng=np.random.default_rng(seed), pool_size=50
    )
    np.testing.assert_allclose(inp.pool.sum(axis=-1), 1.0)
    picked = inp.weights(np.array([0.0, 0.5, 0.999]))
    assert picked.shape == (3, 3)
    # Before renormalising each weight is within ±noise of nominal; the ratio bounds follow.
    ratio = inp.pool / nominal
    assert np.all(ratio <= (1 + noise) / (1 - noise) + 1e-12)
    assert np.all(ratio >= (1 - noise) / (1 + noise) - 1e-12)


def test_point_estimates_equal_salib_on_the_same_runs() -> None:
    """SALib's sobol.analyze uses the same estimators; its run order is A, AB_1..AB_d, B per row."""
    salib_sobol = pytest.importorskip("SALib.analyze.sobol")
    design, y = run_ishigami(1024, seed=21)
    y_a, y_b, y_ab = design.split(y)
    d = 3
    interleaved = np.concatenate([y_a[:, None], y_ab.T, y_b[:, None]], axis=1).reshape(-1)
    problem = {"num_vars": d, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * d}
    ref = salib_sobol.analyze(
        problem, interleaved, calc_second_order=False, num_resamples=100, seed=1
    )
    ours = sobol_indices(y_a, y_b, y_ab, n_bootstrap=100)
    np.testing.assert_allclose(ours.first, ref["S1"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.total, ref["ST"], rtol=1e-10, atol=1e-12)
    # Interval widths comparable to SALib's normal-approximation half-widths.
    half = (ours.total_ci[1] - ours.total_ci[0]) / 2
    np.testing.assert_allclose(half, ref["ST_conf"], rtol=0.5)


def test_an_output_that_never_varies_gets_nan_indices_without_warnings() -> None:
    design = saltelli_design(2, 64, seed=0, sampler="random")
    u = design.stacked()
    y = np.stack([u[:, 0], np.ones(len(u))], axis=-1)
    result = sobol_indices(*design.split(y), n_bootstrap=20)
    assert np.all(np.isnan(result.first[:, 1]))
    assert np.all(np.isnan(result.total_ci[:, :, 1]))
    assert np.all(np.isfinite(result.first[:, 0]))
