"""CSV → a table of units, with every problem named by row, unit and column.

Cells are read as text first, so nothing is coerced behind the user's back: an empty cell is
missing, a number is a number, and anything else is an error that says where it is. Unit names
may be any Unicode text (Chinese city names work).

What is accepted, and what is refused (never guessed):

- Encoding: UTF-8, with or without a byte-order mark. A file that is not valid UTF-8 but decodes
  as GB18030 (the superset of GBK, what Excel on Chinese Windows writes) is read as GB18030 and
  `Table.encoding` says so, so the command line can announce it; `encoding=` (``--encoding``)
  chooses explicitly. Anything else is an error.
- Numbers: plain ASCII decimals only (``12``, ``-0.5``, ``1.5e3``). Thousands separators
  (``1,000``), decimal commas (``1,5``), full-width digits (``２０``), percent signs (``30%``),
  ``NaN``/``inf`` text and placeholders such as ``n/a`` are each refused with their own code and a
  hint showing what to write instead: the meaning of such cells depends on a locale or a
  convention the file does not state, and a wrong guess would quietly change the ranking.
- Row order: units are sorted by name (Unicode code points) as they are read, so every result,
  including the order of tied units in a ranking, is the same whatever the row order of the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from cityindex.errors import DataError, Issue, Location, did_you_mean, issue
from cityindex.load.arguments import path_argument, text_argument
from cityindex.load.csv_columns import (
    Column,
    builders_for,
    check_header_width,
    columns_from_rows,
    split_fast,
    split_slow,
)
from cityindex.load.data_checks import MAX_LISTED as MAX_LISTED  # re-exported
from cityindex.load.data_checks import (
    has_empty,
    header_issues,
    name_order,
    raise_capped,
    unit_issues,
    unit_name_issues,
    years_of,
)
from cityindex.load.decode import codec_name, decode_csv
from cityindex.load.decode import sha256_of as sha256_of  # re-exported (an old import path)
from cityindex.load.files import InputKind, read_bounded
from cityindex.methods.registry import FloatArray
from cityindex.model.cells import classify_cell, parse_column
from cityindex.model.cells import parse_number as parse_number  # re-exported (seeds.py uses it)

MAX_DATA_BYTES = 200_000_000
YEAR_COLUMN = "year"


@dataclass(frozen=True, eq=False)
class Table:
    """The units of one data file (one year of a panel), sorted by unit name.

    `cells` holds the file's columns in file order (`Column`: every cell's text, and floats for
    a column of plain numbers); `lines` the 1-based record number of each unit's row in the
    file, for messages.
    """

    cells: Mapping[str, Column]
    unit_column: str
    file: str
    sha256: str
    lines: npt.NDArray[np.int64]
    year: int | None = None
    time_column: str | None = None
    panel: Table | None = None
    """Every year's rows of a panel file (units repeat across years), for panel methods."""
    encoding: str = "utf-8"
    """The codec the file was read with (UTF-8 unless GB18030 was detected or asked for)."""
    na_cells: int = 0
    """How many cells held one of the spec's `na_values` (暂无, —, …) and were read as empty."""

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        unit: str | None = None,
        year: int | None = None,
        time: str = YEAR_COLUMN,
        name: str = "<DataFrame>",
        na_values: Sequence[str] = (),
    ) -> Table:
        """A table from a pandas DataFrame, checked exactly as a CSV file is (see `load_data`).

        `unit` names the column of unit ids; when it is the frame's index name (or omitted and
        the index is named), the index is used. Cells go through the same rules as a file's
        (`na_values` too: cell texts read as missing).
        """
        from cityindex.load.frames import frame_as_csv

        unit = text_argument(unit, "unit")
        text, unit, digest = frame_as_csv(frame, unit=unit)
        return parse_table(
            text,
            name=name,
            digest=digest,
            encoding="utf-8",
            unit=unit,
            year=year,
            time=time,
            na_values=na_values,
        )

    @property
    def times(self) -> tuple[int, ...] | None:
        """Each row's time (year) in a panel, else None."""
        if self.time_column is None:
            return None
        return tuple(int(float(t)) for t in self.texts(self.time_column))

    def take(self, positions: Sequence[int] | npt.NDArray[np.intp]) -> Table:
        """The rows at `positions` (0-based) as a table of their own, without the panel."""
        idx = np.asarray(positions, dtype=np.intp)
        return Table(
            {name: column.take(idx) for name, column in self.cells.items()},
            self.unit_column,
            self.file,
            self.sha256,
            self.lines[idx],
            self.year,
            self.time_column,
            encoding=self.encoding,
            na_cells=self.na_cells,
        )

    @cached_property
    def units(self) -> tuple[str, ...]:
        """Unit ids in table order (computed once: a table is not changed after it is made)."""
        return tuple(self.cells[self.unit_column].text_list())

    @cached_property
    def rows(self) -> tuple[int, ...]:
        """Each unit's record number in the file (1-based), for messages."""
        return tuple(self.lines.tolist())

    @property
    def columns(self) -> list[str]:
        """Column names (the unit and year columns included)."""
        return list(self.cells)

    def texts(self, column: str) -> list[str]:
        """The cells of `column` as written (a cell of `na_values` as empty)."""
        return self.cells[column].text_list()

    def __getitem__(self, column: str) -> pd.Series:
        """A column as pandas holds it: floats for a column of numbers, else its texts (so a
        kernel can read a table as it reads a DataFrame: ``table[name]``, ``table.columns``)."""
        found = self.cells[column]
        if found.values is not None:
            return pd.Series(found.values, name=column)
        return pd.Series(found.text_list(), name=column, dtype=object)

    def numeric(self, columns: Sequence[str]) -> FloatArray:
        """The given columns as a float array ``(units, columns)``; empty cells are NaN.

        Every cell that is not a finite number is reported, with its row, unit and column.
        """
        absent = [c for c in columns if c not in self.cells]
        if absent:
            raise DataError(
                [
                    issue(
                        "data.column.missing",
                        f"column '{c}' is not in {self.file}",
                        location=Location(self.file),
                        expected="a column of the data",
                        hint=did_you_mean(c, self.columns),
                    )
                    for c in absent
                ]
            )
        out = np.full((len(self.lines), len(columns)), np.nan)
        issues: list[Issue] = []
        for j, col in enumerate(columns):
            numbers = self.cells[col].values
            if numbers is not None:
                out[:, j] = numbers
                continue
            cells = self.texts(col)
            values = parse_column(cells)
            if values is None:  # a bad cell: locate every one (the slow path, for messages)
                issues += self._cell_issues(col, cells, out[:, j])
            else:
                out[:, j] = values
        issues.sort(key=lambda item: item.location.line or 0 if item.location else 0)
        raise_capped(issues)
        return out

    def _cell_issues(self, col: str, cells: list[str], out: FloatArray) -> list[Issue]:
        """Each cell of column `col` that is not a plain number, located (fills `out`)."""
        issues: list[Issue] = []
        units = self.units
        for i, cell in enumerate(cells):
            text = cell.strip()
            if text == "":
                continue
            value = parse_number(text)
            if value is None:
                code, what, hint = classify_cell(text)
                issues.append(
                    issue(
                        code,
                        f"row {self.rows[i]} ({units[i]}): {text!r} in column '{col}' is {what}",
                        location=Location(self.file, self.rows[i]),
                        key_path=col,
                        expected="a plain number such as 12.5 (ASCII digits, '.' for decimals)",
                        got=repr(text if len(text) <= 60 else text[:57] + "…"),
                        hint=hint,
                    )
                )
                continue
            out[i] = value
        return issues


