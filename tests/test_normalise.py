"""Normalisation kernels: COINr's formulas (R/normalise.R of bluefoxr/COINr 1.1), worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cityindex.methods.normalise import (
    borda,
    distance_to_max,
    distance_to_reference,
    distance_to_target,
    goalposts,
    min_max,
    percentile_rank,
    rank,
    relative_to_max,
)
from cityindex.methods.registry import DomainError, KernelContext

UP = np.array([1.0])
DOWN = np.array([-1.0])


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=float).reshape(-1, 1)


def test_rank_gives_tied_units_the_lowest_rank_and_keeps_missing_missing() -> None:
    # R: rank(c(3, 1, 3, NA, 2), ties.method = "min", na.last = "keep") = 3 1 3 NA 2
    got = rank(col(3, 1, 3, np.nan, 2), direction=UP)[:, 0]
    np.testing.assert_array_equal(got, [3, 1, 3, np.nan, 2])


def test_rank_of_a_lower_is_better_indicator_puts_the_smallest_value_on_top() -> None:
    np.testing.assert_array_equal(rank(col(10, 30, 20), direction=DOWN)[:, 0], [3, 1, 2])


def test_borda_counts_the_units_beaten_outright() -> None:
    np.testing.assert_array_equal(borda(col(3, 1, 3, 2), direction=UP)[:, 0], [2, 0, 2, 1])


def test_percentile_rank_divides_by_the_units_with_a_value_minus_one() -> None:
    # ranks 3 1 3 . 2 over n = 4 values: (r - 1) / 3
    got = percentile_rank(col(3, 1, 3, np.nan, 2), direction=UP)[:, 0]
    np.testing.assert_allclose(got, [2 / 3, 0, 2 / 3, np.nan, 1 / 3])


def test_distance_to_max_is_min_max_onto_zero_one() -> None:
    np.testing.assert_allclose(distance_to_max(col(2, 4, 10), direction=UP)[:, 0], [0, 0.25, 1])


def test_distance_to_reference_scores_the_reference_unit_one() -> None:
    ctx = KernelContext(unit_ids=("a", "b", "c"))
    # 1 - (x_ref - x) / (x_ref - min) with x_ref = 6 (unit b), min = 2
    got = distance_to_reference(col(2, 6, 10), direction=UP, ctx=ctx, unit="b")[:, 0]
    np.testing.assert_allclose(got, [0, 1, 2])
    capped = distance_to_reference(col(2, 6, 10), direction=UP, ctx=ctx, unit="b", cap=True)
    np.testing.assert_allclose(capped[:, 0], [0, 1, 1])


def test_distance_to_reference_of_an_unknown_unit_is_a_domain_error() -> None:
    with pytest.raises(DomainError, match="'zz'"):
        distance_to_reference(col(1, 2), direction=UP, ctx=KernelContext(("a", "b")), unit="zz")


def test_distance_to_target_measures_progress_from_the_worst_unit_to_the_target() -> None:
    ctx = KernelContext(column_ids=("up", "down"))
    x = np.array([[2.0, 10.0], [6.0, 6.0], [10.0, 2.0]])
    targets = {"up": 10.0, "down": 4.0}
    got = distance_to_target(x, direction=np.array([1.0, -1.0]), ctx=ctx, targets=targets)
    # up: (x - 2) / (10 - 2); down: (max - x) / (max - t) = (10 - x) / 6
    np.testing.assert_allclose(got, [[0, 0], [0.5, 4 / 6], [1, 8 / 6]])


def test_goalposts_clip_to_the_posts_and_scale() -> None:
    got = goalposts(col(0, 5, 15), direction=UP, low=0, high=10, scale=100)[:, 0]
    np.testing.assert_allclose(got, [0, 50, 100])
    down = goalposts(col(0, 5, 15), direction=DOWN, low=0, high=10, scale=100)[:, 0]
    np.testing.assert_allclose(down, [100, 50, 0])


finite = arrays(
    float,
    st.tuples(st.integers(3, 12), st.integers(1, 4)),
    elements=st.floats(-1e6, 1e6, allow_nan=False),
)


@given(finite)
def test_rank_based_normalisations_keep_the_order_of_values(x: np.ndarray) -> None:
    d = np.ones(x.shape[1])
    for kernel in (rank, borda, percentile_rank, distance_to_max):
        z = kernel(x, direction=d)
        for j in range(x.shape[1]):
            order = np.argsort(x[:, j], kind="stable")
            assert np.all(np.diff(z[order, j]) >= -1e-9)


@given(finite)
def test_min_max_lies_in_range_with_the_best_unit_on_top(x: np.ndarray) -> None:
    z = min_max(x, direction=np.ones(x.shape[1]), range=(1.0, 100.0))
    assert np.all((z >= 1 - 1e-9) & (z <= 100 + 1e-9))
    spread = x.max(axis=0) > x.min(axis=0)
    assert np.allclose(z[x.argmax(axis=0), np.arange(x.shape[1])][spread], 100.0)


@given(
    arrays(float, st.tuples(st.integers(2, 10), st.integers(1, 3)), elements=st.floats(0.1, 1e6))
)
def test_relative_to_max_gives_the_best_unit_exactly_one(x: np.ndarray) -> None:
    z = relative_to_max(x, direction=np.ones(x.shape[1]))
    np.testing.assert_array_equal(z.max(axis=0), np.ones(x.shape[1]))
