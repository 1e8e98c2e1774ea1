"""`data_check` as a library function: the data-quality report as a frame of findings."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import cityindex
from cityindex.cli import run


def test_data_check_of_the_shipped_data_lists_the_command_s_findings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    frame = cityindex.data_check()
    assert run(["data", "check", "--format", "csv"]) == 1  # 27 values on unrelated hosts only
    printed = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert frame["kind"].tolist() == [r["kind"] for r in printed]
    assert frame["unit"].tolist() == [r["unit"] for r in printed]
    summary = frame.attrs["summary"]
    # 30 cities x 11 indicators; a city off a complete or top-N list has a value by its rule
    assert (summary["cells"], summary["filled"]) == (330, 330)
    assert summary["filled"] == 330 - (frame["kind"] == "missing").sum()
    assert not frame.attrs["ok"]
    assert (frame["kind"] == "unrelated").sum() == 24
    assert frame.attrs["sources_checked"]


def test_data_check_of_the_hand_data_finds_its_gap_without_a_sources_file(hand: Path) -> None:
    (hand.parent / "data.csv").write_text("unit,x1,x2,x3\nA,10,5,4\nB,,10,2\nC,30,20,0\n")
    frame = cityindex.data_check(hand)
    assert frame[["kind", "unit", "indicator"]].values.tolist() == [["missing", "B", "x1"]]
    assert frame.attrs["sources_checked"] is False
    assert frame.attrs["summary"]["filled"] == 8


def test_data_check_top_keeps_the_best_ranked_units(hand: Path) -> None:
    frame = cityindex.data_check(hand, top=2, sources=False)
    assert frame.attrs["summary"]["units"] == 2
