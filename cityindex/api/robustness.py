"""`uncertainty` and `sensitivity`: rank intervals and Sobol indices under a plan.

Both set up the same way (`_set_up`: the plan read from the spec or given, the nominal result,
the spec-backed model the runs score) and size their chunks of runs to a memory budget
(`_Setup.chunk_size`). The nominal result's warnings and a budget the runs cannot keep go
through Python's `warnings` as `AnalysisWarning`s when they arise (the command line shows them
on stderr as they come); what qualifies the frame itself is in its ``attrs["warnings"]``.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from cityindex.api.frames import int_ranks, labelled_frame, rank_order
from cityindex.api.index import DataLike, Index, SpecLike, as_index
from cityindex.errors import SpecError, UsageError, did_you_mean, issue
from cityindex.model.result import IndexResult

if TYPE_CHECKING:
    from cityindex.analysis.plan import PlanSettings, SpecModel

Progress = Callable[[int, int], None]
"""Called after each chunk with the number of runs just done and the number of all runs."""


class AnalysisWarning(UserWarning):
    """A warning of an uncertainty or sensitivity analysis (its message says what to do)."""


class MemoryBudgetWarning(AnalysisWarning):
    """The runs' scores and ranks alone take the process past its memory budget, whatever
    the chunk size: fewer runs or a larger budget."""

    def __init__(
        self, held: int, runs: int, units: int, budget: int, needed: int | None = None
    ) -> None:
        self.held, self.runs, self.units, self.budget = held, runs, units, budget
        self.needed = 16 * runs * units if needed is None else needed
        """Bytes the runs' results need (default: two float64 per run and unit)."""
        super().__init__(
            f"the process holds {held / 1e6:,.0f} MB and {runs:,} runs × {units:,} units need "
            f"{self.needed / 1e6:,.0f} MB more: over the memory budget of {budget / 1e6:,.0f} MB"
        )


def resident_bytes() -> int | None:
    """The process's peak resident memory so far (None where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024  # macOS: bytes


@dataclass(frozen=True)
class _Setup:
    settings: PlanSettings
    model: SpecModel
    nominal: IndexResult

    def refuse_over_budget(
        self,
        what: str,
        needed: Callable[[int], int],
        runs: int,
        memory: int | None,
        least: int = 1,
    ) -> None:
        """A `UsageError` before anything is drawn when the results of `runs` (`what`: the
        analysis and its runs, in words) keep `needed(runs)` bytes (linear in `runs`), more
        than the memory budget: the bytes, the budget and the most runs it holds (or, when
        it cannot hold `least` runs, the budget that would)."""
        from cityindex.analysis.uncertainty import DEFAULT_MEMORY

        budget = DEFAULT_MEMORY if memory is None else memory
        held = needed(runs)
        if held <= budget:
            return
        fixed, each = needed(0), needed(1) - needed(0)
        most = max(0, (budget - fixed) // max(1, each))
        fits = f"runs (--runs) at most {most:,} within {_size(budget)}"
        if most < least:  # the part that does not grow with the runs is too much already
            fits = f"a budget above {_size(needed(least))}, what {least:,} runs keep"
        units = len(self.nominal.units)
        raise UsageError(
            [
                issue(
                    "usage.memory.runs",
                    f"{what} of {units:,} units keep {_size(held)} ({held:,} bytes) of "
                    f"results, over the memory budget of {_size(budget)} ({budget:,} bytes)",
                    expected=fits,
                    got=f"runs={runs:,}",
                    hint="raise --memory (memory=) or lower --runs (runs=); the results are "
                    "the same for any budget that holds them",
                )
            ]
        )

    def chunk_size(
        self, runs: int, chunk_size: int | None, memory: int | None, kept: int | None = None
    ) -> int:
        """Replicates per chunk: `chunk_size`, else sized for `runs` runs keeping `kept` bytes
        (default: their scores and ranks) within `memory` bytes; a `MemoryBudgetWarning` when
        the runs' results alone exceed the budget."""
        from cityindex.analysis.uncertainty import DEFAULT_MEMORY, chunk_size_for

        budget = DEFAULT_MEMORY if memory is None else memory
        units, indicators = len(self.nominal.units), len(self.model.spec.indicators())
        held = resident_bytes()
        kept = 16 * runs * units if kept is None else kept
        if held is not None and held + kept > budget:
            warnings.warn(MemoryBudgetWarning(held, runs, units, budget, kept), stacklevel=3)
        if chunk_size is not None:
            return chunk_size
        return chunk_size_for(units, max(1, indicators), budget_bytes=budget, held=kept)


