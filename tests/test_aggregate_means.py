"""Aggregation means beyond the arithmetic one: COINr's a_gmean, a_hmean, a_genmean,
a_copeland (R/aggregate.R of bluefoxr/COINr 1.1) and a weighted median, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cityindex.methods.aggregate import (
    arithmetic_mean,
    copeland,
    generalised_mean,
    geometric_mean,
    harmonic_mean,
    median,
)
from cityindex.methods.registry import DomainError


def test_harmonic_mean_is_total_weight_over_weighted_reciprocals() -> None:
    # weights 1, 3 on values 2, 4: 4 / (1/2 + 3/4) = 3.2
    got = harmonic_mean(np.array([[2.0, 4.0]]), np.array([1.0, 3.0]))
    np.testing.assert_allclose(got, [3.2])


def test_a_missing_child_is_dropped_and_the_rest_reweighted() -> None:
    x = np.array([[2.0, np.nan, 8.0]])
    w = np.array([1.0, 5.0, 1.0])
    np.testing.assert_allclose(geometric_mean(x, w), [4.0])
    np.testing.assert_allclose(harmonic_mean(x, w), [3.2])
    np.testing.assert_allclose(generalised_mean(x, w, p=2), [np.sqrt(34.0)])


def test_generalised_mean_with_p_one_is_the_arithmetic_mean_and_p_zero_the_geometric() -> None:
    x = np.array([[1.0, 4.0, 9.0], [2.0, 2.0, 8.0]])
    w = np.array([1.0, 2.0, 1.0])
    np.testing.assert_allclose(generalised_mean(x, w, p=1), arithmetic_mean(x, w))
    np.testing.assert_allclose(generalised_mean(x, w, p=0), geometric_mean(x, w))
    np.testing.assert_allclose(generalised_mean(x, w, p=-1), harmonic_mean(x, w))


@pytest.mark.parametrize("kernel", [geometric_mean, harmonic_mean])
def test_a_zero_is_an_error_that_names_the_child_and_suggests_a_positive_range(kernel) -> None:
    with pytest.raises(DomainError) as err:
        kernel(np.array([[1.0, 0.0, 3.0], [2.0, 5.0, 1.0]]), np.ones(3))
    assert err.value.columns == [1]
    assert "[1, 100]" in str(err.value.hint)


def test_weighted_median_averages_the_middle_pair_only_at_exactly_half_the_weight() -> None:
    x = np.array([[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [5.0, np.nan, 1.0, 2.0]])
    np.testing.assert_allclose(median(x, np.ones(4)), [2.5, 2.5, 2.0])
    np.testing.assert_allclose(median(x[:1], np.array([1.0, 1.0, 1.0, 4.0])), [4.0])


def test_copeland_sums_the_weighted_outranking_matrix_with_ties_counting_half() -> None:
    # three units, two equally weighted indicators:
    # a=(3,1) b=(2,2) c=(1,1): o_ab = .5, o_ac = .5 + .25, o_bc = .5 + .5
    x = np.array([[3.0, 1.0], [2.0, 2.0], [1.0, 1.0]])
    np.testing.assert_allclose(copeland(x, np.ones(2)), [1.25, 1.5, 0.25])


@given(
    arrays(float, st.tuples(st.integers(1, 6), st.integers(1, 5)), elements=st.floats(1, 100)),
    st.floats(0.01, 100),
)
def test_scaling_the_weights_changes_no_mean(x: np.ndarray, c: float) -> None:
    w = np.linspace(1.0, 2.0, x.shape[1])
    for kernel in (arithmetic_mean, geometric_mean, harmonic_mean, median):
        np.testing.assert_allclose(kernel(x, w * c), kernel(x, w), rtol=1e-9)
    assert np.all(harmonic_mean(x, w) <= geometric_mean(x, w) * (1 + 1e-9))
    assert np.all(geometric_mean(x, w) <= arithmetic_mean(x, w) * (1 + 1e-9))
