"""What `uncertainty` and `sensitivity` share: their plan, seed, chunk and memory options, the
set-up (spec, data, plan, nominal result, model) and the progress line."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cityindex.cli.common import compute_loaded, load, warn
from cityindex.errors import UsageError, issue
from cityindex.load.spec_yaml import read_plan_text
from cityindex.model.result import IndexResult

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
    from cityindex.analysis.plan import SpecModel, nominal_for_runs, read_plan

    settings = read_plan(loaded.spec, section, source=str(plan) if plan is not None else None)
    nominal = nominal_for_runs(compute_loaded(loaded))
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
