"""`plot`: one report chart on its own, as SVG or PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cityindex.cli.application import app
from cityindex.cli.charts_common import TopN, local_names
from cityindex.cli.common import (
    check_choice,
    compute_loaded,
    load,
    pick_language,
    say,
    write_output,
)
from cityindex.cli.options import (
    DataOpt,
    EncodingOpt,
    LangOpt,
    SetOpt,
    SpecArg,
    YearOpt,
)
from cityindex.errors import UsageError, issue
from cityindex.load.files import check_output


@app.command(name="plot")
def plot_command(
    kind: Annotated[str, typer.Argument(help="bar, heatmap, radar or map.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The chart file to write: .svg or .png.")
    ],
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    sets: SetOpt = None,
    encoding: EncodingOpt = None,
    top: TopN = 5,
    lang: LangOpt = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="svg or png (default: from the output's suffix)."),
    ] = None,
) -> None:
    """Draw one chart: bar (scores stacked by group contribution), heatmap, radar, or map
    (units by longitude and latitude, bubble area and colour by score; needs latitude and
    longitude columns or a coordinates file).

    Example: cityindex plot bar --lang zh --format png --output scores.png
    """
    from cityindex.render.report import chart_data
    from cityindex.render.report.charts import KINDS, chart, render

    check_choice("usage.plot.kind", "chart", kind, list(KINDS), option="KIND")
    fmt = (fmt or output.suffix.lstrip(".")).lower()
    if fmt not in ("svg", "png"):
        raise UsageError(
            [issue("usage.plot.format", f"cannot write '{fmt}'", expected="svg or png")]
        )
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    result = compute_loaded(loaded, quiet=True)
    table = loaded.table if kind == "map" else None  # coordinates are read only for a map
    language = pick_language(lang, loaded.spec)
    drawn = chart_data(
        loaded.spec, result, local_names=local_names(loaded), table=table, lang=language
    )
    figure = chart(kind, drawn, top=top, file=loaded.table.file)
    check_output(output)
    write_output(output, render(figure, fmt))
    say(f"wrote {output}")
