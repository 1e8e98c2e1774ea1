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
import csv
import hashlib
import io
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from cityindex.cells import (
    classify_cell,
    invisible_characters,
    look_alike_key,
    parse_column,
    unit_names,
)
from cityindex.cells import parse_number as parse_number  # re-exported (seeds.py uses it)
from cityindex.errors import DataError, Issue, Location, UsageError, did_you_mean, issue
from cityindex.files import InputKind, read_bounded
from cityindex.methods.registry import FloatArray

MAX_DATA_BYTES = 200_000_000
MAX_LISTED = 20
FAST_ROWS = 1000
"""Files of fewer rows (or more columns than rows) are split by the csv module alone."""
YEAR_COLUMN = "year"


@dataclass(frozen=True)
class Table:
    """The units of one data file (one year of a panel), cells kept as text.

    `rows` are the 1-based line numbers of each unit's row in the file, for messages.
    """

    frame: pd.DataFrame
    unit_column: str
    file: str
    sha256: str
    rows: tuple[int, ...]
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
        from cityindex.frames import table_from_frame

        return table_from_frame(
            frame, unit=unit, year=year, time=time, name=name, na_values=na_values
        )

    @property
    def times(self) -> tuple[int, ...] | None:
        """Each row's time (year) in a panel, else None."""
        if self.time_column is None:
            return None
        return tuple(int(float(str(t))) for t in self.frame[self.time_column])

    def take(self, positions: Sequence[int]) -> Table:
        """The rows at `positions` (0-based) as a table of their own, without the panel."""
        idx = list(positions)
        return Table(
            self.frame.iloc[idx].reset_index(drop=True),
            self.unit_column,
            self.file,
            self.sha256,
            tuple(self.rows[i] for i in idx),
            self.year,
            self.time_column,
            encoding=self.encoding,
            na_cells=self.na_cells,
        )

    @cached_property
    def units(self) -> tuple[str, ...]:
        """Unit ids in file order (computed once: a table is not changed after it is made)."""
        return tuple(map(str, self.frame[self.unit_column].tolist()))

    @property
    def columns(self) -> list[str]:
        """Column names (the unit and year columns included)."""
        return [str(c) for c in self.frame.columns]

    def numeric(self, columns: Sequence[str]) -> FloatArray:
        """The given columns as a float array ``(units, columns)``; empty cells are NaN.

        Every cell that is not a finite number is reported, with its row, unit and column.
        """
        absent = [c for c in columns if c not in self.frame.columns]
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
        out = np.full((len(self.frame), len(columns)), np.nan)
        issues: list[Issue] = []
        for j, col in enumerate(columns):
            cells = list(map(str, self.frame[col].tolist()))
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
    used = encoding
    split: _Split | None = _split_fast(text)
    header_line, header, line_numbers, body = split or _split_slow(text, name)
    header = [h.strip() for h in header]
    problems: list[Issue] = []
    seen: dict[str, int] = {}
    for pos, col in enumerate(header, start=1):
        if col == "":
            problems.append(
                issue(
                    "data.column.unnamed",
                    f"column {pos} has no name",
                    location=Location(name, header_line, None),
                    hint="give every column a name in the first row",
                )
            )
        elif col in seen:
            problems.append(
                issue(
                    "data.column.duplicate",
                    f"column '{col}' appears twice (columns {seen[col]} and {pos})",
                    location=Location(name, header_line),
                    hint="rename or remove one of them",
                )
            )
        seen.setdefault(col, pos)
    if unit not in header:
        problems.append(
            issue(
                "data.column.no-unit",
                f"the unit column '{unit}' is not in {name}",
                location=Location(name, header_line),
                expected="one of: " + ", ".join(h for h in header if h),
                hint=did_you_mean(unit, header) or "set `index.unit` to the column naming units",
            )
        )
    if not line_numbers:
        problems.append(
            issue(
                "data.file.no-rows",
                "data file has a header but no rows",
                location=Location(name, header_line),
                hint="add one row per unit",
            )
        )
    for line, row in body if isinstance(body, list) else ():
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
    if isinstance(body, list):
        frame = pd.DataFrame([r for _, r in body], columns=header, dtype=object)
    else:
        frame = body.set_axis(header, axis=1)
    na_cells = 0
    if na_values:
        marks = list({v.strip() for v in na_values})
        for col in header:
            if col in (unit, time):
                continue
            hit = pd.Series(list(map(str.strip, map(str, frame[col]))), dtype=object).isin(marks)
            na_cells += int(hit.sum())
            frame.loc[hit.to_numpy(), col] = ""
    selected_year: int | None = None
    years: list[int] = []
    if time in header:
        whole_years = _whole_numbers([str(c) for c in frame[time]])
        if whole_years is not None:
            years = whole_years
        for line, cell in zip(
            line_numbers, frame[time] if whole_years is None else (), strict=False
        ):
            value = parse_number(str(cell).strip())
            if value is None or value != int(value):
                problems.append(
                    issue(
                        "data.year.invalid",
                        f"row {line}: {time} {cell!r} is not a whole number",
                        location=Location(name, line),
                    )
                )
                years.append(-1)
            else:
                years.append(int(value))
        _raise_capped(problems)
        available = sorted(set(years))
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
    units = unit_names(list(map(str, frame[unit])))
    frame[unit] = units
    if not "".join(units).isascii():  # an ASCII name has no invisible or look-alike letters
        problems += _unit_name_issues(units, line_numbers, years, name, unit)
    order, repeated = _name_order(units, years)
    clean = not repeated and "" not in units
    first: dict[tuple[str, int], int] = {}
    for k, (line, u) in enumerate(zip(line_numbers, () if clean else units, strict=False)):
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
    _raise_capped(problems)
    # Canonical order: by unit name (then time), so no result depends on the file's row order.
    frame = frame.take(order).reset_index(drop=True)
    line_numbers = np.asarray(line_numbers)[order].tolist()
    years = np.asarray(years)[order].tolist() if years else []
    whole = Table(
        frame,
        unit,
        name,
        digest,
        tuple(line_numbers),
        selected_year,
        time if years else None,
        encoding=used,
        na_cells=na_cells,
    )
    if years:
        chosen = [k for k, y in enumerate(years) if y == selected_year]
        return replace(whole.take(chosen), panel=whole)
    return whole


