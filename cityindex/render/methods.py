"""`methods`' text: the registry's methods by stage, with formula and parameters."""

from __future__ import annotations

from typing import Any

from cityindex.render.choices import localise
from cityindex.render.formats import render_rows
from cityindex.render.i18n import Language, tr

COLUMNS = ["stage", "method", "formula", "params"]
"""Table, CSV and Markdown columns; JSON has ``parameters`` (records) instead of ``params``."""


def render_methods(
    rows: list[dict[str, Any]],
    stage: str | None,
    fmt: str,
    *,
    excel_safe: bool = False,
    language: Language = "en",
) -> str:
    """`api.reading.method_rows` in `fmt`, titled with the stage shown (or every stage)."""
    columns = [*COLUMNS[:3], "parameters"] if fmt == "json" else COLUMNS
    key = "t.methods_stage" if stage else "t.methods_by_stage"
    shown, labels = localise(rows, columns, fmt, language)
    return render_rows(
        shown,
        columns,
        fmt,
        title=tr(key, language, stage=stage),
        excel_safe_cells=excel_safe,
        labels=labels,
    )
