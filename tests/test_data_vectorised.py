"""The vectorised reader (pandas' C parser, column-wise cell rules) reads a long file exactly as
the csv module and the per-cell rules read it: same table, same numbers, same located errors.

Files under `FAST_ROWS` rows are read by the csv module alone, so every other test of the data
reader exercises that path; these tests read long files both ways and compare.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityindex import data
from cityindex.cells import parse_column, parse_number
from cityindex.errors import DataError

FILLER = 1_200  # rows added to each case so the vectorised path is taken


def _long(header: str, rows: list[str], *, newline: str = "\n", time: bool = False) -> str:
    filler = [
        f"filler{k:05d},{k % 97}.5,{k % 13}" + (",2020" if time else "") for k in range(FILLER)
    ]
    return newline.join([header, *rows, *filler]) + newline


def _read(text: str, *, fast: bool, monkeypatch: pytest.MonkeyPatch, **options: object) -> object:
    monkeypatch.setattr(data, "FAST_ROWS", 1_000 if fast else 10**9)
    if fast:
        assert data._split_fast(text) is not None  # the vectorised path really runs
    try:
        table = data.parse_table(
            text, name="t.csv", digest="-", encoding="utf-8", unit="city", **options
        )  # type: ignore[arg-type]
        values = table.numeric([c for c in table.columns if c not in ("city", "year")])
    except DataError as exc:
        return [(i.code, i.message, i.location, i.hint) for i in exc.issues]
    return (
        table.frame.astype(str).to_dict("list"),
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


@pytest.mark.parametrize("case", sorted(GOOD))
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_long_file_reads_the_same_with_pandas_as_with_the_csv_module(
    case: str, newline: str, monkeypatch: pytest.MonkeyPatch
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
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    header, rows = BAD[case]
    text = _long(header, rows)
    slow = _read(text, fast=False, monkeypatch=monkeypatch)
    assert isinstance(slow, list)
    assert slow  # refused
    monkeypatch.setattr(data, "FAST_ROWS", 1_000)
    assert _read(text, fast=case != "ragged row", monkeypatch=monkeypatch) == slow


def test_a_bad_year_in_a_long_panel_is_located_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _long("city,a,b,year", ["Wuhan,1,2,2019.5", "Beijing,3,4,"], time=True)
    slow = _read(text, fast=False, monkeypatch=monkeypatch)
    assert isinstance(slow, list)
    assert [code for code, *_ in slow] == ["data.year.invalid", "data.year.invalid"]
    assert _read(text, fast=True, monkeypatch=monkeypatch) == slow


CELL_TEXT = st.text(alphabet="0123456789+-.eE,_% \t\u3000\u00a0\u2028\u0660n", max_size=10)


@given(st.lists(CELL_TEXT, min_size=1, max_size=6))
def test_a_column_parses_as_its_cells_do_one_by_one(cells: list[str]) -> None:
    one_by_one = [math.nan if not c.strip() else parse_number(c.strip()) for c in cells]
    column = parse_column(cells)
    if any(v is None for v in one_by_one):
        assert column is None
    else:
        assert column is not None
        np.testing.assert_array_equal(column, np.array(one_by_one, dtype=float))
