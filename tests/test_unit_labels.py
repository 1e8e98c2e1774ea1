"""Units' Chinese names (`index.unit_label_zh`, issue 23 item 2): under zh a table or Markdown
shows 北京 where the unit id Beijing was, CSV and JSON keep the ids for scripts, and a command
taking a unit accepts either name.

Each case runs on the shipped default index, whose data has `city` and `city_zh`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import cityindex
from cityindex.api.index import as_index
from cityindex.cli import run
from cityindex.errors import UsageError

ROOT = Path(__file__).parent.parent


def _out(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 0) -> str:
    assert run(argv) == code
    return capsys.readouterr().out


def _cities(text: str) -> list[str]:
    return [row["city"] for row in csv.DictReader(io.StringIO(text))]


def test_score_in_chinese_shows_chinese_city_names_in_table_and_markdown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    table = _out(capsys, ["score", "--lang", "zh", "--format", "table", "--top", "3"])
    assert "北京" in table
    assert "Beijing" not in table
    markdown = _out(capsys, ["score", "--lang", "zh", "--format", "markdown"])
    assert "| 1 | 北京 |" in markdown
    assert "Beijing" not in markdown


def test_score_csv_and_json_keep_the_unit_ids_under_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _cities(_out(capsys, ["score", "--lang", "zh", "--format", "csv"]))[0] == "Beijing"
    payload = json.loads(_out(capsys, ["score", "--lang", "zh", "--format", "json"]))
    assert payload["results"][0]["city"] == "Beijing"


def test_english_output_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    markdown = _out(capsys, ["score", "--lang", "en", "--format", "markdown"])
    assert "| 1 | Beijing |" in markdown
    assert "北京" not in markdown
    explained = _out(capsys, ["explain", "Beijing", "--lang", "en", "--format", "table"])
    assert explained.lstrip().startswith("Beijing")


def test_explain_accepts_the_chinese_name_and_gives_the_same_csv(
    capsys: pytest.CaptureFixture[str],
) -> None:
    chinese = _out(capsys, ["explain", "北京", "--format", "csv"])
    english = _out(capsys, ["explain", "Beijing", "--format", "csv"])
    assert chinese == english
    as_json = json.loads(_out(capsys, ["explain", "北京", "--format", "json"]))
    assert as_json["unit"] == "Beijing"
    assert "label" not in as_json


def test_explain_title_in_chinese_names_the_unit_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = _out(capsys, ["explain", "Shenzhen", "--lang", "zh", "--format", "table"])
    assert text.lstrip().startswith("深圳")


def test_the_library_resolves_either_name() -> None:
    result = as_index().compute()
    assert result.unit_labels["Beijing"] == "北京"
    assert result.unit_id("深圳") == "Shenzhen"
    assert result.unit_id("shenzhen") == "Shenzhen"
    frame = cityindex.explain(result, "深圳")
    assert frame.equals(cityindex.explain(result, "Shenzhen"))


def test_an_unknown_unit_lists_both_kinds_of_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["explain", "哈尔宾", "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert "Shenzhen (深圳)" in err
    assert "did you mean '哈尔滨'" in err
    with pytest.raises(UsageError):
        as_index().compute().unit_id("Atlantis")


def test_obstacles_accepts_the_chinese_name_and_shows_it_under_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    chinese = _out(capsys, ["obstacles", "--unit", "深圳", "--format", "csv"])
    assert chinese == _out(capsys, ["obstacles", "--unit", "Shenzhen", "--format", "csv"])
    assert set(_cities(chinese)) == {"Shenzhen"}
    markdown = _out(capsys, ["obstacles", "--unit", "深圳", "--lang", "zh", "--format", "markdown"])
    assert "| 深圳 | 2 |" in markdown


def test_coupling_in_chinese_shows_chinese_city_names(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["coupling", "--groups", "policy,innovation", "--lang", "zh"]
    assert "| 北京 |" in _out(capsys, [*argv, "--format", "markdown"])
    assert "Beijing" in _cities(_out(capsys, [*argv, "--format", "csv"]))


def test_a_label_column_missing_from_the_data_is_a_located_error(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = hand.read_text(encoding="utf-8")
    hand.write_text(text.replace("  unit: unit\n", "  unit: unit\n  unit_label_zh: unit_z\n"))
    assert run(["validate", str(hand)]) == 1
    err = capsys.readouterr().err
    assert "error[spec.column.missing]: index.unit_label_zh has no column 'unit_z'" in err
    assert f"{hand}:6:" in err
    assert "key path: index.unit_label_zh" in err


def test_a_label_column_present_in_the_data_labels_the_units(hand: Path) -> None:
    data = hand.parent / "data.csv"
    lines = data.read_text(encoding="utf-8").splitlines()
    names = ["unit_zh", "甲", "乙", "", "丁"]  # C has no Chinese name: its id is shown
    data.write_text("\n".join(f"{a},{b}" for a, b in zip(lines, names, strict=True)) + "\n")
    text = hand.read_text(encoding="utf-8")
    hand.write_text(text.replace("  unit: unit\n", "  unit: unit\n  unit_label_zh: unit_zh\n"))
    result = as_index(hand).compute()
    assert dict(result.unit_labels) == {"A": "甲", "B": "乙", "D": "丁"}
    assert result.unit_id("丁") == "D"


def test_sources_accepts_the_chinese_name(capsys: pytest.CaptureFixture[str]) -> None:
    chinese = _out(capsys, ["sources", "--unit", "深圳", "--format", "csv"])
    assert chinese == _out(capsys, ["sources", "--unit", "Shenzhen", "--format", "csv"])
    assert {row["unit"] for row in csv.DictReader(io.StringIO(chinese))} == {"Shenzhen"}


def test_uncertainty_in_chinese_shows_chinese_city_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["uncertainty", "--runs", "20", "--top", "3", "--lang", "zh"]
    assert "| 1 | 北京 |" in _out(capsys, [*argv, "--format", "markdown"])
    assert _cities(_out(capsys, [*argv, "--format", "csv"]))[0] == "Beijing"


def test_check_in_chinese_shows_chinese_city_names(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--against", str(ROOT / "seeds" / "ai-city-competitiveness-2024.csv")]
    assert "| 北京 | 1.0000 |" in _out(capsys, [*argv, "--lang", "zh", "--format", "markdown"])
    english = _out(capsys, [*argv, "--lang", "en", "--format", "markdown"])
    assert "| Beijing | 1.0000 |" in english
    csv_text = _out(capsys, [*argv, "--lang", "zh", "--format", "csv"])
    assert next(csv.DictReader(io.StringIO(csv_text)))["unit"] == "Beijing"
