"""Options and unit names shared by the commands that draw charts (report, plot)."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex.cli.common import Loaded, warn

TopN = Annotated[int, typer.Option("--top", help="Radar charts for the first N units.", min=1)]


def local_names(loaded: Loaded) -> list[str] | None:
    """Local-language unit names from a `<unit>_zh` column, when the data has one."""
    column = f"{loaded.spec.index.unit}_zh"
    if column not in loaded.table.cells:
        return None
    names = loaded.table.texts(column)
    from cityindex.render.report.charts import cjk_font

    if cjk_font() is None:
        warn("no CJK font installed (Debian: fonts-noto-cjk): charts use the English names")
    return names
