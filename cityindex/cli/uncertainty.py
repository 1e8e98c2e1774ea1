"""`uncertainty`: rank intervals under the spec's weight and method uncertainty (Monte Carlo)."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex import api
from cityindex.cli.analysis_setup import (
    ChunkOpt,
    MemoryOpt,
    PlanOpt,
    SeedOpt,
    load_with_plan,
    progress_bar,
    warnings_on_stderr,
)
from cityindex.cli.application import app
from cityindex.cli.common import emit, pick_format, pick_language, warn
from cityindex.cli.options import Options, shared
from cityindex.render.choices import parse_memory
from cityindex.render.robustness import uncertainty_shown

NAMES = ("spec", "data", "year", "fmt", "output", "sets", "top", "digits", "encoding")  # help order


@app.command()
@shared(*NAMES, "excel_safe", "lang")
def uncertainty(
    opts: Options,
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
) -> None:
    """Rank intervals under weight and method uncertainty (the spec's `uncertainty:` plan).

    Per unit: nominal rank and score, median and mean rank over the runs, the 5th-95th
    percentile rank interval, P(rank <= K), and score percentiles. Same seed, same output.
    Rows in nominal rank order (--top N: the N best). `rank` is a whole number; median_rank,
    mean_rank and the percentile ranks are statistics of ranks and may fall between two.

    Example: cityindex uncertainty --runs 10000 --seed 1 --top-k 10
    """
    budget = None if memory is None else parse_memory(memory)
    progress = progress_bar("uncertainty")
    loaded, index, section = load_with_plan(opts, plan)
    with warnings_on_stderr():
        frame = api.uncertainty(
            index,
            section,
            runs=runs,
            seed=seed,
            top_k=top_k,
            chunk_size=chunk_size,
            memory=budget,
            progress=progress,
            plan_source=None if plan is None else str(plan),
        )
    for message in frame.attrs["warnings"]:
        warn(message)
    chosen = pick_format(opts.fmt, opts.output)
    language = pick_language(opts.lang, loaded.spec)
    shown = uncertainty_shown(frame, loaded.spec, language, top=opts.top)
    text = shown.render(
        chosen,
        language=language,
        spec=loaded.spec,
        round_to=opts.digits,
        excel_safe=opts.excel_safe,
    )
    emit(text, opts.output)
