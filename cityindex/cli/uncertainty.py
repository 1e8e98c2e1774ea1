"""`uncertainty`: rank intervals under the spec's weight and method uncertainty (Monte Carlo)."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer

from cityindex.cli import app
from cityindex.cli.common import (
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
    compute_loaded,
    emit,
    load,
    localise,
    pick_format,
    pick_language,
    warn,
)
from cityindex.errors import UsageError, issue
from cityindex.i18n import title as title_of
from cityindex.i18n import tr
from cityindex.output_columns import OUTPUT_COLUMNS
from cityindex.render import render_rows
from cityindex.result import IndexResult
from cityindex.spec_yaml import read_plan_text

if TYPE_CHECKING:
    from cityindex.analysis.plan import PlanSettings, SpecModel

PlanOpt = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        help="YAML file holding the uncertainty plan (the keys of a spec's `uncertainty:`), "
        "used instead of the spec's own.",
    ),
]
SeedOpt = Annotated[
    int | None,
    typer.Option("--seed", help="Random seed (default: the plan's, else 0).", min=0, max=2**63 - 1),
]
ChunkOpt = Annotated[
    int | None,
    typer.Option(
        "--chunk-size",
        min=1,
        help="Replicates per pipeline call (default: sized to the --memory budget). "
        "Results are identical for any chunk size.",
    ),
]


_SIZES = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_SIZES |= {"K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
_SIZES |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def resident_bytes() -> int | None:
    """The process's peak resident memory so far (None where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024  # macOS: bytes


def parse_memory(text: str) -> int:
    """A memory size such as ``512MB``, ``1.5G``, ``800MiB`` or ``2000000000`` in bytes.

    >>> [parse_memory(t) for t in ["512MB", "1.5g", "800 MiB", "2000000000"]]
    [512000000, 1500000000, 838860800, 2000000000]
    """
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]*)?)\s*([A-Za-z]*)\s*", text)
    unit = match.group(2).upper() if match else ""
    if match is None or unit not in _SIZES or float(match.group(1)) * _SIZES[unit] < 64 * 10**6:
        raise UsageError(
            [
                issue(
                    "usage.memory",
                    f"--memory {text!r} is not a memory size of at least 64 MB",
                    expected="a size such as 512MB, 1GB, 1.5G or 800MiB",
                    got=repr(text),
                    hint="the default is 1GB; results are the same for any budget",
                )
            ]
        )
    return int(float(match.group(1)) * _SIZES[unit])


MemoryOpt = Annotated[
    str | None,
    typer.Option(
        "--memory",
        help="Memory budget, e.g. 512MB or 2GB (default 1GB): runs are evaluated in chunks "
        "sized to stay within it. Results are identical for any budget.",
    ),
]


@dataclass(frozen=True)
class Setup:
    """Everything an analysis command needs: spec, data, plan, nominal result, model."""

    settings: PlanSettings
    model: SpecModel
    nominal: IndexResult
    chunk_size: int | None
    memory: int
    """The memory budget in bytes (--memory)."""

    def chunk_for(self, runs: int) -> int:
        """Replicates per chunk: --chunk-size, else sized for `runs` runs within the budget."""
        from cityindex.analysis.uncertainty import chunk_size_for

        units, indicators = len(self.nominal.units), len(self.model.spec.indicators())
        held = resident_bytes()
        if held is not None and held + 16 * runs * units > self.memory:
            warn(
                f"this process already holds {held / 1e6:,.0f} MB (Python, spec and data) and "
                f"the scores and ranks of {runs:,} runs × {units:,} units need "
                f"{16 * runs * units / 1e6:,.0f} MB more, whatever the chunk size: that is over "
                f"the --memory budget of {self.memory / 1e6:,.0f} MB, which the process will "
                "exceed (fewer --runs, or a larger --memory)"
            )
        if self.chunk_size is not None:
            return self.chunk_size
        return chunk_size_for(units, max(1, indicators), runs=runs, budget_bytes=self.memory)


def set_up(
    spec: Path | None,
    *,
    data: Path | None,
    year: int | None,
    sets: list[str] | None,
    plan: Path | None,
    chunk_size: int | None,
    encoding: str | None = None,
    memory: str | None = None,
) -> Setup:
    """Load spec and data, read the plan (spec section or --plan file), compute the nominal."""
    from cityindex.analysis.uncertainty import DEFAULT_MEMORY

    budget = DEFAULT_MEMORY if memory is None else parse_memory(memory)
    extra = list(sets or [])
    if plan is not None:
        text = read_plan_text(plan)
        extra.append(f"uncertainty={text}")
    loaded = load(spec, data=data, year=year, sets=extra, encoding=encoding)
    section = loaded.spec.sections.get("uncertainty")
    if isinstance(section, dict) and set(section) == {"uncertainty"}:
        section = section["uncertainty"]  # a --plan file written with the top-level key
    from cityindex.analysis.plan import SpecModel, read_plan

    settings = read_plan(loaded.spec, section, source=str(plan) if plan is not None else None)
    # The analyses read the nominal scores and ranks only: its stage tables (units ×
    # indicators each) are let go, so the runs have that memory.
    nominal = replace(compute_loaded(loaded), stages={})
    model = SpecModel(loaded.spec, loaded.table, settings.plan)
    return Setup(settings, model, nominal, chunk_size, budget)


def progress_bar(total: int, label: str) -> Callable[[int], None] | None:
    """A plain progress line on stderr for long runs on a terminal (None otherwise)."""
    if not sys.stderr.isatty() or total < 2000:
        return None
    done = [0]
    start = time.perf_counter()

    def step(n: int) -> None:
        done[0] += n
        elapsed = time.perf_counter() - start
        sys.stderr.write(f"\r{label}: {done[0]:,}/{total:,} runs ({elapsed:.1f} s)")
        if done[0] >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return step


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
