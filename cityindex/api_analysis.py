"""The library's analysis verbs (uncertainty, sensitivity, check, calibrate, compare) as frames.

The other half of `cityindex.api` (scoring and reading one result): same conventions — a spec
is a path, mapping, `Index` or `Spec`; frames are labelled, ranks are ``Int64``; errors raise
the typed exceptions and nothing prints; whole-frame figures are in ``attrs``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from cityindex.analysis.reference import Reference
from cityindex.api import (
    DataLike,
    Index,
    SpecLike,
    as_index,
    as_result,
    int_ranks,
    labelled_frame,
    rank_order,
)
from cityindex.errors import DataError, did_you_mean, issue
from cityindex.result import IndexResult


def _model(index: Index, plan: Mapping[str, Any] | None) -> tuple[Any, IndexResult]:
    """The plan's settings and spec-backed model, and the nominal result."""
    from cityindex.analysis.plan import SpecModel, nominal_for_runs, read_plan

    section = dict(plan) if plan is not None else None
    settings = read_plan(index.spec, section)
    table = index.table()  # read once, for the nominal result and the model
    nominal = nominal_for_runs(index.with_data(table).compute())
    return (settings, SpecModel(index.spec, table, settings.plan)), nominal


def uncertainty(
    index: SpecLike | Index,
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
    index: SpecLike | Index,
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


def _reference(target: str | Path | Reference | pd.DataFrame, units: Sequence[str]) -> Reference:
    """A published result from a CSV path, a `Reference`, or a frame with unit/score/rank;
    every unit it names must be one of `units` (the data's)."""
    reference = _read_reference(target)
    missing = [u for u in reference.units if u not in units]
    if missing:
        raise DataError(
            [
                issue(
                    "reference.unit.unknown",
                    f"unit '{u}' of {reference.file} is not in the data",
                    hint=did_you_mean(u, units),
                )
                for u in missing
            ]
        )
    return reference


def _read_reference(target: str | Path | Reference | pd.DataFrame) -> Reference:
    from cityindex.seeds import load_reference

    if isinstance(target, Reference):
        return target
    if isinstance(target, pd.DataFrame):
        frame = target.reset_index() if "unit" not in target.columns else target
        n = len(frame)
        scores = frame["score"].to_numpy(dtype=float) if "score" in frame else np.full(n, np.nan)
        ranks = frame["rank"].to_numpy(dtype=float) if "rank" in frame else np.full(n, np.nan)
        decimals = tuple(
            0 if np.isnan(v) else len(repr(float(v)).partition(".")[2]) for v in scores
        )
        units = tuple(str(u) for u in frame["unit"])
        return Reference(units, scores, ranks, decimals, "", "<DataFrame>")
    return load_reference(target)


def check(
    result: IndexResult | SpecLike | Index, against: str | Path | Reference | pd.DataFrame
) -> pd.DataFrame:
    """Computed vs published, per published unit (indexed by unit).

    Columns: published_score, computed_score, diff, published_rank, computed_rank (``Int64``),
    reproduced (the computed score rounds to the published one at its published precision;
    for a rank-only reference, the ranks are equal). ``attrs``: max_abs_diff, spearman,
    kendall_tau, rank_only, reproduced (every unit reproduced). `against` is a CSV path
    (``unit,score,rank,source``) or a frame with ``unit`` and ``score`` and/or ``rank``.
    """
    from cityindex.analysis.check import check as compare_to

    res = as_result(result)
    reference = _reference(against, res.units)
    report = compare_to(res, reference)
    frame = pd.DataFrame(report.rows).set_index("unit").rename_axis(res.unit_column)
    for column in ("published_rank", "computed_rank"):
        frame[column] = int_ranks(frame[column])
    frame.attrs = {
        "max_abs_diff": report.max_abs_diff,
        "spearman": report.spearman,
        "kendall_tau": report.kendall_tau,
        "rank_only": report.rank_only,
        "reproduced": report.reproduced,
    }
    return frame


def calibrate(
    index: SpecLike | Index,
    target: str | Path | Reference | pd.DataFrame,
    *,
    data: DataLike = None,
    levels: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Weights, closest to the spec's, that reproduce a published result (``calibrate``).

    One row per weight changed, indexed by its spec key path: ``group``, ``before``, ``after``,
    ``change``. `levels` limits which weights move (COINr's levels: 1 = indicators within
    their groups, 2 = groups of indicators, …). ``attrs``: success, message, max_abs_diff,
    rank_only, min_gap, and ``set`` — the ``PATH=VALUE`` overrides that apply the fit, so
    ``score(spec, set=frame.attrs["set"])`` scores with the calibrated weights. A fit that
    fails is not an error here: ``attrs["success"]`` says so.
    """
    from cityindex.analysis.calibrate import calibrate as solve
    from cityindex.panel import prepare

    idx = as_index(index, data)
    table = idx.table()
    reference = _reference(target, table.units)
    fit = solve(prepare(idx.spec, table), reference, levels=set_of(levels))
    lookup = {n.id: n.key_path for n in idx.spec.walk()}
    rows: list[dict[str, Any]] = []
    for gid, new in fit.weights.items():
        for child, old_w, new_w in zip(fit.children[gid], fit.original[gid], new, strict=True):
            rows.append(
                {
                    "key_path": f"{lookup[child]}.weight",
                    "group": gid or idx.spec.index.id,
                    "before": float(old_w),
                    "after": float(new_w),
                    "change": float(new_w - old_w),
                }
            )
    frame = pd.DataFrame(rows, columns=["key_path", "group", "before", "after", "change"])
    frame = frame.set_index("key_path")
    frame.attrs = {
        "success": fit.success,
        "message": fit.message,
        "max_abs_diff": fit.max_abs_diff,
        "rank_only": fit.rank_only,
        "min_gap": fit.min_gap,
        "set": [f"{k}={v!r}" for k, v in frame["after"].items()],
    }
    return frame


def set_of(levels: Sequence[int] | None) -> set[int] | None:
    """Levels as a set (None: every level)."""
    return None if levels is None else {int(v) for v in levels}


def compare(
    a: IndexResult | SpecLike | Index,
    b: IndexResult | SpecLike | Index,
    *,
    label_a: str = "A",
    label_b: str = "B",
    movers: int = 5,
) -> pd.DataFrame:
    """Two rankings side by side, indexed by unit (A's ranking, then B's).

    Columns: rank_a, rank_b, rank_change (rank_a − rank_b: positive climbed in B; ``Int64``),
    score_a, score_b, score_change. ``attrs``: common (units ranked in both), spearman,
    kendall (tau-b, on the exact scores), movers, only_a, only_b, unranked.
    """
    from cityindex.analysis.compare import compare as side_by_side

    first = as_result(a)
    cmp = side_by_side(first, as_result(b), label_a=label_a, label_b=label_b, movers=movers)
    frame = pd.DataFrame(
        cmp.rows,
        columns=["unit", "rank_a", "rank_b", "rank_change", "score_a", "score_b", "score_change"],
    ).set_index("unit")
    frame = frame.rename_axis(first.unit_column)
    for column in ("rank_a", "rank_b", "rank_change"):
        frame[column] = pd.array(list(frame[column]), dtype="Int64")
    frame.attrs = {
        "label_a": cmp.label_a,
        "label_b": cmp.label_b,
        "common": cmp.common,
        "spearman": cmp.spearman,
        "kendall": cmp.kendall,
        "movers": list(cmp.movers),
        "only_a": list(cmp.only_a),
        "only_b": list(cmp.only_b),
        "unranked": list(cmp.unranked),
    }
    return frame


__all__ = ["calibrate", "check", "compare", "sensitivity", "uncertainty"]