def _size(n: int) -> str:
    """Bytes as a reader reads them (decimal units, as `--memory 1GB` means 10**9)."""
    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


WHOLE_NUMBERS = {
    "runs": (1, None),
    "seed": (0, 2**63 - 1),
    "top_k": (1, None),
    "bootstrap": (1, None),
    "chunk_size": (1, None),
    "memory": (1, None),
}
"""The whole-number arguments of `uncertainty` and `sensitivity` and the values each takes."""


def _check_whole(lowest: Mapping[str, int] | None = None, **values: Any) -> None:
    """A `UsageError` naming every argument of `values` (None: its default) that is not a
    whole number in its `WHOLE_NUMBERS` range (`lowest` raises a minimum)."""
    problems = []
    for name, value in values.items():
        low, high = WHOLE_NUMBERS[name]
        low = max(low, (lowest or {}).get(name, low))
        if value is None:
            continue
        whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
        if whole and low <= value and (high is None or value <= high):
            continue
        span = f"from {low:,} to {high:,}" if high is not None else f"of at least {low:,}"
        problems.append(
            issue(
                f"usage.{name.replace('_', '-')}",
                f"{name}={value!r}: {name} must be a whole number {span}",
                expected=f"a whole number {span}",
                got=repr(value)[:40],
                hint="on the command line: --" + name.replace("_", "-"),
            )
        )
    if problems:
        raise UsageError(problems)


def _set_up(index: Index, plan: Any, *, source: str | None, nominal: IndexResult | None) -> _Setup:
    """The plan's settings (`plan`, else the spec's ``uncertainty:``), the model its runs
    score, and the nominal result (`nominal` when given, else computed: its warnings warn)."""
    from cityindex.analysis.plan import SpecModel, nominal_for_runs, read_plan

    section = dict(plan) if isinstance(plan, Mapping) else plan
    settings = read_plan(index.spec, section, source=source)
    table = index.table()  # read once, for the nominal result and the model
    if nominal is None:
        nominal = index.with_data(table).compute()
        for message in nominal.warnings:
            if message not in index.spec.warnings:
                warnings.warn(AnalysisWarning(message), stacklevel=3)
    return _Setup(settings, SpecModel(index.spec, table, settings.plan), nominal_for_runs(nominal))


