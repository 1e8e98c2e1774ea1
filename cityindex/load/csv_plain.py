"""A plain CSV file split by numpy: no Python string per numeric cell.

The common large file (no quotes, no CR, every record as wide as the header, no blank record)
needs no CSV parser: its cells are the bytes between commas and line ends. `split_plain` finds
them once on the UTF-8 bytes, gathers each column's cells into a fixed-width bytes array, and
reads a column of plain ASCII numbers with numpy's cast from bytes to float (the same
correctly rounded parse as Python's ``float``, which the general reader uses: a test compares
the two readers' tables). Any other column, and any file that is not plain, goes the way it
went before (`cityindex.load.csv_columns`): the unit column, columns with ``na_values``, text
and anything numpy cannot read as numbers are handed to the column builder as Python strings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from cityindex.model.cells import _NOT_IN_NUMBERS

Builders = Callable[[list[str], int], list[Any]]
"""`csv_columns.Builders`: from the header and the record count, one column builder each."""
Split = tuple[int, list[str], npt.NDArray[np.int64], list[Any], int]
"""`csv_columns.Split`: header record, header cells, record numbers, columns, blanked cells."""

_REFUSED = _NOT_IN_NUMBERS.copy()
_REFUSED[0x80:] = True  # a non-ASCII byte: the general reader checks such cells as Unicode
_MAYBE_BLANK = np.zeros(256, dtype=bool)
_MAYBE_BLANK[[ord(c) for c in ",\n \t\x0b\x0c\x1c\x1d\x1e\x1f"]] = True
"""Bytes a record of blank cells may hold (commas, its line end and what ``str.strip``
removes)."""
_NOT_BLANK = ~_MAYBE_BLANK


def split_plain(text: str, builders: Builders, *, min_records: int) -> Split | None:
    """`split_fast`'s result for a plain file (see the module) of at least `min_records`
    records and as many as its cells per record, or None when it is not one.

    Arrays the size of the file are few (its bytes, one mask, the cell ends): on a large file
    the first touch of fresh memory costs as much as the arithmetic, so each column's cell
    starts are made from the ends when the column is read, and the bytes are not copied.
    """
    if '"' in text or "\r" in text:
        return None
    raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    if len(raw) == 0:
        return None
    breaks = raw == ord(",")
    np.logical_or(breaks, raw == ord("\n"), out=breaks)  # (a lookup table is 4x slower)
    ends = np.flatnonzero(breaks)
    del breaks
    if raw[-1] == ord("\n"):
        line_end = raw[ends] == ord("\n")
    else:
        line_end = np.append(raw[ends] == ord("\n"), True)
        ends = np.append(ends, len(raw))
    width = int(np.argmax(line_end)) + 1
    if len(ends) % width or not np.all(
        line_end.reshape(-1, width) == (np.arange(width) == width - 1)
    ):
        return None  # blank records or ragged rows: the general reader skips or names them
    del line_end
    records = len(ends) // width
    if records < max(min_records, width, 2):
        return None
    # each record's bytes (its line end included): any that cannot be part of a blank record?
    # (its first byte says so for nearly every record; the rest are looked at whole)
    first = _starts(ends, 0, width)
    if (
        not _NOT_BLANK[raw[first]].all()
        and not np.logical_or.reduceat(_NOT_BLANK[raw], first).all()
    ):
        return None  # a record of blank cells: skipped by the general reader
    header = [
        _decode(raw, int(s), int(e))
        for s, e in zip(_header_starts(ends, width), ends[:width], strict=True)
    ]
    made = builders([h.strip() for h in header], records - 1)
    longest = max(1, *(int((ends[j::width] - _starts(ends, j, width)).max()) for j in range(width)))
    cells_of = _Gather(raw, longest)
    for j, builder in enumerate(made):
        cells = cells_of(_starts(ends, j, width)[1:], ends[width + j :: width])
        values = None if builder.unit or builder.na_marks else _numbers(cells)
        if values is None:
            builder.add([c.decode("utf-8") for c in cells.tolist()])
            continue
        builder.add_numbers(values, cells)
    lines = np.arange(2, records + 1, dtype=np.int64)
    return 1, header, lines, [b.finish() for b in made], sum(b.na_cells for b in made)


def _starts(ends: npt.NDArray[np.intp], column: int, width: int) -> npt.NDArray[np.intp]:
    """Where the cells of `column` start, header record included: one past the end of the
    cell before (the previous record's line end for the first column)."""
    if column:
        return ends[column - 1 :: width] + 1
    out = np.empty(len(ends) // width, dtype=ends.dtype)
    out[0] = 0
    np.add(ends[width - 1 : -1 : width], 1, out=out[1:])
    return out


def _header_starts(ends: npt.NDArray[np.intp], width: int) -> list[int]:
    return [0, *(ends[: width - 1] + 1).tolist()]


def _decode(raw: npt.NDArray[np.uint8], start: int, end: int) -> str:
    return raw[start:end].tobytes().decode("utf-8")


class _Gather:
    """The bytes from each start to its end as a fixed-width bytes array (the width of the
    longest; the bytes after a shorter cell zeroed, as numpy pads: no cell holds a NUL),
    gathered from a sliding-window view of the file's bytes. Cells starting within `longest`
    bytes of the end read from a small zero-padded copy of the file's tail."""

    def __init__(self, raw: npt.NDArray[np.uint8], longest: int) -> None:
        self.limit = max(0, len(raw) - longest)  # the last start whose window is in `raw`
        self.windows = sliding_window_view(raw, longest) if len(raw) >= longest else None
        tail = np.zeros(2 * longest, dtype=np.uint8)
        tail[: len(raw) - self.limit] = raw[self.limit :]
        self.tail = sliding_window_view(tail, longest)

    def __call__(
        self, starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.bytes_]:
        lengths = ends - starts
        longest = max(1, int(lengths.max(initial=0)))
        late = starts > self.limit
        if self.windows is None or late.all():
            grid = self.tail[starts - self.limit, :longest]
        else:
            grid = self.windows[np.minimum(starts, self.limit), :longest]  # a copy of each
            if late.any():
                grid[late] = self.tail[starts[late] - self.limit, :longest]
        np.multiply(grid, np.arange(longest) < lengths[:, None], out=grid, casting="unsafe")
        return grid.view(f"S{longest}").reshape(-1)


def _numbers(cells: npt.NDArray[np.bytes_]) -> npt.NDArray[np.float64] | None:
    """A column of ASCII cells, each a plain finite number, as floats; else None."""
    if cells.size == 0 or _REFUSED[cells.view(np.uint8)].any():
        return None
    try:
        values = cells.astype(float)
    except ValueError:  # a blank cell or text: the general reader decides
        return None
    if np.isinf(values).any():
        return None
    return values
