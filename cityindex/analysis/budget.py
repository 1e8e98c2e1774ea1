"""Memory an analysis keeps: the budget, what runs hold, and replicates per chunk.

Split from `cityindex.analysis.uncertainty`: the figures `uncertainty` and `sensitivity`
count against ``--memory`` before anything is drawn (a job whose kept results exceed it is
refused up front), and the chunk size that keeps the runs' working arrays within the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class UncertaintyPlan(Protocol):
    """What the figures read of an `cityindex.analysis.uncertainty.UncertaintyPlan`."""

    @property
    def alternatives(self) -> Sequence[Any]: ...

    def weight_groups(self) -> list[str]: ...

    def input_names(self) -> list[str]: ...


DEFAULT_MEMORY = 10**9
"""The default memory budget of an analysis in bytes (``--memory`` changes it)."""
BASELINE_BYTES = 250 * 10**6
"""Roughly what the process holds before the runs: Python, numpy, pandas, spec and data."""


def chunk_size_for(
    units: int,
    indicators: int,
    *,
    runs: int = 0,
    budget_bytes: int = DEFAULT_MEMORY,
    copies: int = 8,
    held: int | None = None,
) -> int:
    """Replicates per chunk so the process stays within `budget_bytes`.

    What the runs keep, `held` bytes (default: the ``(runs, units)`` scores and their ranks,
    ranked and summarised in blocks of `BLOCK_BYTES`), is set aside with `BASELINE_BYTES`;
    the rest holds ~`copies` float64 arrays of ``(chunk, units, indicators)`` while a chunk
    is evaluated. At least one replicate, and at least an eighth of the budget for it.
    """
    kept = 2 * 8 * runs * units if held is None else held
    free = max(budget_bytes - BASELINE_BYTES - kept, budget_bytes // 8)
    return max(1, free // max(1, 8 * copies * units * indicators))


def replicate_bytes(plan: UncertaintyPlan, children: Mapping[str, int], runs: int) -> int:
    """Bytes the replicates of `runs` runs hold: one int64 option per method alternative and
    the float64 weights of every group the plan varies (`children`: each group's number of
    children)."""
    varied = sum(children[g] for g in plan.weight_groups())
    return 8 * runs * (len(plan.alternatives) + varied)


def kept_bytes(plan: UncertaintyPlan, children: Mapping[str, int], units: int, runs: int) -> int:
    """Bytes `runs` Monte Carlo runs keep until they are summarised, whatever the chunk size.

    Per run: the float64 scores and ranks of every unit, and its replicate
    (`replicate_bytes`).
    """
    return replicate_bytes(plan, children, runs) + 16 * runs * units


def sensitivity_bytes(
    plan: UncertaintyPlan,
    children: Mapping[str, int],
    units: int,
    n: int,
    *,
    bootstrap: int,
    per_unit: bool,
) -> int:
    """Bytes a Sobol analysis of base sample `n` keeps, whatever the chunk size.

    Its ``n (d + 2)`` runs' replicates (`replicate_bytes`), the design's two ``(n, d)``
    matrices and the ``(n (d + 2), d)`` points drawn from them, and the ``(bootstrap, n)``
    resample indices. Per run, what it keeps of the scores: with `per_unit` every unit's
    score and rank (each unit's rank is an output), else only the mean rank shift (each
    chunk's scores are reduced to it at once). Per output (each unit's rank, else the rank
    shift): a centred copy of every run's value and two bootstrap estimates per input and
    resample.
    """
    d = len(plan.input_names())
    outputs = units if per_unit else 1
    runs = n * (d + 2)
    scores = 2 * units if per_unit else 1
    design = 2 * n * d + runs * d + bootstrap * n
    per_output = runs + 2 * bootstrap * d
    return replicate_bytes(plan, children, runs) + 8 * (
        runs * scores + design + outputs * per_output
    )
