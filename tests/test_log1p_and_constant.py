"""`treat: log1p` (x' = ln(1 + x), for counts) and `impute: constant` (an analyst's 暂无 = 0)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cityindex.engine.pipeline import compute
from cityindex.errors import DataError
from cityindex.load.data import Table
from cityindex.load.spec_yaml import parse_spec
from cityindex.methods.impute import impute_constant
from cityindex.methods.registry import REGISTRY, DomainError
from cityindex.methods.treat import treat_log1p

NAN = np.nan
E1 = np.e - 1


def test_log1p_is_zero_at_zero_and_one_at_e_minus_one() -> None:
    got = treat_log1p(np.array([[0.0, 3.0], [E1, NAN]]))
    np.testing.assert_allclose(got, [[0, np.log(4)], [1, NAN]])


def test_log1p_works_on_a_leading_replicate_axis() -> None:
    x = np.array([[[0.0], [E1]], [[3.0], [0.0]]])
    np.testing.assert_allclose(treat_log1p(x)[..., 0], [[0, 1], [np.log(4), 0]])


def test_log1p_refuses_minus_one_naming_the_column() -> None:
    with pytest.raises(DomainError) as caught:
        treat_log1p(np.array([[1.0, 2.0], [3.0, -1.0]]))
    assert caught.value.columns == [1]


def test_log1p_of_data_at_minus_one_is_a_located_data_error() -> None:
    spec, issues = parse_spec(
        "index: {id: t, title: T, unit: city}\n"
        "groups: {g: {indicators: {count: {direction: higher_is_better, "
        "methods: {treat: log1p}}}}}\n"
    )
    assert spec is not None
    assert not issues
    frame = pd.DataFrame({"city": ["a", "b"], "count": [-1.0, 3.0]})
    with pytest.raises(DataError) as caught:
        compute(spec, Table.from_frame(frame, unit="city"))
    found = caught.value.issues[0]
    assert found.code == "data.domain.treat"
    assert found.key_path == "groups.g.indicators.count.methods.treat"
    assert "count" in (found.got or "")


def test_constant_fills_every_gap_with_the_value() -> None:
    got = impute_constant(np.array([[1.0, NAN], [NAN, 4.0]]), value=0)
    np.testing.assert_allclose(got, [[1, 0], [0, 4]])
    batched = impute_constant(np.array([[[NAN], [2.0]], [[3.0], [NAN]]]), value=7.5)
    np.testing.assert_allclose(batched[..., 0], [[7.5, 2], [3, 7.5]])


def test_constant_imputation_is_recorded_as_imputed_and_scored() -> None:
    """暂无 = 0: counts 4, 暂无, 2 → 4, 0, 2 → min-max 1, 0, 0.5."""
    spec, issues = parse_spec(
        "index: {id: t, title: T, unit: city, na_values: [暂无]}\n"
        "methods: {impute: {method: constant, value: 0}}\n"
        "groups: {g: {indicators: {count: {direction: higher_is_better}}}}\n"
    )
    assert spec is not None
    assert not issues
    frame = pd.DataFrame({"city": ["a", "b", "c"], "count": ["4", "暂无", "2"]})
    r = compute(spec, Table.from_frame(frame, unit="city", na_values=["暂无"]))
    np.testing.assert_allclose(r.stages["normalised"]["count"], [1, 0, 0.5])
    assert r.imputed["count"].tolist() == [False, True, False]


def test_constant_needs_its_value() -> None:
    _, issues = parse_spec(
        "index: {id: t, title: T, unit: city}\n"
        "methods: {impute: {method: constant}}\n"
        "groups: {g: {indicators: {count: {direction: higher_is_better}}}}\n"
    )
    assert [i.code for i in issues] == ["spec.method.param-missing"]


def test_both_methods_are_in_the_registry_with_their_formula() -> None:
    assert "ln(1 + x)" in REGISTRY["treat"]["log1p"].doc
    assert "value" in REGISTRY["impute"]["constant"].doc
