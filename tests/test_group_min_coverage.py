"""`min_coverage:` on a group: a unit cannot win a group by lacking its data.

Below that share of the group's indicators (by the spec's weights), a unit's missing indicators
in the group count as the worst normalised value instead of being dropped and re-weighted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cityindex.analysis.explain import explain
from cityindex.engine.coverage import indicator_shares
from cityindex.engine.pipeline import compute
from cityindex.load.data import Table
from cityindex.load.spec_yaml import parse_spec
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec

NAN = np.nan

SPEC = """\
index: {{id: t, title: T, unit: city}}
methods: {{missing: {{method: reweight}}}}
groups:
  g:
    {rule}
    indicators:
      x1: {{direction: higher_is_better, weight: {w1}}}
      x2: {{direction: higher_is_better}}
      x3: {{direction: higher_is_better}}
      x4: {{direction: higher_is_better}}
"""
DATA = {
    "city": ["A", "B", "C", "D"],
    "x1": [10, 0, 10, 10],
    "x2": [10, 0, NAN, 10],
    "x3": [10, 0, NAN, NAN],
    "x4": [10, 0, NAN, NAN],
}


def spec_of(rule: str = "min_coverage: 0.5", w1: float = 1) -> Spec:
    spec, issues = parse_spec(SPEC.format(rule=rule, w1=w1))
    assert not issues, issues
    assert spec is not None
    return spec


def score(spec: Spec) -> IndexResult:
    return compute(spec, Table.from_frame(pd.DataFrame(DATA), unit="city"))


def test_without_the_rule_a_unit_with_one_indicator_in_four_wins_the_group() -> None:
    """Today's re-weighting: C's single 10 is its whole group score, 1 (as A's)."""
    r = score(spec_of(rule="title: G"))
    np.testing.assert_allclose(r.group_scores["g"], [1, 0, 1, 1])


def test_below_min_coverage_missing_indicators_count_as_the_worst_value() -> None:
    """C has 1 of 4 equal weights (0.25 < 0.5): x2..x4 count as 0, g = 1/4. D has exactly half
    (not below): its gaps are dropped and the rest re-weighted, g = 1."""
    r = score(spec_of())
    np.testing.assert_allclose(r.group_scores["g"], [1, 0, 0.25, 1])
    np.testing.assert_allclose(r.stages["normalised"].loc["C"], [1, 0, 0, 0])
    assert r.counted_worst is not None
    assert r.counted_worst.loc["C"].tolist() == [False, True, True, True]
    assert not r.counted_worst.loc[["A", "B", "D"]].to_numpy().any()


def test_coverage_is_a_share_of_the_weights_not_a_count() -> None:
    """x1 weighs 3 of 6: C has half the group's weight, so its gaps are re-weighted away."""
    r = score(spec_of(w1=3))
    np.testing.assert_allclose(r.group_scores["g"], [1, 0, 1, 1])


def test_the_group_score_never_exceeds_its_present_data_at_full_weight() -> None:
    """Σ_present w z / Σ_all w for C: (1 · 1) / 4."""
    r = score(spec_of())
    z = r.stages["normalised"].loc["C"].to_numpy()
    assert r.group_scores["g"]["C"] <= np.nansum(z) / 4 + 1e-12


def test_explain_calls_such_a_cell_worst_and_missing_never_imputed() -> None:
    spec = spec_of()
    ex = explain(spec, score(spec), "C")
    status = {row["id"]: row["status"] for row in ex.rows}
    assert [status[i] for i in ("x1", "x2", "x3", "x4")] == ["ok", "worst", "worst", "worst"]
    assert ex.counted_worst == ["x2", "x3", "x4"]
    assert ex.missing == ["x2", "x3", "x4"]
    assert ex.imputed == []


def test_indicator_shares_multiply_down_nested_groups() -> None:
    spec, issues = parse_spec(
        "index: {id: t, title: T, unit: city}\n"
        "groups:\n"
        "  top:\n"
        "    min_coverage: 0.6\n"
        "    groups:\n"
        "      a: {weight: 3, indicators: {a1: {direction: higher_is_better}, "
        "a2: {direction: higher_is_better}}}\n"
        "      b: {weight: 1, indicators: {b1: {direction: higher_is_better}}}\n"
    )
    assert spec is not None
    assert not issues
    assert spec.groups[0].min_coverage == 0.6
    assert indicator_shares(spec.groups[0]) == {"a1": 0.375, "a2": 0.375, "b1": 0.25}


def test_min_coverage_outside_zero_to_one_is_reported_at_its_key() -> None:
    _, issues = parse_spec(SPEC.format(rule="min_coverage: 1.5", w1=1))
    assert [i.code for i in issues] == ["spec.min_coverage.invalid"]
    assert issues[0].key_path == "groups.g.min_coverage"
    assert issues[0].location is not None
    assert issues[0].location.line == 5
