"""`plot`: one report chart on its own, as SVG or PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cityindex import api
from cityindex.cli.application import app
from cityindex.cli.charts_common import TopN, warn_without_cjk_font
from cityindex.cli.common import check_choice, load, pick_language, say
from cityindex.cli.options import INPUT, Options, shared
from cityindex.errors import UsageError, issue
from cityindex.load.files import check_output, write_output


@app.command(name="plot")
@shared(*INPUT, "lang")
def plot_command(
    kind: Annotated[str, typer.Argument(help="bar, heatmap, radar or map.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The chart file to write: .svg or .png.")
    ],
    opts: Options,
    top: TopN = 5,
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
    from cityindex.render.report.charts import KINDS, render

    check_choice("usage.plot.kind", "chart", kind, list(KINDS), option="KIND")
    fmt = (fmt or output.suffix.lstrip(".")).lower()
    if fmt not in ("svg", "png"):
        raise UsageError(
            [issue("usage.plot.format", f"cannot write '{fmt}'", expected="svg or png")]
        )
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    language = pick_language(opts.lang, loaded.spec)
    warn_without_cjk_font(loaded)
    index = api.Index(loaded.spec, loaded.table)
    figure = api.plot(kind, index, top=top, lang=language)
    check_output(output)
    write_output(output, render(figure, fmt))
    say(f"wrote {output}")
