"""A flat spec (top-level `indicators:`, no groups, as SPSSAU works) is one implicit group.

It scores exactly as the same indicators written in one group `index`; errors inside it keep
their YAML line and the key path as written; with `groups:` beside it, it is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

import cityindex
from cityindex.errors import SpecError
from cityindex.load.spec_yaml import load_spec, parse_spec
from tests.conftest import HAND_DATA

HEAD = """\
index:
  id: flat
  title: Flat example
  data: data.csv
  unit: unit
  scale: {method: relative_to_max, digits: 4}
methods:
  normalise: {method: min_max, range: [0, 1]}
  aggregate: {method: arithmetic_mean}
"""

FLAT = (
    HEAD
    + """\
indicators:
  x1: {column: x1, direction: higher_is_better, weight: 2}
  x2: {column: x2, direction: lower_is_better, weight: 1}
  x3: {column: x3, direction: higher_is_better, weight: 1}
"""
)

ONE_GROUP = (
    HEAD
    + """\
groups:
  index:
    indicators:
      x1: {column: x1, direction: higher_is_better, weight: 2}
      x2: {column: x2, direction: lower_is_better, weight: 1}
      x3: {column: x3, direction: higher_is_better, weight: 1}
"""
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "data.csv").write_text(HAND_DATA, encoding="utf-8")
    (tmp_path / "flat.yaml").write_text(FLAT, encoding="utf-8")
    (tmp_path / "grouped.yaml").write_text(ONE_GROUP, encoding="utf-8")
    return tmp_path


def test_a_flat_spec_scores_as_the_same_indicators_in_one_group(folder: Path) -> None:
    flat = cityindex.score(folder / "flat.yaml")
    grouped = cityindex.score(folder / "grouped.yaml")
    assert flat.equals(grouped)
    # by hand: min-max on A..D, x2 reversed; (2·x1 + x2 + x3) / 4, then relative to the best
    # A (0, 1, 0.5) 0.375; B (1/3, 2/3, 0.25) 0.3958; C (2/3, 0, 0) 0.3333; D (1, 1, 1) 1
    assert flat["score"].round(4).to_dict() == {"D": 1.0, "B": 0.3958, "A": 0.375, "C": 0.3333}
    assert [g.id for g in load_spec(folder / "flat.yaml").groups] == ["index"]


def test_set_addresses_a_flat_indicator_by_the_path_as_written(folder: Path) -> None:
    changed = cityindex.score(folder / "flat.yaml", set=["indicators.x1.weight=0"])
    same = cityindex.score(folder / "grouped.yaml", set=["groups.index.indicators.x1.weight=0"])
    assert changed.equals(same)
    assert not changed.equals(cityindex.score(folder / "flat.yaml"))


def test_an_error_inside_a_flat_indicator_keeps_its_line_and_written_path() -> None:
    text = FLAT.replace(
        "direction: lower_is_better, weight: 1", "direction: lower_is_better, weight: heavy"
    )
    _, issues = parse_spec(text, file="flat.yaml")
    assert [(i.code, i.key_path, i.location and i.location.line) for i in issues] == [
        ("spec.weight.not-a-number", "indicators.x2.weight", 12)
    ]
    assert issues[0].source_line is not None
    assert "weight: heavy" in issues[0].source_line


def test_groups_beside_top_level_indicators_are_refused_at_the_indicators_key() -> None:
    text = ONE_GROUP + "indicators:\n  x4: {column: x3}\n"
    _, issues = parse_spec(text, file="both.yaml")
    assert [(i.code, i.key_path, i.location and i.location.line) for i in issues] == [
        ("spec.indicators.with-groups", "indicators", 16)
    ]
    assert issues[0].hint is not None
    assert "groups:" in issues[0].hint


def test_a_flat_list_of_indicators_is_refused_with_a_hint_to_key_them_by_id() -> None:
    text = HEAD + "indicators:\n  - {column: x1}\n  - {column: x2}\n"
    _, issues = parse_spec(text, file="list.yaml")
    assert [(i.code, i.key_path, i.got) for i in issues] == [
        ("spec.type.mapping", "indicators", "a list")
    ]


def test_a_flat_spec_with_a_missing_column_names_the_indicator_as_written(folder: Path) -> None:
    (folder / "flat.yaml").write_text(FLAT.replace("column: x3", "column: x9"), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        cityindex.score(folder / "flat.yaml")
    found = caught.value.issues[0]
    assert found.code == "spec.column.missing"
    # found once the data is read: located in the file, the path the one the engine reads
    assert found.key_path == "groups.index.indicators.x3.column"
    assert found.location is not None
    assert found.location.line == 13


def test_a_bad_set_on_a_flat_spec_is_shown_as_typed() -> None:
    _, issues = parse_spec(FLAT, file="flat.yaml", overrides=["indicators.x2.weight=heavy"])
    assert [(i.code, i.key_path, str(i.location)) for i in issues] == [
        ("spec.weight.not-a-number", "indicators.x2.weight", "--set indicators.x2.weight=heavy")
    ]
