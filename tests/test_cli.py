"""The command line as scripts and analysts use it: formats, streams, exit codes, files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cityindex.cli import app, run

GOLDEN = Path(__file__).parent / "golden"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_score_csv_has_the_design_columns_and_exact_numbers(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["score", str(hand), "--format", "csv"], capsys)
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "rank,unit,score,g1,g2"
    assert lines[1] == "1,D,1.0000,1.0,1.0"
    assert lines[2] == "2,A,0.5000,0.5,0.5"
    assert lines[3] == "3,B,0.4375,0.5,0.25"
    assert lines[4] == "4,C,0.2500,0.3333333333333333,0.0"


def test_coverage_flag_adds_the_coverage_column(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = _run(["score", str(hand), "--format", "csv", "--coverage"], capsys)
    assert out.splitlines()[0] == "rank,unit,score,g1,g2,coverage"


def test_json_carries_a_manifest_with_hashes_and_every_method(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["score", str(hand), "--format", "json"], capsys)
    assert code == 0
    payload = json.loads(out)
    manifest = payload["manifest"]
    assert len(manifest["spec"]["sha256"]) == 64
    assert len(manifest["data"]["sha256"]) == 64
    assert manifest["methods"]["x2"]["normalise"] == {"method": "min_max", "range": [0.0, 1.0]}
    assert manifest["methods"]["hand"]["aggregate"] == {"method": "arithmetic_mean"}
    assert payload["results"][0]["unit"] == "D"
    assert payload["results"][1]["score"] == 0.5


def test_markdown_and_table_formats_render_the_ranking(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, md, _ = _run(["score", str(hand), "--format", "markdown"], capsys)
    assert md.splitlines()[0] == "| rank | unit | score | First group | Second group | coverage |"
    assert "| 3 | B | 0.4375 | 0.5000 | 0.2500 | 1.00 |" in md
    _, table, _ = _run(["score", str(hand), "--format", "table", "--top", "2"], capsys)
    assert "Hand-worked example" in table
    assert "0.4375" not in table  # --top 2 shows D and A only


def test_golden_table_output(hand: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The terminal table, byte for byte (regenerate: CITYINDEX_REGEN=1 pytest)."""
    import os

    _, table, _ = _run(["score", str(hand), "--format", "table"], capsys)
    golden = GOLDEN / "hand-score-table.txt"
    if os.environ.get("CITYINDEX_REGEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(table, encoding="utf-8")
    assert table == golden.read_text(encoding="utf-8")


def test_weights_csv_lists_relative_and_effective_weights(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = _run(["weights", str(hand), "--format", "csv"], capsys)
    # DESIGN.md's contract is the first four columns (method and params follow them)
    assert [",".join(line.split(",")[:4]) for line in out.splitlines()] == [
        "indicator,group,weight,effective_weight",
        "x1,g1,0.5,0.375",
        "x2,g1,0.5,0.375",
        "x3,g2,1.0,0.25",
    ]


def test_output_file_is_written_and_stdout_stays_empty(
    hand: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.csv"
    code, out, err = _run(["score", str(hand), "--output", str(target)], capsys)
    assert code == 0
    assert out == ""
    assert f"wrote {target}" in err
    assert target.read_text().startswith("rank,unit,score")


def test_failed_run_leaves_an_existing_output_untouched(
    hand: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("precious\n")
    code, _, err = _run(
        ["score", str(hand), "--output", str(target), "--set", "groups.g1.weight=-1"], capsys
    )
    assert code == 1
    assert "spec.weight.negative" in err
    assert target.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir() if "out.csv" in p.name] == ["out.csv"]


def test_exit_codes_bad_input_1_bad_usage_2(hand: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["score", str(hand.parent / "nope.yaml")], capsys)[0] == 1
    assert _run(["score", str(hand), "--format", "xml"], capsys)[0] == 2
    assert _run(["score", str(hand), "--no-such-option"], capsys)[0] == 2
    code, _, err = _run(["score", str(hand), "--set", "novalue"], capsys)
    assert code == 2
    assert "Traceback" not in err


def test_bad_cell_names_row_unit_and_column(hand: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (hand.parent / "data.csv").write_text("unit,x1,x2,x3\nA,10,5,4\nB,n/a,10,2\n")
    code, out, err = _run(["score", str(hand)], capsys)
    assert code == 1
    assert out == ""
    assert "row 3 (B): 'n/a' in column 'x1' is not a number" in err


def test_chinese_unit_names_and_a_bom_work(hand: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = "\ufeffunit,x1,x2,x3\n北京,40,5,8\n上海,30,20,0\n深圳,20,10,2\n"
    (hand.parent / "data.csv").write_text(data, encoding="utf-8")
    code, out, _ = _run(["score", str(hand), "--format", "csv"], capsys)
    assert code == 0
    assert out.splitlines()[1].startswith("1,北京,1.0000")


def test_every_command_has_help_with_an_example_and_is_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        doc = command.callback.__doc__ or ""  # type: ignore[union-attr]
        assert "Example:" in doc, f"{name} has no example in its help"
        assert f"cityindex {name}" in readme, f"{name} is not in docs/cli.md"


def test_piping_into_head_ends_quietly(hand: Path) -> None:
    """`cityindex score --format csv | head -1`: exit 0 and no broken-pipe noise."""
    big = "unit,x1,x2,x3\n" + "".join(f"U{i},{i},{i % 7 + 1},{i % 5}\n" for i in range(20000))
    (hand.parent / "data.csv").write_text(big)
    proc = subprocess.run(
        f"{sys.executable} -m cityindex score {hand} --format csv | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout == "rank,unit,score,g1,g2\n"
    assert proc.stderr == ""


def test_caret_lines_up_under_chinese_text() -> None:
    """Wide (CJK) characters take two terminal columns; the caret must account for them."""
    from cityindex.errors import Issue, Location
    from cityindex.render.formats import render_issue

    line = "      x: {title: 北京, weight: heavy}"
    col = line.index("heavy") + 1
    text = render_issue(
        Issue("spec.weight.not-a-number", "m", Location("s.yaml", 3, col), source_line=line, span=5)
    )
    caret = text.splitlines()[4]
    assert caret.index("^") - caret.index("|") - 2 == line.index("heavy") + 2


def test_score_as_an_excel_workbook_has_the_ranking_method_and_sources(
    hand: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "ranking.xlsx"
    assert run(["score", str(hand), "--format", "xlsx", "--output", str(target)]) == 0
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:3] == ["score", "weights", "method"]
    sheet = book["score"]
    assert [c.value for c in sheet[1]][:5] == ["rank", "unit", "score", "g1", "g2"]
    assert [c.value for c in sheet[4]][:3] == [3, "B", 0.4375]
    assert run(["score", str(hand), "--format", "xlsx"]) == 2  # a workbook needs --output
