"""`sensitivity`: Sobol indices of the plan's uncertain inputs on the index's ranks."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex import api
from cityindex.api.robustness import check_sampler
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
from cityindex.cli.common import emit, pick_format, pick_language, say
from cityindex.cli.options import Options, shared
from cityindex.render.choices import parse_memory
from cityindex.render.robustness import sensitivity_note, sensitivity_shown


@app.command()
@shared("spec", "data", "year", "fmt", "output", "sets", "digits", "encoding", "excel_safe", "lang")
def sensitivity(
    opts: Options,
    runs: Annotated[
        int,
        typer.Option(
            "--runs",
            min=2,
            help="Base sample size N of the Saltelli design; N (d + 2) runs for d inputs.",
        ),
    ] = 100,
    seed: SeedOpt = None,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", min=10, help="Bootstrap resamples for the intervals.")
    ] = 1000,
    per_unit: Annotated[
        bool,
        typer.Option("--per-unit", help="Indices of each unit's rank instead of the rank shift."),
    ] = False,
    plan: PlanOpt = None,
    chunk_size: ChunkOpt = None,
    memory: MemoryOpt = None,
    sampler: Annotated[
        str,
        typer.Option(
            "--sampler",
            help="random (seeded uniforms, as COINr) or sobol (scrambled Sobol' sequence).",
        ),
    ] = "random",
) -> None:
    """First-order and total Sobol indices of each uncertain input (Saltelli design).

    Output: the mean absolute rank shift from nominal (as COINr), with 95 % bootstrap
    intervals; --per-unit gives the indices of every unit's rank. Estimators: Saltelli (2010)
    first order, Jansen (1999) total.

    Example: cityindex sensitivity --runs 100 --seed 1
    """
    chosen_sampler = check_sampler(sampler)
    budget = None if memory is None else parse_memory(memory)
    progress = progress_bar("sensitivity")
    loaded, index, section = load_with_plan(opts, plan)
    with warnings_on_stderr():
        frame = api.sensitivity(
            index,
            section,
            runs=runs,
            seed=seed,
            bootstrap=bootstrap,
            per_unit=per_unit,
            sampler=chosen_sampler,
            chunk_size=chunk_size,
            memory=budget,
            progress=progress,
            plan_source=None if plan is None else str(plan),
        )
    note = sensitivity_note(frame)
    if note:
        say("note: " + note)
    chosen = pick_format(opts.fmt, opts.output)
    language = pick_language(opts.lang, loaded.spec)
    shown = sensitivity_shown(frame, loaded.spec, language, sampler=sampler)
    text = shown.render(
        chosen,
        language=language,
        spec=loaded.spec,
        round_to=opts.digits,
        excel_safe=opts.excel_safe,
    )
    emit(text, opts.output)
