"""compute(spec, table) → IndexResult: the one place where the stages are put in order.

load → denominate → impute → (missing-data rule) → treat → normalise → weight → aggregate
(bottom-up) → scale → rank. Every stage is a registered kernel on arrays; this module only
takes each node's method from the resolved tree (`cityindex.tree`) and moves arrays between
kernels.

The work is split so that uncertainty analysis can reuse it: `prepare` runs every stage up to
normalisation once, `aggregate_tree` runs weighting and aggregation with optional per-group
weight arrays carrying a leading replicate axis (one call scores thousands of variants), and
`scale_and_rank` finishes. `compute` strings them together for one nominal result.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cityindex.data import Table
from cityindex.errors import DataError, Issue, SpecError, issue
from cityindex.impute import PANEL_METHODS
from cityindex.registry import (
    CHECKS,
    DomainError,
    FloatArray,
    KernelContext,
    Stage,
    get_method,
)
from cityindex.result import IndexResult
from cityindex.spec import Indicator, MethodChoice, Spec
from cityindex.tiers import parse_tier_rule
from cityindex.tree import ROOT, Tree, resolve_tree

PRE_STAGES: tuple[Stage, ...] = ("denominate", "impute")


@dataclass(frozen=True)
class Prepared:
    """Stages up to normalisation, for all units (excluded units' rows are NaN after screening)."""

    tree: Tree
    table: Table
    stages: Mapping[str, FloatArray]
    imputed: np.ndarray[Any, np.dtype[np.bool_]]
    included: np.ndarray[Any, np.dtype[np.bool_]]
    coverage: FloatArray
    normalised: FloatArray
    warnings: tuple[str, ...]


def _key(choice: MethodChoice) -> tuple[str, str]:
    return choice.name, repr(sorted(choice.params.items()))


def _per_indicator(
    stage: Stage,
    x: FloatArray,
    tree: Tree,
    table: Table,
    *,
    direction: FloatArray | None = None,
) -> FloatArray:
    """Apply each indicator's method for `stage`, batching indicators that share a choice."""
    out = np.array(x, dtype=float, copy=True)
    batches: dict[tuple[str, str], list[int]] = {}
    for j, ind in enumerate(tree.indicators):
        batches.setdefault(_key(tree.indicator_methods[ind.id][stage]), []).append(j)
    for cols in batches.values():
        choice = tree.indicator_methods[tree.indicators[cols[0]].id][stage]
        method = get_method(stage, choice.name)
        inds = [tree.indicators[j] for j in cols]
        ctx = KernelContext(
            unit_ids=table.units,
            column_ids=tuple(i.id for i in inds),
            extra={
                "table": table.frame,
                "indicators": inds,
                "unit_column": table.unit_column,
                "time": table.times,
            },
        )
        kwargs: dict[str, Any] = dict(choice.params)
        if direction is not None:
            kwargs["direction"] = direction[cols]
        try:
            with _quiet_numpy():
                out[..., cols] = method.kernel(x[..., cols], ctx=ctx, **kwargs)
            _require_finite(out[..., cols], x[..., cols], new_nan=stage in ("treat", "normalise"))
        except DomainError as exc:
            raise _domain_error(exc, stage, choice, [i.id for i in inds]) from None
    return out


@contextmanager
def _quiet_numpy() -> Iterator[None]:
    """Silence numpy's floating-point warnings inside a kernel: `_require_finite` judges."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _require_finite(out: FloatArray, before: FloatArray | None, *, new_nan: bool) -> None:
    """Raise a DomainError naming the columns where a kernel produced ±inf (or a new NaN).

    A degenerate input (a log of zero, a constant column divided by its zero range, an
    overflow) must stop the run with a named error, never flow on into a quietly wrong ranking.
    """
    bad = np.isinf(out)
    if new_nan and before is not None:
        bad |= np.isnan(out) & ~np.isnan(before)
    columns = np.any(bad, axis=tuple(range(out.ndim - 1)))
    if np.any(columns):
        raise DomainError(
            "produced a value that is not a finite number (a degenerate or extreme input)",
            columns=[int(c) for c in np.flatnonzero(columns)],
            hint="check these indicators for constant, zero or extreme values, or choose "
            "another method",
        )


def _domain_error(exc: DomainError, stage: str, choice: MethodChoice, ids: list[str]) -> DataError:
    named = [ids[c] for c in exc.columns if c < len(ids)] or ids
    return DataError(
        [
            issue(
                f"data.domain.{stage}",
                f"{stage} method '{choice.name}': {exc.message}",
                key_path=choice.key_path or f"methods.{stage}",
                got="values out of range in: " + ", ".join(named),
                hint=exc.hint,
            )
        ]
    )


IntArray = np.ndarray[Any, np.dtype[np.intp]]


@dataclass(frozen=True)
class _Rows:
    """The rows a computation runs over: one table, or every year of a panel in blocks."""

    table: Table
    blocks: tuple[IntArray, ...]
    parts: tuple[Table, ...]
    chosen: IntArray

    def run(
        self, stage: Stage, x: FloatArray, tree: Tree, *, direction: FloatArray | None = None
    ) -> FloatArray:
        """Apply `stage` to each block (year) on its own."""
        if len(self.blocks) == 1:
            return _per_indicator(stage, x, tree, self.table, direction=direction)
        out = np.array(x, dtype=float, copy=True)
        for block, part in zip(self.blocks, self.parts, strict=True):
            out[block] = _per_indicator(stage, x[block], tree, part, direction=direction)
        return out


def uses_panel(spec: Spec) -> bool:
    """Whether scoring one year needs the panel's other years too.

    True for pooled normalisation (`index.panel: {normalise: pooled}`) and for panel
    imputation methods (`latest_available`, `linear`), which fill a gap from other years.
    """
    if spec.index.panel_normalise == "pooled":
        return True
    tree = resolve_tree(spec)
    return any(
        tree.indicator_methods[i.id]["impute"].name in PANEL_METHODS for i in tree.indicators
    )


def _rows(spec: Spec, table: Table) -> _Rows:
    if table.panel is None or not uses_panel(spec):
        every = np.arange(len(table.units))
        return _Rows(table, (every,), (table,), every)
    panel = table.panel
    times = np.asarray(panel.times, dtype=int)
    blocks = tuple(np.flatnonzero(times == y) for y in np.unique(times))
    chosen = np.flatnonzero(times == table.year)
    return _Rows(panel, blocks, tuple(panel.take(list(b)) for b in blocks), chosen)


def prepare(spec: Spec, table: Table) -> Prepared:
    """Read the indicator columns and run every stage up to normalisation.

    For a panel whose spec pools normalisation or imputes from other years (`uses_panel`),
    every year is denominated, screened and treated on its own, panel imputation sees all
    rows, and pooled normalisation takes its statistics over every year's included rows (as
    COINr's ``Normalise(purse, global = TRUE)``); the stages returned are the selected year's.
    """
    tree = resolve_tree(spec)
    rows = _rows(spec, table)
    every = rows.table
    columns = [ind.column for ind in tree.indicators]
    raw = every.numeric(columns)
    stages: dict[str, FloatArray] = {"raw": raw}
    x = stages["denominated"] = rows.run("denominate", raw, tree)
    imputed_x = rows.run("impute", x, tree)
    panel_cols = [
        j
        for j, ind in enumerate(tree.indicators)
        if tree.indicator_methods[ind.id]["impute"].name in PANEL_METHODS
    ]
    if panel_cols and len(rows.blocks) > 1:
        imputed_x[:, panel_cols] = _per_indicator("impute", x, tree, every)[:, panel_cols]
    x = stages["imputed"] = imputed_x
    imputed = np.isnan(stages["denominated"]) & ~np.isnan(x)
    coverage = np.mean(~np.isnan(x), axis=-1) if x.shape[-1] else np.ones(len(every.units))
    missing_choice = tree.group_methods[ROOT]["missing"]
    rule = get_method("missing", missing_choice.name)
    included = np.asarray(rule.kernel(x, **missing_choice.params), dtype=bool)
    warnings: list[str] = list(spec.warnings)
    if missing_choice.name == "none":
        _refuse_gaps(x, tree, every)
    mine = rows.chosen
    dropped = [every.units[i] for i in mine if not included[i]]
    if dropped:
        warnings.append(
            f"excluded {len(dropped)} unit(s) with data coverage below "
            f"{missing_choice.params.get('min_coverage')}: " + ", ".join(dropped)
        )
    if not included[mine].any():
        raise DataError(
            [
                issue(
                    "data.units.none-left",
                    "no unit has enough data to be scored",
                    key_path="methods.missing.min_coverage",
                    hint="lower min_coverage or add data",
                )
            ]
        )
    x = stages["screened"] = np.where(included[:, None], x, np.nan)
    x = stages["treated"] = rows.run("treat", x, tree)
    _check_columns_usable(x[mine][included[mine]], tree, warnings)
    direction = np.array([ind.sign for ind in tree.indicators], dtype=float)
    if spec.index.panel_normalise == "pooled":
        z = _per_indicator("normalise", x, tree, every, direction=direction)
    else:
        z = rows.run("normalise", x, tree, direction=direction)
    stages["normalised"] = z
    return Prepared(
        tree,
        table,
        {name: values[mine] for name, values in stages.items()},
        imputed[mine],
        included[mine],
        coverage[mine],
        z[mine],
        tuple(dict.fromkeys(warnings)),
    )


def _check_columns_usable(x: FloatArray, tree: Tree, warnings: list[str]) -> None:
    """Refuse an indicator with no value among the scored units; warn about a constant one."""
    for j, ind in enumerate(tree.indicators):
        present = x[~np.isnan(x[:, j]), j]
        if present.size == 0:
            raise DataError(
                [
                    issue(
                        "data.indicator.all-missing",
                        f"indicator '{ind.id}' (column '{ind.column}') has no value for any "
                        "scored unit",
                        key_path=ind.key_path,
                        hint="fill the column or remove the indicator",
                    )
                ]
            )
        if present.size > 1 and np.all(present == present[0]):
            warnings.append(
                f"indicator '{ind.id}' is constant across units ({present[0]:g}); it cannot "
                "separate them"
            )


def _refuse_gaps(x: FloatArray, tree: Tree, table: Table) -> None:
    gaps = np.argwhere(np.isnan(x))
    if gaps.size == 0:
        return
    issues: list[Issue] = []
    for i, j in gaps[:20]:
        ind = tree.indicators[j]
        issues.append(
            issue(
                "data.cell.missing",
                f"row {table.rows[i]} ({table.units[i]}): column '{ind.column}' is empty, and "
                "the missing-data rule is `none`",
                key_path="methods.missing",
                hint="fill the cell, or set `methods: {missing: {method: reweight, "
                "min_coverage: 0.5}}` to drop gaps and re-weight",
            )
        )
    if len(gaps) > 20:
        issues.append(issue("data.more", f"… and {len(gaps) - 20} more empty cells"))
    raise DataError(issues)


def aggregate_tree(
    prepared: Prepared,
    weight_overrides: Mapping[str, FloatArray] | None = None,
    weight_factors: Mapping[str, FloatArray] | None = None,
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """Weight and aggregate bottom-up; return (scores by group id, weights by group id).

    `weight_overrides` maps a group id (ROOT for the top) to weights ``(..., children)``
    used instead of that group's weight method; a leading replicate axis flows through.
    `weight_factors` maps a group id to factors ``(r, children)``: the group's weight method
    runs on each replicate's data and its weights are multiplied by the factors (see
    `rederived_weights`).
    """
    tree = prepared.tree
    z = prepared.normalised
    included = prepared.included
    position = {ind.id: j for j, ind in enumerate(tree.indicators)}
    scores: dict[str, FloatArray] = {}
    weights: dict[str, FloatArray] = {}
    overrides = weight_overrides or {}
    factors = weight_factors or {}
    for gid in tree.bottom_up():
        children = tree.children_of(gid)
        ids = [c.id for c in children]
        extra: dict[str, Any] = {"group": gid}
        if isinstance(children[0], Indicator):
            cols = [position[i] for i in ids]
            x = z[..., cols]
            # raw (treated, not normalised) children, for weight methods defined on raw data
            extra["raw"] = prepared.stages["treated"][..., included, :][..., cols]
        else:
            parts = [scores[i] for i in ids]
            x = np.stack(np.broadcast_arrays(*parts), axis=-1)
        methods = tree.group_methods[gid]
        extra["aggregate"] = methods["aggregate"]  # for weights that re-aggregate (optimised)
        if gid in overrides:
            w = np.asarray(overrides[gid], dtype=float)
            w = w / w.sum(axis=-1, keepdims=True)
        else:
            choice = methods["weights"]
            fixed = np.array([c.weight for c in children], dtype=float)
            try:
                if gid in factors:
                    w = rederived_weights(
                        choice, x[..., included, :], fixed, factors[gid], prepared, ids, extra
                    )
                else:
                    ctx = KernelContext(prepared.table.units, tuple(ids), extra)
                    wmethod = get_method("weights", choice.name)
                    w = wmethod.kernel(x[..., included, :], fixed=fixed, ctx=ctx, **choice.params)
            except DomainError as exc:
                raise _domain_error(exc, "weights", choice, ids) from None
        weights[gid] = w
        choice = methods["aggregate"]
        amethod = get_method("aggregate", choice.name)
        ctx = KernelContext(prepared.table.units, tuple(ids), {"group": gid})
        try:
            with _quiet_numpy():
                scores[gid] = amethod.kernel(x, w, ctx=ctx, **choice.params)
            _require_finite(scores[gid][..., None], None, new_nan=False)
        except DomainError as exc:
            raise _domain_error(exc, "aggregate", choice, ids) from None
    return scores, weights


def rederived_weights(
    choice: MethodChoice,
    x: FloatArray,
    fixed: FloatArray,
    factors: FloatArray,
    prepared: Prepared,
    ids: list[str],
    extra: Mapping[str, Any],
) -> FloatArray:
    """A group's weight method re-run on every replicate's data, times `factors` ``(r, k)``.

    `x` is the group's included children's values, ``(units, k)`` or ``(r, units, k)``. A zero
    factor leaves the child out: the method runs on the other children only (replicates
    grouped by which children they keep, each group in one vectorised call), except for
    methods whose parameters name the children (a registered check: ahp, combine, optimised),
    which run on every child before the left-out one's weight is set to 0. The product is made
    relative within the group, as weight overrides are.
    """
    f = np.asarray(factors, dtype=float)
    k = f.shape[-1]
    out = np.zeros(f.shape)
    x = np.broadcast_to(x, (f.shape[0], *x.shape[-2:])) if x.ndim == 3 else x
    method = get_method("weights", choice.name)
    by_name = ("weights", choice.name) in CHECKS
    for dropped, rows in _zero_patterns(f):
        keep = np.flatnonzero(~dropped) if not by_name else np.arange(k)
        if len(keep) == 1:
            out[np.ix_(rows, keep)] = 1.0
            continue
        sub = dict(extra)
        if "raw" in sub:
            sub["raw"] = sub["raw"][..., keep]
        ctx = KernelContext(prepared.table.units, tuple(ids[j] for j in keep), sub)
        xs = x[rows] if x.ndim == 3 and len(rows) < f.shape[0] else x
        xs = xs if len(keep) == k else xs[..., keep]
        w = method.kernel(xs, fixed=fixed[keep], ctx=ctx, **choice.params)
        out[np.ix_(rows, keep)] = np.broadcast_to(w, (len(rows), len(keep)))
    # Factors of 1 (and 0 for a child the method never saw) keep the method's own weights bit
    # for bit, so zero noise reproduces a fresh `score` of the variant exactly.
    plain = np.all((f == 1) | ((f == 0) & (not by_name)), axis=-1, keepdims=True)
    scaled = out * f
    return np.where(plain, out, scaled / scaled.sum(axis=-1, keepdims=True))


def _zero_patterns(f: FloatArray) -> list[tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp]]]:
    """Each distinct set of zero factors in the rows of `f` ``(r, k)`` and the rows that have it.

    >>> [(d.tolist(), r.tolist()) for d, r in _zero_patterns(np.array([[1, 0], [1, 1], [0, 1.]]))]
    [([False, False], [1]), ([True, False], [2]), ([False, True], [0])]
    """
    zero = f == 0
    if not zero.any():
        return [(zero[0], np.arange(f.shape[0]))]
    if f.shape[-1] <= 52:  # one exact float code per pattern: a 1-d unique, not a row sort
        codes = zero @ (2.0 ** np.arange(f.shape[-1]))
        _, first, which = np.unique(codes, return_index=True, return_inverse=True)
        return [(zero[i], np.flatnonzero(which == p)) for p, i in enumerate(first)]
    patterns, which = np.unique(zero, axis=0, return_inverse=True)
    return [(d, np.flatnonzero(which.reshape(-1) == p)) for p, d in enumerate(patterns)]


def scale(prepared: Prepared, root: FloatArray) -> tuple[FloatArray, FloatArray, int | None]:
    """Scale the index score over the included units and round it for display.

    Returns (exact scaled score, rounded score, digits); leading replicate axes flow through.
    Ranking is separate (`rank_desc`): calibration and uncertainty runs need only the scores.
    """
    choice = prepared.tree.spec.index.scale
    method = get_method("scale", choice.name)
    params = dict(choice.params)
    digits = params.pop("digits", None)
    params.pop("tiers", None)  # graded after scaling, by compute()
    inc = prepared.included
    scaled = np.full(root.shape, np.nan)
    try:
        with _quiet_numpy():
            scaled[..., inc] = method.kernel(root[..., inc], ctx=KernelContext(), **params)
        _require_finite(scaled[..., None], None, new_nan=False)
    except DomainError as exc:
        raise _domain_error(exc, "scale", choice, []) from None
    shown = np.round(scaled, digits) if digits is not None else scaled
    return scaled, shown, digits


def scale_and_rank(
    prepared: Prepared, root: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, int | None]:
    """`scale`, then rank the shown scores (ties share the best rank).

    Returns (exact scaled score, rounded score, rank, digits).
    """
    scaled, shown, digits = scale(prepared, root)
    return scaled, shown, rank_desc(shown), digits


def rank_desc(scores: FloatArray) -> FloatArray:
    """Rank along the last axis, highest first; ties share the best rank; NaN gets NaN.

    Vectorised over leading axes: sort once, find where each run of equal scores starts.
    """
    s = np.asarray(scores, dtype=float)
    key = np.where(np.isnan(s), np.inf, -s)
    order = np.argsort(key, axis=-1, kind="stable")
    sorted_key = np.take_along_axis(key, order, axis=-1)
    n = s.shape[-1]
    idx = np.broadcast_to(np.arange(n), s.shape)
    starts = np.ones(s.shape, dtype=bool)
    starts[..., 1:] = sorted_key[..., 1:] != sorted_key[..., :-1]
    first = np.maximum.accumulate(np.where(starts, idx, 0), axis=-1)
    ranks = np.empty(s.shape)
    np.put_along_axis(ranks, order, first + 1.0, axis=-1)
    return np.where(np.isnan(s), np.nan, ranks)


def effective_weights(tree: Tree, weights: Mapping[str, FloatArray]) -> pd.Series:
    """Each indicator's share of the index: the product of relative weights down the tree."""
    out: dict[str, float] = {}

    def visit(gid: str, share: float) -> None:
        children = tree.children_of(gid)
        w = np.asarray(weights[gid], dtype=float)
        for child, wj in zip(children, w, strict=True):
            if isinstance(child, Indicator):
                out[child.id] = share * float(wj)
            else:
                visit(child.id, share * float(wj))

    visit(ROOT, 1.0)
    return pd.Series(out, name="effective_weight")


