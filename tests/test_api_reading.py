"""`validate`, `methods` and `sources` as library functions: what the commands print, as frames."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

import cityindex
from cityindex import SpecError, UsageError
from cityindex.cli import run
from cityindex.load.shipped import shipped_root

SHIPPED = shipped_root() / "indicators" / "ai-city-2024.yaml"


def _csv(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    assert run([*args, "--format", "csv"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_validate_counts_groups_indicators_and_units_of_the_hand_spec(hand: Path) -> None:
    counts = cityindex.validate(hand)
    assert counts.name == "hand"
    assert counts.to_dict() == {"groups": 2, "indicators": 3, "units": 4, "excluded": 0}
    assert counts.attrs["warnings"] == []


def test_validate_of_the_shipped_default_counts_what_the_command_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["validate", str(SHIPPED), "--lang", "en"]) == 0
    said = capsys.readouterr().err
    counts = cityindex.validate()
    assert counts.to_dict() == {"groups": 5, "indicators": 11, "units": 30, "excluded": 0}
    assert "5 groups, 11 indicators, 30 units (0 excluded)" in said


def test_validate_raises_every_spec_problem_instead_of_printing(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SpecError) as caught:
        cityindex.validate(hand, set=["groups.g1.weight=heavy"])
    assert next(i.code for i in caught.value.issues).startswith("spec.weight")
    assert capsys.readouterr() == ("", "")


def test_methods_lists_the_registry_as_the_command_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    frame = cityindex.methods("weights")
    printed = _csv(["methods", "weights"], capsys)
    assert frame.index.names == ["stage", "method"]
    assert [m for _, m in frame.index] == [r["method"] for r in printed]
    assert frame["params"].tolist() == [r["params"] for r in printed]
    fixed = frame.loc[("weights", "fixed")]
    assert fixed["formula"].startswith("w_j = weight_j / Σ_k weight_k")
    assert len(cityindex.methods()) > len(frame)


def test_methods_of_an_unknown_stage_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        cityindex.methods("weight")
    assert "did you mean 'weights'" in str(caught.value.issues[0].hint)


def test_sources_gives_each_value_s_provenance_as_the_command_prints_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    frame = cityindex.sources(unit="Hangzhou")
    printed = _csv(["sources", "--unit", "Hangzhou"], capsys)
    assert frame.index.names == ["unit", "indicator"]
    assert len(frame) == len(printed) == 10  # 11 indicators; Hangzhou is off the Hurun list
    assert [i for _, i in frame.index] == [r["indicator"] for r in printed]
    assert frame["url"].tolist() == [r["url"] for r in printed]
    assert frame.attrs["sources"].endswith("cities-2024.sources.csv")


def test_sources_of_an_unknown_unit_lists_the_units() -> None:
    with pytest.raises(UsageError) as caught:
        cityindex.sources(unit="Hangzho")
    assert caught.value.issues[0].code == "usage.unit"


def test_sources_reads_a_dataframe_s_rows_for_its_data_file(hand: Path) -> None:
    (hand.parent / "data.sources.csv").write_text(
        "unit,column,value,year,url,note\nA,x1,10,2024,https://example.org/a,\n",
        encoding="utf-8",
    )
    frame = cityindex.sources(hand, indicator="x1")
    assert frame.loc[("A", "x1"), "url"] == "https://example.org/a"
    assert frame.loc[("B", "x1"), "url"] in ("", None) or pd.isna(frame.loc[("B", "x1"), "url"])
