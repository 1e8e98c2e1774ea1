"""Every declared property has its effect, or the spec or data is refused (issue 24, item 1).

A method declares its domain once, in the registry (`Domain`), and the registered kernel
refuses values outside it before computing, naming unit, value and column; an aggregation that
cannot honour a raw lower-is-better indicator is refused by the loader at the direction's line.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import cityindex
from cityindex.engine.pipeline import require_scored
from cityindex.errors import DataError, SpecError
from cityindex.methods.aggregate import generalised_mean, geometric_mean, harmonic_mean
from cityindex.methods.normalise import RATIO, relative_to_max
from cityindex.methods.registry import REGISTRY, Domain, DomainError, KernelContext, Method

CITIES = ["Beijing", "Shanghai", "Shenzhen", "Hangzhou", "Wuhan"]
DATA = pd.DataFrame(
    {
        "city": CITIES,
        "unicorns": [-1.0, 63, 40, 20, 5],
        "funding": [500.0, 500, 300, 200, 50],
        "cost": [9.0, 10, 8, 6, 5],
        "plans": [4.0, 3, 5, 2, 1],
    }
)


def _spec(
    indicators: dict[str, str],
    *,
    normalise: dict[str, Any] | None = None,
    aggregate: dict[str, Any] | None = None,
    missing: str = "none",
) -> dict[str, Any]:
    methods: dict[str, Any] = {"missing": {"method": missing}}
    if normalise is not None:
        methods["normalise"] = normalise
    group: dict[str, Any] = {"indicators": {i: {"direction": d} for i, d in indicators.items()}}
    if aggregate is not None:
        group["methods"] = {"aggregate": aggregate}
    return {
        "index": {"id": "t", "title": "T", "unit": "city", "scale": {"method": "none"}},
        "methods": methods,
        "groups": {"g": group, "h": {"indicators": {"plans": {"direction": "higher_is_better"}}}},
    }


# --- relative_to_max and the other ratio normalisations ---------------------------------------


def test_a_negative_count_under_relative_to_max_is_refused_naming_unit_value_and_column() -> None:
    spec = _spec({"unicorns": "higher_is_better"}, normalise={"method": "relative_to_max"})
    with pytest.raises(DataError) as err:
        cityindex.score(spec, DATA)
    (problem,) = err.value.issues
    assert problem.code == "data.domain.normalise"
    assert "Beijing: -1 in 'unicorns' (column 'unicorns'" in problem.message
    assert problem.expected == "values >= 0"
    assert problem.key_path == "methods.normalise"
    assert "min_max" in (problem.hint or "")


def test_relative_to_max_accepts_a_zero_count_and_scores_it_zero() -> None:
    data = DATA.assign(unicorns=[0.0, 63, 42, 21, 7])
    spec = _spec({"unicorns": "higher_is_better"}, normalise={"method": "relative_to_max"})
    frame = cityindex.score(spec, data)
    assert frame.loc["Beijing", "g"] == 0.0
    assert frame.loc["Shenzhen", "g"] == pytest.approx(42 / 63)


def test_a_zero_under_a_lower_is_better_ratio_is_refused() -> None:
    x = np.array([[0.0, 1.0], [2.0, 3.0]])
    with pytest.raises(DomainError) as err:
        relative_to_max(x, direction=np.array([-1.0, 1.0]))
    assert err.value.columns == [0]
    assert err.value.units == [0]
    assert err.value.expected == "values > 0"


def test_the_ratio_domain_is_declared_once_in_the_registry() -> None:
    assert REGISTRY["normalise"]["relative_to_max"].domain is RATIO
    assert REGISTRY["normalise"]["vector"].domain is not None
    assert REGISTRY["aggregate"]["bod"].domain is not None
    assert REGISTRY["normalise"]["min_max"].domain is None  # takes any sign


def test_every_declared_domain_is_shown_in_the_methods_listing() -> None:
    """`cityindex methods` prints each formula line: a domain must be read there too."""
    listing = cityindex.methods()
    declared = [(m.stage, m.name) for s in REGISTRY.values() for m in s.values() if m.domain]
    assert len(declared) >= 6
    for key in declared:
        assert "needs x" in listing.loc[key, "formula"], key


def test_a_domain_error_lists_five_cells_then_counts_the_rest() -> None:
    domain = Domain("positive")
    ctx = KernelContext(unit_ids=tuple("abcdefg"), column_ids=("x",))
    with pytest.raises(DomainError) as err:
        domain.check(-np.ones((7, 1)), {"ctx": ctx})
    assert err.value.message.endswith(
        "a: -1 in 'x'; b: -1 in 'x'; c: -1 in 'x'; d: -1 in 'x'; e: -1 in 'x'; and 2 more"
    )


def test_a_domain_check_sees_every_replicate() -> None:
    x = np.ones((3, 2, 2))
    x[2, 1, 0] = 0.0  # one replicate's one cell
    with pytest.raises(DomainError) as err:
        geometric_mean(x, np.ones(2))
    assert (err.value.units, err.value.columns) == ([1], [0])


# --- geometric, harmonic and generalised means ----------------------------------------------


@pytest.mark.parametrize("kernel", [geometric_mean, harmonic_mean])
def test_a_zero_under_a_geometric_or_harmonic_mean_names_its_unit(kernel: Any) -> None:
    ctx = KernelContext(unit_ids=("A", "B"), column_ids=("x1", "x2"))
    with pytest.raises(DomainError, match=r"B: 0 in 'x2'") as err:
        kernel(np.array([[1.0, 2.0], [3.0, 0.0]]), np.ones(2), ctx=ctx)
    assert err.value.expected == "values > 0"


def test_generalised_mean_with_p_above_zero_refuses_negative_values_in_the_pipeline() -> None:
    """Before: the group score came out empty and the unit was ranked on its other group,
    even under `missing: none`."""
    spec = _spec(
        {"unicorns": "higher_is_better", "funding": "higher_is_better"},
        normalise={"method": "z_score"},
        aggregate={"method": "generalised_mean", "p": 0.5},
    )
    with pytest.raises(DataError) as err:
        cityindex.score(spec, DATA)
    (problem,) = err.value.issues
    assert problem.code == "data.domain.aggregate"
    assert problem.key_path == "groups.g.methods.aggregate"
    assert "Beijing: -1.00336 in 'unicorns'" in problem.message
    assert problem.expected == "values >= 0"


def test_generalised_mean_with_p_1_is_the_arithmetic_mean_and_takes_either_sign() -> None:
    x = np.array([[-2.0, 4.0], [1.0, -1.0]])
    np.testing.assert_array_equal(generalised_mean(x, np.array([1.0, 3.0]), p=1), [2.5, -0.5])


def test_a_p_as_small_as_1e_300_gives_the_geometric_mean_it_tends_to() -> None:
    """Before: x^p = 1 for every x, so every unit scored exactly 1."""
    x = np.array([[1.0, 4.0], [2.0, 8.0], [0.5, 3.0]])
    w = np.array([1.0, 2.0])
    geo = geometric_mean(x, w)
    for p in (1e-300, -1e-300, 1e-12):
        np.testing.assert_allclose(generalised_mean(x, w, p=p), geo, rtol=1e-11)
    np.testing.assert_allclose(geo, [4 ** (2 / 3), 2 * 4 ** (2 / 3), 0.5 ** (1 / 3) * 3 ** (2 / 3)])


@pytest.mark.parametrize("p", [-7.0, -2.0, -0.5, 0.5, 2.0, 3.0])
def test_generalised_mean_equals_the_power_mean_formula(p: float) -> None:
    x = np.array([[0.2, 0.9, 0.5], [1.0, 1.0, 1.0], [0.05, 0.6, 0.3]])
    w = np.array([0.5, 0.3, 0.2])
    direct = (np.sum(w * x**p, axis=-1) / w.sum()) ** (1 / p)
    np.testing.assert_allclose(generalised_mean(x, w, p=p), direct, rtol=1e-13)


def test_generalised_mean_at_p_100_does_not_overflow_and_lies_near_the_largest_child() -> None:
    x = np.array([[1e4, 2e4], [3.0, 1.0]])
    got = generalised_mean(x, np.ones(2), p=100)
    # (½ (1e400 + 2e400))^(1/100) = 2e4 · (½ (2^-100 + 1))^(1/100)
    np.testing.assert_allclose(got[0], 2e4 * (0.5 * (2.0**-100 + 1)) ** 0.01, rtol=1e-13)
    np.testing.assert_allclose(got[1], 3 * (0.5 * (3.0**-100 + 1)) ** 0.01, rtol=1e-13)


def test_generalised_mean_with_a_zero_child_and_p_above_zero_is_defined() -> None:
    x = np.array([[0.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(generalised_mean(x, np.ones(2), p=2), [math.sqrt(8), 0.0])


@pytest.mark.parametrize(
    ("p", "got"), [(101, "101"), (-1e6, "-1000000.0"), (".inf", "inf"), (".nan", "nan")]
)
def test_a_power_outside_the_declared_range_is_refused_at_its_key(p: Any, got: str) -> None:
    spec = _spec(
        {"funding": "higher_is_better"},
        aggregate={"method": "generalised_mean", "p": 0.5},
    )
    with pytest.raises(SpecError) as err:
        cityindex.score(spec, DATA, set=[f"groups.g.methods.aggregate.p={p}"])
    (problem,) = err.value.issues
    assert problem.code == "spec.method.param-type"
    assert problem.key_path == "groups.g.methods.aggregate.p"
    assert problem.expected in ("a number from -100 to 100", "a finite number")
    assert got in (problem.got or "")


# --- an empty group score -----------------------------------------------------------------


def test_a_group_score_left_empty_for_a_unit_with_data_stops_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A kernel that gives no score to a unit with data must not let it be ranked on its
    other groups: the run stops naming the unit."""

    def leaky(x: np.ndarray, weights: np.ndarray, **_: Any) -> np.ndarray:
        out = np.nanmean(x, axis=-1)
        out[..., 0] = np.nan
        return out

    method = Method("aggregate", "leaky", leaky, doc="test only")
    monkeypatch.setitem(REGISTRY["aggregate"], "leaky", method)
    spec = _spec({"funding": "higher_is_better"}, aggregate={"method": "leaky"})
    with pytest.raises(DataError) as err:
        cityindex.score(spec, DATA)
    (problem,) = err.value.issues
    assert problem.code == "data.domain.aggregate"
    assert "gave no score to Beijing, which have data under this group" in problem.message


