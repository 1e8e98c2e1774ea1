"""`cityindex.audit` and `cityindex.importance`: the command line's tables as frames."""

from __future__ import annotations

import csv
import io

import pytest

import cityindex
from cityindex import UsageError
from cityindex.cli import run
from cityindex.load.shipped import shipped_root

ROOT = shipped_root()
SHIPPED = ROOT / "indicators" / "ai-city-2024.yaml"
ASEM = ROOT / "indicators" / "asem-example.yaml"


def _csv(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    assert run([*args, "--format", "csv"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_audit_returns_three_frames_indexed_by_what_their_rows_are() -> None:
    frames = cityindex.audit(SHIPPED)
    assert list(frames) == ["indicators", "groups", "pairs"]
    assert frames["indicators"].index.name == "indicator"
    assert frames["groups"].index.name == "group"
    assert frames["pairs"].index.names == ["indicator_1", "indicator_2"]
    assert frames["indicators"].attrs["stage"] == "raw"
    assert frames["groups"].loc["policy", "alpha"] == pytest.approx(0.6104928457869632)
    assert frames["groups"].loc["policy", "pc1_share"] == pytest.approx(0.7196940145524358)
    policy_docs = frames["indicators"].iloc[0]
    assert policy_docs["n"] == 30
    assert policy_docs["mean"] == pytest.approx(0.5666666666666667)


def test_audit_frames_hold_what_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _csv(["audit", str(SHIPPED), "--part", "groups"], capsys)
    groups = cityindex.audit(SHIPPED)["groups"]
    assert [r["group"] for r in rows] == list(groups.index)
    for row in rows:
        assert float(row["alpha"]) == pytest.approx(groups.loc[row["group"], "alpha"], rel=1e-12)


def test_audit_of_an_unknown_stage_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no stage 'rwa'"):
        cityindex.audit(SHIPPED, stage="rwa")


def test_importance_is_indexed_by_parent_and_child_as_the_command_prints_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    frame = cityindex.importance(ASEM, level=1)
    assert frame.index.names == ["parent", "child"]
    assert frame.loc[("(index)", "Conn"), "importance_share"] == pytest.approx(0.548905, abs=1e-6)
    assert frame.loc[("(index)", "Conn"), "ratio"] == pytest.approx(1.097811, abs=1e-6)
    rows = _csv(["importance", str(ASEM), "--level", "1"], capsys)
    assert [(r["parent"], r["child"]) for r in rows] == list(frame.index)
    for row in rows:
        got = frame.loc[(row["parent"], row["child"]), "importance"]
        assert float(row["importance"]) == pytest.approx(got, rel=1e-12)
