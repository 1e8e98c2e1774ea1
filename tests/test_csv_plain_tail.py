"""The plain reader (`load.csv_plain`) gathers each cell from a window of the file's bytes
without copying them; a cell near the end of the file, whose window runs past it, is read from
a padded copy of the tail: the same table as the general reader either way."""

from __future__ import annotations

import numpy as np
import pytest

from cityindex.load import csv_columns, csv_plain
from cityindex.load.data import Table, parse_table

ROWS = 1_100  # above FAST_ROWS, so the plain reader takes the file


def read(text: str, *, plain: bool, monkeypatch: pytest.MonkeyPatch) -> Table:
    with monkeypatch.context() as patch:
        if not plain:
            patch.setattr(csv_columns, "split_plain", lambda *args, **kwargs: None)
        return parse_table(text, name="t.csv", digest="", encoding="utf-8", unit="city")


def long_last_cell_file(end: str) -> str:
    """Short cells, then a last record whose last cell is the file's longest cell."""
    rows = ["city,a,note"] + [f"u{k:04d},{k / 8},x" for k in range(ROWS)]
    rows.append("last,0.5," + "y" * 40)
    return "\n".join(rows) + end


@pytest.mark.parametrize("end", ["\n", ""])
def test_a_long_cell_at_the_end_of_the_file_is_read_whole(
    end: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = long_last_cell_file(end)
    calls: list[object] = []
    real = csv_plain.split_plain

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(result := real(*args, **kwargs))  # type: ignore[arg-type]
        return result

    monkeypatch.setattr(csv_columns, "split_plain", counted)
    plain = parse_table(text, name="t.csv", digest="", encoding="utf-8", unit="city")
    assert calls
    assert calls[0] is not None
    general = read(text, plain=False, monkeypatch=monkeypatch)
    assert plain.units == general.units
    for name in ("a", "note"):
        assert plain.texts(name) == general.texts(name)
    last = plain.units.index("last")
    assert plain.texts("note")[last] == "y" * 40
    assert plain.texts("note")[plain.units.index("u0007")] == "x"
    values, expected = plain.cells["a"].values, general.cells["a"].values
    assert values is not None
    assert expected is not None
    assert np.array_equal(values.view(np.int64), expected.view(np.int64))  # bit for bit
    assert values[last] == 0.5
    assert values[plain.units.index("u0007")] == 0.875
