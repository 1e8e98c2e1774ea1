"""`compare`: two rankings side by side (two specs, two data files or years, or a variant)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cityindex import api
from cityindex.cli.application import app
from cityindex.cli.common import compute_loaded, emit, load, pick_format, pick_language
from cityindex.cli.options import Options, shared
from cityindex.cli.workbook import emit_xlsx, wants_xlsx
from cityindex.render.choices import compare_sides
from cityindex.render.published import comparison_sheets, comparison_text


@app.command(name="compare")
@shared("fmt", "output", "digits", "encoding", "excel_safe", "lang")
def compare_command(
    opts: Options,
    specs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="One or two index definitions (default: the shipped one).", show_default=False
        ),
    ] = None,
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="Data CSV; give it twice to compare two data files."),
    ] = None,
    year: Annotated[
        list[int] | None,
        typer.Option("--year", help="Year of a panel; give it twice to compare two years."),
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override a spec value (dotted path=YAML); with one spec, B is the spec with "
            "these overrides.",
        ),
    ] = None,
    movers: Annotated[int, typer.Option("--movers", help="How many movers to list.", min=0)] = 5,
    summary_only: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="Print the summary instead of the rows: units in common, Spearman, Kendall, "
            "movers, as item,value rows (CSV has no room for it beside the rows).",
        ),
    ] = False,
) -> None:
    """Compare two rankings: ranks and scores side by side, rank correlations, biggest moves.

    CSV columns: unit, rank_a, rank_b, rank_change (positive: climbed in B), score_a, score_b,
    score_change; rows in A's rank order. The summary (Spearman, Kendall, movers) follows the
    table, is in the JSON, and is printed alone, as item,value rows, with --summary.

    Example: cityindex compare --set groups.policy.weight=0.4
    """
    xlsx = wants_xlsx(opts.fmt, opts.output)
    specs_, data_, years = specs or [], data or [], year or []
    (a, label_a), (b, label_b) = [
        (load(s, data=d, year=y, sets=o, encoding=opts.encoding), n)
        for s, d, y, o, n in compare_sides(specs_, data_, years, sets or [])
    ]
    ra = compute_loaded(a, quiet=True)
    rb = compute_loaded(b, quiet=True)
    cmp = api.comparison(ra, rb, label_a=label_a, label_b=label_b, movers=movers)
    language = pick_language(opts.lang, b.spec)
    if xlsx and opts.output is not None:
        emit_xlsx(opts.output, comparison_sheets(cmp), b, rb, language=language)
        return
    text = comparison_text(
        cmp,
        pick_format(opts.fmt, opts.output),
        ra.unit_column,
        round_to=opts.digits,
        excel_safe=opts.excel_safe,
        summary_only=summary_only,
        language=language,
        units={**ra.unit_labels, **rb.unit_labels},
    )
    emit(text, opts.output)
