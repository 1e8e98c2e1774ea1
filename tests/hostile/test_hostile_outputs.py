"""Hostile text in every output format stays text (issue 24, items 3, 4 and 7).

The spec's title and a group title carry terminal escape sequences (ESC [2J clears the screen,
ESC ]0; sets the window title), the data names units with CR, LF, CRLF, ``|`` and a formula.
CSV quotes CR and LF and cityindex reads its own CSV back; Markdown escapes ``|`` and line
breaks; a terminal table shows escapes as ``\\x1b`` text; a workbook holds every text cell as
a string (never a formula or an error value), with control characters escaped, and the same
input gives the same workbook bytes whatever the clock and the time zone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from cityindex.cli import run
from cityindex.load.data import load_data
from cityindex.render.formats import to_csv, to_markdown

HERE = Path(__file__).parent
UNITS = ["Bei\rjing", "Shang\nhai", "Shen\r\nzhen|x", '=HYPERLINK("x")', "#N/A"]


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    text = (HERE / "base.yaml").read_text(encoding="utf-8")
    text = text.replace("title: Hostile-input fixture", 'title: "\\e[31mred\\e]0;pwned\\a"')
    text = text.replace("  talent:\n", '  talent:\n    title: "\\e[2Jtalent|x\\rback"\n')
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    rows = ["city,researchers,cost,plans"]
    for k, unit in enumerate(UNITS):
        quoted = '"' + unit.replace('"', '""') + '"'
        rows.append(f"{quoted},{100 + 10 * k},{5 + k},{k}")
    (tmp_path / "base.csv").write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
    return path


def test_csv_quotes_cr_and_lf_and_cityindex_reads_its_own_csv_back(
    spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = spec.parent / "out.csv"
    assert run(["score", str(spec), "-f", "csv", "-o", str(out)]) == 0
    capsys.readouterr()
    assert b'"Bei\rjing"' in out.read_bytes()
    assert sorted(load_data(out, unit="city").units) == sorted(UNITS)


def test_a_lone_cr_is_quoted_and_lf_lines_are_kept() -> None:
    rows = [{"unit": "a\rb", "n": 1.0}, {"unit": "plain", "n": 2.0}]
    assert to_csv(rows, ["unit", "n"], digits={}) == 'unit,n\n"a\rb",1.0\nplain,2.0\n'


def test_markdown_escapes_pipes_and_line_breaks(
    spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["score", str(spec), "-f", "markdown"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 2 + len(UNITS), "one line per row: no cell broke its row"
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    assert "Shen<br>zhen\\|x" in out
    assert "\x1b" not in out
    rows = [{"a": "x|y\nz"}]
    assert to_markdown(rows, ["a"], digits={}) == "| a |\n|---|\n| x\\|y<br>z |\n"


def test_no_escape_sequence_reaches_the_terminal_in_a_table(
    spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["score", str(spec), "-f", "table"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\r" not in out
    assert "\x07" not in out
    assert "\\x1b[31mred\\x1b]0;pwned\\x07" in out  # shown, as text
    assert "Bei\\rjing" in out


def test_rich_markup_in_a_name_is_shown_as_written() -> None:
    """rich reads a str as markup: ``[bold]`` vanished and ``[/x]`` raised MarkupError."""
    from cityindex.render.formats import to_table

    rows = [{"unit": "[/x] closes", "n": 1.0}, {"unit": "[bold]b[/bold] :cn:", "n": 2.0}]
    out = to_table(rows, ["unit", "n"], digits={}, title="[red]t", width=80)
    assert "[/x] closes" in out
    assert "[bold]b[/bold] :cn:" in out
    assert out.startswith("[red]t")


def test_errors_show_escape_sequences_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec.yaml"
    text = (HERE / "base.yaml").read_text(encoding="utf-8")
    spec.write_text(text.replace("  policy:\n", '  "\\e]0;pwned\\a":\n    wieght: 1\n  policy:\n'))
    (tmp_path / "base.csv").write_bytes((HERE / "base.csv").read_bytes())
    assert run(["score", str(spec)]) == 1
    err = capsys.readouterr().err
    assert "error[" in err
    assert "\x1b" not in err
    assert "\x07" not in err


def test_excel_safe_reaches_the_stage_csv(spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["score", str(spec), "--stage", "normalised", "-f", "csv", "--excel-safe"]) == 0
    out = capsys.readouterr().out
    assert "\n\"'=HYPERLINK" in out  # quoted (it holds a quote), then the apostrophe
    assert "\n=HYPERLINK" not in out
    assert '\n"=HYPERLINK' not in out


def test_a_workbook_holds_hostile_text_as_text(
    spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = spec.parent / "out.xlsx"
    assert run(["score", str(spec), "-o", str(out)]) == 0
    capsys.readouterr()
    with zipfile.ZipFile(out) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in book.read(name).decode("utf-8"), name
    sheet = openpyxl.load_workbook(out)["score"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert {c.data_type for c in cells} == {"s"}
    units = {sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)}
    assert {'=HYPERLINK("x")', "#N/A"} <= units  # as written, not evaluated
    assert len(units) == len(UNITS)


def test_control_characters_a_workbook_cannot_hold_are_escaped(tmp_path: Path) -> None:
    from cityindex.render.report.xlsx import write_workbook

    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "out.xlsx"
    rows = [{"city": "a\x1b[31mb\x00", "score": 1.0}, {"city": "tab\tand\nline", "score": 2.0}]
    write_workbook(path, {"scores": (["city", "score"], rows)})
    sheet = openpyxl.load_workbook(path)["scores"]
    assert [sheet["A2"].value, sheet["A3"].value] == ["a\\x1b[31mb\\x00", "tab\tand\nline"]


def _workbook(folder: Path, name: str, zone: str) -> bytes:
    pytest.importorskip("openpyxl")
    out = folder / name
    done = subprocess.run(
        [sys.executable, "-m", "cityindex", "score", str(HERE / "base.yaml"), "-o", str(out)],
        env={**os.environ, "TZ": zone},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def test_a_workbook_is_the_same_bytes_at_another_time_in_another_time_zone(
    tmp_path: Path,
) -> None:
    first = _workbook(tmp_path, "a.xlsx", "Asia/Shanghai")
    time.sleep(2.1)  # zip dates count in two-second steps
    second = _workbook(tmp_path, "b.xlsx", "UTC")
    assert first == second
    with zipfile.ZipFile(tmp_path / "a.xlsx") as book:
        assert {i.date_time for i in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = book.read("docProps/core.xml").decode("utf-8")
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified


def test_the_doctests_of_the_output_safety_helpers_hold() -> None:
    import doctest

    import cityindex.render.cell_text
    import cityindex.render.report.charts
    import cityindex.render.report.method
    import cityindex.render.report.source_list
    import cityindex.render.report.xlsx

    for module in (
        cityindex.render.cell_text,
        cityindex.render.report.charts,
        cityindex.render.report.method,
        cityindex.render.report.source_list,
        cityindex.render.report.xlsx,
    ):
        failed, tried = doctest.testmod(module)
        assert tried > 0, module.__name__
        assert failed == 0, module.__name__
