"""The vectorised reader (pandas' C parser in chunks, column-wise cell rules) reads a long file
exactly as the csv module and the per-cell rules read it: same table, same texts, same numbers,
same located errors, wherever the chunks happen to end.

Files under `FAST_ROWS` rows are read by the csv module alone, so every other test of the data
reader exercises that path; these tests read long files both ways and compare.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityindex.errors import DataError
from cityindex.load import csv_columns, data
from cityindex.model.cells import parse_column, parse_number

FILLER = 1_200  # rows added to each case so the vectorised path is taken


def _long(header: str, rows: list[str], *, newline: str = "\n", time: bool = False) -> str:
    filler = [
        f"filler{k:05d},{k % 97}.5,{k % 13}" + (",2020" if time else "") for k in range(FILLER)
    ]
    return newline.join([header, *rows, *filler]) + newline


def _read(text: str, *, fast: bool, monkeypatch: pytest.MonkeyPatch, **options: object) -> object:
    monkeypatch.setattr(csv_columns, "FAST_ROWS", 1_000 if fast else 10**9)
    if fast:  # the vectorised path really runs
        builders = csv_columns.builders_for("city", "year", ())
        assert csv_columns.split_fast(text, builders) is not None
    try:
        table = data.parse_table(
            text, name="t.csv", digest="-", encoding="utf-8", unit="city", **options
        )  # type: ignore[arg-type]
        values = table.numeric([c for c in table.columns if c not in ("city", "year")])
    except DataError as exc:
        return [(i.code, i.message, i.location, i.hint) for i in exc.issues]
    return (
        {c: table.texts(c) for c in table.columns},
        table.rows,
        table.units,
        [[None if math.isnan(v) else v for v in row] for row in values.tolist()],  # nan != nan
        table.na_cells,
        table.year,
    )


GOOD = {
    "plain": ("city,a,b", ["Wuhan,1.5,2", "Beijing,3,-4e2"]),
    "quoted cells": (
        "city,a,b",
        ['"Hong Kong, China",1,2', '"say ""hi""",.5,3', '"two\nlines",1,1'],
    ),
    "blank rows": ("city,a,b", ["", "Wuhan,1,2", ",,", "  , ,", "", "Beijing, 3 ,"]),
    "Chinese names": ("city,a,b", ["北京,1,2", "Zu\u0308rich,3,4", "上海,,5"]),
    "missing cells": ("city,a,b", ["Wuhan,,2", "Beijing,3,"]),
}


