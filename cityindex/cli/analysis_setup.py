"""What `uncertainty` and `sensitivity` share: their plan, seed, chunk and memory options, the
spec and plan they load, the progress line, and their warnings on stderr as they arise."""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from cityindex.api import Index
from cityindex.api.robustness import AnalysisWarning, MemoryBudgetWarning
from cityindex.cli.common import Loaded, load, warn
from cityindex.cli.options import Options
from cityindex.load.spec_yaml import read_plan_text
from cityindex.render.robustness import memory_warning

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
MemoryOpt = Annotated[
    str | None,
    typer.Option(
        "--memory",
        help="Memory budget, e.g. 512MB or 2GB (default 1GB): runs are evaluated in chunks "
        "sized to stay within it. Results are identical for any budget.",
    ),
]


def load_with_plan(opts: Options, plan: Path | None) -> tuple[Loaded, Index, Any]:
    """Spec and data (the --plan file read as an override of `uncertainty:`), as an `Index`,
    and the plan section (unwrapped when the file has the top-level key)."""
    extra = list(opts.sets or [])
    if plan is not None:
        extra.append(f"uncertainty={read_plan_text(plan)}")
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=extra, encoding=opts.encoding)
    section = loaded.spec.sections.get("uncertainty")
    if isinstance(section, dict) and set(section) == {"uncertainty"}:
        section = section["uncertainty"]  # a --plan file written with the top-level key
    return loaded, Index(loaded.spec, loaded.table), section


@contextmanager
def warnings_on_stderr() -> Iterator[None]:
    """An analysis's warnings on stderr as they arise (the memory one in the options' words)."""

    def show(message: Warning | str, *args: Any, **kwargs: Any) -> None:
        if isinstance(message, MemoryBudgetWarning):
            warn(memory_warning(message))
        elif isinstance(message, AnalysisWarning):
            warn(str(message))
        else:
            shown(message, *args, **kwargs)

    with warnings.catch_warnings():
        shown = warnings.showwarning
        warnings.simplefilter("always", AnalysisWarning)
        warnings.showwarning = show
        yield


def progress_bar(label: str) -> Callable[[int, int], None] | None:
    """A plain progress line on stderr for long runs (2,000 or more) on a terminal."""
    if not sys.stderr.isatty():
        return None
    done = [0]
    start = time.perf_counter()

    def step(n: int, total: int) -> None:
        if total < 2000:
            return
        done[0] += n
        elapsed = time.perf_counter() - start
        sys.stderr.write(f"\r{label}: {done[0]:,}/{total:,} runs ({elapsed:.1f} s)")
        if done[0] >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return step
