"""What the commands that draw charts (report, plot) share: --top, and the CJK font check."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex.cli.common import Loaded, warn

TopN = Annotated[int, typer.Option("--top", help="Radar charts for the first N units.", min=1)]


def warn_without_cjk_font(loaded: Loaded) -> None:
    """Warn when the data has local-language (`<unit>_zh`) names no installed font can draw."""
    if f"{loaded.spec.index.unit}_zh" not in loaded.table.cells:
        return
    from cityindex.render.report.charts import cjk_font

    if cjk_font() is None:
        warn("no CJK font installed (Debian: fonts-noto-cjk): charts use the English names")
