"""`absent:` on an indicator: what a unit's absence from the source list means.

A complete list (`absent: zero`) gives the unit 0; a top-N list (`absent: below`) puts it just
below the list's last entry. Such a cell is data, not a gap: never "imputed", and counted as
present for coverage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityindex.analysis.explain import explain
from cityindex.engine.pipeline import compute
from cityindex.load.data import Table
from cityindex.load.spec_yaml import parse_spec
from cityindex.methods.impute import fill_absent
from cityindex.model.result import IndexResult
from cityindex.model.spec import Absent, Spec

NAN = np.nan

SPEC = """\
index: {{id: t, title: T, unit: city}}
methods: {{normalise: {normalise}}}
groups:
  g:
    indicators:
      listed: {{direction: {direction}, absent: {absent}}}
      other: {{direction: higher_is_better}}
"""


def spec_of(
    *, direction: str = "lower_is_better", absent: str = "below", normalise: str = "min_max"
) -> Spec:
    spec, issues = parse_spec(SPEC.format(direction=direction, absent=absent, normalise=normalise))
    assert not issues, issues
    assert spec is not None
    return spec


def score(spec: Spec, listed: list[float], other: list[float] | None = None) -> IndexResult:
    n = len(listed)
    frame = pd.DataFrame(
        {
            "city": [f"u{k:02d}" for k in range(n)],
            "listed": listed,
            "other": other if other is not None else [1.0 + k for k in range(n)],
        }
    )
    return compute(spec, Table.from_frame(frame, unit="city"))


def test_a_unit_missing_from_a_rank_list_gets_rank_n_plus_one() -> None:
    """Ranks 1, 2, 3 listed; u03 not on the list: rank 4. min-max (lower is better):
    (4 - x) / 3 → 1, 2/3, 1/3, 0."""
    r = score(spec_of(), [1, 2, 3, NAN])
    np.testing.assert_allclose(r.stages["denominated"]["listed"], [1, 2, 3, 4])
    np.testing.assert_allclose(r.stages["normalised"]["listed"], [1, 2 / 3, 1 / 3, 0])
    assert np.isnan(r.stages["raw"]["listed"].iloc[3])  # the data as read says nothing
    assert r.absent is not None
    assert r.absent["listed"].tolist() == [False, False, False, True]
    assert not r.imputed.to_numpy().any()


def test_a_unit_missing_from_a_complete_list_has_zero() -> None:
    """Counts 5, 2, 4 listed; u01 not on the complete list: 0, then min-max x / 5."""
    r = score(spec_of(direction="higher_is_better", absent="zero"), [5, NAN, 2, 4])
    np.testing.assert_allclose(r.stages["normalised"]["listed"], [1, 0, 0.4, 0.8])


def test_below_a_higher_is_better_list_is_the_last_value_minus_the_step() -> None:
    """Listed 3, 2 with step 0.5: the absent unit has 1.5."""
    spec = spec_of(direction="higher_is_better", absent="{rule: below, step: 0.5}")
    assert spec.indicators()[0].absent == Absent("below", 0.5)
    r = score(spec, [3, 2, NAN])
    np.testing.assert_allclose(r.stages["denominated"]["listed"], [3, 2, 1.5])


def test_below_a_list_of_non_negative_values_is_floored_at_zero() -> None:
    """Listed 5, 0.3, step 1: 0.3 - 1 would be negative; the absent unit has 0."""
    r = score(spec_of(direction="higher_is_better"), [5, 0.3, NAN])
    np.testing.assert_allclose(r.stages["denominated"]["listed"], [5, 0.3, 0])


def test_fill_absent_works_on_a_leading_replicate_axis() -> None:
    x = np.array([[[1.0], [NAN]], [[4.0], [NAN]]])
    got = fill_absent(x, rule=["below"], step=np.array([1.0]), direction=np.array([-1.0]))
    np.testing.assert_allclose(got[..., 0], [[1, 2], [4, 5]])


def test_explain_says_not_on_the_list_never_imputed_and_coverage_counts_it() -> None:
    spec = spec_of()
    r = score(spec, [1, 2, 3, NAN])
    ex = explain(spec, r, "u03")
    row = next(row for row in ex.rows if row["id"] == "listed")
    assert row["status"] == "absent"
    assert ex.absent == ["listed"]
    assert ex.imputed == []
    assert ex.missing == []
    assert ex.coverage == 1.0
    np.testing.assert_allclose(r.coverage, [1, 1, 1, 1])


def test_a_spec_without_absent_leaves_the_gap_missing() -> None:
    spec, issues = parse_spec(
        "index: {id: t, title: T, unit: city}\n"
        "methods: {missing: {method: reweight}}\n"
        "groups: {g: {indicators: {listed: {direction: lower_is_better}, "
        "other: {direction: higher_is_better}}}}\n"
    )
    assert spec is not None
    assert not issues
    r = score(spec, [1, 2, 3, NAN])
    assert np.isnan(r.stages["normalised"]["listed"].iloc[3])
    assert r.absent is not None
    assert not r.absent.to_numpy().any()
    np.testing.assert_allclose(r.coverage, [1, 1, 1, 0.5])


@pytest.mark.parametrize(
    ("absent", "code", "hint"),
    [
        ("bellow", "spec.absent.rule", "below"),
        ("{rule: zero, step: 2}", "spec.absent.step", None),
        ("{rule: below, step: -1}", "spec.absent.step", None),
        ("{rule: below, stpe: 1}", "spec.key.unknown", "step"),
        ("[zero]", "spec.absent.invalid", None),
    ],
)
def test_a_bad_absent_rule_is_reported_at_its_key(absent: str, code: str, hint: str | None) -> None:
    _, issues = parse_spec(
        SPEC.format(direction="lower_is_better", absent=absent, normalise="min_max")
    )
    found = [i for i in issues if i.code == code]
    assert found, [i.code for i in issues]
    assert found[0].key_path is not None
    assert found[0].key_path.startswith("groups.g.indicators.listed.absent")
    assert found[0].location is not None
    assert found[0].location.line == 6
    if hint is not None:
        assert hint in (found[0].hint or "")


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=0.5, max_value=1000, allow_nan=False), min_size=2, max_size=8
    ),
    absent_count=st.integers(min_value=1, max_value=3),
    direction=st.sampled_from(["higher_is_better", "lower_is_better"]),
    normalise=st.sampled_from(["relative_to_max", "min_max", "rank"]),
)
def test_a_unit_absent_from_a_top_n_list_never_scores_above_its_last_unit(
    values: list[float], absent_count: int, direction: str, normalise: str
) -> None:
    """Normalised value and contribution of every absent unit <= those of the worst listed."""
    spec = SPECS[(direction, normalise)]
    listed = values + [NAN] * absent_count
    r = score(spec, listed, other=[1.0] * len(listed))
    z = r.stages["normalised"]["listed"].to_numpy()
    on_list, off_list = z[: len(values)], z[len(values) :]
    assert np.all(off_list <= on_list.min() + 1e-12)
    worst = r.units[len(values) - 1 - int(np.argmin(on_list[::-1]))]
    contribution = {
        u: next(row for row in explain(spec, r, u).rows if row["id"] == "listed")["contribution"]
        for u in (worst, *r.units[len(values) :])
    }
    assert all(contribution[u] <= contribution[worst] + 1e-12 for u in r.units[len(values) :])


SPECS = {
    (d, n): spec_of(direction=d, normalise=n)
    for d in ("higher_is_better", "lower_is_better")
    for n in ("relative_to_max", "min_max", "rank")
}
