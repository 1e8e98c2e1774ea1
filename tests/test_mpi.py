"""Mazziotta–Pareto index and its adjusted form, as Compind's ci_mpi and ci_ampi compute them
(cran/Compind R/ci_mpi.R, R/ci_ampi.R, R/normalise_ci.R), worked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cityindex.cli import run
from cityindex.methods.mpi import ampi, mpi
from cityindex.methods.registry import DomainError


def test_mpi_standardises_to_100_plus_10_z_and_subtracts_sample_sd_times_cv() -> None:
    # column 1 (1, 2, 3) and column 2 (1, 3, 2): mean 2, sample sd 1, so z = 100 + 10 (x - 2).
    # Unit B: z = (100, 110), M = 105, sample S = √50, MPI = 105 - 50/105.
    x = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0]])
    got = mpi(x, np.ones(2))
    np.testing.assert_allclose(got, [90.0, 105 - 50 / 105, 105 - 50 / 105])


def test_mpi_with_negative_penalty_adds_the_spread() -> None:
    x = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0]])
    got = mpi(x, np.ones(2), penalty="negative")
    np.testing.assert_allclose(got, [90.0, 105 + 50 / 105, 105 + 50 / 105])


def test_mpi_ignores_the_weights_and_scales_per_replicate() -> None:
    x = np.array([[1.0, 1.0, 4.0], [2.0, 3.0, 1.0], [3.0, 2.0, 2.0], [5.0, 1.0, 1.0]])
    one = mpi(x, np.array([1.0, 1.0, 1.0]))
    np.testing.assert_allclose(mpi(x, np.array([5.0, 1.0, 0.1])), one)
    both = mpi(np.stack([x, 3 * x + 7]), np.ones(3))
    np.testing.assert_allclose(both, [one, one])


def test_ampi_maps_the_reference_to_100_and_subtracts_population_sd_times_cv() -> None:
    # Each column ranges over [0, 2] with mean 1: Δ = 1, r = 70 + 30 x. Unit A: r = (70, 130),
    # M = 100, population S = 30, cv = 0.3, AMPI = 100 - 9.
    x = np.array([[0.0, 2.0], [2.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(ampi(x, np.ones(2)), [91.0, 91.0, 100.0])


def test_ampi_with_a_fixed_reference_keeps_the_goalposts_there() -> None:
    from cityindex.methods.registry import KernelContext

    x = np.array([[0.0, 2.0], [2.0, 0.0], [1.0, 1.0]])
    ctx = KernelContext(column_ids=("a", "b"))
    # reference 0 for both: r = 70 + 30 (x + 1), so the reference maps to 100.
    got = ampi(x, np.ones(2), ctx=ctx, reference={"a": 0.0, "b": 0.0})
    # A: r = (100, 160), M = 130, S = 30, AMPI = 130 - 900/130; C: r = (130, 130) -> 130
    np.testing.assert_allclose(got, [130 - 900 / 130, 130 - 900 / 130, 130.0])


def test_a_child_that_does_not_vary_is_an_error_naming_it() -> None:
    x = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    with pytest.raises(DomainError) as err:
        mpi(x, np.ones(2))
    assert err.value.columns == [1]


def test_a_spec_can_aggregate_a_group_by_mpi(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # g1 on min-max values: x1 (0, 1/3, 2/3, 1), x2 (1, 2/3, 0, 1); both standardised with
    # their sample sd, then unit D = (100 + 10·a, 100 + 10·b) penalised by its own spread.
    args = ["--set", "groups.g1.methods.aggregate={method: mpi}", "--format", "json"]
    assert run(["score", str(hand), *args]) == 0
    got = {r["unit"]: r["g1"] for r in json.loads(capsys.readouterr().out)["results"]}
    x = np.array([[0, 1], [1 / 3, 2 / 3], [2 / 3, 0], [1, 1]])
    z = 100 + 10 * (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    m, s = z.mean(axis=1), z.std(axis=1, ddof=1)
    np.testing.assert_allclose([got[u] for u in "ABCD"], m - s * s / m, atol=1e-9)
