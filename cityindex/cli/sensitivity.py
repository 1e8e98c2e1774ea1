"""`sensitivity`: Sobol indices of the plan's uncertain inputs on the index's ranks."""

from __future__ import annotations

import math
from typing import Annotated, Any

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
    say,
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
    YearOpt,
)
from cityindex.errors import UsageError, issue
from cityindex.render.formats import render_rows
from cityindex.render.i18n import title as title_of
from cityindex.render.i18n import tr

COLUMNS = ("first", "first_low", "first_high", "total", "total_low", "total_high")


def empty_note(rows: list[dict[str, Any]], unit_col: str | None) -> str | None:
    """Why indices are blank: a Sobol index is undefined (NaN) when its output never varied,
    i.e. no rank moved in any run. None when every index is defined."""
    blank = [r for r in rows if all(math.isnan(r[c]) for c in COLUMNS)]
    if not blank:
        return None
    hint = "widen the plan's noise or add inputs (alternatives, leave_one_out)"
    if len(blank) == len(rows):
        return f"no rank moved in any run: every Sobol index is undefined; {hint}"
    if unit_col is None:
        names = ", ".join(str(r["input"]) for r in blank)
        return f"indices undefined (blank) for {names}: the output never varied"
    units = list(dict.fromkeys(str(r[unit_col]) for r in blank))
    return (
        f"{len(units)} unit(s) never changed rank in any run, so their indices are undefined "
        f"(blank): {', '.join(units)}"
    )


@app.command()
def sensitivity(
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    sets: SetOpt = None,
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
    digits: DigitsOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    lang: LangOpt = None,
) -> None:
    """First-order and total Sobol indices of each uncertain input (Saltelli design).

    Output: the mean absolute rank shift from nominal (as COINr), with 95 % bootstrap
    intervals; --per-unit gives the indices of every unit's rank. Estimators: Saltelli (2010)
    first order, Jansen (1999) total.

    Example: cityindex sensitivity --runs 100 --seed 1
    """
    if sampler not in ("random", "sobol"):
        raise UsageError(
            [issue("usage.sampler", f"unknown sampler '{sampler}'", expected="random or sobol")]
        )
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
    s = seed if seed is not None else (settings.seed or 0)
    d = len(settings.plan.input_names())
    from cityindex.analysis.uncertainty import sensitivity as analyse

    result = analyse(
        settings.plan,
        model.nominal_weights(),
        model.evaluate,
        nominal.score,
        runs,
        seed=s,
        n_bootstrap=bootstrap,
        per_unit=per_unit,
        chunk_size=setup.chunk_for(runs * (d + 2)),
        progress=progress_bar(runs * (d + 2), "sensitivity"),
        sampler="sobol" if sampler == "sobol" else "random",
    )
    rows: list[dict[str, Any]] = []
    unit_col = nominal.unit_column
    if per_unit and result.per_unit is not None:
        ind = result.per_unit
        columns = [unit_col, "input", *COLUMNS]
        for u, unit in enumerate(nominal.units):
            for i, name in enumerate(result.inputs):
                values = (
                    ind.first[i, u],
                    ind.first_ci[0, i, u],
                    ind.first_ci[1, i, u],
                    ind.total[i, u],
                    ind.total_ci[0, i, u],
                    ind.total_ci[1, i, u],
                )
                row: dict[str, Any] = {unit_col: unit, "input": name}
                row.update({c: float(v) for c, v in zip(COLUMNS, values, strict=True)})
                rows.append(row)
    else:
        ind = result.rank_shift
        columns = ["input", *COLUMNS]
        for i, name in enumerate(result.inputs):
            values = (
                ind.first[i],
                ind.first_ci[0, i],
                ind.first_ci[1, i],
                ind.total[i],
                ind.total_ci[0, i],
                ind.total_ci[1, i],
            )
            row = {"input": name}
            row.update({c: float(v) for c, v in zip(COLUMNS, values, strict=True)})
            rows.append(row)
    note = empty_note(rows, unit_col if per_unit else None)
    if note:
        say("note: " + note)
    chosen = pick_format(fmt, output)
    meta = {
        "base_sample": runs,
        "runs": result.runs,
        "seed": s,
        "bootstrap": bootstrap,
        "sampler": sampler,
        "output": "unit rank" if per_unit else "mean absolute rank shift from nominal",
        "note": note,
    }
    language = pick_language(lang, model.spec)
    rows, labels = localise(rows, columns, chosen, language, model.spec)
    text = render_rows(
        rows,
        columns,
        chosen,
        labels=labels,
        display_digits=dict.fromkeys(COLUMNS, 3),
        round_to=digits,
        excel_safe_cells=excel_safe,
        title=tr(
            "t.sensitivity",
            language,
            title=title_of(model.spec.index, language),
            n=runs,
            runs=result.runs,
        ),
        caption=tr("t.sensitivity_caption", language, output=meta["output"]),
        extra_json={"manifest": nominal.manifest, "sensitivity": meta},
    )
    emit(text, output)
