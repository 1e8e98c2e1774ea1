"""`uncertainty`: rank intervals under the spec's weight and method uncertainty (Monte Carlo)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer

from cityindex.cli.analysis_setup import (
    ChunkOpt,
    MemoryOpt,
    PlanOpt,
    SeedOpt,
    progress_bar,
    set_up,
)
from cityindex.cli.application import app
from cityindex.cli.common import (
    emit,
    localise,
    pick_format,
    pick_language,
    warn,
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
    TopOpt,
    YearOpt,
)
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.render.formats import render_rows
from cityindex.render.i18n import title as title_of
from cityindex.render.i18n import tr

if TYPE_CHECKING:
    pass

COLUMNS = OUTPUT_COLUMNS["uncertainty"]


@app.command()
def uncertainty(
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    sets: SetOpt = None,
    top: TopOpt = None,
    runs: Annotated[
        int | None,
        typer.Option("--runs", min=1, help="Monte Carlo runs (default: the plan's, else 1000)."),
    ] = None,
    seed: SeedOpt = None,
    top_k: Annotated[
        int | None,
        typer.Option("--top-k", min=1, help="Report P(rank <= K) (default: the plan's, else 10)."),
    ] = None,
    plan: PlanOpt = None,
    chunk_size: ChunkOpt = None,
    memory: MemoryOpt = None,
    digits: DigitsOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    lang: LangOpt = None,
) -> None:
    """Rank intervals under weight and method uncertainty (the spec's `uncertainty:` plan).

    Per unit: nominal rank and score, median and mean rank over the runs, the 5th-95th
    percentile rank interval, P(rank <= K), and score percentiles. Same seed, same output.
    Rows in nominal rank order (--top N: the N best). `rank` is a whole number; median_rank,
    mean_rank and the percentile ranks are statistics of ranks and may fall between two.

    Example: cityindex uncertainty --runs 10000 --seed 1 --top-k 10
    """
    setup = set_up(
        spec,
        data=data,
        year=year,
        sets=sets,
        plan=plan,
        chunk_size=chunk_size,
        encoding=encoding,
        memory=memory,
    )
    settings, model, nominal = setup.settings, setup.model, setup.nominal
    n = runs or settings.runs or 1000
    s = seed if seed is not None else (settings.seed or 0)
    k = top_k or settings.top_k or 10
    from cityindex.analysis.uncertainty import draw_monte_carlo, run_replicates, summarise

    reps = draw_monte_carlo(settings.plan, model.nominal_weights(), n, seed=s)
    scores = run_replicates(
        model.evaluate,
        reps,
        chunk_size=setup.chunk_for(n),
        progress=progress_bar(n, "uncertainty"),
    )
    summary = summarise(scores, nominal.score, top_k=k, quantile_levels=(0.05, 0.5, 0.95))
    if mixed := settings.plan.mixed_scales():
        warn(
            f"score percentiles pool runs normalised or scaled differently ({', '.join(mixed)}), "
            "so they mix scales; compare the rank columns across runs, not the scores"
        )
    unit_col = nominal.unit_column
    rows: list[dict[str, Any]] = []
    for i, unit in enumerate(nominal.units):
        values = (
            nominal.rank[i],
            nominal.score[i],
            summary.median_rank[i],
            summary.mean_rank[i],
            summary.rank_low[i],
            summary.rank_high[i],
            summary.top_k_probability[i],
            *summary.score_quantiles[:, i],
        )
        row: dict[str, Any] = {unit_col: unit}
        row.update({c: float(v) for c, v in zip(COLUMNS, values, strict=True)})
        row["rank"] = None if np.isnan(row["rank"]) else int(row["rank"])  # excluded: blank
        rows.append(row)
    order = np.lexsort((np.arange(len(rows)), np.nan_to_num(nominal.rank, nan=np.inf)))
    rows = [rows[i] for i in order][:top]
    columns = ["rank", unit_col, *COLUMNS[1:]]
    chosen = pick_format(fmt, output)
    score_digits = nominal.digits if nominal.digits is not None else None
    fixed: dict[str, int | None] = {"score": nominal.digits}
    fixed.update(dict.fromkeys(("score_p05", "score_p50", "score_p95"), score_digits))
    display: dict[str, int | None] = {"mean_rank": 2, "p_top_k": 3}
    if score_digits is None:
        display.update(dict.fromkeys(("score_p05", "score_p50", "score_p95"), 4))
    inputs = settings.plan.input_names()
    meta = {
        "runs": n,
        "seed": s,
        "top_k": k,
        "inputs": inputs,
    }
    language = pick_language(lang, model.spec)
    rows, labels = localise(rows, columns, chosen, language, model.spec)
    text = render_rows(
        rows,
        columns,
        chosen,
        labels=labels,
        digits=fixed,
        display_digits=display,
        round_to=digits,
        excel_safe_cells=excel_safe,
        title=tr(
            "t.uncertainty", language, title=title_of(model.spec.index, language), n=n, seed=s
        ),
        caption=tr("t.uncertainty_caption", language, k=k, inputs=", ".join(inputs)),
        extra_json={"manifest": nominal.manifest, "uncertainty": meta},
    )
    emit(text, output)
