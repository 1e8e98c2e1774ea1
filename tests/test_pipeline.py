"""The pipeline on a hand-worked example: every stage's numbers derived by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cityindex import compute, load_data, load_spec
from cityindex.engine.pipeline import rank_desc
from cityindex.errors import DataError


def _result(spec_path: Path, data_text: str | None = None):  # type: ignore[no-untyped-def]
    if data_text is not None:
        (spec_path.parent / "data.csv").write_text(data_text, encoding="utf-8")
    spec = load_spec(spec_path)
    return compute(spec, load_data(spec.index.data, unit=spec.index.unit))


def test_hand_worked_example_fixes_every_stage(hand: Path) -> None:
    """Four units, three indicators, two groups weighted 3:1.

    Data (x1 ↑, x2 ↓, x3 ↑):  A 10 5 4 | B 20 10 2 | C 30 20 0 | D 40 5 8.

    min-max [0, 1]:
      x1: (x − 10) / 30          → A 0,   B 1/3, C 2/3, D 1
      x2: lower is better, −x:   → A 1,   B 2/3, C 0,   D 1      ((−x + 20) / 15)
      x3: x / 8                  → A 1/2, B 1/4, C 0,   D 1
    g1 = (x1 + x2) / 2           → A 1/2, B 1/2, C 1/3, D 1
    g2 = x3                      → A 1/2, B 1/4, C 0,   D 1
    index = (3·g1 + 1·g2) / 4    → A 1/2, B 7/16, C 1/4, D 1
    scaled by the best (D = 1)   → A 0.5000, B 0.4375, C 0.2500, D 1.0000; ranks 2, 3, 4, 1.
    """
    r = _result(hand)
    norm = r.stages["normalised"]
    np.testing.assert_allclose(norm["x1"], [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(norm["x2"], [1, 2 / 3, 0, 1])
    np.testing.assert_allclose(norm["x3"], [0.5, 0.25, 0, 1])
    np.testing.assert_allclose(r.group_scores["g1"], [0.5, 0.5, 1 / 3, 1])
    np.testing.assert_allclose(r.group_scores["g2"], [0.5, 0.25, 0, 1])
    np.testing.assert_allclose(r.score, [0.5, 0.4375, 0.25, 1.0])
    assert list(r.rank) == [2, 3, 4, 1]
    np.testing.assert_allclose(r.effective_weights[["x1", "x2", "x3"]], [0.375, 0.375, 0.25])
    np.testing.assert_allclose(r.coverage, [1, 1, 1, 1])


def test_missing_value_is_dropped_and_the_rest_reweighted(hand: Path) -> None:
    """B loses x3: its index is g1 alone (1/2), tying A (1/2): both rank 2, ties share the best."""
    r = _result(hand, "unit,x1,x2,x3\nA,10,5,4\nB,20,10,\nC,30,20,0\nD,40,5,8\n")
    # x3 over A, C, D: 4/8, 0, 1 → g2 A 0.5, C 0, D 1; B has no g2
    assert np.isnan(r.group_scores["g2"]["B"])
    np.testing.assert_allclose(r.score, [0.5, 0.5, 0.25, 1.0])
    assert list(r.rank) == [2, 2, 4, 1]
    np.testing.assert_allclose(r.coverage[1], 2 / 3)


def test_unit_below_min_coverage_is_excluded_and_named(hand: Path) -> None:
    """B has 1 of 3 indicators (33% < 50%): excluded, unranked, named in a warning."""
    r = _result(hand, "unit,x1,x2,x3\nA,10,5,4\nB,20,,\nC,30,20,0\nD,40,5,8\n")
    assert r.excluded() == ["B"]
    assert np.isnan(r.rank[1])
    assert np.isnan(r.score[1])
    assert any("B" in w and "excluded" in w for w in r.warnings)
    # B no longer counts in min-max: x1 over A, C, D is 0, 2/3, 1
    np.testing.assert_allclose(r.stages["normalised"]["x1"][["A", "C", "D"]], [0, 2 / 3, 1])


def test_missing_rule_none_reports_every_gap(hand: Path) -> None:
    """With `missing: none` a gap is an error naming its row, unit and column."""
    text = hand.read_text().replace(
        "missing: {method: reweight, min_coverage: 0.5}", "missing: {method: none}"
    )
    hand.write_text(text)
    with pytest.raises(DataError) as err:
        _result(hand, "unit,x1,x2,x3\nA,10,5,4\nB,20,10,\nC,30,20,0\nD,40,5,8\n")
    assert "row 3 (B): column 'x3' is empty" in err.value.issues[0].message


def test_geometric_mean_on_a_zero_names_the_indicator(hand: Path) -> None:
    """min-max gives the worst unit 0; a geometric mean of it is an error, not -inf."""
    hand.write_text(hand.read_text().replace("arithmetic_mean", "geometric_mean"))
    with pytest.raises(DataError) as err:
        _result(hand)
    text = str(err.value.issues[0].got) + str(err.value.issues[0].hint)
    assert "x1" in text
    assert "[1, 100]" in text


def test_geometric_mean_with_positive_range_matches_the_formula(hand: Path) -> None:
    """min-max onto [1, 2] then geometric means: g1_A = sqrt(1 · 2) etc."""
    text = hand.read_text().replace("arithmetic_mean", "geometric_mean")
    hand.write_text(text.replace("range: [0, 1]", "range: [1, 2]"))
    r = _result(hand)
    g1 = np.sqrt(np.array([1.0, 4 / 3, 5 / 3, 2.0]) * np.array([2.0, 5 / 3, 1.0, 2.0]))
    g2 = np.array([1.5, 1.25, 1.0, 2.0])
    index = np.exp(0.75 * np.log(g1) + 0.25 * np.log(g2))
    np.testing.assert_allclose(r.group_scores["g1"], g1)
    np.testing.assert_allclose(r.score_exact, index / index.max())


def test_rank_ties_share_the_best_rank_along_replicates() -> None:
    """Ranks are computed per row of a replicate axis; NaN stays unranked."""
    scores = np.array([[0.5, 0.9, 0.5, np.nan], [1.0, 1.0, 0.2, 0.3]])
    np.testing.assert_array_equal(rank_desc(scores), [[2, 1, 2, np.nan], [1, 1, 4, 3]])


def test_weight_overrides_score_many_variants_in_one_call(hand: Path) -> None:
    """A (R, k) weight array at the top scores R variants at once, each equal to a rerun."""
    from cityindex.engine.panel import prepare
    from cityindex.engine.pipeline import aggregate_tree, scale_and_rank
    from cityindex.model.tree import ROOT

    spec = load_spec(hand)
    prepared = prepare(spec, load_data(spec.index.data, unit="unit"))
    top = np.array([[3.0, 1.0], [1.0, 1.0], [0.0, 1.0]])
    scores, _ = aggregate_tree(prepared, {ROOT: top})
    exact = scale_and_rank(prepared, scores[ROOT])[0]
    for row, w in zip(exact, top, strict=True):
        variant = load_spec(hand, [f"groups.g1.weight={w[0]}", f"groups.g2.weight={w[1]}"])
        single = compute(variant, load_data(spec.index.data, unit="unit"))
        np.testing.assert_allclose(row, single.score_exact)
