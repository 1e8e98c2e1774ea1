"""Kernels honour each child's direction when the values were not normalised (issue 24, item 1).

With ``normalise: none`` the aggregations that locate an ideal (TOPSIS, VIKOR, grey relational),
CRITIC weights and the Mazziotta–Pareto indices take the criterion types from
``KernelContext.directions``, as pymcdm's ``types`` and Compind's ``polarity`` do. Without
directions (None, the default) the values are taken as already oriented: today's behaviour.
"""

from __future__ import annotations

import numpy as np
import pytest

from cityindex.methods.mcda import grey_relational, topsis, vikor, vikor_measures
from cityindex.methods.mpi import ampi, mpi
from cityindex.methods.registry import DomainError, KernelContext
from cityindex.methods.weights_objective import critic

# Five alternatives, four criteria; the first is a cost (e.g. a price), the others benefits.
RAW = np.array(
    [
        [250.0, 16, 12, 5],
        [200.0, 16, 8, 3],
        [300.0, 32, 16, 4],
        [275.0, 32, 8, 4],
        [225.0, 16, 16, 2],
    ]
)
WEIGHTS = np.array([0.35, 0.25, 0.25, 0.15])
COST_FIRST = KernelContext(directions=(-1.0, 1.0, 1.0, 1.0))
ALL_BENEFIT = KernelContext(directions=(1.0, 1.0, 1.0, 1.0))


def test_topsis_on_raw_values_takes_the_ideal_of_a_cost_column_at_its_minimum() -> None:
    """Expected: pymcdm 1.4.0 ``TOPSIS(normalization_function=_fake_normalization)`` with
    ``types = [-1, 1, 1, 1]`` on this matrix (the identity on benefit columns, max − x on cost
    ones: TOPSIS on the raw values, by criterion type), computed once, 2026-12-07."""
    got = topsis(RAW, WEIGHTS, ctx=COST_FIRST)
    np.testing.assert_allclose(
        got, [0.49373715, 0.88647664, 0.11352336, 0.2677343, 0.73214355], atol=1e-8
    )
    # as a benefit the first column orders the units the other way round
    benefit = topsis(RAW, WEIGHTS, ctx=ALL_BENEFIT)
    np.testing.assert_allclose(
        benefit, [0.49373715, 0.004233, 0.995767, 0.74735421, 0.25260437], atol=1e-8
    )
    np.testing.assert_array_equal(benefit, topsis(RAW, WEIGHTS))


def test_vikor_on_raw_values_takes_f_star_of_a_cost_column_at_its_minimum() -> None:
    """Expected: pymcdm 1.4.0 ``VIKOR()`` (no normalisation; f* = min for a cost criterion)
    with ``types = [-1, 1, 1, 1]``: S, R and Q (lower is better), computed once."""
    s, r, q = vikor_measures(RAW, WEIGHTS, ctx=COST_FIRST)
    np.testing.assert_allclose(s, [0.55, 0.6, 0.4, 0.5625, 0.4875], atol=1e-12)
    np.testing.assert_allclose(r, [0.25, 0.25, 0.35, 0.2625, 0.25], atol=1e-12)
    np.testing.assert_allclose(q, [0.375, 0.5, 0.5, 0.46875, 0.21875], atol=1e-12)
    np.testing.assert_allclose(vikor(RAW, WEIGHTS, ctx=COST_FIRST), 1 - q)
    # pymcdm with every criterion a benefit
    np.testing.assert_allclose(
        1 - vikor(RAW, WEIGHTS, ctx=ALL_BENEFIT),
        [0.61111111, 1.0, 0.0, 0.52083333, 0.69444444],
        atol=1e-8,
    )


def test_grey_relational_on_raw_values_refers_a_cost_column_to_its_minimum() -> None:
    """Deng's grade worked by hand: reference x⁰ = (200, 32, 16, 5) (min of the cost column),
    Δ_ij = |x⁰_j − x_ij|, Δmin = 0, Δmax = 100, ξ = 50 / (Δ + 50) with ρ = 0.5."""
    ref = np.array([200.0, 32, 16, 5])
    delta = np.abs(ref - RAW)
    xi = (0 + 0.5 * delta.max()) / (delta + 0.5 * delta.max())
    expected = xi @ WEIGHTS
    np.testing.assert_allclose(grey_relational(RAW, WEIGHTS, ctx=COST_FIRST), expected)
    assert np.argmax(expected) == 1  # the cheapest unit leads; as a benefit, the dearest
    assert np.argmax(grey_relational(RAW, WEIGHTS, ctx=ALL_BENEFIT)) == 2


