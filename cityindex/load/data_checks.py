"""The checks a data file passes before it becomes a `Table`: its header, its unit names and its
time column, each problem located by row; and the canonical order of its rows.

Problems are collected, not stopped at: `raise_capped` raises them together (the first
`MAX_LISTED`, and a count of the rest).
"""

from __future__ import annotations

import operator

import numpy as np
import numpy.typing as npt

from cityindex.errors import DataError, Issue, Location, did_you_mean, issue
from cityindex.load.csv_columns import Column
from cityindex.model.cells import invisible_characters, look_alike_key, parse_number

MAX_LISTED = 20


def raise_capped(issues: list[Issue]) -> None:
    """Raise `issues` (if any) as one `DataError`, at most `MAX_LISTED` of them listed."""
    if not issues:
        return
    if len(issues) > MAX_LISTED:
        extra = len(issues) - MAX_LISTED
        issues = [
            *issues[:MAX_LISTED],
            issue("data.more", f"… and {extra} more problems of the same kind"),
        ]
    raise DataError(issues)


def header_issues(
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


YEARS = (1000, 9999)
"""The years a panel's time column may hold: four digits, so no year wraps or is misread."""


def years_of(
    column: Column, lines: npt.NDArray[np.int64], name: str, time: str
) -> npt.NDArray[np.int64]:
    """Each row's time as a whole number of four digits; every cell that is not one is located.

    A year outside `YEARS` (99999999999999999999 would wrap to a negative int64) is refused, not
    cast.
    """
    low, high = YEARS
    values = column.values
    if (
        values is not None
        and not np.isnan(values).any()
        and (values == np.round(values)).all()
        and ((values >= low) & (values <= high)).all()
    ):
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
                    key_path=time,
                )
            )
        elif not low <= value <= high:
            problems.append(
                issue(
                    "data.year.out-of-range",
                    f"row {line}: {cell.strip()} in column '{time}' is not a year "
                    f"from {low} to {high}",
                    location=Location(name, line),
                    key_path=time,
                    expected=f"a whole year from {low} to {high}, e.g. 2024",
                    got=cell.strip(),
                    hint=f"the '{time}' column holds each row's year; "
                    "check this cell for a typo or a pasted number",
                )
            )
    raise_capped(problems)
    raise AssertionError("unreachable: a column of whole numbers has values")  # pragma: no cover


def has_empty(column: Column) -> bool:
    """Whether any unit name is empty."""
    texts = column.texts
    if texts.dtype.kind == "O":
        return "" in column.text_list()
    return bool((texts == texts.dtype.type()).any())


def unit_issues(
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


def name_order(
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


def unit_name_issues(
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
