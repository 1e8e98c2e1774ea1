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

import codecs
import hashlib
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from cityindex.errors import DataError, Issue, Location, UsageError, did_you_mean, issue
from cityindex.load.csv_columns import (
    Column,
    builders_for,
    columns_from_rows,
    split_fast,
    split_slow,
)
from cityindex.load.files import InputKind, read_bounded
from cityindex.methods.registry import FloatArray
from cityindex.model.cells import (
    classify_cell,
    invisible_characters,
    look_alike_key,
    parse_column,
)
from cityindex.model.cells import parse_number as parse_number  # re-exported (seeds.py uses it)

MAX_DATA_BYTES = 200_000_000
MAX_LISTED = 20
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
        _raise_capped(issues)
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


def _raise_capped(issues: list[Issue]) -> None:
    if not issues:
        return
    if len(issues) > MAX_LISTED:
        extra = len(issues) - MAX_LISTED
        issues = [
            *issues[:MAX_LISTED],
            issue("data.more", f"… and {extra} more problems of the same kind"),
        ]
    raise DataError(issues)


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of bytes (used in manifests)."""
    return hashlib.sha256(data).hexdigest()


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


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _control_characters(text: str) -> int:
    """How many C0 control characters other than tab, CR, LF and form feed `text` holds."""
    return len(_CONTROL.findall(text))


def read_csv_decoded(path: Path, *, encoding: str | None = None) -> tuple[str, str, str]:
    """The file's text, its hash and the encoding it was read with; clear errors otherwise.

    Without `encoding`: UTF-8 (a BOM allowed), else GB18030 when the bytes are valid GB18030
    (GBK files are), else an error. With `encoding`: exactly that codec. Binary files (NUL bytes
    or control characters) are refused rather than decoded into nonsense.
    """
    name = str(path)
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise UsageError(
                [
                    issue(
                        "usage.encoding",
                        f"unknown encoding '{encoding}'",
                        expected="an encoding name such as utf-8, gb18030, gbk, latin-1",
                        hint=did_you_mean(encoding, ["utf-8", "gb18030", "gbk", "latin-1"]),
                    )
                ]
            ) from None
    raw = read_bounded(path, DATA_FILE, limit=MAX_DATA_BYTES)
    binary = issue(
        "data.file.binary",
        "data file is binary, not CSV text",
        location=Location(name),
        hint="export the sheet as CSV (UTF-8)",
    )
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and encoding is None:
        raise DataError(
            [
                issue(
                    "data.file.utf16",
                    "data file is UTF-16 (Excel's 'Unicode Text'), not CSV in UTF-8",
                    location=Location(name),
                    hint="save as 'CSV UTF-8 (comma delimited)', or pass --encoding utf-16",
                )
            ]
        )
    if b"\x00" in raw and not (encoding or "").startswith("utf-16"):
        raise DataError([binary])
    tried = [encoding] if encoding is not None else ["utf-8", "gb18030"]
    first_error: UnicodeDecodeError | None = None
    for codec in tried:
        try:
            text = raw.decode("utf-8-sig" if codec == "utf-8" else codec)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
            continue
        if _control_characters(text) > 0:
            raise DataError([binary])
        return text, sha256_of(raw), codec
    assert first_error is not None
    line = raw[: first_error.start].count(b"\n") + 1
    shown = encoding or "UTF-8"
    raise DataError(
        [
            issue(
                "data.file.encoding",
                f"data file is not {shown} (first bad byte on line {line})"
                + ("" if encoding else ", nor GB18030/GBK"),
                location=Location(name, line),
                got=f"byte 0x{raw[first_error.start]:02x} at offset {first_error.start}",
                hint="save the CSV as UTF-8 (Excel: 'CSV UTF-8'), or name the encoding with "
                "--encoding",
            )
        ]
    )


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
    text, digest, used = read_csv_decoded(Path(path), encoding=encoding)
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
    problems = _header_issues(header, header_line, name, unit, has_rows=has_rows)
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
    _raise_capped(problems)
    if not has_columns:
        columns, na_cells = columns_from_rows([r for _, r in records], header, builders)
        lines = np.array([line for line, _ in records], dtype=np.int64)
    by_name = dict(zip(header, columns, strict=True))
    del columns
    selected_year: int | None = None
    years: npt.NDArray[np.int64] | None = None
    if time in by_name:
        years = _years(by_name[time], lines, name, time)
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
        problems += _unit_name_issues(names.text_list(), lines.tolist(), year_list, name, unit)
    order, repeated = _name_order(names, years)
    if repeated or _has_empty(names):
        problems += _unit_issues(names.text_list(), lines.tolist(), year_list, name, unit, time)
    _raise_capped(problems)
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


def _header_issues(
    header: list[str], line: int, name: str, unit: str, *, has_rows: bool
) -> list[Issue]:
    """Unnamed and repeated columns, a missing unit column, a file without rows."""
    problems: list[Issue] = []
    seen: dict[str, int] = {}
    for pos, col in enumerate(header, start=1):
        if col == "":
            problems.append(
                issue(
                    "data.column.unnamed",
                    f"column {pos} has no name",
                    location=Location(name, line, None),
                    hint="give every column a name in the first row",
                )
            )
        elif col in seen:
            problems.append(
                issue(
                    "data.column.duplicate",
                    f"column '{col}' appears twice (columns {seen[col]} and {pos})",
                    location=Location(name, line),
                    hint="rename or remove one of them",
                )
            )
        seen.setdefault(col, pos)
    if unit not in header:
        problems.append(
            issue(
                "data.column.no-unit",
                f"the unit column '{unit}' is not in {name}",
                location=Location(name, line),
                expected="one of: " + ", ".join(h for h in header if h),
                hint=did_you_mean(unit, header) or "set `index.unit` to the column naming units",
            )
        )
    if not has_rows:
        problems.append(
            issue(
                "data.file.no-rows",
                "data file has a header but no rows",
                location=Location(name, line),
                hint="add one row per unit",
            )
        )
    return problems


def _years(
    column: Column, lines: npt.NDArray[np.int64], name: str, time: str
) -> npt.NDArray[np.int64]:
    """Each row's time as a whole number; every cell that is not one is located."""
    values = column.values
    if values is not None and not np.isnan(values).any() and (values == np.round(values)).all():
        return values.astype(np.int64)
    problems: list[Issue] = []
    for line, cell in zip(lines.tolist(), column.text_list(), strict=True):
        value = parse_number(cell.strip())
        if value is None or value != int(value):
            problems.append(
                issue(
                    "data.year.invalid",
                    f"row {line}: {time} {cell!r} is not a whole number",
                    location=Location(name, line),
                )
            )
    _raise_capped(problems)
    raise AssertionError("unreachable: a column of whole numbers has values")  # pragma: no cover


