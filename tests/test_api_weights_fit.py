"""`cityindex.optimise_weights`: COINr's level-wide balanced weights as a frame."""

from __future__ import annotations

import pytest

import cityindex
from cityindex import UsageError
from cityindex.api import parse_target
from cityindex.cli import run
from cityindex.load.shipped import shipped_root

ASEM = shipped_root() / "indicators" / "asem-example.yaml"


def test_balanced_top_level_weights_give_each_child_half_the_correlation() -> None:
    """The ASEM example's two pillars: equal correlation shares need Conn 0.385, Sust 0.615."""
    frame = cityindex.optimise_weights(ASEM, level=3)
    assert list(frame.index) == ["Conn", "Sust"]
    assert frame["weight_after"].tolist() == pytest.approx([0.385316604673, 0.614683395327])
    assert frame["share"].tolist() == pytest.approx([0.5, 0.5])
    assert frame.attrs["reached"]
    assert frame.attrs["set"] == [
        "groups.Conn.weight=0.385316604673",
        "groups.Sust.weight=0.614683395327",
    ]


def test_the_set_lines_are_those_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["optimise-weights", str(ASEM), "--level", "3", "--format", "csv"]) == 0
    said = [line.removeprefix("--set ") for line in capsys.readouterr().err.splitlines()]
    assert said == cityindex.optimise_weights(ASEM, level=3).attrs["set"]


def test_the_set_overrides_score_with_the_balanced_weights() -> None:
    frame = cityindex.optimise_weights(ASEM, level=3)
    scored = cityindex.score(ASEM, set=frame.attrs["set"])
    assert scored["Conn"].notna().all()


def test_an_unreadable_target_or_a_level_without_groups_is_a_usage_error() -> None:
    assert parse_target("Conn=0.6,Sust=0.4") == {"Conn": 0.6, "Sust": 0.4}
    with pytest.raises(UsageError, match="cannot read 'Conn=x'"):
        cityindex.optimise_weights(ASEM, target="Conn=x")
    with pytest.raises(UsageError, match="level 9"):
        cityindex.optimise_weights(ASEM, level=9)
