"""Treatment kernels: COINr's Treat (R/treat.R of bluefoxr/COINr 1.1), worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cityindex.methods.registry import DomainError, KernelContext
from cityindex.methods.treat import (
    box_cox,
    denominate_by_column,
    kurtosis,
    passes,
    skewness,
    treat_log,
    winsorise,
    winsorise_log,
)

# numbers 1..30 with two outliers: skew 4.44, kurtosis 20.3 (fails); after 1000 -> 500 still
# skew 3.76, kurtosis 13.1 (fails); after both 500s -> 30, skew -0.05 (passes)
OUTLIERS = np.array([*range(1, 31), 500, 1000], dtype=float).reshape(-1, 1)


def test_skew_and_kurtosis_are_excels_sample_statistics() -> None:
    # Excel: SKEW({1,2,3,10}) = 1.7545..., KURT({1,2,3,10}) = 3.2270...
    x = np.array([[1.0], [2.0], [3.0], [10.0]])
    m, s = x.mean(), x.std(ddof=1)
    n = 4
    skew = n / ((n - 1) * (n - 2)) * np.sum(((x - m) / s) ** 3)
    kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * np.sum(((x - m) / s) ** 4) - 3 * (
        n - 1
    ) ** 2 / ((n - 2) * (n - 3))
    np.testing.assert_allclose(skewness(x), [skew])
    np.testing.assert_allclose(kurtosis(x), [kurt])


def test_winsorising_moves_the_largest_value_to_the_next_one_until_the_column_passes() -> None:
    x = OUTLIERS
    assert not passes(x)[0]
    got = winsorise(x)[:, 0]
    np.testing.assert_array_equal(got, [*range(1, 31), 30, 30])
    log = winsorise_log(x)
    assert log.winsorised[0] == 2
    assert log.pass1[0]
    assert not log.logged[0]


def test_a_column_that_passes_is_left_alone_and_logged_as_passing() -> None:
    x = np.arange(1.0, 13.0).reshape(-1, 1)
    np.testing.assert_array_equal(winsorise(x), x)
    log = winsorise_log(x)
    assert log.pass0[0]
    assert np.isnan(log.winsorised[0])


def test_when_winsorising_is_capped_the_original_values_are_log_transformed() -> None:
    x = OUTLIERS
    got = winsorise(x, max_points=1)[:, 0]
    span = 1000 - 1
    np.testing.assert_allclose(got, np.log(x[:, 0] - 1 + 0.01 * span))
    assert winsorise_log(x, max_points=1).logged[0]


def test_winsorise_treats_each_column_and_replicate_on_its_own_and_keeps_missing() -> None:
    x = np.stack([np.c_[OUTLIERS, np.arange(32.0)]] * 2)
    x[1, 0, 1] = np.nan
    got = winsorise(x)
    np.testing.assert_array_equal(got[0, :, 0], winsorise(OUTLIERS)[:, 0])
    assert np.isnan(got[1, 0, 1])


def test_log_and_box_cox_follow_coinrs_shifts() -> None:
    x = np.array([[1.0], [3.0], [11.0]])
    np.testing.assert_allclose(treat_log(x)[:, 0], np.log([0.1, 2.1, 10.1]))
    # y = x - min + 1 = 1, 3, 11; λ = 0.5: (√y - 1) / 0.5
    np.testing.assert_allclose(box_cox(x, **{"lambda": 0.5})[:, 0], 2 * (np.sqrt([1, 3, 11]) - 1))
    with pytest.raises(DomainError):
        box_cox(np.array([[-1.0], [2.0]]), shift=False, **{"lambda": 0.5})


def test_denominate_divides_by_the_named_column_and_leaves_others() -> None:
    table = pd.DataFrame({"pop": ["10", "20", ""], "gdp": ["1", "0", "4"]})
    ctx = KernelContext(("a", "b", "c"), ("flights", "lpi"), {"table": table})
    x = np.array([[5.0, 3.0], [10.0, 3.0], [7.0, 3.0]])
    got = denominate_by_column(x, ctx=ctx, by={"flights": "pop"})
    np.testing.assert_array_equal(got, [[0.5, 3.0], [0.5, 3.0], [np.nan, 3.0]])
    zero = denominate_by_column(x, ctx=ctx, by="gdp")
    assert np.isnan(zero[1, 0])
