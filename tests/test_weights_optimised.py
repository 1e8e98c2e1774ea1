"""Optimised weights: COINr's get_opt_weights "balance" objective (bluefoxr/COINr R/weights.R),
solved to precision, on COINr's ASEM example."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cityindex.analysis.audit import pearson
from cityindex.cli.common import compute_loaded, load
from cityindex.errors import DataError
from tests.coinr_nelder_mead import nelder_mead_r

ASEM = Path(__file__).parents[1] / "indicators" / "asem-example.yaml"
TOP = "methods.weights={method: optimised}"


def _result(*sets: str):  # type: ignore[no-untyped-def]
    loaded = load(ASEM, data=None, year=None, sets=list(sets), encoding=None)
    return compute_loaded(loaded, quiet=True)


def _sub_indices(result) -> np.ndarray:  # type: ignore[no-untyped-def]
    inc = result.included
    return np.column_stack([result.group_scores[g].to_numpy()[inc] for g in ("Conn", "Sust")])


def _coinr_objective(x: np.ndarray, w: np.ndarray) -> float:
    """COINr's objfunc for optype = "balance", itarg = "equal" at the sub-index level."""
    w = w / w.sum()
    c = np.array([pearson(x[:, j], x @ w) for j in range(x.shape[1])])
    return float(np.log(np.sum((0.5 - c / c.sum()) ** 2) / 2))


def test_balanced_top_level_gives_the_two_sub_indices_equal_correlations_with_the_index() -> None:
    result = _result(TOP)
    exact = result.score_exact if result.score_exact is not None else result.score
    index = np.asarray(exact)[result.included]
    x = _sub_indices(result)
    r = [pearson(x[:, j], index) for j in range(2)]
    assert abs(r[0] - r[1]) < 1e-6
    assert result.weights[""]["Conn"] == pytest.approx(0.3853, abs=1e-4)


def test_our_balance_objective_is_below_where_coinrs_nelder_mead_stops() -> None:
    x = _sub_indices(_result())  # sub-index scores do not depend on the top weights
    start = np.array([0.5, 0.5])
    _, coinr_f, _ = nelder_mead_r(lambda w: _coinr_objective(x, w), start)
    ours = _result(TOP).weights[""].to_numpy()
    ours_gap = np.exp(_coinr_objective(x, ours)) if np.all(ours > 0) else 0.0
    assert ours_gap < 1e-20 < np.exp(coinr_f)
    assert np.exp(coinr_f) == pytest.approx(1.667e-6, rel=1e-3)  # COINr stops after 15 calls


def test_a_target_mapping_is_reached_exactly() -> None:
    result = _result("methods.weights={method: optimised, target: {Conn: 0.6, Sust: 0.4}}")
    exact = result.score_exact if result.score_exact is not None else result.score
    index = np.asarray(exact)[result.included]
    x = _sub_indices(result)
    c = np.array([pearson(x[:, j], index) for j in range(2)])
    np.testing.assert_allclose(c / c.sum(), [0.6, 0.4], atol=1e-9)


def test_connectivitys_five_pillars_cannot_be_balanced_and_the_message_says_how_close() -> None:
    with pytest.raises(DataError) as err:
        _result("groups.Conn.methods.weights={method: optimised}")
    text = str(err.value.issues[0].message)
    assert "cannot reach the target correlation shares" in text
    assert "Political 0.179 (target 0.200)" in text


def test_importance_measure_balances_first_order_indices() -> None:
    from cityindex.methods.importance import first_order

    result = _result("methods.weights={method: optimised, measure: importance}")
    exact = result.score_exact if result.score_exact is not None else result.score
    s = first_order(_sub_indices(result), np.asarray(exact)[result.included])
    assert s[0] == pytest.approx(s[1], abs=1e-6)


def test_a_target_naming_a_wrong_child_fails_validation_with_the_children_listed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cityindex.cli import run

    bad = "methods.weights={method: optimised, target: {Conn: 1, Sus: 2}}"
    assert run(["validate", str(ASEM), "--set", bad]) == 1
    err = capsys.readouterr().err
    assert "not children: Sus; missing: Sust" in err
    assert "the children are: Conn, Sust" in err


def test_unreachable_closest_accepts_the_best_weights_found() -> None:
    result = _result("groups.Conn.methods.weights={method: optimised, unreachable: closest}")
    w = result.weights["Conn"]
    assert w["Physical"] == pytest.approx(0.0, abs=1e-6)
    assert w["ConEcFin"] + w["Political"] == pytest.approx(1.0, abs=1e-6)
