"""YAML 1.1 surprises: specs, --set values and plans are read as YAML 1.2 reads them.

PyYAML implements YAML 1.1, where ``1:30`` is the base-60 number 90, ``yes``/``no``/``on``/
``off`` are booleans (so the entropy option ``on: raw`` became ``True: raw``), ``1_000`` is 1000
and ``010`` is 8. cityindex reads plain scalars with YAML 1.2's core schema: all of these are
text (``010`` is 10), refused with a hint where a number or true/false is meant, and kept as
written where text is meant.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cityindex import compute, load_data
from cityindex.cli import run
from cityindex.load.spec_yaml import parse_spec

HERE = Path(__file__).parent
BASE = HERE / "base.yaml"
DATA = HERE / "base.csv"


def _parse(old: str, new: str) -> tuple[object, list[str], dict[str, str]]:
    text = BASE.read_text(encoding="utf-8")
    assert old in text
    spec, issues = parse_spec(text.replace(old, new, 1), file="spec.yaml", base_dir=HERE)
    return spec, [i.code for i in issues], {i.code: i.hint or "" for i in issues}


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("1:30", "YAML 1.1 would read 1:30 as the base-60 number 90"),
        ("yes", "'yes' is text in YAML 1.2"),
        ("off", "'off' is text in YAML 1.2"),
        ("1_000", "write 1000"),
        ("0b101", "write the number in decimal"),
        ("2024-05-01", "weights are relative within their group"),
    ],
)
def test_a_yaml_1_1_number_as_a_weight_is_text_and_refused_with_a_hint(
    written: str, hint: str
) -> None:
    _, codes, hints = _parse("    weight: 2\n", f"    weight: {written}\n")
    assert codes == ["spec.weight.not-a-number"]
    assert hint in hints["spec.weight.not-a-number"]


def test_a_boolean_parameter_written_on_is_refused_with_a_hint() -> None:
    _, codes, hints = _parse("methods:\n", "methods:\n  treat: {method: winsorise, then_log: on}\n")
    assert codes == ["spec.method.param-type"]
    assert "write true or false" in hints["spec.method.param-type"]


@pytest.mark.parametrize(("written", "value"), [("010", 10.0), ("0o10", 8.0), ("0x10", 16.0)])
def test_integers_are_read_as_yaml_1_2_reads_them(written: str, value: float) -> None:
    spec, codes, _ = _parse("    weight: 2\n", f"    weight: {written}\n")
    assert codes == []
    assert spec is not None
    assert spec.groups[0].weight == value  # type: ignore[attr-defined]


def test_the_entropy_option_on_raw_works_as_written() -> None:
    """`on: raw` (a YAML 1.1 boolean key) reaches the weights method as the text `on`."""
    spec, codes, _ = _parse(
        "  talent:\n    weight: 2\n",
        "  talent:\n    weight: 2\n    methods: {weights: {method: entropy, on: raw}}\n",
    )
    assert codes == []
    assert spec is not None
    choice = spec.groups[0].methods["weights"]  # type: ignore[attr-defined]
    assert choice.params["on"] == "raw"
    raw_weights = compute(spec, load_data(DATA, unit="city")).weights["talent"]  # type: ignore[arg-type]
    normalised, _ = parse_spec(
        BASE.read_text(encoding="utf-8"),
        base_dir=HERE,
        overrides=["groups.talent.methods={weights: {method: entropy, on: normalised}}"],
    )
    assert normalised is not None
    other = compute(normalised, load_data(DATA, unit="city")).weights["talent"]
    assert raw_weights.to_dict() != other.to_dict(), "raw and normalised entropy differ here"


@pytest.mark.parametrize("written", ["no", "off", "yes", "2024-05-01", "1:30", "null_island"])
def test_text_that_yaml_1_1_would_convert_stays_text_where_text_is_meant(written: str) -> None:
    spec, codes, _ = _parse("  title: Hostile-input fixture\n", f"  title: {written}\n")
    assert codes == []
    assert spec is not None
    assert spec.index.title == written  # type: ignore[attr-defined]


def test_a_set_value_is_read_as_yaml_1_2_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["score", str(BASE), "-f", "csv", "--set", "groups.talent.weight=1:30"]) == 1
    err = capsys.readouterr().err
    assert "error[spec.weight.not-a-number]" in err
    assert "base-60 number 90" in err


def test_a_plan_file_is_read_as_yaml_1_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`runs: 1:40` would be 100 runs in YAML 1.1; here it is text, and refused."""
    plan = tmp_path / "plan.yaml"
    plan.write_text("weight_noise: [{level: 1, fraction: 0.2}]\nruns: 1:40\n", encoding="utf-8")
    assert run(["uncertainty", str(BASE), "--plan", str(plan), "-f", "csv"]) == 1
    err = capsys.readouterr().err
    assert "error[spec.uncertainty.integer]" in err
    assert "'1:40'" in err
