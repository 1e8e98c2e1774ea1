"""Tables rendered for a workbook: the ``xlsx`` "format" of `formats.render_rows`.

A command renders text; its xlsx rendering is text too, one record line per table
(`SHEET_MARK` + JSON), so the renderers that join several tables and notes into one output
work unchanged, and `render.workbook.write_text_workbook` makes each record a sheet and every
other line a note. Kept apart from `formats` and `workbook` so neither imports the other.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from cityindex.render.cell_text import jsonable

SHEET_MARK = "\x1e"
"""Starts a table rendered for a workbook (`sheet_text`): the ASCII record separator, which
JSON escapes inside strings, so no cell can forge one."""


def sheet_text(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    caption: str | None = None,
    labels: Mapping[str, str] | None = None,
    digits: Mapping[str, int | None] | None = None,
) -> str:
    """One table as the xlsx "format" renders it: a record line (`SHEET_MARK` + JSON) that
    `render.workbook.write_text_workbook` turns into a sheet (`labels`: its headers; `digits`:
    each column's decimals shown; `caption`: notes under it)."""
    record = {
        "title": title,
        "caption": caption,
        "columns": list(columns),
        "labels": [(labels or {}).get(c, c) for c in columns],
        "digits": [(digits or {}).get(c) for c in columns],
        "rows": [[row.get(c) for c in columns] for row in rows],
    }
    return SHEET_MARK + json.dumps(jsonable(record), ensure_ascii=False, default=str) + "\n"


def is_sheet_text(text: str) -> bool:
    """True when `text` holds a table rendered for a workbook (`sheet_text`)."""
    return SHEET_MARK in text
