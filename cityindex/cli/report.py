"""`report`: one self-contained HTML page with tables, charts, method, audit and sources."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cityindex.cli.application import app
from cityindex.cli.charts_common import TopN, local_names
from cityindex.cli.common import (
    Loaded,
    compute_loaded,
    emit,
    load,
    pick_language,
)
from cityindex.cli.options import (
    DataOpt,
    EncodingOpt,
    LangOpt,
    SetOpt,
    SpecArg,
    YearOpt,
)
from cityindex.model.result import IndexResult
from cityindex.render.i18n import Language, tr

if TYPE_CHECKING:
    pass

# The report machinery (matplotlib charts, audit, uncertainty) is imported inside the commands
# that use it: every other command's start-up stays free of it.


def uncertainty_rows(
    loaded: Loaded, result: IndexResult, *, runs: int | None, lang: Language = "en"
) -> tuple[list[dict[str, Any]], str] | None:
    """Rank intervals from the spec's `uncertainty:` plan (None when it has none)."""
    section = loaded.spec.sections.get("uncertainty")
    if not section:
        return None
    from cityindex.analysis.plan import SpecModel, read_plan
    from cityindex.analysis.uncertainty import (
        chunk_size_for,
        draw_monte_carlo,
        run_replicates,
        summarise,
    )

    settings = read_plan(loaded.spec, section)
    model = SpecModel(loaded.spec, loaded.table, settings.plan)
    n = runs or settings.runs or 1000
    seed = settings.seed or 0
    k = settings.top_k or 10
    reps = draw_monte_carlo(settings.plan, model.nominal_weights(), n, seed=seed)
    size = chunk_size_for(len(loaded.table.units), max(1, len(loaded.spec.indicators())))
    scores = run_replicates(model.evaluate, reps, chunk_size=size)
    summary = summarise(scores, result.score, top_k=k, quantile_levels=(0.05, 0.5, 0.95))
    rows = [
        {
            "rank": int(result.rank[i]),
            result.unit_column: unit,
            "score": result.score[i],
            "median_rank": summary.median_rank[i],
            "rank_p05": summary.rank_low[i],
            "rank_p95": summary.rank_high[i],
            "p_top_k": summary.top_k_probability[i],
        }
        for i, unit in enumerate(result.units)
        if result.included[i]
    ]
    rows.sort(key=lambda r: float(r["rank"]))
    inputs = ", ".join(settings.plan.input_names())
    note = tr("n.uncertainty", lang, runs=f"{n:,}", seed=seed, k=k, inputs=inputs)
    return rows, note


@app.command(name="report")
def report_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")],
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    sets: SetOpt = None,
    encoding: EncodingOpt = None,
    top: TopN = 5,
    runs: Annotated[
        int | None,
        typer.Option("--runs", min=1, help="Uncertainty runs when the spec has a plan."),
    ] = None,
    lang: LangOpt = None,
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
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    result = compute_loaded(loaded, quiet=True)
    language = pick_language(lang, loaded.spec)
    from cityindex.analysis.audit import audit
    from cityindex.analysis.importance import importance
    from cityindex.render.report import build_report, load_sources

    other = None
    if compare is not None:
        other_loaded = load(
            compare, data=data or loaded.spec.index.data, year=year, encoding=encoding
        )
        name = other_loaded.spec.index.title or compare.stem
        other = (name, compute_loaded(other_loaded, quiet=True))
    page = build_report(
        loaded.spec,
        result,
        audit(loaded.spec, result),
        sources=load_sources(loaded.table.file),
        local_names=local_names(loaded),
        top=top,
        uncertainty=uncertainty_rows(loaded, result, runs=runs, lang=language),
        table=loaded.table,
        lang=language,
        compare=other,
        importance=importance(loaded.spec, result),
    )
    emit(page, output)
