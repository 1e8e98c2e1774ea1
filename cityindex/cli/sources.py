"""`sources`: where every value of an index came from (the data file's `.sources.csv`)."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex.cli.application import app
from cityindex.cli.common import (
    check_choice,
    emit,
    load,
    localise,
    pick_format,
    pick_language,
)
from cityindex.cli.options import (
    DataOpt,
    DigitsOpt,
    EncodingOpt,
    ExcelSafeOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    SetOpt,
    SpecArg,
    YearOpt,
)
from cityindex.load.provenance import PROVENANCE_FIELDS, load_sources, provenance_rows, sources_path
from cityindex.render.formats import render_rows
from cityindex.render.i18n import tr

SOURCE_FIELDS = list(PROVENANCE_FIELDS)


@app.command()
def sources(
    spec: SpecArg = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit's values.")] = None,
    indicator: Annotated[
        str | None,
        typer.Option("--indicator", help="Only this indicator (its id or its data column)."),
    ] = None,
    all_columns: Annotated[
        bool,
        typer.Option("--all-columns", help="Every data column, not only the spec's indicators."),
    ] = False,
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    sets: SetOpt = None,
    digits: DigitsOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    lang: LangOpt = None,
) -> None:
    """List each value's provenance: publisher and title of the original first, the link second.

    Columns: unit, indicator, column, value, year, publisher, title, published, url, mirror
    (true when the link is not on the original publisher's site), note. Read from the
    `<data>.sources.csv` next to the data file (cities-2024.csv → cities-2024.sources.csv). A
    value without a source shows an empty url and NO SOURCE.

    Example: cityindex sources --unit Hangzhou
    """
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    table = loaded.table
    check_choice("usage.unit", "unit", unit, list(table.units), option="--unit")
    names = list(dict.fromkeys(n for i in loaded.spec.indicators() for n in (i.id, i.column)))
    if all_columns:
        names += [c for c in table.columns if c not in names]
    check_choice("usage.indicator", "indicator", indicator, names, option="--indicator")
    src = load_sources(sources_path(table.file), data_path=table.file)
    rows = provenance_rows(
        loaded.spec, table, src, unit=unit, indicator=indicator, all_columns=all_columns
    )
    chosen = pick_format(fmt, output)
    language = pick_language(lang, loaded.spec)
    title = tr("t.sources", language, file=table.file) + (f" ({table.year})" if table.year else "")
    extra = {"data": table.file, "sources": str(sources_path(table.file)), "year": table.year}
    shown, labels = localise(list(rows), SOURCE_FIELDS, chosen, language, loaded.spec)
    text = render_rows(
        shown,
        labels=labels,
        columns=SOURCE_FIELDS,
        fmt=chosen,
        title=title,
        extra_json=extra,
        round_to=digits,
        excel_safe_cells=excel_safe,
    )
    emit(text, output)