_Split = tuple[int, list[str], list[int], "pd.DataFrame | list[tuple[int, list[str]]]"]
"""A file's header line and cells, its body rows' lines, and the body (a frame or the rows)."""


def _split_slow(text: str, name: str) -> _Split:
    """The header's line and cells, each body row's line, and the body rows (csv module)."""
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
    body = records[1:]
    return header_line, header, [line for line, _ in body], body


def _split_fast(text: str) -> _Split | None:
    """As `_split_slow`, with pandas' C parser holding the cells (as text), or None when the
    file is not plainly rectangular (then `_split_slow` reads it again and names the problems).

    The csv module still counts each record's cells (streaming, nothing kept), so blank rows,
    row widths and line numbers are exactly those `_split_slow` sees; pandas only stores them.
    """
    try:
        widths = np.fromiter(map(len, csv.reader(io.StringIO(text, newline=""))), dtype=np.int64)
    except csv.Error:
        return None
    if len(widths) < max(FAST_ROWS, widths.max(initial=0)):
        return None  # a short or wide file: pandas' cost per column outweighs its speed per row
    try:
        cells = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (csv.Error, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    if len(cells) != len(widths) or len(widths) == 0:
        return None
    first_cells = list(map(str, cells[cells.columns[0]]))
    odd = np.flatnonzero(
        (widths != cells.shape[1]) | ~np.fromiter(map(bool, map(str.strip, first_cells)), bool)
    )
    blank = np.zeros(len(widths), dtype=bool)
    for k in odd.tolist():  # rows of another width must be blank (`_split_slow` skips them)
        blank[k] = widths[k] == 0 or not any(str(c).strip() for c in cells.iloc[k])
        if not blank[k] and widths[k] != cells.shape[1]:
            return None
    kept = np.flatnonzero(~blank)
    if len(kept) == 0 or widths[kept[0]] != cells.shape[1]:
        return None
    header = [str(c) for c in cells.iloc[kept[0]]]
    contiguous = len(kept) == kept[-1] - kept[0] + 1
    body = cells.iloc[kept[0] + 1 :] if contiguous else cells.iloc[kept[1:]]
    body = body.reset_index(drop=True)
    return int(kept[0]) + 1, header, (kept[1:] + 1).tolist(), body


def _whole_numbers(cells: list[str]) -> list[int] | None:
    """Every cell as a whole number (a year), or None when any is not (located by the caller)."""
    values = parse_column(cells)
    if values is None or np.isnan(values).any() or (values != np.round(values)).any():
        return None
    return [int(v) for v in values.tolist()]


def _name_order(units: list[str], years: list[int]) -> tuple[npt.NDArray[np.intp], bool]:
    """Row positions sorted by unit name (Unicode code points), then time; and whether any
    (name, time) pair repeats (the caller then names the rows).

    numpy sorts fixed-width Unicode arrays by code point, as Python compares `str` (names hold
    no NUL, which numpy would treat as padding). When no pair repeats the order is total, so it
    equals ``sorted(range(n), key=lambda k: (units[k], years[k]))``.
    """
    longest = max(map(len, units), default=0)
    if longest * len(units) > 50_000_000 or "\x00" in "".join(units):
        keys = list(zip(units, years or [0] * len(units), strict=True))
        listed = sorted(range(len(units)), key=keys.__getitem__)
        ordered = [keys[k] for k in listed]
        return np.array(listed, dtype=np.intp), any(map(operator.eq, ordered, ordered[1:]))
    names = np.array(units, dtype=f"<U{max(longest, 1)}")
    order = np.lexsort((np.asarray(years), names)) if years else np.argsort(names)
    names = names[order]
    same = names[1:] == names[:-1]
    if years:
        times = np.asarray(years)[order]
        same &= times[1:] == times[:-1]
    return order, bool(same.any())


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