def uncertainty(
    index: SpecLike | Index | None = None,
    plan: Mapping[str, Any] | None = None,
    *,
    data: DataLike = None,
    runs: int | None = None,
    seed: int | None = None,
    top_k: int | None = None,
    nominal: IndexResult | None = None,
    chunk_size: int | None = None,
    memory: int | None = None,
    progress: Progress | None = None,
    plan_source: str | None = None,
) -> pd.DataFrame:
    """Rank intervals under the plan's weight and method uncertainty (Monte Carlo).

    `plan` has the keys of a spec's ``uncertainty:`` section (default: the spec's own;
    `plan_source` names its file in error messages); `runs`, `seed` and `top_k` default to the
    plan's, else 1000, 0 and 10. Runs are scored `chunk_size` at a time (default: as many as fit
    in `memory` bytes, 1 GB; the results are the same for any chunk). `nominal` is the index's
    result when already computed. Indexed by unit (nominal rank order): ``rank``, ``score``
    (nominal), ``median_rank``, ``mean_rank``, ``rank_p05``, ``rank_p95``, ``p_top_k`` =
    P(rank ≤ K), ``score_p05``, ``score_p50``, ``score_p95`` (score percentiles pooled over
    every run: with alternative normalisations they mix scales, and ``attrs["warnings"]`` says
    so). Same seed, same frame. ``attrs``: runs, seed, top_k, inputs, digits (of the nominal
    scores), manifest, warnings.
    """
    from cityindex.analysis.uncertainty import (
        draw_monte_carlo,
        kept_bytes,
        run_replicates,
        summarise,
    )

    _check_whole(runs=runs, seed=seed, top_k=top_k, chunk_size=chunk_size, memory=memory)
    idx = as_index(index, data)
    setup = _set_up(idx, plan, source=plan_source, nominal=nominal)
    settings, model, result = setup.settings, setup.model, setup.nominal
    n = runs if runs is not None else settings.runs or 1000
    s = seed if seed is not None else (settings.seed or 0)
    k = top_k if top_k is not None else settings.top_k or 10
    weights = model.nominal_weights()
    sizes = {g: len(w) for g, w in weights.items()}
    units = len(result.units)
    setup.refuse_over_budget(
        f"uncertainty: {n:,} runs", lambda r: kept_bytes(settings.plan, sizes, units, r), n, memory
    )
    reps = draw_monte_carlo(settings.plan, weights, n, seed=s)
    size = setup.chunk_size(n, chunk_size, memory)
    scores = run_replicates(model.evaluate, reps, chunk_size=size, progress=_each(progress, n))
    summary = summarise(scores, result.score, top_k=k, quantile_levels=(0.05, 0.5, 0.95))
    notes = []
    if mixed := settings.plan.mixed_scales():
        notes.append(
            f"score percentiles pool runs normalised or scaled differently ({', '.join(mixed)}), "
            "so they mix scales; compare the rank columns across runs, not the scores"
        )
    columns: dict[str, Any] = {
        "rank": int_ranks(result.rank),
        "score": result.score,
        "median_rank": summary.median_rank,
        "mean_rank": summary.mean_rank,
        "rank_p05": summary.rank_low,
        "rank_p95": summary.rank_high,
        "p_top_k": summary.top_k_probability,
        "score_p05": summary.score_quantiles[0],
        "score_p50": summary.score_quantiles[1],
        "score_p95": summary.score_quantiles[2],
    }
    frame = labelled_frame(columns, result.units, result.unit_column).iloc[rank_order(result)]
    frame.attrs = {
        "runs": n,
        "seed": s,
        "top_k": k,
        "inputs": settings.plan.input_names(),
        "digits": result.digits,
        "manifest": dict(result.manifest),
        "warnings": notes,
        "unit_labels": dict(result.unit_labels),
    }
    return frame


SOBOL_COLUMNS = ("first", "first_low", "first_high", "total", "total_low", "total_high")
SAMPLERS = ("random", "sobol")


def check_sampler(sampler: Any) -> Literal["random", "sobol"]:
    """`sampler` if it is one of `SAMPLERS`, else a `UsageError` listing them."""
    if not isinstance(sampler, str) or sampler not in SAMPLERS:
        shown = repr(sampler)[:40]
        raise UsageError(
            [
                issue(
                    "usage.sampler",
                    f"sampler {shown}: no such sampler (--sampler, sampler=)",
                    expected="one of: " + ", ".join(SAMPLERS),
                    got=shown,
                    hint=did_you_mean(sampler, SAMPLERS) if isinstance(sampler, str) else None,
                )
            ]
        )
    return "sobol" if sampler == "sobol" else "random"


