"""`weights` as a library function: the table `cityindex weights --format csv` prints."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import cityindex
from cityindex.cli import run


def test_weights_of_the_hand_spec_multiply_down_the_tree(hand: Path) -> None:
    """g1 weighs 3 against g2's 1 (0.75, 0.25); x1 and x2 share g1 equally: 0.375 each."""
    frame = cityindex.weights(hand)
    assert frame.index.name == "indicator"
    assert frame["group"].to_dict() == {"x1": "g1", "x2": "g1", "x3": "g2"}
    assert frame["weight"].tolist() == [0.5, 0.5, 1.0]
    assert frame["effective_weight"].tolist() == [0.375, 0.375, 0.25]
    assert frame["method"].tolist() == ["fixed"] * 3
    assert frame["params"].tolist() == ["weight=1"] * 3
    groups = {g["group"]: g for g in frame.attrs["groups"]}
    assert (groups["g1"]["weight"], groups["g2"]["weight"]) == (0.75, 0.25)
    assert frame.attrs["consistency"] == []


def test_weights_of_the_shipped_default_equal_the_command_s_csv(
    capsys: pytest.CaptureFixture[str],
) -> None:
    frame = cityindex.weights()
    assert run(["weights", "--format", "csv"]) == 0
    printed = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert frame.index.tolist() == [r["indicator"] for r in printed]
    assert [repr(w) for w in frame["effective_weight"]] == [r["effective_weight"] for r in printed]
    assert frame["effective_weight"].sum() == pytest.approx(1.0)