def _has_empty(column: Column) -> bool:
    """Whether any unit name is empty."""
    texts = column.texts
    if texts.dtype.kind == "O":
        return "" in column.text_list()
    return bool((texts == texts.dtype.type()).any())


def _unit_issues(
    units: list[str], lines: list[int], years: list[int], name: str, unit: str, time: str
) -> list[Issue]:
    """Empty unit names, and units that appear twice (in the same year of a panel)."""
    problems: list[Issue] = []
    first: dict[tuple[str, int], int] = {}
    for k, (line, u) in enumerate(zip(lines, units, strict=True)):
        key = (u, years[k] if years else 0)
        if u == "":
            problems.append(
                issue(
                    "data.unit.empty",
                    f"row {line} has no unit name in column '{unit}'",
                    location=Location(name, line),
                )
            )
        elif key in first:
            problems.append(
                issue(
                    "data.unit.duplicate",
                    f"unit '{u}' appears twice (rows {first[key]} and {line})"
                    + (f" in {time} {key[1]}" if years else ""),
                    location=Location(name, line),
                    hint="each unit has one row per year"
                    if years
                    else f"each unit has one row; for a panel, the file needs a '{time}' column "
                    "(or name its time column with `index.time`)",
                )
            )
        first.setdefault(key, line)
    return problems


def _name_order(
    column: Column, years: npt.NDArray[np.int64] | None
) -> tuple[npt.NDArray[np.intp], bool]:
    """Row positions sorted by unit name (Unicode code points), then time; and whether any
    (name, time) pair repeats (the caller then names the rows).

    numpy sorts fixed-width bytes (ASCII) and Unicode arrays by code point, as Python compares
    `str` (names hold no NUL, which numpy would treat as padding). When no pair repeats the
    order is total, so it equals ``sorted(range(n), key=lambda k: (units[k], years[k]))``.
    """
    names = column.texts
    if names.dtype.kind == "O":
        units = column.text_list()
        keys = list(zip(units, [0] * len(units) if years is None else years.tolist(), strict=True))
        listed = sorted(range(len(units)), key=keys.__getitem__)
        ordered = [keys[k] for k in listed]
        return np.array(listed, dtype=np.intp), any(map(operator.eq, ordered, ordered[1:]))
    order = np.lexsort((years, names)) if years is not None else np.argsort(names)
    ranked = names[order]
    same = ranked[1:] == ranked[:-1]
    if years is not None:
        times = years[order]
        same &= times[1:] == times[:-1]
    return order.astype(np.intp), bool(same.any())


def _unit_name_issues(
    units: list[str], lines: list[int], years: list[int], file: str, column: str
) -> list[Issue]:
    """Unit names with invisible characters, and different names that look the same.

    Names are already NFC, so ``Zürich`` typed two ways is one name (a plain duplicate). Two
    names equal once full-width letters are folded (NFKC) and invisible characters dropped
    would show as one unit twice in a ranking: each pair is an error naming both rows.
    """
    issues: list[Issue] = []
    seen: dict[tuple[str, int], tuple[str, int]] = {}
    for k, (u, line) in enumerate(zip(units, lines, strict=True)):
        hidden = invisible_characters(u)
        if hidden:
            issues.append(
                issue(
                    "data.unit.invisible",
                    f"row {line}: unit name {u!r} holds an invisible character "
                    f"({', '.join(hidden)})",
                    location=Location(file, line),
                    got=ascii(u),
                    hint=f"delete it from column '{column}' (it often comes with copied text)",
                )
            )
        key = (look_alike_key(u), years[k] if years else 0)
        other = seen.setdefault(key, (u, line))
        if other[0] != u:
            issues.append(
                issue(
                    "data.unit.look-alike",
                    f"units {other[0]!r} (row {other[1]}) and {u!r} (row {line}) look the same "
                    "but are written differently",
                    location=Location(file, line),
                    got=f"{other[0]!a} and {u!a}",
                    hint="write both the same way (full-width letters and invisible characters "
                    "make one unit look like two)",
                )
            )
    return issues
