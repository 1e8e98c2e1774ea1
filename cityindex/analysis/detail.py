"""The intermediate tables SPSSAU users read beside the result (issue 23 item 3, 24 item 8).

- entropy weights (熵权法): per indicator the information entropy e_j (信息熵值), the
  diversity d_j = 1 − e_j (信息效用值) and the weight w_j = d_j / Σ d_k (权重);
- CRITIC weights: per indicator σ_j, the conflict Σ_k (1 − r_jk), the information
  C_j = σ_j Σ_k (1 − r_jk) and w_j = C_j / Σ C_k;
- TOPSIS: per unit D⁺, D⁻ and the relative closeness C = D⁻ / (D⁺ + D⁻) (相对接近度);
- VIKOR: per unit S, R and Q, and Opricovic & Tzeng's compromise conditions.

Each table is computed from the very values the group's weight or aggregation method saw in
the pipeline (`engine.panel.prepare`, then the tree bottom-up), so its weights and scores equal
the result's: a test checks that they do. One `DetailTable` per group whose weight method is
entropy or CRITIC (`weight_details`), or whose aggregate is TOPSIS or VIKOR
(`aggregation_details`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cityindex.engine.panel import Prepared, prepare
from cityindex.engine.pipeline import aggregate_tree, raw_directions
from cityindex.load.data import Table
from cityindex.methods.mcda import vikor_detail
from cityindex.methods.registry import FloatArray, KernelContext, Stage
from cityindex.methods.weights_objective import pairwise_correlation
from cityindex.model.spec import Indicator, MethodChoice, Spec
from cityindex.model.tree import ROOT

WEIGHT_DETAIL_METHODS = ("entropy", "critic")
AGGREGATE_DETAIL_METHODS = ("topsis", "vikor")

ENTROPY_COLUMNS = ["indicator", "entropy", "diversity", "weight"]
CRITIC_COLUMNS = ["indicator", "sd", "conflict", "information", "weight"]
TOPSIS_COLUMNS = ["d_plus", "d_minus", "closeness", "rank"]
VIKOR_COLUMNS = ["s", "r", "q", "rank"]


@dataclass(frozen=True)
class DetailTable:
    """One group's intermediate table: `frame` (indexed by indicator or unit), the method, the
    group id (the index's id for the top level) and, for VIKOR, the compromise conditions."""

    group: str
    method: str
    frame: pd.DataFrame
    conditions: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Inputs:
    """What one group's weight and aggregation methods saw."""

    x: FloatArray
    """The children's values over every unit, ``(units, children)``."""
    raw: FloatArray | None
    directions: tuple[float, ...] | None
    ids: list[str]
    weights: FloatArray


def _group_inputs(
    prepared: Prepared, gid: str, tree_out: tuple[dict[str, FloatArray], dict[str, FloatArray]]
) -> _Inputs:
    """The values a group's methods saw in `aggregate_tree` (its output `tree_out`: scores and
    weights by group id), rebuilt the way it builds them."""
    tree = prepared.tree
    scores, weights = tree_out
    children = tree.children_of(gid)
    ids = [c.id for c in children]
    if isinstance(children[0], Indicator):
        position = {ind.id: j for j, ind in enumerate(tree.indicators)}
        cols = [position[i] for i in ids]
        x = prepared.normalised[..., cols]
        raw = prepared.stages["treated"][..., cols]
        return _Inputs(x, raw, raw_directions(tree, children), ids, weights[gid])
    x = np.stack([scores[i] for i in ids], axis=-1)
    return _Inputs(x, None, None, ids, weights[gid])


def entropy_table(
    x: FloatArray, ids: list[str], *, shift: float = 0.0, fixed: FloatArray | None = None
) -> pd.DataFrame:
    """e, d = 1 − e and w per column of `x` ``(units, columns)``, missing values left out.

    p_ij = z_ij / Σ_i z_ij (z = x + shift), e_j = −(1 / ln n_j) Σ_i p_ij ln p_ij (0 ln 0 = 0),
    d_j = 1 − e_j, w_j = d_j / Σ_k d_k — as `methods.weights_objective.entropy` computes them.
    """
    z = np.asarray(x, dtype=float) + float(shift)
    n = np.sum(~np.isnan(z), axis=0)
    total = np.nansum(z, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(total > 0, z / np.where(total > 0, total, 1.0), 0.0)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
        e = np.where(total > 0, -np.nansum(plogp, axis=0) / np.log(n), 1.0)
    d = 1.0 - e
    d = np.where(d > 1e-12, d, 0.0)
    w = d / d.sum() if d.sum() > 0 else np.full(len(d), 1.0 / len(d))
    frame = pd.DataFrame({"entropy": e, "diversity": d, "weight": w}, index=ids)
    frame.index.name = "indicator"
    return frame


def critic_table(x: FloatArray, ids: list[str]) -> pd.DataFrame:
    """σ_j, Σ_k (1 − r_jk), C_j and w_j per column of the direction-adjusted `x`.

    z_j is `x_j` min-max scaled to [0, 1]; σ_j its sample sd (n − 1); r Pearson's over the
    units both columns have (Diakoulaki, Mavrotas & Papayannakis 1995).
    """
    v = np.asarray(x, dtype=float)
    lo, hi = np.nanmin(v, axis=0), np.nanmax(v, axis=0)
    width = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(width > 0, (v - lo) / np.where(width > 0, width, 1.0), 0.0)
    z = np.where(np.isnan(v), np.nan, z)
    sd = np.nanstd(z, axis=0, ddof=1)
    conflict = np.sum(1.0 - pairwise_correlation(z), axis=-1)
    c = np.clip(sd * conflict, 0.0, None)
    w = c / c.sum() if c.sum() > 0 else np.full(len(c), 1.0 / len(c))
    frame = pd.DataFrame({"sd": sd, "conflict": conflict, "information": c, "weight": w}, index=ids)
    frame.index.name = "indicator"
    return frame


def _ranks(values: FloatArray, *, ascending: bool) -> list[int | None]:
    """Competition ranks (1 = best; ties share the smaller rank); None where missing."""
    series = pd.Series(values if ascending else -np.asarray(values))
    ranked = series.rank(method="min")
    return [None if np.isnan(r) else int(r) for r in ranked]


def topsis_table(
    x: FloatArray,
    weights: FloatArray,
    units: list[str],
    *,
    directions: tuple[float, ...] | None = None,
) -> pd.DataFrame:
    """D⁺, D⁻ and C = D⁻ / (D⁺ + D⁻) per unit (Hwang & Yoon 1981), and the rank by C.

    v_ij = w_j z_ij; v⁺_j = max_i v_ij, v⁻_j = min_i v_ij (swapped for a cost column given
    raw, `directions`); D±_i = √Σ_j (v_ij − v±_j)², missing children left out.
    """
    v = KernelContext(directions=directions).orient(x) if directions else np.asarray(x, float)
    weighted = np.asarray(weights, dtype=float) * v
    best, worst = np.nanmax(weighted, axis=0), np.nanmin(weighted, axis=0)
    d_plus = np.sqrt(np.nansum((weighted - best) ** 2, axis=1))
    d_minus = np.sqrt(np.nansum((weighted - worst) ** 2, axis=1))
    total = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 1.0)
    missing = np.all(np.isnan(v), axis=1)
    d_plus, d_minus = np.where(missing, np.nan, d_plus), np.where(missing, np.nan, d_minus)
    c = np.where(missing, np.nan, c)
    frame = pd.DataFrame({"d_plus": d_plus, "d_minus": d_minus, "closeness": c}, index=units)
    frame["rank"] = pd.array(_ranks(c, ascending=False), dtype="Int64")
    return frame


def vikor_table(
    x: FloatArray,
    weights: FloatArray,
    units: list[str],
    *,
    v: float = 0.5,
    directions: tuple[float, ...] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """S, R, Q per unit with the rank by Q, and the compromise conditions (`vikor_detail`):
    ``advantage`` (C1: Q(a″) − Q(a′) ≥ DQ = 1/(m − 1)), ``stability`` (C2: a′ also best by S
    or R), ``threshold`` DQ, ``q_gap`` Q(a″) − Q(a′), ``first``/``second`` and the
    ``compromise`` set (unit ids)."""
    ctx = KernelContext(directions=directions) if directions else None
    d = vikor_detail(np.asarray(x, dtype=float), np.asarray(weights, dtype=float), v=v, ctx=ctx)
    frame = pd.DataFrame({"s": d.s, "r": d.r, "q": d.q}, index=units)
    frame["rank"] = pd.array(_ranks(d.q, ascending=True), dtype="Int64")
    order = [units[i] for i in d.order]
    gap = float(d.q[d.order[1]] - d.q[d.order[0]]) if len(d.order) > 1 else float("nan")
    conditions: dict[str, Any] = {
        "first": order[0] if order else None,
        "second": order[1] if len(order) > 1 else None,
        "q_gap": gap,
        "threshold": float(d.threshold),
        "advantage": d.advantage,
        "stability": d.stability,
        "compromise": [units[i] for i in d.compromise],
        "v": float(v),
    }
    return frame, conditions


def _group_name(spec: Spec, gid: str) -> str:
    return spec.index.id if gid == ROOT else gid


def _groups_using(
    spec: Spec, table: Table, stage: Stage, methods: Collection[str]
) -> Iterator[tuple[str, MethodChoice, _Inputs, Prepared]]:
    """Each group (top level last) whose `stage` method is one of `methods`, with that choice
    and the group's inputs as its kernel saw them; the index is computed once for all."""
    prepared = prepare(spec, table)
    tree_out = aggregate_tree(prepared)
    for gid in prepared.tree.bottom_up():
        choice = prepared.tree.group_methods[gid][stage]
        if choice.name in methods:
            yield gid, choice, _group_inputs(prepared, gid, tree_out), prepared


def weight_details(spec: Spec, table: Table) -> list[DetailTable]:
    """The entropy and CRITIC tables of every group weighted by either, top level last."""
    out: list[DetailTable] = []
    groups = _groups_using(spec, table, "weights", WEIGHT_DETAIL_METHODS)
    for gid, choice, inputs, prepared in groups:
        included = prepared.included
        x = inputs.x[included]
        if choice.name == "entropy":
            if choice.params.get("on") == "raw" and inputs.raw is not None:
                x = inputs.raw[included]
            frame = entropy_table(x, inputs.ids, shift=float(choice.params.get("shift") or 0.0))
        else:
            if inputs.directions:
                x = KernelContext(directions=inputs.directions).orient(x)
            frame = critic_table(x, inputs.ids)
        out.append(DetailTable(_group_name(spec, gid), choice.name, frame))
    return out


def aggregation_details(spec: Spec, table: Table) -> list[DetailTable]:
    """The TOPSIS and VIKOR tables of every group aggregated by either, top level last; units
    in the data's order, those the missing-data rule excludes left out."""
    units = list(table.units)
    out: list[DetailTable] = []
    groups = _groups_using(spec, table, "aggregate", AGGREGATE_DETAIL_METHODS)
    for gid, choice, inputs, prepared in groups:
        keep = prepared.included
        x = inputs.x  # as the kernel saw it: every unit (an excluded one's row NaN after screening)
        shown = [u for u, k in zip(units, keep, strict=True) if k]
        if choice.name == "topsis":
            frame = topsis_table(x, inputs.weights, units, directions=inputs.directions)
            out.append(DetailTable(_group_name(spec, gid), "topsis", frame.loc[shown]))
            continue
        v = float(choice.params.get("v", 0.5))
        frame, conditions = vikor_table(x, inputs.weights, units, v=v, directions=inputs.directions)
        out.append(DetailTable(_group_name(spec, gid), "vikor", frame.loc[shown], conditions))
    return out