DATA_FILE = InputKind(
    noun="data file",
    error=DataError,
    codes=("data.file.not-found", "data.file.is-directory", "data.file.too-large"),
    missing_hint="check `index.data` in the spec (relative to the spec file) or --data",
    large_hint="one row per unit fits in a few megabytes; is this the right file?",
)


def read_csv_text(path: Path, *, encoding: str | None = None) -> tuple[str, str]:
    """The file's text and its hash (see `read_csv_decoded`)."""
    text, digest, _ = read_csv_decoded(path, encoding=encoding)
    return text, digest


def read_csv_decoded(path: Path, *, encoding: str | None = None) -> tuple[str, str, str]:
    """The file's text, its hash and the encoding it was read with; clear errors otherwise.

    Without `encoding`: UTF-8 (a BOM allowed), else GB18030 when the bytes are valid GB18030
    (GBK files are), else an error. With `encoding`: exactly that codec. Binary files (NUL bytes
    or control characters) are refused rather than decoded into nonsense (`decode_csv`). At most
    `MAX_DATA_BYTES` are read.
    """
    encoding = codec_name(encoding)
    raw = read_bounded(path, DATA_FILE, limit=MAX_DATA_BYTES)
    text, codec = decode_csv(raw, str(path), encoding)
    return text, sha256_of(raw), codec