def test_critic_weights_match_jmcdm_with_a_minimum_criterion() -> None:
    """JMcDM's CRITIC test (jbytecode/JMcDM, test/mcdm/testcritic.jl): the 3 × 4 decision
    matrix with ``fns = [maximum, maximum, minimum, maximum]`` gives w = [0.16883925,
    0.418444976, 0.249124763, 0.163591012] (JMcDM asserts atol 1e-4; we agree to 2e-6)."""
    decmat = np.array(
        [
            [12.9918, 0.7264, -1.1009, 1.598139592],
            [4.1201, 5.8824, 3.4483, 1.021563567],
            [4.1039, 0.0000, -0.5076, 0.984469444],
        ]
    )
    ctx = KernelContext(directions=(1.0, 1.0, -1.0, 1.0))
    got = critic(decmat, ctx=ctx)
    np.testing.assert_allclose(got, [0.16883925, 0.418444976, 0.249124763, 0.163591012], atol=2e-6)
    np.testing.assert_allclose(got.round(3), [0.169, 0.418, 0.249, 0.164])


def test_mpi_on_raw_values_standardises_a_cost_column_with_negative_polarity() -> None:
    """Compind's ``ci_mpi`` after ``normalise_ci(method = 1, z.mean = 100, z.std = 10,
    polarity)`` worked by hand: z = 100 ± 10 (x − mean) / sd (sample sd; − for "NEG"),
    M the mean of a unit's z, S its sample sd, MPI = M − S²/M."""
    mean, sd = RAW.mean(axis=0), RAW.std(axis=0, ddof=1)
    polarity = np.array([-1.0, 1, 1, 1])
    z = 100 + 10 * polarity * (RAW - mean) / sd
    m, s = z.mean(axis=1), z.std(axis=1, ddof=1)
    expected = m - s * (s / m)
    np.testing.assert_allclose(mpi(RAW, WEIGHTS, ctx=COST_FIRST), expected, rtol=0, atol=1e-9)
    assert not np.allclose(mpi(RAW, WEIGHTS, ctx=ALL_BENEFIT), expected)


def test_ampi_on_raw_values_puts_a_cost_column_s_goalposts_the_other_way_round() -> None:
    """Compind's goalposts with negative polarity: r = 70 + 60 (ref + Δ − x) / (2Δ)."""
    ref, delta = RAW.mean(axis=0), (RAW.max(axis=0) - RAW.min(axis=0)) / 2
    r = 70 + 60 * (RAW - (ref - delta)) / (2 * delta)
    r[:, 0] = 70 + 60 * (ref[0] + delta[0] - RAW[:, 0]) / (2 * delta[0])
    m, s = r.mean(axis=1), r.std(axis=1)
    np.testing.assert_allclose(ampi(RAW, WEIGHTS, ctx=COST_FIRST), m - s * s / m, atol=1e-9)
    # a fixed reference is given in the raw units and is oriented with its column
    ids = ("price", "b", "c", "d")
    fixed = dict(zip(ids, ref.tolist(), strict=True))
    ctx = KernelContext(column_ids=ids, directions=COST_FIRST.directions)
    np.testing.assert_allclose(ampi(RAW, WEIGHTS, ctx=ctx, reference=fixed), m - s * s / m)


@pytest.mark.parametrize("kernel", [topsis, vikor, grey_relational, mpi, ampi])
def test_without_directions_the_values_are_taken_as_oriented(kernel: object) -> None:
    x = RAW / RAW.max(axis=0)
    plain = kernel(x, WEIGHTS)  # type: ignore[operator]
    np.testing.assert_array_equal(kernel(x, WEIGHTS, ctx=KernelContext()), plain)  # type: ignore[operator]
    np.testing.assert_array_equal(kernel(x, WEIGHTS, ctx=ALL_BENEFIT), plain)  # type: ignore[operator]


def test_flipping_a_direction_changes_the_scores_of_every_direction_aware_kernel() -> None:
    for kernel in (topsis, vikor, grey_relational, mpi, ampi):
        assert not np.allclose(kernel(RAW, WEIGHTS, ctx=COST_FIRST), kernel(RAW, WEIGHTS))
    assert not np.allclose(critic(RAW, ctx=COST_FIRST), critic(RAW))


def test_directions_of_the_wrong_length_are_a_domain_error() -> None:
    with pytest.raises(DomainError, match="directions"):
        topsis(RAW, WEIGHTS, ctx=KernelContext(directions=(1.0, -1.0)))
