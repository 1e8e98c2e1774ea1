"""Every command that prints a table writes a real workbook under an .xlsx name (issue 23, item 3).

Before, `weights`, `obstacles`, `coupling`, `methods`, `importance`, `check`,
`optimise-weights`, `uncertainty`, `sensitivity`, `data check`, `sources` and `score --stage`
printed "wrote X.xlsx" and wrote CSV (or plain) text under that name. Each case here runs the
command twice with ``-o out.xlsx`` on a small fixture whose units include one named
``=HYPERLINK("x")``, and checks: the file is a zip openpyxl reads, the two runs' bytes are
equal (the second in another time zone), no cell holds a formula, the hostile name is stored
as text (data type ``s``), and the numbers are numbers with a number format.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from cityindex.cli import run

openpyxl = pytest.importorskip("openpyxl")

HOSTILE = '=HYPERLINK("x")'
SPEC = """\
index:
  id: fixture
  title: Workbook fixture
  data: base.csv
  unit: city
  scale: {method: relative_to_max, digits: 4}
methods:
  missing: {method: reweight, min_coverage: 0.5}
groups:
  talent:
    weight: 2
    indicators:
      researchers: {direction: higher_is_better, weight: 1}
      cost: {direction: lower_is_better, weight: 1}
  policy:
    weight: 1
    indicators:
      plans: {direction: higher_is_better, weight: 1}
      funds: {direction: higher_is_better, weight: 1}
