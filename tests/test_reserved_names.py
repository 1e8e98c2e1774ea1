"""Ids of groups and indicators may not be the unit column or a column the outputs add.

A group called `score` would give the score CSV two `score` columns (a reader keeps one, and
the ranking it shows is the group's); a group called `city` would replace the unit names.
`cityindex.model.output_columns` lists every column the commands add; these tests check that the
validator refuses each name, that every command and output format meets the refusal before
writing anything, and that the list is complete: every column any command writes is in it.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path

import pytest

from cityindex import compute, load_data, load_spec
from cityindex.cli import run
from cityindex.load.spec_yaml import parse_spec
from cityindex.model.output_columns import RESERVED_NAMES

HERE = Path(__file__).parent / "hostile"
BASE = HERE / "base.yaml"
DATA = HERE / "base.csv"
NAMES = sorted(RESERVED_NAMES | {"city"})  # city: base.yaml's unit column
FORMATS = ("table", "csv", "json", "markdown", "xlsx")
PLAN = "uncertainty={weight_noise: [{level: 2, fraction: 0.2}], runs: 16}"


def _commands(spec: Path, reference: Path) -> dict[str, list[str]]:
    """Every command that writes a table, with the arguments it needs on `spec`."""
    s = str(spec)
    return {
        "score": ["score", s, "--coverage"],
        "score --stage aggregated": ["score", s, "--stage", "aggregated"],
        "score --stage treat_log": ["score", s, "--stage", "treat_log"],
        "weights": ["weights", s],
        "explain": ["explain", "Beijing", s],
        "coupling": ["coupling", s, "--groups", "talent,policy"],
        "obstacles": ["obstacles", s],
        "audit indicators": ["audit", s, "--part", "indicators"],
        "audit groups": ["audit", s, "--part", "groups"],
        "audit pairs": ["audit", s, "--part", "pairs"],
        "uncertainty": ["uncertainty", s, "--set", PLAN, "--runs", "16"],
        "sensitivity": ["sensitivity", s, "--set", PLAN, "--runs", "8", "--bootstrap", "10"],
        "data check": ["data", "check", s],
        "compare": ["compare", s, s],
        "check": ["check", s, "--against", str(reference)],
        "sources": ["sources", s],
        "importance": ["importance", s],
        "optimise-weights": ["optimise-weights", s, "--level", "2"],
    }


def _sourced(folder: Path) -> Path:
    """base.yaml and base.csv copied into `folder` with a sources file for every value."""
    (folder / "base.yaml").write_text(BASE.read_text(encoding="utf-8"), encoding="utf-8")
    text = DATA.read_text(encoding="utf-8")
    (folder / "base.csv").write_text(text, encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    lines = ["unit,column,value,year,url,note"]
    lines += [
        f"{r[0]},{column},{value},2024,https://example.org/{r[0]},t"
        for r in rows[1:]
        for column, value in zip(rows[0][1:], r[1:], strict=True)
    ]
    (folder / "base.sources.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "base.yaml"


def _reference(folder: Path) -> Path:
    """A published result that base.yaml reproduces (its own scores, rounded as it shows them)."""
    result = compute(load_spec(BASE), load_data(DATA, unit="city"))
    lines = ["unit,score,rank,source"]
    lines += [
        f"{u},{s:.4f},{r:.0f},t"
        for u, s, r in zip(result.units, result.score, result.rank, strict=True)
    ]
    path = folder / "published.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _renamed(text: str, name: str, *, what: str) -> str:
    if what == "group":
        return text.replace("  policy:", f"  {name}:")
    return text.replace("plans: {", f"{name}: {{column: plans, ")


@pytest.mark.parametrize("what", ["group", "indicator"])
@pytest.mark.parametrize("name", NAMES)
def test_every_reserved_name_is_refused_as_an_id_at_its_key(name: str, what: str) -> None:
    text = _renamed(BASE.read_text(encoding="utf-8"), name, what=what)
    _, issues = parse_spec(text, file="spec.yaml")
    reserved = [i for i in issues if i.code == "spec.id.reserved"]
    assert len(reserved) == 1, issues
    assert reserved[0].key_path is not None
    assert reserved[0].key_path.endswith(f".{name}")
    assert reserved[0].location is not None
    assert reserved[0].location.line == (16 if what == "group" else 19)
    assert "score, score_a" in (reserved[0].expected or ""), "the error lists the names"


def _argv(command: list[str], fmt: str, out: Path) -> list[str]:
    if command[0] == "validate":
        return command
    if fmt == "xlsx":
        return [*command, "-o", str(out / "out.xlsx")]
    return [*command, "-f", fmt]


CASES = [(c, f) for c in _commands(BASE, BASE) for f in FORMATS]


@pytest.mark.parametrize(("command", "fmt"), CASES, ids=[f"{c}-{f}" for c, f in CASES])
def test_every_command_and_format_refuses_a_reserved_id_before_writing(
    command: str, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = NAMES[CASES.index((command, fmt)) % len(NAMES)]  # each case its own name
    spec = tmp_path / "spec.yaml"
    text = BASE.read_text(encoding="utf-8").replace("data: base.csv", f"data: {DATA}")
    spec.write_text(_renamed(text, name, what="group"), encoding="utf-8")
    argv = _argv(_commands(spec, _reference(tmp_path))[command], fmt, tmp_path)
    assert run(argv) == 1
    out, err = capsys.readouterr()
    assert f"error[spec.id.reserved]: group id '{name}'" in err
    assert out == ""
    assert not (tmp_path / "out.xlsx").exists()


def _row_keys(payload: object) -> set[str]:
    """The keys of every row (a mapping inside a list) anywhere in a JSON payload."""
    if isinstance(payload, dict):
        return {k for v in payload.values() for k in _row_keys(v)}
    if isinstance(payload, list):
        keys = {k for row in payload if isinstance(row, dict) for k in row}
        return keys | {k for v in payload for k in _row_keys(v)}
    return set()


def _headers(text: str, fmt: str) -> set[str]:
    if fmt == "csv":
        return set(next(csv.reader(io.StringIO(text))))
    if fmt == "json":
        return _row_keys(json.loads(text))
    lines = text.splitlines()
    return {
        cell.strip()
        for head, rule in itertools.pairwise(lines)
        if rule.startswith("|---")
        for cell in head.strip("|").split("|")
    }


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown"])
def test_every_column_any_command_writes_is_reserved_or_an_id(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The one list of reserved names is complete: checked against what the commands write."""
    ids = {"talent", "policy", "researchers", "cost", "plans", "city"}
    unlisted: dict[str, set[str]] = {}
    for command, argv in _commands(_sourced(tmp_path), _reference(tmp_path)).items():
        status = run([*argv, "-f", fmt])
        out, err = capsys.readouterr()
        assert status == 0, (command, err)
        headers = _headers(out, fmt)
        assert headers, (command, "no header found")
        if headers - ids - RESERVED_NAMES:
            unlisted[command] = headers - ids - RESERVED_NAMES
    assert unlisted == {}, "add these to cityindex/model/output_columns.py"


def test_every_sheet_of_a_workbook_has_only_reserved_columns_or_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    ids = {"talent", "policy", "researchers", "cost", "plans", "city"}
    commands = _commands(_sourced(tmp_path), BASE)
    for command in ("score", "explain", "compare"):
        out = tmp_path / f"{command}.xlsx"
        assert run([*commands[command], "-o", str(out)]) == 0
        # not read_only: openpyxl 3.1.0 (our minimum) leaves a read-only workbook's file open
        book = openpyxl.load_workbook(out)
        for sheet in book.worksheets:
            header = {str(c) for c in next(sheet.iter_rows(max_row=1, values_only=True))}
            assert header - ids - RESERVED_NAMES == set(), (command, sheet.title)
    capsys.readouterr()
