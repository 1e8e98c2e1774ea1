"""Imputation kernels: COINr's i_mean, i_median, i_mean_grp, i_median_grp and impute_panel
(R/impute.R of bluefoxr/COINr 1.1), worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cityindex.methods.impute import (
    impute_group_mean,
    impute_group_median,
    impute_latest_available,
    impute_linear,
    impute_mean,
    impute_median,
)
from cityindex.methods.registry import KernelContext

NAN = np.nan


def test_mean_and_median_fill_a_gap_from_the_units_present() -> None:
    x = np.array([[1.0], [2.0], [NAN], [9.0]])
    np.testing.assert_allclose(impute_mean(x)[:, 0], [1, 2, 4, 9])
    np.testing.assert_allclose(impute_median(x)[:, 0], [1, 2, 2, 9])


def test_group_mean_fills_from_the_units_own_group_only() -> None:
    table = pd.DataFrame({"region": ["Asia", "Asia", "Europe", "Europe", "Asia", ""]})
    ctx = KernelContext(extra={"table": table})
    x = np.array([[1.0], [3.0], [10.0], [NAN], [NAN], [NAN]])
    got = impute_group_mean(x, ctx=ctx, by="region")[:, 0]
    # Asia: mean(1, 3) = 2; Europe: 10; a unit without a group is left missing
    np.testing.assert_allclose(got, [1, 3, 10, 10, 2, NAN])
    med = impute_group_median(x * [[1.0]], ctx=ctx, by="region")[:, 0]
    np.testing.assert_allclose(med, [1, 3, 10, 10, 2, NAN])


def panel_ctx() -> KernelContext:
    units = ("a", "a", "a", "a", "b", "b", "b", "b")
    years = (2018, 2019, 2020, 2022, 2018, 2019, 2020, 2022)
    return KernelContext(unit_ids=units, extra={"time": years})


def test_latest_available_carries_the_last_value_forward_never_backward() -> None:
    x = np.array([[NAN], [2.0], [NAN], [NAN], [5.0], [NAN], [NAN], [8.0]])
    got = impute_latest_available(x, ctx=panel_ctx())[:, 0]
    np.testing.assert_allclose(got, [NAN, 2, 2, 2, 5, 5, 5, 8])
    once = impute_latest_available(x, ctx=panel_ctx(), max_time=1)[:, 0]
    np.testing.assert_allclose(once, [NAN, 2, 2, NAN, 5, 5, NAN, 8])


def test_linear_interpolates_in_time_and_holds_the_ends() -> None:
    x = np.array([[NAN], [2.0], [NAN], [8.0], [5.0], [NAN], [NAN], [NAN]])
    got = impute_linear(x, ctx=panel_ctx())[:, 0]
    # unit a: 2019 -> 2, 2022 -> 8, so 2020 = 2 + 6 * 1/3 = 4; 2018 takes the first value
    np.testing.assert_allclose(got, [2, 2, 4, 8, 5, 5, 5, 5])