"""
DATA = [
    ["city", "researchers", "cost", "plans", "funds"],
    ["Beijing", "120", "9", "4", "7"],
    ["Shanghai", "100", "10", "3", "9"],
    ["Shenzhen", "80", "8", "5", "4"],
    ["Hangzhou", "60", "6", "2", "5"],
    [HOSTILE, "90", "7", "3", "6"],
]
PLAN = "uncertainty={weight_noise: [{level: 2, fraction: 0.6}], runs: 16}"


def _fixture(folder: Path) -> Path:
    """The spec, its data (one unit named like a formula), a sources file for every value and
    a published result the spec reproduces."""
    spec = folder / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(DATA)
    (folder / "base.csv").write_text(text.getvalue(), encoding="utf-8")
    sources = io.StringIO()
    writer = csv.writer(sources, lineterminator="\n")
    writer.writerow(["unit", "column", "value", "year", "url", "note"])
    for row in DATA[1:]:
        for column, value in zip(DATA[0][1:], row[1:], strict=True):
            writer.writerow([row[0], column, value, 2024, "https://example.org/t", "t"])
    (folder / "base.sources.csv").write_text(sources.getvalue(), encoding="utf-8")
    return spec


TABLE_COMMANDS: dict[str, list[str]] = {
    "score": ["score", "SPEC"],
    "score --stage normalised": ["score", "SPEC", "--stage", "normalised"],
    "weights": ["weights", "SPEC"],
    "explain": ["explain", "Beijing", "SPEC"],
    "methods": ["methods"],
    "obstacles": ["obstacles", "SPEC"],
    "coupling": ["coupling", "SPEC", "--groups", "talent,policy"],
    "audit": ["audit", "SPEC"],
    "importance": ["importance", "SPEC"],
    "check": ["check", "SPEC", "--against", "published.csv"],
    "compare": ["compare", "SPEC", "--set", "groups.policy.weight=2"],
    "optimise-weights": ["optimise-weights", "SPEC", "--level", "2"],
    "uncertainty": ["uncertainty", "SPEC", "--set", PLAN, "--runs", "16"],
    "sensitivity": ["sensitivity", "SPEC", "--set", PLAN, "--runs", "8", "--bootstrap", "10"],
    "data check": ["data", "check", "SPEC"],
    "sources": ["sources", "SPEC"],
}
"""Every command of ``cityindex --help`` that prints a table (validate prints a verdict; report,
plot and init write HTML, a chart and a YAML spec), with the arguments it needs."""
WITH_UNITS = {"score", "obstacles", "coupling", "compare", "uncertainty", "sources"}
"""Cases whose workbook names the units (so the hostile name must appear in it as text)."""


def _argv(case: str, spec: Path, out: Path) -> list[str]:
    return [*(str(spec) if a == "SPEC" else a for a in TABLE_COMMANDS[case]), "-o", str(out)]


def _published(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """published.csv: the fixture's own scores and ranks, as `check --against` reads them."""
    assert run(["score", str(folder / "spec.yaml"), "-f", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    lines = ["unit,score,rank,source"] + [f"{r['city']},{r['score']},{r['rank']},t" for r in rows]
    lines = [line.replace(HOSTILE, '"=HYPERLINK(""x"")"') for line in lines]
    (folder / "published.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("case", list(TABLE_COMMANDS))
def test_every_table_command_writes_a_reproducible_workbook_without_formulas(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = _fixture(tmp_path)
    _published(tmp_path, capsys)
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    assert run(_argv(case, spec, first)) == 0, capsys.readouterr().err
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # the clock's zone reaches no byte
    assert run(_argv(case, spec, second)) == 0
    err = capsys.readouterr().err
    assert f"wrote {first}" in err
    assert zipfile.is_zipfile(first), first.read_bytes()[:80]
    assert first.read_bytes() == second.read_bytes()
    book = openpyxl.load_workbook(first)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c for c in cells if isinstance(c.value, str) and c.value.startswith("\x1e")]
    numbers = [c for c in cells if isinstance(c.value, float)]
    assert numbers or case in ("methods", "data check", "sources"), "numbers stay numbers"
    assert all(c.number_format.startswith("0") for c in numbers), {c.number_format for c in numbers}
    if case in WITH_UNITS:
        named = [c for c in cells if c.value == HOSTILE]
        assert named, "the unit named like a formula is in the workbook"
        assert {c.data_type for c in named} == {"s"}


def test_the_obstacles_workbook_holds_the_table_the_csv_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same rows and numbers as the CSV (to Excel's precision), shown at the table's precision:
    normalised values at 4 decimals, obstacle degrees at 2, ranks as integers."""
    monkeypatch.chdir(tmp_path)
    spec = _fixture(tmp_path)
    assert run(["obstacles", str(spec), "-f", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    out = tmp_path / "o.xlsx"
    assert run(["obstacles", str(spec), "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert sheet.title == "Obstacle degree (%)"
    header = [c.value for c in sheet[1]]
    assert header == ["city", "rank", "indicator", "group", "normalised", "obstacle_degree"]
    got = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(got) == len(rows) == 15
    for mine, theirs in zip(got, rows, strict=True):
        assert mine[0] == theirs["city"]
        assert mine[1] == int(theirs["rank"])
        assert isinstance(mine[1], int)
        assert mine[5] == pytest.approx(float(theirs["obstacle_degree"]), abs=1e-12)
    assert sheet["E2"].number_format == "0.0000"
    assert sheet["F2"].number_format == "0.00"


def test_under_zh_the_workbook_sheets_and_headers_are_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = _fixture(tmp_path)
    out = tmp_path / "c.xlsx"
    argv = ["coupling", str(spec), "--groups", "talent,policy", "--lang", "zh", "-o", str(out)]
    assert run(argv) == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert sheet.title == "耦合协调度"
    assert [c.value for c in sheet[1]][:2] == ["城市", "排名"]


def test_a_text_format_under_an_xlsx_name_and_xlsx_to_stdout_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _fixture(tmp_path)
    out = tmp_path / "w.xlsx"
    assert run(["weights", str(spec), "--format", "csv", "-o", str(out)]) == 2
    assert "error[usage.xlsx.format]" in capsys.readouterr().err
    assert not out.exists()
    assert run(["obstacles", str(spec), "--format", "xlsx"]) == 2
    assert "error[usage.xlsx.output]" in capsys.readouterr().err
    plain = tmp_path / "w.dat"
    assert run(["weights", str(spec), "--format", "xlsx", "-o", str(plain)]) == 0
    assert zipfile.is_zipfile(plain)


def test_sheet_names_are_cleaned_shortened_and_made_unique() -> None:
    """Excel refuses []:*?/\\ and line breaks in a sheet name, more than 31 characters, and two
    sheets whose names differ only in case."""
    from cityindex.render.report.xlsx import sheet_title

    taken: set[str] = set()
    names = ["a:b\nc", "A B C", "x" * 40, "x" * 40, "\x1b[31m", ""]
    assert [sheet_title(n, taken) for n in names] == [
        "a b c",
        "A B C 2",
        "x" * 31,
        "x" * 29 + " 2",
        "\\x1b 31m",
        "Sheet",
    ]


def test_lines_around_the_tables_of_a_rendering_become_notes_not_lost() -> None:
    """A renderer that adds lines after its table (compare's correlations) keeps them: under
    the table in its sheet; lines before any table go to a sheet of notes."""
    from cityindex.render.formats import render_rows
    from cityindex.render.workbook import text_workbook

    table = render_rows([{"unit": "A", "rank": 1.0, "v": 0.5}], ["unit", "rank", "v"], "xlsx")
    sheets, layout = text_workbook("before\n" + table + "\nSpearman 0.9\n")
    assert list(sheets) == ["notes", "Sheet1"]
    assert sheets["notes"][1] == [{"note": "before"}]
    assert layout["notes"]["Sheet1"] == ["Spearman 0.9"]
    assert sheets["Sheet1"][1] == [{"0:unit": "A", "0:rank": 1, "0:v": 0.5}]
    assert layout["ranks"] == {"0:rank"}
