"""`sources`: where every value of an index came from (the data file's `.sources.csv`)."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex.api.reading import source_rows
from cityindex.cli.application import app
from cityindex.cli.common import emit, load, pick_format, pick_language
from cityindex.cli.options import INPUT, OUTPUT, Options, shared
from cityindex.render.sources import render_sources


@app.command()
@shared("spec", *OUTPUT, *INPUT[1:])
def sources(
    opts: Options,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit's values.")] = None,
    indicator: Annotated[
        str | None,
        typer.Option("--indicator", help="Only this indicator (its id or its data column)."),
    ] = None,
    all_columns: Annotated[
        bool,
        typer.Option("--all-columns", help="Every data column, not only the spec's indicators."),
    ] = False,
) -> None:
    """List each value's provenance: publisher and title of the original first, the link second.

    Columns: unit, indicator, column, value, year, publisher, title, published, url, mirror
    (true when the link is not on the original publisher's site), note. Read from the
    `<data>.sources.csv` next to the data file (cities-2024.csv → cities-2024.sources.csv). A
    value without a source shows an empty url and NO SOURCE.

    Example: cityindex sources --unit Hangzhou
    """
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    table = loaded.table
    rows = source_rows(loaded.spec, table, unit=unit, indicator=indicator, all_columns=all_columns)
    text = render_sources(
        rows,
        table,
        pick_format(opts.fmt, opts.output),
        spec=loaded.spec,
        round_to=opts.digits,
        excel_safe=opts.excel_safe,
        language=pick_language(opts.lang, loaded.spec),
    )
    emit(text, opts.output)