def test_a_unit_with_no_data_under_a_group_may_have_no_group_score() -> None:
    score = np.array([1.0, np.nan])
    require_scored(score, np.array([[1.0], [np.nan]]), ["A", "B"])  # B: the missing rule's
    with pytest.raises(DomainError, match="gave no score to B"):
        require_scored(score, np.array([[1.0], [2.0]]), ["A", "B"])


# --- directions a method cannot honour ------------------------------------------------------


@pytest.mark.parametrize(
    "method",
    [
        {"method": "arithmetic_mean"},
        {"method": "geometric_mean"},
        {"method": "harmonic_mean"},
        {"method": "generalised_mean", "p": 2},
        {"method": "median"},
        {"method": "copeland"},
        {"method": "bod"},
        {"method": "mpi", "standardise": False},
    ],
)
def test_a_raw_cost_indicator_under_a_plain_aggregation_is_refused_at_its_direction(
    method: dict[str, Any],
) -> None:
    """Before: flipping `cost` to higher_is_better gave byte-identical scores."""
    spec = _spec(
        {"funding": "higher_is_better", "cost": "lower_is_better"},
        normalise={"method": "none"},
        aggregate=method,
    )
    with pytest.raises(SpecError) as err:
        cityindex.score(spec, DATA)
    (problem,) = err.value.issues
    assert problem.code == "spec.direction.ignored"
    assert problem.key_path == "groups.g.indicators.cost.direction"
    assert problem.location is not None
    assert problem.location.line is not None
    assert f"`{method['method']}` (groups.g.methods.aggregate)" in problem.message
    assert "topsis" in (problem.expected or "")
    assert "normalise this indicator" in (problem.hint or "")


