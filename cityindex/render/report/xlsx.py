"""Excel workbooks: one sheet per table, plus the method (from the manifest) and the sources.

Uses openpyxl (the `xlsx` extra), imported only when a workbook is written. Missing numbers are
empty cells, never NaN; the sheet order is the order given.

Text stays text: openpyxl makes a string starting with ``=`` a formula and ``#N/A`` an error
value, so every text cell is typed as a string after it is set (a unit called
``=HYPERLINK("…")`` is shown, never evaluated); characters a workbook cannot hold (C0 controls
other than tab, LF and CR) are written as ``\\xHH`` escapes instead of failing. The same input
gives the same bytes: the document's created and modified dates are `FIXED_DATE` and every zip
entry is dated 1980-01-01 00:00, so no clock and no time zone reaches the file.
"""

from __future__ import annotations

import datetime
import io
import json
import math
import re
import zipfile
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cityindex.load.files import write_atomic

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

Sheet = tuple[Sequence[str], Sequence[Mapping[str, Any]]]
"""A sheet's columns and its rows (dicts keyed by column)."""


FIXED_DATE = datetime.datetime(2000, 1, 1)
"""The workbook's created and modified dates (UTC): a constant, so two runs write equal bytes."""
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Every zip entry's date: the earliest a zip can hold."""
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Characters an xlsx cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE)."""


def cell_text(text: str) -> str:
    """`text` with each character a workbook cannot hold written as ``\\xHH``.

    >>> cell_text("a\\x1b[31mb"), cell_text("tab\\tand\\nnewline")
    ('a\\\\x1b[31mb', 'tab\\tand\\nnewline')
    """
    return UNWRITABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _append(sheet: Worksheet, values: Sequence[Any]) -> None:
    """Add a row; text cells typed as strings (never a formula or an error value).

    The cells are made and typed before the row is appended: reading the new row back through
    ``sheet[sheet.max_row]`` made openpyxl recount every cell of the sheet for each row, so a
    workbook of 100,000 units took quadratic time (20,000 units: 3-4.5 minutes)."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        cell = Cell(sheet, value=cell_text(value) if isinstance(value, str) else value)
        if isinstance(cell.value, str):
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)


def _reproducible(book: Workbook, raw: bytes) -> bytes:
    """The saved workbook `raw` with fixed document dates and zip entry dates."""
    from openpyxl.xml.functions import tostring

    book.properties.created = FIXED_DATE
    book.properties.modified = FIXED_DATE
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "docProps/core.xml":
                data = tostring(book.properties.to_tree())
            fixed = zipfile.ZipInfo(entry.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = entry.external_attr
            target.writestr(fixed, data)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int | float | str | bool):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _whole(value: Any) -> Any:
    """A whole-number float as an int (a rank); anything else unchanged."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def method_sheet(manifest: Mapping[str, Any]) -> Sheet:
    """The manifest as rows: node, stage, method, parameters (JSON); then provenance."""
    rows: list[dict[str, Any]] = []
    for node, stages in manifest.get("methods", {}).items():
        for stage, choice in stages.items():
            params = {k: v for k, v in choice.items() if k != "method"}
            rows.append(
                {
                    "node": node,
                    "stage": stage,
                    "method": choice.get("method"),
                    "parameters": json.dumps(params, ensure_ascii=False) if params else "",
                }
            )
    for key in ("missing", "scale"):
        choice = dict(manifest.get(key, {}))
        params = {k: v for k, v in choice.items() if k != "method"}
        rows.append(
            {
                "node": manifest.get("index", ""),
                "stage": key,
                "method": choice.get("method"),
                "parameters": json.dumps(params, ensure_ascii=False) if params else "",
            }
        )
    spec, data = manifest.get("spec", {}), manifest.get("data", {})
    for label, value in (
        ("spec file", spec.get("file")),
        ("spec sha256", spec.get("sha256")),
        ("data file", data.get("file")),
        ("data sha256", data.get("sha256")),
        ("cityindex", manifest.get("cityindex")),
    ):
        rows.append({"node": "provenance", "stage": label, "method": value, "parameters": ""})
    return ["node", "stage", "method", "parameters"], rows


INVALID_TITLE = re.compile(r"[\[\]:*?/\\\t\n\r]")
"""Characters a sheet name cannot hold (and line breaks, which Excel refuses in one)."""
RANK_FORMAT = "0"


def sheet_title(name: str, taken: set[str]) -> str:
    """`name` as a sheet name: characters a sheet name cannot hold as spaces, at most 31
    characters, and a number added when an earlier sheet has it (case-insensitively, as Excel
    compares them); never empty."""
    base = cell_text(INVALID_TITLE.sub(" ", name)).strip().strip("'") or "Sheet"
    title, n = base[:31], 1
    while title.casefold() in taken:
        n += 1
        title = f"{base[: 31 - len(str(n)) - 1]} {n}"
    taken.add(title.casefold())
    return title


def number_format(digits: int | None) -> str:
    """Excel's number format for `digits` decimals: ``0`` or ``0.0000``."""
    return "0" if not digits else "0." + "0" * digits


def _float_digits(values: Sequence[Any]) -> int | None:
    """The fewest decimals (at most 4) showing every float of a column (None: no float)."""
    from cityindex.render.formats import column_digits

    return column_digits(list(values))


def write_workbook(
    path: str | Path,
    sheets: Mapping[str, Sheet],
    *,
    labels: Mapping[str, str] | None = None,
    digits: Mapping[str, Mapping[str, int | None]] | None = None,
    notes: Mapping[str, Sequence[str]] | None = None,
    ranks: Collection[str] | None = None,
) -> None:
    """Write `sheets` to an .xlsx file (header row bold and frozen; `labels` give the header
    text of a column id, e.g. its Chinese title), atomically as every output: the workbook is
    made in memory and replaces `path` in one rename, so an error half-way leaves no torn file
    and an older file of that name intact.

    Numbers keep every digit and are shown at their column's precision: `digits` by sheet
    name and column (else the fewest decimals, at most 4, that show the column); a column of
    `ranks` (default: `formats.RANK_COLUMNS`) holds whole numbers, written as integers.
    `notes` (by sheet name) are written under the table after an empty row, a line a row.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from cityindex.render.formats import RANK_COLUMNS

    ranked = RANK_COLUMNS if ranks is None else ranks
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for name, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title=sheet_title(name, taken))
        _append(sheet, [(labels or {}).get(c, c) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        values = [
            [_whole(_cell(row.get(c))) if c in ranked else _cell(row.get(c)) for c in columns]
            for row in rows
        ]
        for row_values in values:
            _append(sheet, row_values)
        given = (digits or {}).get(name, {})
        for j, column in enumerate(columns):
            shown = [v[j] for v in values]
            if column in ranked:
                d: int | None = 0
            elif column in given:
                d = given[column]
            else:
                d = _float_digits(shown)
            if d is None or not any(isinstance(v, float) for v in shown):
                continue
            fmt = number_format(d)
            for i, v in enumerate(shown, start=2):
                if isinstance(v, int | float) and not isinstance(v, bool):
                    sheet.cell(row=i, column=j + 1).number_format = fmt
        lines = list((notes or {}).get(name, ()))
        below = sheet.max_row + 1
        for k, line in enumerate(lines, start=1):
            cell = sheet.cell(row=below + k, column=1, value=cell_text(line))
            cell.data_type = "s"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, _reproducible(book, buffer.getvalue()))