def sensitivity(
    index: SpecLike | Index | None = None,
    plan: Mapping[str, Any] | None = None,
    *,
    data: DataLike = None,
    runs: int = 100,
    seed: int | None = None,
    bootstrap: int = 1000,
    per_unit: bool = False,
    sampler: Literal["random", "sobol"] = "random",
    nominal: IndexResult | None = None,
    chunk_size: int | None = None,
    memory: int | None = None,
    progress: Progress | None = None,
    plan_source: str | None = None,
) -> pd.DataFrame:
    """First-order (Saltelli 2010) and total (Jansen 1999) Sobol indices of each plan input.

    Output: the mean absolute rank shift from nominal (as COINr), ``runs (d + 2)`` model runs
    for d inputs, 95 % bootstrap intervals. Indexed by ``input`` (with `per_unit`: by unit and
    input, the indices of each unit's rank). Columns: first, first_low, first_high, total,
    total_low, total_high; an index is NaN when its output never varied. `plan`, `nominal`,
    `chunk_size`, `memory`, `progress` and `plan_source` as for `uncertainty`. ``attrs``:
    base_sample, runs, seed, bootstrap, manifest.
    """
    from cityindex.analysis.uncertainty import sensitivity as analyse
    from cityindex.analysis.uncertainty import sensitivity_bytes

    chosen = check_sampler(sampler)
    values = {"runs": runs, "seed": seed, "bootstrap": bootstrap}
    _check_whole({"runs": 2}, **values, chunk_size=chunk_size, memory=memory)
    idx = as_index(index, data)
    setup = _set_up(idx, plan, source=plan_source, nominal=nominal)
    settings, model, result = setup.settings, setup.model, setup.nominal
    if not settings.plan.input_names():
        raise SpecError(
            [
                issue(
                    "spec.uncertainty.no-inputs",
                    "the plan has no uncertain input for sensitivity to apportion",
                    key_path="uncertainty",
                    expected="weight_noise, alternatives, weight_sets or leave_one_out",
                )
            ]
        )
    s = seed if seed is not None else (settings.seed or 0)
    d = len(settings.plan.input_names())
    total = runs * (d + 2)
    weights = model.nominal_weights()
    sizes, units = {g: len(w) for g, w in weights.items()}, len(result.units)

    def kept(n: int) -> int:
        return sensitivity_bytes(
            settings.plan, sizes, units, n, bootstrap=bootstrap, per_unit=per_unit
        )

    what = f"sensitivity: {total:,} runs (runs={runs:,} × ({d} inputs + 2))"
    setup.refuse_over_budget(what, kept, runs, memory, least=2)
    out = analyse(
        settings.plan,
        weights,
        model.evaluate,
        result.score,
        runs,
        seed=s,
        n_bootstrap=bootstrap,
        per_unit=per_unit,
        chunk_size=setup.chunk_size(total, chunk_size, memory, kept(runs)),
        progress=_each(progress, total),
        sampler=chosen,
    )
    inputs = list(out.inputs)
    if per_unit and out.per_unit is not None:
        frame = pd.DataFrame(
            {c: v.T.reshape(-1) for c, v in _sobol_columns(out.per_unit).items()},
            index=pd.MultiIndex.from_product(
                [list(result.units), inputs], names=[result.unit_column, "input"]
            ),
        )
    else:
        frame = pd.DataFrame(_sobol_columns(out.rank_shift), index=pd.Index(inputs, name="input"))
    frame.attrs = {
        "base_sample": runs,
        "runs": out.runs,
        "seed": s,
        "bootstrap": bootstrap,
        "manifest": dict(result.manifest),
    }
    return frame


def _each(progress: Progress | None, total: int) -> Callable[[int], None] | None:
    """`progress` told the total too."""
    return None if progress is None else (lambda done: progress(done, total))


def _sobol_columns(ind: Any) -> dict[str, np.ndarray[Any, Any]]:
    """The six columns of a `SobolIndices`: first and total, each with its 95 % interval."""
    values = (ind.first, *ind.first_ci[:2], ind.total, *ind.total_ci[:2])
    return {c: np.asarray(v) for c, v in zip(SOBOL_COLUMNS, values, strict=True)}