def compute(spec: Spec, table: Table, *, version: str = "") -> IndexResult:
    """Score every unit of `table` by `spec`: the nominal computation, all stages kept."""
    prepared = prepare(spec, table)
    scores, weights = aggregate_tree(prepared)
    exact, shown, rank, digits = scale_and_rank(prepared, scores[ROOT])
    tree = prepared.tree
    units = list(table.units)
    ind_ids = [i.id for i in tree.indicators]
    group_frame = pd.DataFrame(
        {g.id: np.where(prepared.included, scores[g.id], np.nan) for g in tree.groups},
        index=units,
    )
    stages = {
        name: pd.DataFrame(values, index=units, columns=ind_ids)
        for name, values in prepared.stages.items()
    }
    unscored = [
        u for u, inc, s in zip(units, prepared.included, exact, strict=True) if inc and np.isnan(s)
    ]
    notes = prepared.warnings
    if unscored:  # e.g. data only under weight-0 groups: say so, never a silent blank
        notes += (
            f"{len(unscored)} unit(s) have no data under any weighted part of the index and "
            "are not ranked: " + ", ".join(unscored),
        )
    weight_series = {
        gid: pd.Series(w, index=[c.id for c in tree.children_of(gid)], name=gid)
        for gid, w in weights.items()
    }
    score = np.where(prepared.included, shown, np.nan)
    return IndexResult(
        units=table.units,
        unit_column=table.unit_column,
        score=score,
        rank=rank,
        coverage=prepared.coverage,
        included=prepared.included,
        group_scores=group_frame,
        stages=stages,
        weights=weight_series,
        effective_weights=effective_weights(tree, weights),
        imputed=pd.DataFrame(prepared.imputed, index=units, columns=ind_ids),
        manifest=manifest(tree, table, version=version),
        digits=digits,
        warnings=notes,
        score_exact=exact,
        tiers=grade_tiers(spec, score),
        spec=spec,
    )


