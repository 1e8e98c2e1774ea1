"""Workbook output (`--format xlsx` or an .xlsx `--output`), written by `render.workbook`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cityindex.cli.common import Loaded, say
from cityindex.model.result import IndexResult
from cityindex.render.choices import wants_xlsx as wants_xlsx
from cityindex.render.i18n import Language
from cityindex.render.workbook import write_xlsx

if TYPE_CHECKING:
    from cityindex.render.report.xlsx import Sheet


def emit_xlsx(
    output: Path,
    sheets: Mapping[str, Sheet],
    loaded: Loaded,
    result: IndexResult,
    *,
    labels: Mapping[str, str] | None = None,
    language: Language = "en",
    **layout: Any,
) -> None:
    """Write the command's tables (`layout`: digits, notes) and method and sources; say where."""
    file = loaded.table.file
    write_xlsx(
        output, sheets, loaded.spec, file, result, labels=labels, language=language, **layout
    )
    say(f"wrote {output}")
