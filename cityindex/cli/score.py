"""`score`, `validate` and `weights`: the everyday commands."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cityindex.api import Index, score_detail, validate, weights_detail
from cityindex.api.scoring import STAGE_NAMES, check_score_view
from cityindex.api.weight_table import weight_tables
from cityindex.cli.application import app
from cityindex.cli.common import (
    check_choice,
    check_output_encoding,
    compute_loaded,
    emit,
    load,
    pick_format,
    pick_language,
    say,
)
from cityindex.cli.options import INPUT, Options, shared
from cityindex.cli.workbook import emit_xlsx, wants_xlsx
from cityindex.render.detail import DETAIL_HELP, render_detail, score_workbook, weights_workbook
from cityindex.render.formats import render_score, score_columns
from cityindex.render.i18n import headers, tr
from cityindex.render.i18n import title as title_of
from cityindex.render.score import render_stage, render_weights, score_caption

CoverageOpt = Annotated[
    bool,
    typer.Option(
        "--coverage",
        help="Add the data-coverage column to CSV output (tables, Markdown and JSON always "
        "have it).",
    ),
]
StageOpt = Annotated[
    str | None,
    typer.Option(
        "--stage", help="Print one stage instead of the ranking: " + ", ".join(STAGE_NAMES) + "."
    ),
]
DetailOpt = Annotated[
    bool,
    typer.Option("--detail", help="The SPSSAU tables instead: " + "; ".join(DETAIL_HELP) + "."),
]
HeadersOpt = Annotated[
    str,
    typer.Option(
        "--headers",
        help="CSV column names: ids (default, for scripts) or titles (in the --lang "
        "language, for people opening the file in Excel).",
    ),
]


@app.command()
@shared(*INPUT, "fmt", "output", "top", "excel_safe", "lang", "output_encoding", "digits")
def score(
    opts: Options,
    coverage: CoverageOpt = False,
    stage: StageOpt = None,
    header_kind: HeadersOpt = "ids",
    detail: DetailOpt = False,
) -> None:
    """Score and rank every unit, or show one stage of the computation with --stage.

    The ranking is in rank order (--top N: the N best). Columns: rank, unit, score, the group
    scores, tier (when the spec defines tiers) and coverage; CSV leaves coverage out unless
    --coverage asks for it (its columns stay stable for scripts). A --stage table is in
    unit-name order, so --stage normalised --top 3 shows the first three units by name.

    Example: cityindex score --top 5 --set groups.policy.weight=0.3
    """
    check_score_view(stage, detail)
    out_encoding = check_output_encoding(opts.output_encoding)
    check_choice("usage.headers", "header kind", header_kind, ["ids", "titles"], option="--headers")
    xlsx = stage is None and wants_xlsx(opts.fmt, opts.output)
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    result = compute_loaded(loaded)
    spec, output = loaded.spec, opts.output
    language = pick_language(opts.lang, spec)
    columns = score_columns(result, coverage=True)
    labels = headers(columns, language, spec.walk())
    details = score_detail(Index(spec, loaded.table)) if detail else None
    if xlsx and output is not None:
        titled = labels if header_kind == "titles" or language == "zh" else None
        book = score_workbook(result, spec, weight_tables(spec, result), details, language, titled)
        emit_xlsx(output, book[0], loaded, result, language=language, **book[1])
        return
    chosen = pick_format(opts.fmt, output)
    if details is not None:
        text = render_detail(details, chosen, spec=spec, language=language, round_to=opts.digits)
        emit(text, output)
        return
    if stage is not None:
        kw: dict[str, Any] = {
            "top": opts.top,
            "round_to": opts.digits,
            "excel_safe": opts.excel_safe,
        }
        emit(render_stage(spec, result, stage, chosen, language=language, **kw), output)
        return
    n_scored = len(result.units) - len(result.excluded())
    text = render_score(
        result,
        chosen,
        title=tr("t.scored", language, title=title_of(spec.index, language), n=n_scored),
        units=result.unit_labels if language == "zh" else None,
        top=opts.top,
        coverage=coverage,
        caption=score_caption(spec, result, loaded.default, language),
        excel_safe_cells=opts.excel_safe,
        labels=labels,
        csv_labels=header_kind == "titles",
        round_to=opts.digits,
    )
    emit(text, output, encoding=out_encoding)


@app.command(name="validate")
@shared(*INPUT, "lang")
def validate_command(opts: Options) -> None:
    """Check a spec and its data; report every problem with file:line:column and key path.

    Example: cityindex validate indicators/ai-city-2024.yaml
    """
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    compute_loaded(loaded)  # its warnings on stderr
    counts = {str(k): v for k, v in validate(Index(loaded.spec, loaded.table)).items()}
    language = pick_language(opts.lang, loaded.spec)
    say(tr("t.validate_ok", language, id=loaded.spec.index.id, **counts))


@app.command()
@shared(*INPUT, "fmt", "output", "excel_safe", "digits", "lang")
def weights(opts: Options, detail: DetailOpt = False) -> None:
    """Show every weight: within its group, effective (product down the tree), and the weight
    method and parameters that produced it; for AHP also λmax, CI, RI and CR.

    CSV columns: indicator, group, weight, effective_weight, method, params.

    Example: cityindex weights --format csv
    """
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    result, spec = compute_loaded(loaded, quiet=True), loaded.spec
    chosen, language = pick_format(opts.fmt, opts.output), pick_language(opts.lang, spec)
    details = weights_detail(Index(spec, loaded.table)) if detail else None
    tables, out = weight_tables(spec, result), opts.output
    if chosen == "xlsx" and out is not None:
        book = weights_workbook(tables, details, spec, language)
        emit_xlsx(out, book[0], loaded, result, language=language, **book[1])
        return
    kw: dict[str, Any] = {"spec": spec, "language": language, "round_to": opts.digits}
    kw["excel_safe"] = opts.excel_safe
    if details is not None:
        emit(render_detail(details, chosen, **kw), out)
        return
    emit(render_weights(tables, chosen, manifest=result.manifest, **kw), out)
