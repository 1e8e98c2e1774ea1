"""CSV text → its header, each body row's record number, and the body as compact columns.

Two readers give identical results. The csv module reads every file and is the one that names
ragged rows; pandas' C parser reads long, plainly rectangular files in chunks. Either way the
cells reach a `ColumnBuilder` one chunk at a time, which turns a column of plain numbers into
floats at once and keeps every column's texts as a fixed-width numpy array: a large file is
never held as one Python string per cell (≈ 60 bytes each, 13× the file before this).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from cityindex.errors import DataError, Location, issue
from cityindex.load.csv_plain import split_plain
from cityindex.methods.registry import FloatArray
from cityindex.model.cells import parse_texts, unit_names

FAST_ROWS = 1000
"""Files of fewer records (or more columns than records) are split by the csv module alone."""
CHUNK_CELLS = 500_000
"""Cells per chunk of pandas' parser: ~30 MB of Python strings alive at a time."""

TextArray = npt.NDArray[np.bytes_] | npt.NDArray[np.str_] | npt.NDArray[np.object_]


@dataclass(frozen=True, eq=False)
class Column:
    """One column of a data file: every cell's text, and the numbers when each cell is a
    plain number or empty (`values`, NaN where empty; None when any cell is not a number).

    `texts` is fixed-width bytes when every cell is ASCII, fixed-width Unicode otherwise, and an
    object array of `str` when fixed width would waste too much (one long cell among short ones).
    Cells hold no NUL (files with NUL are refused as binary), so fixed width loses nothing.
    """

    texts: TextArray
    values: FloatArray | None = None

    def take(self, positions: npt.NDArray[np.intp]) -> Column:
        """The cells at `positions`."""
        return Column(
            self.texts[positions], None if self.values is None else self.values[positions]
        )

    def text_list(self) -> list[str]:
        """The cells as Python strings."""
        if self.texts.dtype.kind == "S":
            return [b.decode("ascii") for b in self.texts.tolist()]
        return [str(t) for t in self.texts.tolist()]


def compact(cells: Sequence[str]) -> TextArray:
    """Cell texts as the smallest faithful numpy array (see `Column.texts`)."""
    if not cells:
        return np.array([], dtype="S1")
    longest = max(1, max(map(len, cells)))
    if longest * len(cells) > 4 * sum(map(len, cells)) + 65_536:
        return np.array(list(cells), dtype=object)
    try:
        return np.array(cells, dtype=f"S{longest}")
    except UnicodeEncodeError:
        return np.array(cells, dtype=f"U{longest}")


def _joined(parts: list[TextArray]) -> TextArray:
    """Chunks of texts as one array (object when any chunk is, else numpy's promotion)."""
    if not parts:
        return np.array([], dtype="S1")
    if any(p.dtype.kind == "O" for p in parts):
        out = np.empty(sum(map(len, parts)), dtype=object)
        at = 0
        for p in parts:
            out[at : at + len(p)] = Column(p).text_list()
            at += len(p)
        return out
    return cast(TextArray, np.concatenate(parts)) if len(parts) > 1 else parts[0]


class ColumnBuilder:
    """Collects one column chunk by chunk: the unit column trimmed and in NFC (`unit_names`),
    other columns with their `na_marks` cells blanked (and counted), each chunk tried as plain
    numbers, so the column keeps floats only while every chunk so far was numbers.

    Numbers and fixed-width texts go into arrays of the column's full length (`capacity`, the
    file's record count), allocated before the first chunk: joining chunks at the end would
    hold the column twice and leave the chunks' memory scattered, unreturned to the system.
    """

    def __init__(self, *, unit: bool, na_marks: frozenset[str], capacity: int) -> None:
        self.unit = unit
        self.na_marks = na_marks
        self.na_cells = 0
        self._n = 0
        self._values: FloatArray | None = None if unit else np.empty(capacity)
        self._texts: TextArray | None = None  # fixed width, `capacity` long, filled to _n
        self._parts: list[TextArray] = []  # once texts differ in kind (object, or S and U)
        self._capacity = capacity

    def add(self, cells: list[str]) -> None:
        """The next chunk of the column's cells, in row order."""
        if self.unit:
            cells = unit_names(cells)
        elif self.na_marks:
            hit = [c.strip() in self.na_marks for c in cells]
            self.na_cells += sum(hit)
            if any(hit):
                cells = ["" if h else c for c, h in zip(cells, hit, strict=True)]
        texts: TextArray | None = None
        if self._values is not None:
            values, texts = parse_texts(cells)
            if values is None:
                self._values = None  # a text column from here on
                texts = None
            else:
                self._values[self._n : self._n + len(cells)] = values
        self._put(compact(cells) if texts is None else texts)
        self._n += len(cells)

    def add_numbers(self, values: FloatArray, texts: TextArray) -> None:
        """The next chunk, already read as plain numbers with their texts (`csv_plain`)."""
        if self._values is None:
            raise ValueError("a column of text takes its cells by add()")
        self._values[self._n : self._n + len(values)] = values
        self._put(texts)
        self._n += len(values)

    def _put(self, texts: TextArray) -> None:
        held = self._texts
        if not self._parts and texts.dtype.kind != "O":
            if held is None:
                held = np.empty(self._capacity, dtype=texts.dtype)
            if held.dtype.kind == texts.dtype.kind:
                if texts.dtype.itemsize > held.dtype.itemsize:
                    held = cast(TextArray, held.astype(texts.dtype))  # a wider cell than before
                held[self._n : self._n + len(texts)] = texts
                self._texts = held
                return
        if held is not None:
            self._parts.append(held[: self._n])
            self._texts = None
        self._parts.append(texts)

    def finish(self) -> Column:
        """The whole column."""
        values = None if self._values is None else self._values[: self._n]
        if self._parts:
            texts = _joined(self._parts)
        elif self._texts is not None:
            texts = self._texts[: self._n]
        else:
            texts = np.array([], dtype="S1")
        self._texts, self._values, self._parts = None, None, []
        return Column(texts, values)


