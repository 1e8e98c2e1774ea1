"""Excel workbooks: one sheet per table, plus the method (from the manifest) and the sources.

Uses openpyxl (the `xlsx` extra), imported only when a workbook is written. Missing numbers are
empty cells, never NaN; the sheet order is the order given.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cityindex.load.files import write_atomic

Sheet = tuple[Sequence[str], Sequence[Mapping[str, Any]]]
"""A sheet's columns and its rows (dicts keyed by column)."""


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
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append([(labels or {}).get(c, c) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(row.get(c)) for c in columns])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
