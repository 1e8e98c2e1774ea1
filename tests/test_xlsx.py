"""Workbooks are written as every output is: atomically, an older file left whole on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")

from cityindex.render.report.xlsx import write_workbook  # noqa: E402

SHEETS = {"scores": (["city", "score"], [{"city": "Beijing", "score": 1.0}])}


def test_a_workbook_is_written_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_workbook(path, SHEETS, labels={"score": "得分"})
    sheet = openpyxl.load_workbook(path)["scores"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["city", "得分"],
        ["Beijing", 1.0],
    ]
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left beside it


def test_a_failure_while_saving_leaves_the_older_file_intact_and_no_torn_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"the older workbook")

    def fail_half_way(self: object, target: object) -> None:
        target.write(b"PK\x03\x04 half a zip")  # type: ignore[attr-defined]
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", fail_half_way)
    with pytest.raises(OSError, match="disk full"):
        write_workbook(path, SHEETS)
    assert path.read_bytes() == b"the older workbook"
    assert list(tmp_path.iterdir()) == [path]