def load_data(
    path: str | Path,
    *,
    unit: str,
    year: int | None = None,
    time: str = YEAR_COLUMN,
    encoding: str | None = None,
    na_values: Sequence[str] = (),
) -> Table:
    """Read a wide CSV (one row per unit) into a `Table`, units sorted by name.

    A cell whose text is one of `na_values` (a spec's ``index.na_values``, e.g. 暂无 or —) is
    read as empty, i.e. missing; `Table.na_cells` counts them so the caller can say so.

    With a `time` column (default ``year``; a spec's ``index.time``) the file is a panel: `year`
    selects one year (default: the latest), units must be unique within each year, and the
    returned table keeps every year's rows in `Table.panel` for panel methods. `encoding` forces
    a codec (default: UTF-8, else GB18030 detected; `Table.encoding` records which).
    """
    text, digest, used = read_csv_decoded(path_argument(path, "path"), encoding=encoding)
    return parse_table(
        text,
        name=str(path),
        digest=digest,
        encoding=used,
        unit=unit,
        year=year,
        time=time,
        na_values=na_values,
    )


def parse_table(
    text: str,
    *,
    name: str,
    digest: str,
    encoding: str,
    unit: str,
    year: int | None = None,
    time: str = YEAR_COLUMN,
    na_values: Sequence[str] = (),
) -> Table:
    """CSV text already decoded → a `Table` (see `load_data`; `name` is used in messages)."""
    check_header_width(text, name)
    builders = builders_for(unit, time, na_values)
    fast = split_fast(text, builders)
    has_columns = fast is not None
    records: list[tuple[int, list[str]]] = []
    if fast is None:
        header_line, header, records = split_slow(text, name)
        has_rows = bool(records)
    else:
        header_line, header, lines, columns, na_cells = fast
        del fast  # the columns are re-ordered one by one below, each original then freed
        has_rows = len(lines) > 0
    header = [h.strip() for h in header]
    problems = header_issues(header, header_line, name, unit, has_rows=has_rows)
    for line, row in records:
        if len(row) != len(header):
            problems.append(
                issue(
                    "data.row.width",
                    f"row {line} has {len(row)} cells; the header has {len(header)}",
                    location=Location(name, line),
                    hint="check for an unquoted comma inside a cell",
                )
            )
    raise_capped(problems)
    if not has_columns:
        columns, na_cells = columns_from_rows([r for _, r in records], header, builders)
        lines = np.array([line for line, _ in records], dtype=np.int64)
    by_name = dict(zip(header, columns, strict=True))
    del columns
    selected_year: int | None = None
    years: npt.NDArray[np.int64] | None = None
    if time in by_name:
        years = years_of(by_name[time], lines, name, time)
        available = np.unique(years).tolist()
        selected_year = available[-1] if year is None else year
        if selected_year not in available:
            raise DataError(
                [
                    issue(
                        "data.year.absent",
                        f"year {year} is not in {name}",
                        location=Location(name),
                        expected="one of: " + ", ".join(map(str, available)),
                    )
                ]
            )
    elif year is not None:
        raise DataError(
            [
                issue(
                    "data.year.no-column",
                    f"--year {year} given, but {name} has no '{time}' column",
                    location=Location(name),
                    hint="--year selects one year of a panel file; a spec names its time "
                    "column with `index.time`",
                )
            ]
        )
    names = by_name[unit]
    year_list = [] if years is None else years.tolist()
    if names.texts.dtype.kind != "S":  # an ASCII name has no invisible or look-alike letters
        problems += unit_name_issues(names.text_list(), lines.tolist(), year_list, name, unit)
    order, repeated = name_order(names, years)
    if repeated or has_empty(names):
        problems += unit_issues(names.text_list(), lines.tolist(), year_list, name, unit, time)
    raise_capped(problems)
    # Canonical order: by unit name (then time), so no result depends on the file's row order.
    ordered = {h: by_name.pop(h).take(order) for h in header}
    whole = Table(
        ordered,
        unit,
        name,
        digest,
        lines[order],
        selected_year,
        time if years is not None else None,
        encoding=encoding,
        na_cells=na_cells,
    )
    if years is not None:
        chosen = np.flatnonzero(years[order] == selected_year)
        return replace(whole.take(chosen), panel=whole)
    return whole
