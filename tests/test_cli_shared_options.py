"""Options every command spells the same way: `--encoding` wherever data is read,
`--excel-safe` wherever CSV is written, `--digits` wherever numbers are printed; and the
compare summary that CSV has no room for beside the rows (`compare --summary`)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cityindex.cli import app, run

SPEC = str(Path(__file__).resolve().parents[1] / "indicators" / "ai-city-2024.yaml")
READS_DATA = [
    "score", "validate", "weights", "obstacles", "coupling", "explain", "sources", "audit",
    "compare", "uncertainty", "sensitivity", "plot", "report", "check", "calibrate",
    "data check",
]  # fmt: skip
WRITES_CSV = [
    "score", "weights", "obstacles", "coupling", "explain", "sources", "audit", "compare",
    "uncertainty", "sensitivity", "methods", "check", "calibrate", "data check",
]  # fmt: skip
PRINTS_NUMBERS = [c for c in WRITES_CSV if c != "methods"]


def _help(command: str) -> str:
    result = CliRunner().invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0
    return result.output


@pytest.mark.parametrize("command", READS_DATA)
def test_every_command_that_reads_data_takes_encoding(command: str) -> None:
    assert "--encoding" in _help(command)


@pytest.mark.parametrize("command", WRITES_CSV)
def test_every_command_that_writes_csv_takes_excel_safe(command: str) -> None:
    assert "--excel-safe" in _help(command)


@pytest.mark.parametrize("command", PRINTS_NUMBERS)
def test_every_command_that_prints_numbers_takes_digits(command: str) -> None:
    assert "--digits" in _help(command)


def test_encoding_reaches_the_loader_of_explain_and_coupling(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = "unit,x1,x2,x3\n北京,10,5,4\n上海,20,10,2\n深圳,30,20,0\n广州,40,5,8\n"
    (hand.parent / "data.csv").write_bytes(data.encode("gb18030"))
    assert run(["explain", "北京", str(hand), "--encoding", "gb18030", "-f", "csv"]) == 0
    out, err = capsys.readouterr()
    assert "as GB18030 (as asked (--encoding))" in err
    first = next(csv.DictReader(io.StringIO(out)))
    assert (first["depth"], first["id"]) == ("0", "hand")
    assert run(["coupling", str(hand), "--groups", "g1,g2", "--encoding", "gb18030"]) == 0
    out, err = capsys.readouterr()
    assert {row["unit"] for row in csv.DictReader(io.StringIO(out))} == {
        "北京",
        "上海",
        "深圳",
        "广州",
    }


def test_excel_safe_neutralises_a_formula_like_unit_in_obstacles(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (hand.parent / "data.csv").read_text().replace("\nA,", "\n=HYPERLINK(1),")
    (hand.parent / "data.csv").write_text(data)
    assert run(["obstacles", str(hand), "-f", "csv", "--excel-safe"]) == 0
    out = capsys.readouterr().out
    units = {row["unit"] for row in csv.DictReader(io.StringIO(out))}
    assert "'=HYPERLINK(1)" in units
    assert "=HYPERLINK(1)" not in units


def test_compare_summary_in_csv_carries_the_correlations_and_movers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["compare", SPEC, "--set", "groups.policy.weight=0.4"]
    assert run([*args, "--format", "json"]) == 0
    full = json.loads(capsys.readouterr().out)
    assert run([*args, "--format", "csv", "--summary"]) == 0
    rows = {r["item"]: r["value"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert float(rows["spearman"]) == full["spearman"]
    assert float(rows["kendall"]) == full["kendall"]
    assert int(rows["common"]) == full["common"]
    movers = {k: v for k, v in rows.items() if k.startswith("mover ")}
    assert len(movers) == len(full["movers"])
    first = full["movers"][0]
    assert movers[f"mover {first['unit']}"] == (
        f"{first['rank_a']}→{first['rank_b']} ({first['rank_change']:+d})"
    )


def test_check_prints_whole_ranks_and_rounds_scores_with_digits(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed = str(Path(SPEC).parents[1] / "seeds" / "ai-city-competitiveness-2024.csv")
    assert run(["check", SPEC, "--against", seed, "--digits", "3", "-f", "csv"]) == 0
    first = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert (first["unit"], first["computed_score"], first["computed_rank"]) == (
        "Beijing",
        "1.000",
        "1",
    )
