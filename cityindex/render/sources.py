"""`sources`' text: each value's provenance, titled with its data file (and year)."""

from __future__ import annotations

from typing import Any

from cityindex.engine.pipeline import unit_labels
from cityindex.load.data import Table
from cityindex.load.provenance import PROVENANCE_FIELDS, sources_path
from cityindex.model.spec import Spec
from cityindex.render.choices import localise
from cityindex.render.formats import render_rows, unit_cells
from cityindex.render.i18n import Language, tr


def render_sources(
    rows: list[dict[str, Any]],
    table: Table,
    fmt: str,
    *,
    spec: Spec,
    round_to: int | None = None,
    excel_safe: bool = False,
    language: Language = "en",
) -> str:
    """The provenance rows in `fmt`; JSON names the data file, the sources file and the year."""
    title = tr("t.sources", language, file=table.file) + (f" ({table.year})" if table.year else "")
    extra = {"data": table.file, "sources": str(sources_path(table.file)), "year": table.year}
    columns = list(PROVENANCE_FIELDS)
    shown, labels = localise(rows, columns, fmt, language, spec)
    if language == "zh" and fmt in ("table", "markdown"):  # CSV and JSON keep the ids
        shown = unit_cells(shown, "unit", unit_labels(spec, table))
    return render_rows(
        shown,
        columns,
        fmt,
        labels=labels,
        title=title,
        extra_json=extra,
        round_to=round_to,
        excel_safe_cells=excel_safe,
    )