@pytest.fixture(params=[50_000, 7], ids=["one chunk", "chunks of 1000 rows"])
def chunk_cells(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Chunk size of the vectorised reader: the default, and the smallest (1,000 rows a chunk,
    so the cases' rows, the filler and the header fall into different chunks)."""
    monkeypatch.setattr(csv_columns, "CHUNK_CELLS", request.param)
    return int(request.param)


@pytest.mark.parametrize("case", sorted(GOOD))
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_long_file_reads_the_same_with_pandas_as_with_the_csv_module(
    case: str, newline: str, monkeypatch: pytest.MonkeyPatch, chunk_cells: int
) -> None:
    header, rows = GOOD[case]
    text = _long(header, rows, newline=newline)
    fast = _read(text, fast=True, monkeypatch=monkeypatch)
    assert isinstance(fast, tuple)  # read, not refused
    assert fast == _read(text, fast=False, monkeypatch=monkeypatch)


def test_a_long_panel_with_na_values_reads_the_same_both_ways(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = ["Wuhan,暂无,2,2019", "Wuhan,1,—,2020", "Beijing,3,4,2019", "Beijing,5, 暂无 ,2020"]
    text = _long("city,a,b,year", rows, time=True)
    options = {"na_values": ("暂无", "—"), "year": 2020}
    fast = _read(text, fast=True, monkeypatch=monkeypatch, **options)
    assert isinstance(fast, tuple)
    assert fast[4] == 3  # na_cells (only rows of 2020 are in the table, all are counted)
    assert fast == _read(text, fast=False, monkeypatch=monkeypatch, **options)


BAD = {
    "bad cells": ("city,a,b", ['Wuhan,"1,000",n/a', "Beijing,inf,２０", 'Xi\'an,30%,"1,5"']),
    "ragged row": ("city,a,b", ["Wuhan,1", "Beijing,1,2,3"]),
    "duplicate unit": ("city,a,b", ["Wuhan,1,2", "Wuhan,3,4", " Wuhan ,5,6"]),
    "empty unit": ("city,a,b", [",1,2"]),
    "look-alike units": ("city,a,b", ["Beijing,1,2", "\uff22eijing,3,4", "Wuhan\u200b,1,1"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_long_file_s_errors_are_the_same_located_errors_both_ways(
    case: str, monkeypatch: pytest.MonkeyPatch, chunk_cells: int
) -> None:
    header, rows = BAD[case]
    text = _long(header, rows)
    slow = _read(text, fast=False, monkeypatch=monkeypatch)
    assert isinstance(slow, list)
    assert slow  # refused
    monkeypatch.setattr(csv_columns, "FAST_ROWS", 1_000)
    assert _read(text, fast=case != "ragged row", monkeypatch=monkeypatch) == slow


def test_a_bad_year_in_a_long_panel_is_located_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _long("city,a,b,year", ["Wuhan,1,2,2019.5", "Beijing,3,4,"], time=True)
    slow = _read(text, fast=False, monkeypatch=monkeypatch)
    assert isinstance(slow, list)
    assert [code for code, *_ in slow] == ["data.year.invalid", "data.year.invalid"]
    assert _read(text, fast=True, monkeypatch=monkeypatch) == slow


CELL_TEXT = st.text(
    alphabet="0123456789+-.eE,_% \t\u3000\u00a0\u2028\u0660nNaiIfty\x00", max_size=10
)


@given(st.lists(CELL_TEXT, min_size=1, max_size=6))
def test_a_column_parses_as_its_cells_do_one_by_one(cells: list[str]) -> None:
    one_by_one = [math.nan if not c.strip() else parse_number(c.strip()) for c in cells]
    column = parse_column(cells)
    if any(v is None for v in one_by_one):
        assert column is None
    else:
        assert column is not None
        np.testing.assert_array_equal(column, np.array(one_by_one, dtype=float))


def test_a_bad_cell_after_the_first_chunk_is_located_and_the_column_keeps_its_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A column of numbers for 1,000 rows, then one bad cell: the column falls back to text
    (its first chunk's texts kept exactly) and the cell is named, as the csv module names it."""
    monkeypatch.setattr(csv_columns, "CHUNK_CELLS", 7)
    rows = [f"u{k:05d},{k}.50,{k % 7}" for k in range(1_500)]
    rows[1_200] = "u01200,n/a,3"
    text = "city,a,b\n" + "\n".join(rows) + "\n"
    fast = _read(text, fast=True, monkeypatch=monkeypatch)
    assert fast == _read(text, fast=False, monkeypatch=monkeypatch)
    assert [code for code, *_ in fast] == ["data.cell.placeholder"]
    table = data.parse_table(text, name="t.csv", digest="-", encoding="utf-8", unit="city")
    assert table.texts("a")[:2] == ["0.50", "1.50"]  # as written, not as floats print
    assert table.cells["a"].values is None
    assert table.cells["b"].values is not None


def test_long_and_non_ascii_text_columns_read_the_same_both_ways(
    monkeypatch: pytest.MonkeyPatch, chunk_cells: int
) -> None:
    """Fixed-width bytes, fixed-width Unicode and (one long note) object texts."""
    rows = [f"城市{k:04d},{k},{'长' * 3000 if k == 5 else 'note'}" for k in range(1_200)]
    text = "city,a,note\n" + "\n".join(rows) + "\n"
    fast = _read(text, fast=True, monkeypatch=monkeypatch)
    assert isinstance(fast, list)  # 'note' is not numeric: numeric() names its cells
    table = data.parse_table(text, name="t.csv", digest="-", encoding="utf-8", unit="city")
    assert table.cells["note"].texts.dtype == object
    assert table.texts("note")[5] == "长" * 3000
    assert table.cells["city"].texts.dtype.kind == "U"
    assert table.units[:2] == ("城市0000", "城市0001")
    assert fast == _read(text, fast=False, monkeypatch=monkeypatch)


LINE_TEXT = st.text(alphabet='ab,"\r\n \u00e9', max_size=40)


@given(LINE_TEXT)
def test_cells_are_counted_per_record_as_the_csv_module_counts_them(text: str) -> None:
    import csv
    import io

    try:
        expected = [len(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error:
        expected = None
    widths = csv_columns._widths(text)
    assert (None if widths is None else widths.tolist()) == expected
    assert list(csv_columns._lines(text)) == list(io.StringIO(text, newline=""))


def test_cells_are_counted_across_block_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_columns, "BLOCK_CHARS", 3)
    text = "ab,c\n\n,,,\nxyz\né,é"
    widths = csv_columns._widths(text)
    assert widths is not None
    assert widths.tolist() == [2, 0, 4, 1, 2]


def test_a_column_whose_cells_widen_or_change_kind_between_chunks_keeps_every_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chunks of 1,000 rows: numbers that grow wider, a text column that turns from ASCII to
    Chinese, and one that turns to a long note, each read exactly as the csv module reads them."""
    monkeypatch.setattr(csv_columns, "CHUNK_CELLS", 7)
    rows = [
        f"u{k:05d},{k if k < 1_000 else k * 1.25e-7},"
        f"{'ab' if k < 1_000 else '北京'},{'x' if k != 2_500 else 'y' * 5_000}"
        for k in range(3_000)
    ]
    text = "city,a,b,c\n" + "\n".join(rows) + "\n"
    table = data.parse_table(text, name="t.csv", digest="-", encoding="utf-8", unit="city")
    assert table.texts("a")[999:1_001] == ["999", "0.000125"]
    assert table.cells["a"].values is not None
    assert table.cells["a"].values[1_000] == 0.000125
    assert table.texts("b")[999:1_001] == ["ab", "北京"]
    assert table.texts("c")[2_500] == "y" * 5_000
    assert table.texts("c")[2_499] == "x"
    fast = _read(text, fast=True, monkeypatch=monkeypatch)
    assert fast == _read(text, fast=False, monkeypatch=monkeypatch)