def grade_tiers(spec: Spec, score: FloatArray) -> tuple[str | None, ...] | None:
    """Each unit's tier from its shown score, when the scale block defines ``tiers``.

    The loader has already checked the rule (`parse_tier_rule`); excluded units (NaN) get None.
    """
    value = spec.index.scale.params.get("tiers")
    if value is None:
        return None
    rule, problems = parse_tier_rule(value)
    if rule is None:  # a Spec built in code without the loader's checks
        raise SpecError(problems)
    return tuple(None if t is None else str(t) for t in rule.apply(score))


def manifest(tree: Tree, table: Table, *, version: str) -> dict[str, Any]:
    """What produced a result: versions, hashes, and the exact method at every node."""
    import hashlib

    spec = tree.spec
    text = (spec.text or "") + "\n" + "\n".join(spec.overrides)
    nodes: dict[str, Any] = {}
    for gid in [ROOT, *(g.id for g in tree.groups)]:
        m = tree.group_methods[gid]
        nodes[gid or spec.index.id] = {
            "weights": m["weights"].describe(),
            "aggregate": m["aggregate"].describe(),
        }
    for ind in tree.indicators:
        m = tree.indicator_methods[ind.id]
        nodes[ind.id] = {
            stage: m[stage].describe() for stage in ("denominate", "impute", "treat", "normalise")
        }
    return {
        "cityindex": version,
        "index": spec.index.id,
        "spec": {
            "file": str(spec.path) if spec.path else None,
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "overrides": list(spec.overrides),
        },
        "data": {
            "file": table.file,
            "sha256": table.sha256,
            "year": table.year,
            "panel_normalise": spec.index.panel_normalise if table.panel is not None else None,
        },
        "missing": tree.group_methods[ROOT]["missing"].describe(),
        "scale": spec.index.scale.describe(),
        "methods": nodes,
    }
