"""Tables rendered for a workbook: the ``xlsx`` "format" of `formats.render_rows`.

A command renders text; its xlsx rendering is text too, one record line per table
(`SHEET_MARK` + JSON), so the renderers that join several tables and notes into one output
work unchanged, and `render.workbook.write_text_workbook` makes each record a sheet and every
other line a note. Kept apart from `formats` and `workbook` so neither imports the other.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any


def _plain(value: Any) -> Any:
    """`value` as JSON can hold it: numpy scalars as Python ones, NaN and infinities None."""
    if hasattr(value, "item") and not isinstance(value, Mapping | list | tuple):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


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
    return SHEET_MARK + json.dumps(_plain(record), ensure_ascii=False, default=str) + "\n"


def is_sheet_text(text: str) -> bool:
    """True when `text` holds a table rendered for a workbook (`sheet_text`)."""
    return SHEET_MARK in text
