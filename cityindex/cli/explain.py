"""`explain`: one unit's score split into contributions per group and indicator."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex.api.scoring import explanation
from cityindex.cli.application import app
from cityindex.cli.common import compute_loaded, emit, load, pick_format, pick_language
from cityindex.cli.options import INPUT, OUTPUT, Options, shared
from cityindex.cli.workbook import emit_xlsx, wants_xlsx
from cityindex.render.explain import explanation_sheets, explanation_text


@app.command(name="explain")
@shared(*INPUT, *OUTPUT)
def explain_command(
    unit: Annotated[str, typer.Argument(help="The unit to explain, e.g. Shenzhen.")],
    opts: Options,
) -> None:
    """Why a unit scores what it does: contributions of every group and indicator.

    CSV: one row per tree node with level (COINr's: 1 = indicators, counting up to the index),
    depth (0 = the index, counting down), id, parent, kind, raw, normalised, median, weight,
    effective_weight, unit_weight, contribution, share, status. Indicator contributions sum to
    the unit's exact score.

    Example: cityindex explain Shenzhen --format csv
    """
    xlsx = wants_xlsx(opts.fmt, opts.output)
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    result = compute_loaded(loaded, quiet=True)
    ex = explanation(loaded.spec, result, unit)
    language = pick_language(opts.lang, loaded.spec)
    if xlsx and opts.output is not None:
        emit_xlsx(opts.output, explanation_sheets(ex), loaded, result, language=language)
        return
    text = explanation_text(
        ex,
        pick_format(opts.fmt, opts.output),
        round_to=opts.digits,
        excel_safe=opts.excel_safe,
        language=language,
        spec=loaded.spec,
    )
    emit(text, opts.output)
