"""The YAML loader: every problem reported at once, each with its code, location and key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityindex.errors import SpecError, UsageError
from cityindex.load.spec_yaml import load_spec, parse_spec
from tests.conftest import HAND_SPEC


def _issues(text: str, overrides: tuple[str, ...] = ()) -> list[tuple[str, str | None, int | None]]:
    _, issues = parse_spec(text, file="s.yaml", overrides=overrides)
    return [(i.code, i.key_path, i.location.line if i.location else None) for i in issues]


def test_valid_spec_has_no_issues_and_keeps_definition_order() -> None:
    spec, issues = parse_spec(HAND_SPEC, file="s.yaml")
    assert issues == []
    assert spec is not None
    assert [g.id for g in spec.groups] == ["g1", "g2"]
    assert [i.id for i in spec.indicators()] == ["x1", "x2", "x3"]
    assert spec.locations["groups.g1.weight"].line == 15


# (error code, substring to replace, replacement, expected key path, expected line)
CASES = [
    ("spec.weight.not-a-number", "weight: 3", "weight: heavy", "groups.g1.weight", 15),
    ("spec.weight.negative", "weight: 3", "weight: -1", "groups.g1.weight", 15),
    (
        "spec.weight.all-zero",
        "x3: {column: x3, direction: higher_is_better, weight: 1}",
        "x3: {column: x3, direction: higher_is_better, weight: 0}",
        "groups.g2.indicators",
        None,
    ),
    (
        "spec.yaml.duplicate-key",
        "    weight: 1\n",
        "    weight: 1\n    weight: 2\n",
        "groups.g2.weight",
        22,
    ),
    ("spec.key.unknown", "title: First group", "titel: First group", "groups.g1.titel", 14),
    (
        "spec.method.unknown",
        "{method: arithmetic_mean}",
        "{method: mean}",
        "methods.aggregate.method",
        9,
    ),
    (
        "spec.method.param-unknown",
        "range: [0, 1]",
        "rnage: [0, 1]",
        "methods.normalise.rnage",
        8,
    ),
    ("spec.method.param-type", "range: [0, 1]", "range: [1, 0]", "methods.normalise.range", 8),
    (
        "spec.direction.invalid",
        "direction: lower_is_better",
        "direction: down",
        "groups.g1.indicators.x2.direction",
        18,
    ),
    ("spec.group.empty", "    indicators:\n      x3", "    notes:\n      x3", "groups.g2", 19),
    ("spec.yaml.syntax", "  g2:\n", "  g2\n", None, None),
    ("spec.key.missing", "  unit: unit\n", "", "index.unit", None),
    (
        "spec.type.mapping",
        "x3: {column: x3, direction: higher_is_better, weight: 1}",
        "x3: 5",
        "groups.g2.indicators.x3",
        23,
    ),
    ("spec.id.duplicate", "x3: {column", "x1: {column", "groups.g2.indicators.x1", 23),
]


@pytest.mark.parametrize(
    ("code", "old", "new", "key_path", "line"), CASES, ids=[c[0] for c in CASES]
)
def test_each_spec_error_is_reported_with_code_key_path_and_line(
    code: str, old: str, new: str, key_path: str | None, line: int | None
) -> None:
    assert old in HAND_SPEC
    found = _issues(HAND_SPEC.replace(old, new, 1))
    codes = [c for c, _, _ in found]
    assert code in codes, found
    hit = found[codes.index(code)]
    if key_path is not None:
        assert hit[1] == key_path
    if line is not None:
        assert hit[2] == line


def test_five_mistakes_are_all_reported_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A weight as text, a duplicated key, a misspelt key, an unknown method, a missing column."""
    from cityindex.cli import run

    (tmp_path / "data.csv").write_text("unit,x1,x2,x3\nA,1,2,3\nB,2,3,4\n")
    text = (
        HAND_SPEC.replace("weight: 3", "weight: heavy")
        .replace("    weight: 1\n", "    weight: 1\n    weight: 2\n")
        .replace("title: First group", "titel: First group")
        .replace("{method: arithmetic_mean}", "{method: mean}")
        .replace("x3: {column: x3", "x3: {column: x33")
    )
    spec = tmp_path / "bad.yaml"
    spec.write_text(text)
    code = run(["validate", str(spec)])
    out, err = capsys.readouterr()
    assert code == 1
    for code in (
        "spec.weight.not-a-number",
        "spec.yaml.duplicate-key",
        "spec.key.unknown",
        "spec.method.unknown",
        "spec.column.missing",
    ):
        assert f"error[{code}]" in err
    assert f"{spec}:15:13" in err  # weight: heavy
    assert "did you mean 'title'?" in err
    assert "did you mean 'x3'?" in err
    assert "Traceback" not in err
    assert out == ""


def test_set_overrides_a_value_and_is_validated_like_the_file(tmp_path: Path) -> None:
    spec_path = tmp_path / "s.yaml"
    spec_path.write_text(HAND_SPEC)
    spec = load_spec(spec_path, ["groups.g1.weight=0.5", "methods.normalise.range=[1, 100]"])
    assert spec.groups[0].weight == 0.5
    assert spec.methods["normalise"].params["range"] == [1.0, 100.0]
    with pytest.raises(SpecError) as err:
        load_spec(spec_path, ["groups.g1.weight=abc"])
    assert err.value.issues[0].code == "spec.weight.not-a-number"
    assert str(err.value.issues[0].location) == "--set groups.g1.weight=abc"


def test_set_on_an_unknown_path_suggests_the_right_one(tmp_path: Path) -> None:
    spec_path = tmp_path / "s.yaml"
    spec_path.write_text(HAND_SPEC)
    with pytest.raises(SpecError) as err:
        load_spec(spec_path, ["groups.g3.weight=1"])
    assert err.value.issues[0].code == "spec.set.unknown-path"
    with pytest.raises(SpecError) as err2:
        load_spec(spec_path, ["groups.g1.wieght=1"])
    assert err2.value.issues[0].code == "spec.key.unknown"
    assert err2.value.issues[0].hint == "did you mean 'weight'?"


def test_set_without_equals_is_a_usage_error(tmp_path: Path) -> None:
    spec_path = tmp_path / "s.yaml"
    spec_path.write_text(HAND_SPEC)
    with pytest.raises(UsageError):
        load_spec(spec_path, ["groups.g1.weight"])


def test_changing_a_method_by_set_drops_the_old_methods_parameters_with_a_warning(
    tmp_path: Path,
) -> None:
    spec_path = tmp_path / "s.yaml"
    spec_path.write_text(HAND_SPEC)
    spec = load_spec(
        spec_path,
        ["methods.normalise.method=z_score", "methods.normalise.mean=10", "methods.normalise.sd=2"],
    )
    assert spec.methods["normalise"].describe() == {"method": "z_score", "mean": 10, "sd": 2}
    assert any("'range'" in w for w in spec.warnings)


def test_alias_bomb_is_refused_with_a_clear_message() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    prev = "a"
    for n in "bcdefghij":
        bomb += f"{n}: &{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        prev = n
    found = _issues(bomb)
    assert found[0][0] == "spec.yaml.too-many-nodes"
