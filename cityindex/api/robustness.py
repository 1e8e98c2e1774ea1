"""`uncertainty` and `sensitivity`: rank intervals and Sobol indices under a plan."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from cityindex.api.frames import int_ranks, labelled_frame, rank_order
from cityindex.api.index import DataLike, Index, SpecLike, as_index
from cityindex.model.result import IndexResult


def _model(index: Index, plan: Mapping[str, Any] | None) -> tuple[Any, IndexResult]:
    """The plan's settings and spec-backed model, and the nominal result."""
    from cityindex.analysis.plan import SpecModel, nominal_for_runs, read_plan

    section = dict(plan) if plan is not None else None
    settings = read_plan(index.spec, section)
    table = index.table()  # read once, for the nominal result and the model
    nominal = nominal_for_runs(index.with_data(table).compute())
    return (settings, SpecModel(index.spec, table, settings.plan)), nominal


def uncertainty(
    index: SpecLike | Index | None = None,
    plan: Mapping[str, Any] | None = None,
    *,
    data: DataLike = None,
    runs: int | None = None,
    seed: int | None = None,
    top_k: int | None = None,
) -> pd.DataFrame:
    """Rank intervals under the plan's weight and method uncertainty (Monte Carlo).

    `plan` has the keys of a spec's ``uncertainty:`` section (default: the spec's own); `runs`,
    `seed` and `top_k` default to the plan's, else 1000, 0 and 10. Indexed by unit (nominal
    rank order): ``rank``, ``score`` (nominal), ``median_rank``, ``mean_rank``, ``rank_p05``,
    ``rank_p95``, ``p_top_k`` = P(rank ≤ K), ``score_p05``, ``score_p50``, ``score_p95``
    (score percentiles pooled over every run: with alternative normalisations they mix
    scales). Same seed, same frame. ``attrs``: runs, seed, top_k, inputs.
    """
    from cityindex.analysis.uncertainty import (
        chunk_size_for,
        draw_monte_carlo,
        run_replicates,
        summarise,
    )

    idx = as_index(index, data)
    (settings, model), nominal = _model(idx, plan)
    n = runs or settings.runs or 1000
    s = seed if seed is not None else (settings.seed or 0)
    k = top_k or settings.top_k or 10
    reps = draw_monte_carlo(settings.plan, model.nominal_weights(), n, seed=s)
    size = chunk_size_for(len(nominal.units), max(1, len(idx.spec.indicators())), runs=n)
    scores = run_replicates(model.evaluate, reps, chunk_size=size)
    summary = summarise(scores, nominal.score, top_k=k, quantile_levels=(0.05, 0.5, 0.95))
    columns: dict[str, Any] = {
        "rank": int_ranks(nominal.rank),
        "score": nominal.score,
        "median_rank": summary.median_rank,
        "mean_rank": summary.mean_rank,
        "rank_p05": summary.rank_low,
        "rank_p95": summary.rank_high,
        "p_top_k": summary.top_k_probability,
        "score_p05": summary.score_quantiles[0],
        "score_p50": summary.score_quantiles[1],
        "score_p95": summary.score_quantiles[2],
    }
    frame = labelled_frame(columns, nominal.units, nominal.unit_column).iloc[rank_order(nominal)]
    frame.attrs = {"runs": n, "seed": s, "top_k": k, "inputs": settings.plan.input_names()}
    return frame


SOBOL_COLUMNS = ("first", "first_low", "first_high", "total", "total_low", "total_high")


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
) -> pd.DataFrame:
    """First-order (Saltelli 2010) and total (Jansen 1999) Sobol indices of each plan input.

    Output: the mean absolute rank shift from nominal (as COINr), ``runs (d + 2)`` model runs
    for d inputs, 95 % bootstrap intervals. Indexed by ``input`` (with `per_unit`: by unit and
    input, the indices of each unit's rank). Columns: first, first_low, first_high, total,
    total_low, total_high.
    """
    from cityindex.analysis.uncertainty import chunk_size_for
    from cityindex.analysis.uncertainty import sensitivity as analyse

    idx = as_index(index, data)
    (settings, model), nominal = _model(idx, plan)
    s = seed if seed is not None else (settings.seed or 0)
    out = analyse(
        settings.plan,
        model.nominal_weights(),
        model.evaluate,
        nominal.score,
        runs,
        seed=s,
        n_bootstrap=bootstrap,
        per_unit=per_unit,
        chunk_size=chunk_size_for(
            len(nominal.units),
            max(1, len(idx.spec.indicators())),
            runs=runs * (len(settings.plan.input_names()) + 2),
        ),
        sampler=sampler,
    )
    inputs = list(out.inputs)
    if per_unit and out.per_unit is not None:
        frame = pd.DataFrame(
            {c: v.T.reshape(-1) for c, v in _sobol_columns(out.per_unit).items()},
            index=pd.MultiIndex.from_product(
                [list(nominal.units), inputs], names=[nominal.unit_column, "input"]
            ),
        )
    else:
        frame = pd.DataFrame(_sobol_columns(out.rank_shift), index=pd.Index(inputs, name="input"))
    frame.attrs = {"base_sample": runs, "runs": out.runs, "seed": s, "bootstrap": bootstrap}
    return frame


def _sobol_columns(ind: Any) -> dict[str, np.ndarray[Any, Any]]:
    """The six columns of a `SobolIndices`: first and total, each with its 95 % interval."""
    values = (ind.first, *ind.first_ci[:2], ind.total, *ind.total_ci[:2])
    return {c: np.asarray(v) for c, v in zip(SOBOL_COLUMNS, values, strict=True)}
