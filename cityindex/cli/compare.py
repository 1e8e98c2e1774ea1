"""`compare`: two rankings side by side (two specs, two data files or years, or a variant)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cityindex import api
from cityindex.cli.application import app
from cityindex.cli.common import (
    Loaded,
    compute_loaded,
    emit,
    load,
    pick_format,
    pick_language,
)
from cityindex.cli.options import Options, shared
from cityindex.cli.workbook import emit_xlsx, wants_xlsx
from cityindex.errors import UsageError, issue
from cityindex.render.published import comparison_sheets, comparison_text


def _usage(message: str) -> UsageError:
    return UsageError(
        [
            issue(
                "usage.compare",
                message,
                expected="two specs; or one spec with two --data or two --year; or one spec "
                "and --set",
                hint="e.g. cityindex compare a.yaml b.yaml, or cityindex compare --set "
                "groups.policy.weight=0.3",
            )
        ]
    )


def _pair(
    specs: list[Path], data: list[Path], years: list[int], sets: list[str], encoding: str | None
) -> list[tuple[Loaded, str]]:
    """Load A and B from the command line's arguments, with a label for each."""
    if len(specs) > 2 or len(data) > 2 or len(years) > 2:
        raise _usage("compare takes at most two specs, two --data and two --year")
    one_data = data[0] if len(data) == 1 else None
    one_year = years[0] if len(years) == 1 else None
    spec = specs[0] if specs else None
    pair: list[tuple[Path | None, Path | None, int | None, list[str], str]]
    if len(specs) == 2:
        if len(data) == 2 or len(years) == 2:
            raise _usage("with two specs, give at most one --data and one --year (for both)")
        pair = [(s, one_data, one_year, sets, s.name) for s in specs]
    elif len(data) == 2:
        if len(years) == 2:
            raise _usage("give two --data or two --year, not both")
        pair = [(spec, d, one_year, sets, d.name) for d in data]
    elif len(years) == 2:
        pair = [(spec, one_data, y, sets, str(y)) for y in years]
    elif sets:
        with_sets = "with " + " ".join(f"--set {s}" for s in sets)
        pair = [(spec, one_data, one_year, [], "as written")]
        pair.append((spec, one_data, one_year, sets, with_sets))
    else:
        raise _usage("nothing to compare")
    return [(load(s, data=d, year=y, sets=o, encoding=encoding), n) for s, d, y, o, n in pair]


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
    (a, label_a), (b, label_b) = _pair(specs_, data_, years, sets or [], opts.encoding)
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
    )
    emit(text, opts.output)