Builders = Callable[[list[str], int], list[ColumnBuilder]]
"""From the (trimmed) header and the number of rows to expect, one builder per column."""


def builders_for(unit: str, time: str, na_values: Sequence[str]) -> Builders:
    """Builders for a header: the unit column as names, `na_values` blanked except in the unit
    and time columns."""
    marks = frozenset(v.strip() for v in na_values)

    def make(header: list[str], capacity: int) -> list[ColumnBuilder]:
        return [
            ColumnBuilder(
                unit=h == unit,
                na_marks=frozenset() if h in (unit, time) else marks,
                capacity=capacity,
            )
            for h in header
        ]

    return make


def columns_from_rows(
    rows: list[list[str]], header: list[str], builders: Builders
) -> tuple[list[Column], int]:
    """Rows of equal width (the csv module's) as columns, and how many cells were blanked."""
    made = builders(header, len(rows))
    for j, builder in enumerate(made):
        builder.add([r[j] for r in rows])
    return [b.finish() for b in made], sum(b.na_cells for b in made)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their ends, as ``io.StringIO(text, newline="")`` yields them,
    without the 4-bytes-a-character copy of the text that StringIO makes."""
    return (m.group() for m in _LINE.finditer(text))


BLOCK_CHARS = 1 << 22
"""Characters of the text encoded at a time (for counting cells and for pandas' parser)."""


def _widths(text: str) -> npt.NDArray[np.int64] | None:
    """Cells per record as the csv module counts them (0 for an empty line), or None when the
    csv module cannot read the text.

    Without quotes or CR the records are the LF-ended lines and their cells the commas plus
    one: numpy counts them on the UTF-8 bytes (where ',' and LF never occur inside a
    character), a block at a time. Otherwise the csv module counts them, streaming.
    """
    if '"' in text or "\r" in text:
        try:
            return np.fromiter(map(len, csv.reader(_lines(text))), dtype=np.int64)
        except csv.Error:
            return None
    found: list[npt.NDArray[np.int64]] = []
    commas = 0  # in the line not yet ended
    length = 0
    for at in range(0, len(text), BLOCK_CHARS):
        raw = np.frombuffer(text[at : at + BLOCK_CHARS].encode("utf-8"), dtype=np.uint8)
        ends = np.flatnonzero(raw == ord("\n"))
        where = np.flatnonzero(raw == ord(","))
        if len(ends):
            starts = np.concatenate(([0], ends[:-1] + 1))
            counts = np.searchsorted(where, ends) - np.searchsorted(where, starts)
            lengths = ends - starts
            counts[0] += commas
            lengths[0] += length
            found.append(np.where(lengths > 0, counts + 1, 0).astype(np.int64))
            tail = int(ends[-1]) + 1
            commas, length = 0, 0
        else:
            tail = 0
        commas += len(where) - int(np.searchsorted(where, tail))
        length += len(raw) - tail
    if length > 0:
        found.append(np.array([commas + 1], dtype=np.int64))
    return np.concatenate(found) if found else np.array([], dtype=np.int64)


class _Utf8Reader:
    """The text as a binary file for pandas, encoded a block at a time (not all at once)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._at = 0

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = len(self._text) - self._at
        piece = self._text[self._at : self._at + min(size, BLOCK_CHARS)]
        self._at += len(piece)
        return piece.encode("utf-8")

    def __iter__(self) -> Iterator[bytes]:
        raise TypeError("read in blocks with read()")


Split = tuple[int, list[str], npt.NDArray[np.int64], list[Column], int]
"""The header's record number and cells, each body row's record number, the columns, and how
many cells `na_values` blanked."""


def split_fast(text: str, builders: Builders) -> Split | None:
    """The file read by pandas' C parser in chunks, or None when it is short, wide or not
    plainly rectangular (the csv module then reads it and names the problems).

    Blank records (no cells, or only blank cells) are skipped as the csv-module reader skips
    them; a record of another width that is not blank sends the file to that reader.
    """
    plain = split_plain(text, builders, min_records=FAST_ROWS)  # no quotes, CR, blank records
    if plain is not None:
        return plain
    widths = _widths(text)
    if widths is None or len(widths) < max(FAST_ROWS, int(widths.max(initial=0))):
        return None
    width = int(widths.max())
    try:
        chunks = pd.read_csv(
            cast(Any, _Utf8Reader(text)),  # a binary file as far as pandas reads it
            header=None,
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            encoding="utf-8",
            chunksize=max(1_000, CHUNK_CELLS // max(width, 1)),
        )
        return _columns(chunks, widths, builders)
    except (csv.Error, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None


def _columns(
    chunks: Iterator[pd.DataFrame], widths: npt.NDArray[np.int64], builders: Builders
) -> Split | None:
    header_line = 0
    header: list[str] = []
    made: list[ColumnBuilder] = []
    lines = np.empty(len(widths), dtype=np.int64)
    rows = 0
    at = 0
    for chunk in chunks:
        n, ncols = chunk.shape
        w = widths[at : at + n]
        if len(w) != n:
            return None
        first = chunk[chunk.columns[0]].tolist()
        odd = np.flatnonzero(
            (w != ncols) | ~np.fromiter(map(bool, map(str.strip, map(str, first))), bool, n)
        )
        blank = np.zeros(n, dtype=bool)
        for k in odd.tolist():
            blank[k] = w[k] == 0 or not any(str(c).strip() for c in chunk.iloc[k])
            if not blank[k] and w[k] != ncols:
                return None
        kept = np.flatnonzero(~blank)
        if not made and len(kept):
            header_line = at + int(kept[0]) + 1
            header = [str(c) for c in chunk.iloc[int(kept[0])]]
            made = builders([h.strip() for h in header], len(widths) - header_line)
            kept = kept[1:]
        if len(kept):
            body = chunk.iloc[kept] if len(kept) < n else chunk
            for j, builder in enumerate(made):
                builder.add(body[body.columns[j]].tolist())
            lines[rows : rows + len(kept)] = at + kept + 1
            rows += len(kept)
        at += n
    if at != len(widths) or not made:
        return None
    na_cells = sum(b.na_cells for b in made)
    return header_line, header, lines[:rows], [b.finish() for b in made], na_cells


MAX_COLUMNS = 100_000
"""The widest header read: a data file has a column per indicator (plus unit and year), so a
wider one is the wrong file or a sheet turned on its side; refused before it is split."""

_BLANK_LINES = re.compile(r"(?:[ \t]*(?:\r\n|\n|\r))*")


def check_header_width(text: str, name: str, *, limit: int = MAX_COLUMNS) -> None:
    """Refuse a header of more than `limit` columns, counted as the commas of its first
    non-blank line plus one (a quoted comma counts too: an upper bound), before any parsing:
    a million columns took 15 s and 1.24 GB to split."""
    blank = _BLANK_LINES.match(text)
    start = blank.end() if blank else 0
    ends = [at for at in (text.find("\n", start), text.find("\r", start)) if at >= 0]
    width = text.count(",", start, min(ends, default=len(text))) + 1
    if width <= limit:
        return
    line = text.count("\n", 0, start) + 1
    raise DataError(
        [
            issue(
                "data.header.too-wide",
                f"the header of {name} has {width:,} columns; the limit is {limit:,}",
                location=Location(name, line),
                expected=f"at most {limit:,} columns: one per indicator, plus the unit and year",
                got=f"{width:,} columns",
                hint="is this the right file? A sheet with one column per unit is transposed: "
                "put units in rows and indicators in columns",
            )
        ]
    )


def split_slow(text: str, name: str) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """The header's record number and cells, and each non-blank body record with its number
    (csv module; rows may differ in width: the caller names them)."""
    try:
        # newline="" lets the csv module see CR, LF and CRLF as the row ends they are
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise DataError(
            [
                issue(
                    "data.file.csv",
                    f"data file is not readable CSV: {exc}",
                    location=Location(name),
                    hint="export the sheet again as CSV; a cell over 128 KB is refused",
                )
            ]
        ) from None
    records = [(n, r) for n, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not records:
        raise DataError(
            [
                issue(
                    "data.file.empty",
                    "data file is empty",
                    location=Location(name),
                    hint="the first row names the columns; one row per unit follows",
                )
            ]
        )
    header_line, header = records[0]
    return header_line, header, records[1:]
