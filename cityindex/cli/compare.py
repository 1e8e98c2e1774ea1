"""`compare`: two rankings side by side (two specs, two data files or years, or a variant)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from cityindex.analysis.compare import Comparison, compare
from cityindex.cli.application import app
from cityindex.cli.common import (
    Loaded,
    compute_loaded,
    emit,
    load,
    localise,
    pick_format,
    pick_language,
)
from cityindex.cli.options import (
    DigitsOpt,
    EncodingOpt,
    ExcelSafeOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
)
from cityindex.cli.workbook import emit_xlsx, wants_xlsx
from cityindex.errors import UsageError, issue
from cityindex.render.formats import render_rows, round_floats
from cityindex.render.i18n import Language, tr

COLUMNS = ["rank_a", "rank_b", "rank_change", "score_a", "score_b", "score_change"]


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
    specs: list[Path],
    data: list[Path],
    years: list[int],
    sets: list[str],
    encoding: str | None = None,
) -> tuple[tuple[Loaded, str], tuple[Loaded, str]]:
    """Load A and B from the command line's arguments, with a label for each."""
    if len(specs) > 2 or len(data) > 2 or len(years) > 2:
        raise _usage("compare takes at most two specs, two --data and two --year")
    one_data = data[0] if len(data) == 1 else None
    one_year = years[0] if len(years) == 1 else None
    if len(specs) == 2:
        if len(data) == 2 or len(years) == 2:
            raise _usage("with two specs, give at most one --data and one --year (for both)")
        a = load(specs[0], data=one_data, year=one_year, sets=sets, encoding=encoding)
        b = load(specs[1], data=one_data, year=one_year, sets=sets, encoding=encoding)
        return (a, specs[0].name), (b, specs[1].name)
    spec = specs[0] if specs else None
    if len(data) == 2:
        if len(years) == 2:
            raise _usage("give two --data or two --year, not both")
        a = load(spec, data=data[0], year=one_year, sets=sets, encoding=encoding)
        b = load(spec, data=data[1], year=one_year, sets=sets, encoding=encoding)
        return (a, data[0].name), (b, data[1].name)
    if len(years) == 2:
        a = load(spec, data=one_data, year=years[0], sets=sets, encoding=encoding)
        b = load(spec, data=one_data, year=years[1], sets=sets, encoding=encoding)
        return (a, str(years[0])), (b, str(years[1]))
    if sets:
        a = load(spec, data=one_data, year=one_year, encoding=encoding)
        b = load(spec, data=one_data, year=one_year, sets=sets, encoding=encoding)
        return (a, "as written"), (b, "with " + " ".join(f"--set {s}" for s in sets))
    raise _usage("nothing to compare")


def summary_rows(cmp: Comparison) -> list[dict[str, Any]]:
    """The comparison's summary as item/value rows: labels, units in common, Spearman's rho,
    Kendall's tau-b, one row per mover (``rank_a→rank_b (change)``), units ranked in one only."""
    rows: list[dict[str, Any]] = [
        {"item": "label_a", "value": cmp.label_a},
        {"item": "label_b", "value": cmp.label_b},
        {"item": "common", "value": cmp.common},
        {"item": "spearman", "value": cmp.spearman},
        {"item": "kendall", "value": cmp.kendall},
    ]
    rows += [
        {
            "item": f"mover {m['unit']}",
            "value": f"{m['rank_a']}→{m['rank_b']} ({m['rank_change']:+d})",
        }
        for m in cmp.movers
    ]
    rows += [{"item": "only_a", "value": u} for u in cmp.only_a]
    rows += [{"item": "only_b", "value": u} for u in cmp.only_b]
    return rows