def test_a_raw_cost_indicator_passes_once_it_is_normalised_or_the_aggregation_takes_it() -> None:
    both = {"funding": "higher_is_better", "cost": "lower_is_better"}
    spec = _spec(both, normalise={"method": "none"}, aggregate={"method": "topsis"})
    v = 0.5 * DATA[["funding", "cost"]].to_numpy()  # equal weights on the raw values
    ideal, anti = np.array([250.0, 2.5]), np.array([25.0, 5.0])  # cost: its minimum is best
    d_plus, d_minus = (np.linalg.norm(v - e, axis=1) for e in (ideal, anti))
    topsis = cityindex.score(spec, DATA)["g"].reindex(CITIES)
    np.testing.assert_allclose(topsis, d_minus / (d_plus + d_minus), atol=1e-12)
    spec = _spec(both, normalise={"method": "none"})
    spec["groups"]["g"]["indicators"]["cost"]["methods"] = {"normalise": {"method": "min_max"}}
    spec["groups"]["g"]["indicators"]["funding"]["methods"] = {"normalise": {"method": "min_max"}}
    frame = cityindex.score(spec, DATA)
    # min-max: funding (1, 1, 0.5556, 0.3333, 0), cost as a cost (0.2, 0, 0.4, 0.8, 1)
    np.testing.assert_allclose(
        frame["g"].reindex(CITIES), [0.6, 0.5, 0.47777778, 0.56666667, 0.5], atol=1e-8
    )


def test_the_direction_refusal_is_reported_by_validate_with_its_line(tmp_path: Any) -> None:
    text = (
        "index: {id: t, title: T, data: d.csv, unit: city}\n"
        "methods:\n"
        "  normalise: {method: none}\n"
        "groups:\n"
        "  g:\n"
        "    indicators:\n"
        "      funding: {direction: higher_is_better}\n"
        "      cost: {direction: lower_is_better}\n"
    )
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    DATA.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(SpecError) as err:
        cityindex.validate(tmp_path / "s.yaml")
    (problem,) = err.value.issues
    assert problem.location is not None
    assert (problem.location.line, problem.location.column) == (8, 25)
