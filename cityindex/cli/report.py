"""`report`: one self-contained HTML page with tables, charts, method, audit and sources."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cityindex.analysis.audit import audit
from cityindex.cli import app
from cityindex.cli.common import (
    DataOpt,
    Loaded,
    SetOpt,
    SpecArg,
    YearOpt,
    compute_loaded,
    emit,
    load,
    warn,
)
from cityindex.report import build_report, load_sources
from cityindex.report.charts import cjk_font

TopN = Annotated[int, typer.Option("--top", help="Radar charts for the first N units.", min=1)]


def local_names(loaded: Loaded) -> list[str] | None:
    """Local-language unit names from a `<unit>_zh` column, when the data has one."""
    column = f"{loaded.spec.index.unit}_zh"
    frame = loaded.table.frame
    if column not in frame.columns:
        return None
    names = ["" if v is None or str(v) == "nan" else str(v) for v in frame[column]]
    if cjk_font() is None:
        warn("no CJK font installed (Debian: fonts-noto-cjk): charts use the English names")
    return names


@app.command(name="report")
def report_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")],
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    sets: SetOpt = None,
    top: TopN = 5,
) -> None:
    """Write one self-contained HTML report: ranking, charts, framework, method, audit, sources.

    No scripts and no network requests: charts are inline SVG. Sources come from
    `<data>.sources.csv` next to the data file.

    Example: cityindex report --output report.html
    """
    loaded = load(spec, data=data, year=year, sets=sets)
    result = compute_loaded(loaded, quiet=True)
    page = build_report(
        loaded.spec,
        result,
        audit(loaded.spec, result),
        sources=load_sources(loaded.table.file),
        local_names=local_names(loaded),
        top=top,
    )
    emit(page, output)