def comparison_text(
    cmp: Comparison,
    fmt: str,
    unit_column: str,
    *,
    round_to: int | None = None,
    excel_safe: bool = False,
    summary_only: bool = False,
    language: Language = "en",
) -> str:
    """The comparison in `fmt`: the side-by-side rows; tables add correlations and movers.
    With `summary_only`, the summary (correlations, movers) as item/value rows instead."""
    if summary_only:
        return render_rows(
            summary_rows(cmp),
            ["item", "value"],
            fmt,
            display_digits={"value": 4},
            round_to=round_to,
            title=tr("t.compare", language, a=cmp.label_a, b=cmp.label_b),
            excel_safe_cells=excel_safe,
            labels=localise([], ["item", "value"], fmt, language)[1],
        )
    rows = [{unit_column: r["unit"], **r} for r in cmp.rows]
    columns = [unit_column, *COLUMNS]
    if fmt == "json":
        summary: dict[str, Any] = {k: v for k, v in asdict(cmp).items() if k != "rows"}
        if round_to is not None:
            summary = round_floats(summary, round_to)
        return render_rows(rows, columns, "json", extra_json=summary, round_to=round_to)
    display: dict[str, int | None] = {"score_a": 4, "score_b": 4, "score_change": 4}
    title = tr("t.compare", language, a=cmp.label_a, b=cmp.label_b)
    text = render_rows(
        rows,
        columns,
        fmt,
        display_digits=display,
        title=title,
        round_to=round_to,
        excel_safe_cells=excel_safe,
        labels=localise([], columns, fmt, language)[1],
    )
    if fmt == "csv":
        return text
    moved = ", ".join(
        f"{m['unit']} {m['rank_a']}→{m['rank_b']} ({m['rank_change']:+d})" for m in cmp.movers
    )
    lines = [
        "",
        tr("t.cmp_common", language, n=cmp.common),
        tr("t.cmp_corr", language, rho=cmp.spearman, tau=cmp.kendall),
        tr("t.cmp_moved", language, moved=moved or tr("t.cmp_nobody", language)),
    ]
    if cmp.only_a:
        lines.append(tr("t.cmp_only_a", language, units=", ".join(cmp.only_a)))
    if cmp.only_b:
        lines.append(tr("t.cmp_only_b", language, units=", ".join(cmp.only_b)))
    if cmp.unranked:
        units = ", ".join(cmp.unranked)
        lines.append(tr("t.cmp_neither", language, n=len(cmp.unranked), units=units))
    return text + "\n".join(lines) + "\n"


@app.command(name="compare")
def compare_command(
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
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    movers: Annotated[int, typer.Option("--movers", help="How many movers to list.", min=0)] = 5,
    digits: DigitsOpt = None,
    summary_only: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="Print the summary instead of the rows: units in common, Spearman, Kendall, "
            "movers, as item,value rows (CSV has no room for it beside the rows).",
        ),
    ] = False,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    lang: LangOpt = None,
) -> None:
    """Compare two rankings: ranks and scores side by side, rank correlations, biggest moves.

    CSV columns: unit, rank_a, rank_b, rank_change (positive: climbed in B), score_a, score_b,
    score_change; rows in A's rank order. The summary (Spearman, Kendall, movers) follows the
    table, is in the JSON, and is printed alone, as item,value rows, with --summary.

    Example: cityindex compare --set groups.policy.weight=0.4
    """
    xlsx = wants_xlsx(fmt, output)
    (a, label_a), (b, label_b) = _pair(specs or [], data or [], year or [], sets or [], encoding)
    ra = compute_loaded(a, quiet=True)
    rb = compute_loaded(b, quiet=True)
    cmp = compare(ra, rb, label_a=label_a, label_b=label_b, movers=movers)
    language = pick_language(lang, b.spec)
    if xlsx and output is not None:
        summary = {k: v for k, v in asdict(cmp).items() if k != "rows"}
        sheets = {
            "comparison": (["unit", *COLUMNS], cmp.rows),
            "summary": (["item", "value"], [{"item": k, "value": v} for k, v in summary.items()]),
        }
        emit_xlsx(output, sheets, b, rb, language=language)
        return
    text = comparison_text(
        cmp,
        pick_format(fmt, output),
        ra.unit_column,
        round_to=digits,
        excel_safe=excel_safe,
        summary_only=summary_only,
        language=language,
    )
    emit(text, output)
