"""`compare`: two rankings side by side, with Spearman and Kendall correlations."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cityindex.analysis.check import kendall, spearman
from cityindex.cli import run

SWAPPED = "unit,x1,x2,x3\nA,30,20,0\nB,20,10,2\nC,10,5,4\nD,40,5,8\n"
"""The hand data (conftest) with A's and C's rows swapped: A drops to last, C climbs to 2nd."""


def test_kendall_tau_b_on_a_hand_worked_example() -> None:
    """x = 1 2 3 4, y = 1 3 2 4: five concordant pairs, one discordant → (5 − 1) / 6 = 2/3."""
    assert kendall(np.array([1.0, 2, 3, 4]), np.array([1.0, 3, 2, 4])) == pytest.approx(2 / 3)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=3, max_size=12).filter(
        lambda p: len({a for a, _ in p}) > 1 and len({b for _, b in p}) > 1
    )
)
def test_kendall_matches_scipys_tau_b_with_ties(pairs: list[tuple[int, int]]) -> None:
    """Ties in either variable are corrected for exactly as scipy.stats.kendalltau (tau-b)."""
    x = np.array([a for a, _ in pairs], dtype=float)
    y = np.array([b for _, b in pairs], dtype=float)
    expected = stats.kendalltau(x, y).statistic
    assert kendall(x, y) == pytest.approx(expected, abs=1e-12, nan_ok=True)
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12, nan_ok=True)


def test_two_data_files_give_ranks_side_by_side_and_correlations(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A: D 1, A 2 (0.5), B 3 (0.4375), C 4 (0.25).  B (A and C swapped): D 1, C 2, B 3, A 4.

    Spearman: rank differences A 2, C 2 → 1 − 6·8 / (4·15) = 0.2.
    Kendall: pairs AB, AC, BC discordant, AD, BD, CD concordant → (3 − 3) / 6 = 0.
    """
    other = hand.parent / "swapped.csv"
    other.write_text(SWAPPED, encoding="utf-8")
    data = hand.parent / "data.csv"
    args = ["compare", str(hand), "--data", str(data), "--data", str(other)]
    assert run([*args, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["spearman"] == pytest.approx(0.2)
    assert payload["kendall"] == pytest.approx(0.0)
    by_unit = {r["unit"]: r for r in payload["results"]}
    assert (by_unit["A"]["rank_a"], by_unit["A"]["rank_b"], by_unit["A"]["rank_change"]) == (
        2,
        4,
        -2,
    )
    assert by_unit["C"]["rank_change"] == 2
    assert by_unit["C"]["score_change"] == pytest.approx(0.5 - 0.25)
    assert {m["unit"] for m in payload["movers"]} == {"A", "C"}
    assert run([*args, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == [
        "unit",
        "rank_a",
        "rank_b",
        "rank_change",
        "score_a",
        "score_b",
        "score_change",
    ]
    assert [r["unit"] for r in rows] == ["D", "A", "B", "C"]


def test_a_set_variant_is_compared_with_the_spec_as_written(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Putting all weight on g2 (x3 alone): index = x3 = A 1/2, B 1/4, C 0, D 1 — same order,
    so both correlations are 1 and nobody moves; B's score falls from 7/16 to 1/4."""
    args = ["compare", str(hand), "--set", "groups.g1.weight=0", "--format", "json"]
    assert run(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["spearman"] == pytest.approx(1.0)
    assert payload["kendall"] == pytest.approx(1.0)
    assert payload["movers"] == []
    b = next(r for r in payload["results"] if r["unit"] == "B")
    assert b["score_change"] == pytest.approx(0.25 - 7 / 16)


def test_two_specs_are_compared_and_printed_as_a_table(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two spec files: the table names both and prints the correlations."""
    second = hand.parent / "second.yaml"
    second.write_text(
        hand.read_text(encoding="utf-8").replace("weight: 3", "weight: 1"), encoding="utf-8"
    )
    assert run(["compare", str(hand), str(second), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "A = spec.yaml" in out
    assert "B = second.yaml" in out
    assert "Spearman rho: 1.0000" in out


def test_nothing_to_compare_is_a_usage_error(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One spec and no second data file, year or --set: exit 2 with what compare accepts."""
    assert run(["compare", str(hand)]) == 2
    assert "two specs" in capsys.readouterr().err


def test_compare_xlsx_holds_the_comparison_and_its_summary(hand: Path, tmp_path: Path) -> None:
    """--format xlsx: the side-by-side rows and a summary with both correlations."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "cmp.xlsx"
    args = ["compare", str(hand), "--set", "groups.g1.weight=0", "--format", "xlsx", "-o", str(out)]
    assert run(args) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == ["comparison", "summary"]
    summary = {r[0]: r[1] for r in book["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["spearman"] == pytest.approx(1.0)
    assert summary["kendall"] == pytest.approx(1.0)
