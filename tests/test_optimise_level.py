"""Level-wide optimised weights (COINr's get_opt_weights, all weights of one level against the
index) on COINr's ASEM example: the two sub-indices balance, the eight pillars cannot."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from cityindex.analysis.optimise_level import optimise_level
from cityindex.cli import run
from cityindex.cli.common import compute_loaded, load
from cityindex.engine.panel import prepare
from cityindex.engine.pipeline import aggregate_tree
from cityindex.model.tree import ROOT
from tests.coinr_nelder_mead import nelder_mead_r

ASEM = Path(__file__).parents[1] / "indicators" / "asem-example.yaml"


def _prepared():  # type: ignore[no-untyped-def]
    loaded = load(ASEM, data=None, year=None, sets=None, encoding=None)
    return prepare(loaded.spec, loaded.table)


def test_level_3_balances_the_two_sub_indices_as_the_per_group_method_does() -> None:
    found = optimise_level(_prepared(), 3)
    assert found.children == ("Conn", "Sust")
    assert found.reached
    assert abs(found.correlation[0] - found.correlation[1]) < 1e-6
    loaded = load(
        ASEM, data=None, year=None, sets=["methods.weights={method: optimised}"], encoding=None
    )
    per_group = compute_loaded(loaded, quiet=True).weights[""].to_numpy()
    np.testing.assert_allclose(found.after, per_group, atol=1e-6)
    assert found.correlation[0] == pytest.approx(0.894835, abs=1e-6)


def test_level_2_eight_pillars_reach_no_lower_gap_than_coinrs_nelder_mead() -> None:
    prepared = _prepared()
    found = optimise_level(prepared, 2)
    assert not found.reached
    assert found.objective == pytest.approx(9.66e-4, rel=1e-3)
    groups = ["Conn", "Sust"]
    sizes = [5, 3]
    inc = prepared.included

    def coinr(w: np.ndarray) -> float:
        parts = np.split(np.abs(w), np.cumsum(sizes)[:-1])
        scores, _ = aggregate_tree(prepared, dict(zip(groups, parts, strict=True)))
        y = scores[ROOT][inc]
        c = np.array([np.corrcoef(scores[p][inc], y)[0, 1] for p in found.children])
        return float(np.log(np.mean((1 / 8 - c / c.sum()) ** 2)))

    _, coinr_f, _ = nelder_mead_r(coinr, np.full(8, 1 / 8))
    assert found.objective <= np.exp(coinr_f)


def test_the_cli_says_which_pillar_is_furthest_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["optimise-weights", str(ASEM), "--level", "2", "--format", "csv"]) == 1
    out, err = capsys.readouterr()
    assert "furthest is SusEcFin at 0.0604 (target 0.1250)" in err
    assert "f = 0.000966" in err
    assert "groups.Sust.groups.SusEcFin.weight" in err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 8
    assert {r["parent"] for r in rows} == {"Conn", "Sust"}


def test_the_set_lines_printed_give_the_weights_found(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["optimise-weights", str(ASEM), "--level", "3", "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    sets = [line.split(" ", 1)[1] for line in err.splitlines() if line.startswith("--set ")]
    assert len(sets) == 2
    args = [a for s in sets for a in ("--set", s)]
    assert run(["optimise-weights", str(ASEM), "--level", "3", "--format", "csv", *args]) == 0
    again = list(csv.DictReader(io.StringIO(capsys.readouterr()[0])))
    for row in again:
        assert float(row["weight_before"]) == pytest.approx(float(row["weight_after"]), abs=1e-9)
    first = list(csv.DictReader(io.StringIO(out)))
    assert [r["weight_after"] for r in first] != [r["weight_before"] for r in first]


def test_a_target_naming_no_child_of_the_level_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["optimise-weights", str(ASEM), "--level", "3", "--target", "Conn=1,Foo=2"]) == 2
    assert "not children: Foo" in capsys.readouterr()[1]


def test_a_target_share_pair_is_reached() -> None:
    found = optimise_level(_prepared(), 3, {"Conn": 0.6, "Sust": 0.4})
    assert found.reached
    np.testing.assert_allclose(found.share, [0.6, 0.4], atol=1e-6)
