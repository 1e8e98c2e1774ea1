"""`audit`: indicator statistics, correlations and flags, Cronbach's alpha, PCA per group."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex import api
from cityindex.cli.application import app
from cityindex.cli.common import (
    check_choice,
    compute_loaded,
    emit,
    load,
    localise,
    pick_format,
    pick_language,
)
from cityindex.cli.options import INPUT, OUTPUT, Options, shared
from cityindex.cli.workbook import emit_xlsx, wants_xlsx
from cityindex.render.audit import PARTS, audit_text


@app.command(name="audit")
@shared(*INPUT, *OUTPUT)
def audit_command(
    opts: Options,
    part: Annotated[
        str | None,
        typer.Option("--part", help="Only one table: indicators, groups or pairs (CSV: one)."),
    ] = None,
    stage: Annotated[
        str,
        typer.Option("--stage", help="Stage for the indicator statistics: raw, treated, …"),
    ] = "raw",
    low: Annotated[
        float, typer.Option("--low", help="Flag indicator pairs correlating below this.")
    ] = 0.0,
) -> None:
    """Audit the index: indicator statistics, correlations, Cronbach's alpha, PCA.

    Definitions follow COINr's get_stats, get_corr_flags and get_cronbach (see
    cityindex/analysis/audit.py). CSV prints one table (--part, default indicators).

    Example: cityindex audit indicators/asem-raw.yaml --part groups
    """
    check_choice("usage.audit.part", "part", part, list(PARTS), option="--part")
    xlsx = wants_xlsx(opts.fmt, opts.output)
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    result = compute_loaded(loaded, quiet=True)
    check_choice("usage.audit.stage", "stage", stage, list(result.stages), option="--stage")
    report = api.audit_report(loaded.spec, result, stage=stage, low=low)
    language = pick_language(opts.lang, loaded.spec)
    if xlsx and opts.output is not None:
        sheets = {name: (cols, getattr(report, name)) for name, cols in PARTS.items()}
        emit_xlsx(opts.output, sheets, loaded, result, language=language)
        return
    text = audit_text(
        report,
        pick_format(opts.fmt, opts.output),
        part,
        round_to=opts.digits,
        excel_safe=opts.excel_safe,
        language=language,
        spec=loaded.spec,
        localise=localise,
    )
    emit(text, opts.output)
