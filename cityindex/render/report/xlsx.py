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
from collections.abc import Mapping, Sequence
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
    """Add a row; text cells typed as strings (never a formula or an error value)."""
    sheet.append([cell_text(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


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


def write_workbook(
    path: str | Path, sheets: Mapping[str, Sheet], *, labels: Mapping[str, str] | None = None
) -> None:
    """Write `sheets` to an .xlsx file (header row bold and frozen; `labels` give the header
    text of a column id, e.g. its Chinese title), atomically as every output: the workbook is
    made in memory and replaces `path` in one rename, so an error half-way leaves no torn file
    and an older file of that name intact."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        _append(sheet, [(labels or {}).get(c, c) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            _append(sheet, [_cell(row.get(c)) for c in columns])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, _reproducible(book, buffer.getvalue()))
