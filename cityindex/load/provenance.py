"""Provenance of data values: the `<data>.sources.csv` file kept next to a data file.

Convention: the sources of ``cities-2024.csv`` are in ``cities-2024.sources.csv`` in the same
folder (the data file's name with ``.csv`` replaced by ``.sources.csv``). It has one row per
non-empty cell of the data file, with the columns

``unit, column, value, year, url, note``

(`value` exactly as in the data file; `year` the year the value refers to; `url` the page it was
read from; `note` its definition and flags such as PROXY or "lower bound"), and optionally the
original publication, kept apart from where it was read:

``publisher, title, published, mirror``

(`publisher` and `title` of the original publication, `published` its date, and `mirror` =
``true`` when `url` is not on the original publisher's site — a reprint, an aggregator, a wiki,
a repository copy). Readers show publisher and title first and the link second, labelled when
it is a mirror. A panel's sources file adds ``panel_year``: the value of the data file's
``year`` column the row belongs to.
A sources file may cover several data files (e.g. the scored and the thin file): rows for units
not in a data file are simply not used for it.

Order: a listing of values (`provenance_rows`, ``cityindex sources``) follows the data — units
in the table's canonical order (by name, then year), indicators in the spec's order — and never
the sources file's row order. Where several rows source the same value, the file's order is the
author's preference: the first row with a url that is not a mirror is shown, else the first
mirror. `load_sources` returns the rows in file order. So the same files give the same output,
byte for byte, and moving a row changes only which of a value's sources is shown first.

A url is kept as written (the report makes links of http(s) ones only); one that cannot be split
into its parts (``http://[::1``, a port above 65535) is refused with its row.

This module only reads; matching values to their sources is `provenance_rows`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cityindex.errors import DataError, Issue, Location, issue
from cityindex.load.data import Table, parse_number, read_csv_text
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.model.spec import Spec

SOURCES_SUFFIX = ".sources.csv"
SOURCE_COLUMNS = ("unit", "column", "value", "year", "url", "note")
PANEL_COLUMN = "panel_year"
ORIGIN_COLUMNS = ("publisher", "title", "published", "mirror")
TRUE = ("true", "yes", "1")
FALSE = ("false", "no", "0", "")


PROVENANCE_FIELDS = OUTPUT_COLUMNS["sources"]


@dataclass(frozen=True)
class Source:
    """One row of a sources file: where one value came from."""

    unit: str
    column: str
    value: str
    year: str
    url: str
    note: str
    line: int
    panel_year: int | None = None
    publisher: str = ""
    title: str = ""
    published: str = ""
    mirror: bool = False


def sources_path(data_path: str | Path) -> Path:
    """The sources file of a data file: ``name.csv`` → ``name.sources.csv`` (same folder)."""
    p = Path(data_path)
    stem = p.name[: -len(".csv")] if p.name.lower().endswith(".csv") else p.name
    return p.with_name(stem + SOURCES_SUFFIX)


def load_sources(path: str | Path, *, data_path: str | Path | None = None) -> list[Source]:
    """Read a sources file; a clear error when it is absent or lacks a required column."""
    p = Path(path)
    name = str(p)
    if not p.exists():
        about = f" for {data_path}" if data_path is not None else ""
        raise DataError(
            [
                issue(
                    "sources.file.not-found",
                    f"no sources file{about}: {name} does not exist",
                    location=Location(name),
                    expected="a CSV with columns " + ",".join(SOURCE_COLUMNS),
                    hint=f"keep each value's provenance in <data name>{SOURCES_SUFFIX} "
                    "next to the data file (one row per non-empty cell)",
                )
            ]
        )
    text, _digest = read_csv_text(p)
    reader = csv.reader(io.StringIO(text))
    rows = [(n, r) for n, r in enumerate(reader, start=1) if any(c.strip() for c in r)]
    if not rows:
        raise DataError(
            [issue("sources.file.empty", "sources file is empty", location=Location(name))]
        )
    header = [h.strip() for h in rows[0][1]]
    missing = [c for c in SOURCE_COLUMNS if c not in header]
    if missing:
        raise DataError(
            [
                issue(
                    "sources.column.missing",
                    f"sources file lacks column(s): {', '.join(missing)}",
                    location=Location(name, rows[0][0]),
                    expected=",".join(SOURCE_COLUMNS),
                    got=",".join(header),
                )
            ]
        )
    pos = {c: header.index(c) for c in header}
    out: list[Source] = []
    problems: list[Issue] = []
    for line, row in rows[1:]:
        if len(row) != len(header):
            problems.append(
                issue(
                    "sources.row.width",
                    f"row {line} has {len(row)} cells; the header has {len(header)}",
                    location=Location(name, line),
                    hint="quote notes that contain commas",
                )
            )
            continue
        cell = {c: row[i].strip() for c, i in pos.items()}
        panel: int | None = None
        if PANEL_COLUMN in cell and cell[PANEL_COLUMN] != "":
            number = parse_number(cell[PANEL_COLUMN])
            if number is None or number != int(number):
                problems.append(
                    issue(
                        "sources.panel-year.invalid",
                        f"row {line}: panel_year {cell[PANEL_COLUMN]!r} is not a whole number",
                        location=Location(name, line),
                    )
                )
                continue
            panel = int(number)
        flag = cell.get("mirror", "").lower()
        if flag not in TRUE + FALSE:
            problems.append(
                issue(
                    "sources.mirror.invalid",
                    f"row {line}: mirror {cell['mirror']!r} is neither true nor false",
                    location=Location(name, line),
                    expected="true (the url is not on the original publisher's site) or false",
                )
            )
            continue
        malformed = url_problem(cell["url"])
        if malformed is not None:
            problems.append(
                issue(
                    "sources.url.malformed",
                    f"row {line}: url {cell['url']!r} is not a readable address ({malformed})",
                    location=Location(name, line),
                    key_path="url",
                    expected="an address such as https://www.gov.cn/zhengce/…, or an empty cell",
                    got=cell["url"],
                    hint="check the brackets and the port (a number up to 65535) in the address",
                )
            )
            continue
        out.append(
            Source(
                unit=cell["unit"],
                column=cell["column"],
                value=cell["value"],
                year=cell["year"],
                url=cell["url"],
                note=cell["note"],
                line=line,
                panel_year=panel,
                publisher=cell.get("publisher", ""),
                title=cell.get("title", ""),
                published=cell.get("published", ""),
                mirror=flag in TRUE,
            )
        )
    if problems:
        raise DataError(problems)
    return out


def url_problem(url: str) -> str | None:
    """Why `url` cannot be split into its parts (an unclosed ``[``, a port that is not a port),
    or None: what every reader of the address (the report's links, a browser) trips on.

    >>> [url_problem(u) for u in ("https://example.org/a", "", "javascript:alert(1)")]
    [None, None, None]
    >>> url_problem("http://[::1")
    'Invalid IPv6 URL'
    """
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it raises for a port out of range or not a number
    except ValueError as exc:
        return str(exc)
    return None


def sources_for_table(
    sources: Sequence[Source], table: Table
) -> dict[tuple[str, str], list[Source]]:
    """The sources of one table, keyed by (unit, column).

    For a panel year only rows with that `panel_year` (or none given) count.
    """
    out: dict[tuple[str, str], list[Source]] = {}
    for s in sources:
        if table.year is not None and s.panel_year is not None and s.panel_year != table.year:
            continue
        out.setdefault((s.unit, s.column), []).append(s)
    return out


def same_value(cell: str, recorded: str) -> bool:
    """True when a sources row's value is the data cell (numerically, else as text)."""
    a, b = parse_number(cell), parse_number(recorded)
    if a is not None and b is not None:
        return a == b
    return cell.strip() == recorded.strip()


def provenance_rows(
    spec: Spec,
    table: Table,
    sources: Sequence[Source],
    *,
    unit: str | None = None,
    indicator: str | None = None,
    all_columns: bool = False,
) -> list[dict[str, str]]:
    """One row per non-empty value: unit, indicator, column, value, year, publisher, title,
    published, url, mirror, note (`PROVENANCE_FIELDS`).

    Values come from the spec's indicators (or every data column with `all_columns`, the
    indicator then empty for columns no indicator uses), in unit then indicator order. A value
    without a matching sources row has an empty url and the note ``NO SOURCE``. `mirror` is
    ``true`` when every matching sources row is a mirror (the value rests on mirrors only).
    Of several matching rows, the first original in the file is shown, else the first mirror
    (see the module's note on order).
    """
    keyed = sources_for_table(sources, table)
    by_column: list[tuple[str, str]] = [(ind.id, ind.column) for ind in spec.indicators()]
    if all_columns:
        used = {c for _, c in by_column}
        skip = {table.unit_column, "year", "city_zh"}
        by_column += [("", c) for c in table.columns if c not in used and c not in skip]
    if indicator is not None:
        by_column = [(i, c) for i, c in by_column if indicator in (i, c)]
    rows: list[dict[str, str]] = []
    texts = {col: table.texts(col) for _, col in by_column if col in table.cells}
    for k, u in enumerate(table.units):
        if unit is not None and u != unit:
            continue
        for ind_id, col in by_column:
            cell = texts[col][k].strip()
            if cell == "":
                continue
            found = [s for s in keyed.get((u, col), []) if same_value(cell, s.value)]
            found = [s for s in found if s.url != ""] or found
            if found and found[0].url != "":
                # an original beats a mirror when a value has both
                s = next((f for f in found if not f.mirror), found[0])
                rows.append(
                    {
                        "unit": u,
                        "indicator": ind_id,
                        "column": col,
                        "value": cell,
                        "year": s.year,
                        "publisher": s.publisher,
                        "title": s.title,
                        "published": s.published,
                        "url": s.url,
                        "mirror": "true" if s.mirror else "false",
                        "note": s.note,
                    }
                )
            else:
                other = keyed.get((u, col), [])
                if found:
                    note = "NO SOURCE: the sources row has no url"
                elif other:
                    note = f"NO SOURCE: the sources file records {other[0].value!r}, not this value"
                else:
                    note = "NO SOURCE"
                rows.append(
                    {
                        "unit": u,
                        "indicator": ind_id,
                        "column": col,
                        "value": cell,
                        "year": "",
                        "publisher": "",
                        "title": "",
                        "published": "",
                        "url": "",
                        "mirror": "",
                        "note": note,
                    }
                )
    return rows
