"""The numpy reader of plain CSV files (`load.csv_plain`) gives the table the general reader
gives: the same units, record numbers, cell texts, numbers (bit for bit) and counts, for every
kind of cell a data file holds; files it cannot read plainly go the general way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cityindex.load import csv_columns, csv_plain
from cityindex.load.data import Table, parse_table

ROWS = 1_200  # above FAST_ROWS: long files are the ones read in chunks or plainly


def numbers(rng: np.random.Generator) -> list[str]:
    """Plain numbers written every way a spreadsheet writes them."""
    x = rng.lognormal(0, 3, ROWS) * rng.choice([-1, 1], ROWS)
    forms = [
        lambda v: repr(v),
        lambda v: f"{v:.3f}",
        lambda v: f"{v:.6e}",
        lambda v: f" {v:.2f} ",
        lambda v: f"+{abs(v):.1f}",
        lambda v: str(round(v)),
        lambda v: f"{v:.17g}",
        lambda v: f"0{abs(v):.4f}",
    ]
    return [forms[i % len(forms)](v) for i, v in enumerate(x.tolist())]


def plain_file(rng: np.random.Generator, extra: dict[str, list[str]]) -> str:
    """A unit column with ASCII and Chinese names, two numeric columns and `extra` columns."""
    units = [f"u{k:05d}" if k % 7 else f"城市{k}" for k in rng.permutation(ROWS).tolist()]
    columns = {"city": units, "a": numbers(rng), "b": numbers(rng), **extra}
    lines = [",".join(columns)]
    lines += [",".join(row) for row in zip(*columns.values(), strict=True)]
    return "\n".join(lines) + "\n"


def read(text: str, *, plain: bool, monkeypatch: pytest.MonkeyPatch, **options: object) -> Table:
    with monkeypatch.context() as patch:
        if not plain:
            patch.setattr(csv_columns, "split_plain", lambda *args, **kwargs: None)
        return parse_table(text, name="t.csv", digest="", encoding="utf-8", unit="city", **options)  # type: ignore[arg-type]


def assert_same(one: Table, two: Table) -> None:
    assert one.units == two.units
    assert np.array_equal(one.lines, two.lines)
    assert list(one.cells) == list(two.cells)
    assert one.na_cells == two.na_cells
    for name in one.cells:
        assert one.texts(name) == two.texts(name), name
        x, y = one.cells[name].values, two.cells[name].values
        assert (x is None) == (y is None), name
        if x is not None and y is not None:
            assert np.array_equal(x.view(np.int64), y.view(np.int64)), name  # bit for bit


def blank_some(cells: list[str], every: int) -> list[str]:
    return ["" if i % every == 3 else c for i, c in enumerate(cells)]


CASES = {
    "numbers": {},
    "blank-cells": {"c": "blank"},
    "text-column": {"c": "text"},
    "nan-text": {"c": "nan"},
    "non-ascii-space": {"c": "nbsp"},
    "hex": {"c": "hex"},
    "year": {"year": "year"},
    "overflow": {"c": "overflow"},
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_plain_reader_gives_the_general_readers_table(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(len(case))
    kind = next(iter(CASES[case].values()), None)
    extra: dict[str, list[str]] = {}
    base = numbers(rng)
    if kind == "blank":
        extra["c"] = blank_some(base, 50)
    elif kind == "text":
        extra["c"] = [f"note {i}" for i in range(ROWS)]
    elif kind == "nan":
        extra["c"] = ["nan" if i == 900 else c for i, c in enumerate(base)]
    elif kind == "nbsp":
        extra["c"] = ["\u00a012" if i == 5 else c for i, c in enumerate(base)]
    elif kind == "hex":
        extra["c"] = ["0x1F" if i == 7 else c for i, c in enumerate(base)]
    elif kind == "overflow":
        extra["c"] = ["1e999" if i == 7 else c for i, c in enumerate(base)]
    elif kind == "year":
        extra["year"] = ["2024"] * ROWS
    text = plain_file(rng, extra)
    calls: list[object] = []
    real = csv_plain.split_plain

    def spy(*args: object, **kwargs: object) -> object:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(found)
        return found

    monkeypatch.setattr(csv_columns, "split_plain", spy)
    plainly = read(text, plain=True, monkeypatch=monkeypatch)
    assert calls
    assert calls[0] is not None  # the plain reader read it
    assert_same(plainly, read(text, plain=False, monkeypatch=monkeypatch))
    numeric = {n for n, c in plainly.cells.items() if c.values is not None}
    # blank cells are missing numbers; a no-break space is stripped as Python's float strips it
    numeric_c = {"c"} if kind in ("blank", "nbsp") else set()
    expected = {"a", "b"} | numeric_c | {"year"} & set(extra)
    assert numeric == expected


def test_na_values_are_blanked_as_the_general_reader_blanks_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(3)
    extra = {"c": ["暂无" if i % 10 == 0 else c for i, c in enumerate(numbers(rng))]}
    text = plain_file(rng, extra)
    one = read(text, plain=True, monkeypatch=monkeypatch, na_values=["暂无"])
    two = read(text, plain=False, monkeypatch=monkeypatch, na_values=["暂无"])
    assert_same(one, two)
    assert one.na_cells == ROWS // 10
    assert one.cells["c"].values is not None


@pytest.mark.parametrize(
    "change",
    ["blank-record", "ragged", "quoted", "crlf", "no-final-newline"],
)
def test_files_that_are_not_plain_read_the_same_either_way(
    change: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rng = np.random.default_rng(9)
    text = plain_file(rng, {})
    lines = text.split("\n")
    if change == "blank-record":
        lines.insert(500, " , ,")
    elif change == "ragged":
        lines[500] += ",1"
    elif change == "quoted":
        lines[500] = '"u,1",1,2'
    elif change == "crlf":
        lines = [line + "\r" for line in lines[:-1]] + [""]
    text = "\n".join(lines)
    if change == "no-final-newline":
        text = text.rstrip("\n")
    try:
        one = read(text, plain=True, monkeypatch=monkeypatch)
    except Exception as exc:  # a ragged row: both readers refuse it alike
        with pytest.raises(type(exc)):
            read(text, plain=False, monkeypatch=monkeypatch)
        assert change == "ragged"
        return
    assert_same(one, read(text, plain=False, monkeypatch=monkeypatch))
