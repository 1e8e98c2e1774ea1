"""`report`: one self-contained HTML page with tables, charts, method, audit and sources."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cityindex import api
from cityindex.cli.application import app
from cityindex.cli.charts_common import TopN
from cityindex.cli.common import emit, load, pick_language
from cityindex.cli.options import INPUT, Options, shared


@app.command(name="report")
@shared(*INPUT, "lang")
def report_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")],
    opts: Options,
    top: TopN = 5,
    runs: Annotated[
        int | None,
        typer.Option("--runs", min=1, help="Uncertainty runs when the spec has a plan."),
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            help="Another spec (e.g. last year's, or other weights) on the same data: the "
            "ranking adds its rank and each unit's change.",
        ),
    ] = None,
) -> None:
    """Write one self-contained HTML report: ranking (tiers), weights the reader can move,
    charts, map, robustness, framework, method, audit, sources.

    Nothing is loaded from the network: charts are inline SVG, the weight sliders inline
    JavaScript. Sources come from `<data>.sources.csv` next to the data file. When the spec
    has an `uncertainty:` plan, the report adds rank intervals (5th-95th percentile) from
    --runs Monte Carlo runs.

    Example: cityindex report --lang zh --output report.html
    """
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    language = pick_language(opts.lang, loaded.spec)
    other = None
    if compare is not None:
        data = opts.data or loaded.spec.index.data
        theirs = load(compare, data=data, year=opts.year, encoding=opts.encoding)
        other = api.Index(theirs.spec, theirs.table)
    page = api.report(
        api.Index(loaded.spec, loaded.table),
        lang=language,
        top=top,
        runs=runs,
        compare=other,
    )
    emit(page, output)
