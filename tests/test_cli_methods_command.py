"""`cityindex methods [STAGE]`: every registered method with its formula and parameters,
read from the registry itself (so the listing cannot drift from what a spec may name)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cityindex.cli import run
from cityindex.methods.registry import REGISTRY, REQUIRED, STAGES, load_methods

load_methods()


def _out(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert run(args) == 0
    return capsys.readouterr().out


def test_every_registered_method_has_a_one_line_formula_and_documented_parameters() -> None:
    for stage, methods in REGISTRY.items():
        for name, method in methods.items():
            assert method.doc.strip(), f"{stage}.{name} has no formula line"
            assert "\n" not in method.doc.strip(), f"{stage}.{name}: formula is not one line"
            for param in method.params:
                assert param.doc.strip(), f"{stage}.{name}: parameter {param.name} has no doc"


def test_json_lists_every_method_of_every_stage_in_pipeline_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = json.loads(_out(["methods", "--format", "json"], capsys))["results"]
    listed = [(r["stage"], r["method"]) for r in rows]
    assert listed == [(s, n) for s in STAGES for n in REGISTRY[s]]
    for row in rows:
        method = REGISTRY[row["stage"]][row["method"]]
        assert row["formula"] == method.doc
        assert [p["name"] for p in row["parameters"]] == [p.name for p in method.params]
        assert [p["type"] for p in row["parameters"]] == [p.kind for p in method.params]
        assert [p["required"] for p in row["parameters"]] == [
            p.default is REQUIRED for p in method.params
        ]


def test_a_stage_lists_only_its_methods_with_name_type_and_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = list(csv.DictReader(io.StringIO(_out(["methods", "normalise", "-f", "csv"], capsys))))
    assert {r["stage"] for r in rows} == {"normalise"}
    by_name = {r["method"]: r for r in rows}
    assert set(by_name) == set(REGISTRY["normalise"])
    assert by_name["min_max"]["params"] == "range: range = [0.0, 1.0]"
    assert by_name["z_score"]["params"] == "mean: number = 0.0; sd: number = 1.0"
    assert "unit: text = required" in by_name["distance_to_reference"]["params"]
    assert by_name["min_max"]["formula"].startswith("x' = low + (x - min) / (max - min)")


def test_an_unknown_stage_is_bad_usage_with_the_stages_and_a_suggestion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["methods", "wieghts"]) == 2
    err = capsys.readouterr().err
    assert "one of: " + ", ".join(STAGES) in err
    assert "did you mean 'weights'?" in err


def test_markdown_and_table_show_every_method_of_the_stage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    md = _out(["methods", "aggregate", "--format", "markdown"], capsys)
    assert md.splitlines()[0] == "| stage | method | formula | params |"
    assert len(md.splitlines()) == 2 + len(REGISTRY["aggregate"])
    table = _out(["methods", "aggregate", "--format", "table"], capsys)
    for name in REGISTRY["aggregate"]:
        assert name in table
