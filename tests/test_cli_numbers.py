"""Numbers as people and scripts read them: ranks are whole numbers in every format; a table
or Markdown column has one precision; CSV and JSON keep every digit unless `--digits N` asks
for N decimals, which then holds for every number in every format of every command."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from cityindex.cli import run

ROOT = Path(__file__).resolve().parents[1]
SPEC = str(ROOT / "indicators" / "ai-city-2024.yaml")


def _out(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = run(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _csv(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_out([*args, "--format", "csv"], capsys))))


def _decimals(cell: str) -> int:
    return len(cell.partition(".")[2])


def test_digits_rounds_group_columns_of_the_csv_without_float_noise(
    capsys: pytest.CaptureFixture[str],
) -> None:
    full = _csv(["score", SPEC], capsys)
    rounded = _csv(["score", SPEC, "--digits", "4"], capsys)
    groups = ["policy", "infrastructure", "enterprise", "innovation", "financing"]
    noisy = [r[g] for r in full for g in groups if _decimals(r[g]) > 4]
    assert noisy, "the full-precision CSV should hold values with more than 4 decimals"
    for a, b in zip(full, rounded, strict=True):
        assert a["rank"] == b["rank"]
        for g in [*groups, "score"]:
            if a[g] == "":
                assert b[g] == ""
                continue
            assert _decimals(b[g]) == 4, b[g]
            assert float(b[g]) == pytest.approx(round(float(a[g]), 4), abs=1e-12)


@pytest.mark.parametrize(
    "args",
    [
        ["score"],
        ["weights"],
        ["obstacles", "--count", "2"],
        ["coupling", "--groups", "policy,innovation"],
        ["explain", "Shenzhen"],
        ["compare", "--set", "groups.policy.weight=0.4"],
        ["uncertainty", "--runs", "50"],
        ["audit", "--part", "indicators"],
    ],
)
def test_digits_rounds_every_number_of_the_json_results(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    command, rest = args[0], args[1:]
    argv = [command, *([] if command == "explain" else [SPEC]), *rest]
    if command == "explain":
        argv.append(SPEC)
    payload = json.loads(_out([*argv, "--format", "json", "--digits", "3"], capsys))
    rows = payload.get("results") or payload.get("indicators")
    floats = [v for row in rows for v in row.values() if isinstance(v, float)]
    assert floats
    assert all(v == round(v, 3) for v in floats)
    for row in rows:
        for key in ("rank", "rank_a", "rank_b"):
            assert row.get(key) is None or isinstance(row[key], int), (key, row[key])


def test_ranks_are_whole_numbers_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["uncertainty", SPEC, "--runs", "50"], ["obstacles", SPEC]):
        rows = _csv(args, capsys)
        assert all(re.fullmatch(r"\d+", r["rank"]) for r in rows)
        md = _out([*args, "--format", "markdown"], capsys).splitlines()
        rank_at = [c.strip() for c in md[0].split("|")].index("rank")
        assert all(re.fullmatch(r"\d+", line.split("|")[rank_at].strip()) for line in md[2:])
    explained = json.loads(_out(["explain", "Shenzhen", SPEC, "--format", "json"], capsys))
    assert explained["rank"] == 2
    assert isinstance(explained["rank"], int)


@pytest.mark.parametrize(
    "args",
    [
        ["score", SPEC, "--stage", "raw"],
        ["score", SPEC, "--stage", "normalised"],
        ["uncertainty", SPEC, "--runs", "50"],
        ["sources", SPEC],
        ["obstacles", SPEC],
    ],
)
def test_a_markdown_column_has_one_precision(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _out([*args, "--format", "markdown"], capsys).splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]
    for i, column in enumerate(header):
        numbers = [row[i] for row in cells if re.fullmatch(r"-?\d+(\.\d+)?", row[i])]
        assert len({_decimals(n) for n in numbers}) <= 1, (column, sorted(set(numbers))[:5])


def test_digits_also_rounds_the_group_weights_of_the_weights_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    full = json.loads(_out(["weights", SPEC, "--format", "json"], capsys))
    rounded = json.loads(_out(["weights", SPEC, "--format", "json", "--digits", "2"], capsys))
    assert [g["weight"] for g in rounded["groups"]] == [
        round(g["weight"], 2) for g in full["groups"]
    ]
    assert rounded["manifest"] == full["manifest"]
