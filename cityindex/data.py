"""CSV → a table of units, with every problem named by row, unit and column.

Cells are read as text first, so nothing is coerced behind the user's back: an empty cell is
missing, a number is a number, and anything else is an error that says where it is. Unit names
may be any Unicode text (Chinese city names work); a UTF-8 byte-order mark is accepted.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from cityindex.errors import DataError, Issue, Location, did_you_mean, issue
from cityindex.registry import FloatArray

MAX_DATA_BYTES = 200_000_000
MAX_LISTED = 20
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
        )

    @property
    def units(self) -> tuple[str, ...]:
        """Unit ids in file order."""
        return tuple(str(u) for u in self.frame[self.unit_column])

    @property
    def columns(self) -> list[str]:
        """Column names (the unit and year columns included)."""
        return [str(c) for c in self.frame.columns]

    def numeric(self, columns: Sequence[str]) -> FloatArray:
        """The given columns as a float array ``(units, columns)``; empty cells are NaN.

        Every cell that is not a finite number is reported, with its row, unit and column.
        """
        out = np.full((len(self.frame), len(columns)), np.nan)
        issues: list[Issue] = []
        units = self.units
        for j, col in enumerate(columns):
            cells = self.frame[col].tolist()
            for i, cell in enumerate(cells):
                text = str(cell).strip()
                if text == "":
                    continue
                value = parse_number(text)
                if value is None:
                    issues.append(
                        issue(
                            "data.cell.not-a-number",
                            f"row {self.rows[i]} ({units[i]}): {text!r} in column '{col}' "
                            "is not a number",
                            location=Location(self.file, self.rows[i]),
                            key_path=col,
                            expected="a finite number such as 12.5",
                            got=repr(text),
                            hint="leave missing cells empty",
                        )
                    )
                    continue
                out[i, j] = value
        _raise_capped(issues)
        return out


def parse_number(text: str) -> float | None:
    """A finite float from plain decimal text, else None (no locale guessing)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


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


def read_csv_text(path: Path) -> tuple[str, str]:
    """The file's text (UTF-8, BOM allowed) and its hash; clear errors otherwise."""
    name = str(path)
    if not path.exists():
        raise DataError(
            [
                issue(
                    "data.file.not-found",
                    f"data file {name} does not exist",
                    location=Location(name),
                    hint="check `index.data` in the spec (relative to the spec file) or --data",
                )
            ]
        )
    if path.is_dir():
        raise DataError(
            [issue("data.file.is-directory", f"{name} is a directory", location=Location(name))]
        )
    size = path.stat().st_size
    if size > MAX_DATA_BYTES:
        raise DataError(
            [
                issue(
                    "data.file.too-large",
                    f"data file is {size:,} bytes; the limit is {MAX_DATA_BYTES:,}",
                    location=Location(name),
                )
            ]
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise DataError(
            [
                issue(
                    "data.file.binary",
                    "data file is binary, not CSV text",
                    location=Location(name),
                    hint="export the sheet as CSV (UTF-8)",
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            [
                issue(
                    "data.file.encoding",
                    f"data file is not UTF-8 (first bad byte on line {line})",
                    location=Location(name, line),
                    hint="save the CSV as UTF-8 (Excel: 'CSV UTF-8')",
                )
            ]
        ) from None
    return text, sha256_of(raw)


def load_data(
    path: str | Path, *, unit: str, year: int | None = None, time: str = YEAR_COLUMN
) -> Table:
    """Read a wide CSV (one row per unit) into a `Table`.

    With a `time` column (default ``year``; a spec's ``index.time``) the file is a panel: `year`
    selects one year (default: the latest), units must be unique within each year, and the
    returned table keeps every year's rows in `Table.panel` for panel methods.
    """
    p = Path(path)
    name = str(path)
    text, digest = read_csv_text(p)
    rows = list(csv.reader(io.StringIO(text)))
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
    header = [h.strip() for h in header]
    body = records[1:]
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
    if not body:
        problems.append(
            issue(
                "data.file.no-rows",
                "data file has a header but no rows",
                location=Location(name, header_line),
                hint="add one row per unit",
            )
        )
    for line, row in body:
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
    frame = pd.DataFrame([r for _, r in body], columns=header, dtype=object)
    line_numbers = [line for line, _ in body]
    selected_year: int | None = None
    years: list[int] = []
    if time in header:
        for line, cell in zip(line_numbers, frame[time], strict=True):
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
    units = [str(u).strip() for u in frame[unit]]
    frame[unit] = units
    first: dict[tuple[str, int], int] = {}
    for k, (line, u) in enumerate(zip(line_numbers, units, strict=True)):
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
    if years:
        whole = Table(frame, unit, name, digest, tuple(line_numbers), selected_year, time)
        chosen = [k for k, y in enumerate(years) if y == selected_year]
        return replace(whole.take(chosen), panel=whole)
    return Table(frame, unit, name, digest, tuple(line_numbers), selected_year)
