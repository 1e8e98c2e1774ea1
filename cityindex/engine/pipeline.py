"""compute(spec, table) → IndexResult: the one place where the stages are put in order.

load → denominate → impute → (missing-data rule) → treat → normalise → weight → aggregate
(bottom-up) → scale → rank. Every stage is a registered kernel on arrays; this module only
takes each node's method from the resolved tree (`cityindex.model.tree`) and moves arrays between
kernels.

The work is split so that uncertainty analysis can reuse it: `prepare`
(`cityindex.engine.panel`) runs
every stage up to normalisation once, over one table or a panel's years; `aggregate_tree` runs
weighting and aggregation with optional per-group weight arrays carrying a leading replicate axis
(one call scores thousands of variants), and `scale_and_rank` finishes. `compute` strings them
together for one nominal result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cityindex.engine.panel import Prepared, domain_error, prepare, quiet_numpy, require_finite
from cityindex.errors import SpecError
from cityindex.load.arguments import wrong_type
from cityindex.load.data import Table
from cityindex.methods.registry import (
    CHECKS,
    DomainError,
    FloatArray,
    KernelContext,
    get_method,
)
from cityindex.methods.tiers import parse_tier_rule
from cityindex.model.result import IndexResult
from cityindex.model.spec import Indicator, MethodChoice, Spec
from cityindex.model.tree import ROOT, Tree


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
    rows = slice(None) if included.all() else included  # no copy when every unit is scored
    position = {ind.id: j for j, ind in enumerate(tree.indicators)}
    scores: dict[str, FloatArray] = {}
    weights: dict[str, FloatArray] = {}
    overrides = weight_overrides or {}
    factors = weight_factors or {}
    for gid in tree.bottom_up():
        children = tree.children_of(gid)
        ids = [c.id for c in children]
        extra: dict[str, Any] = {"group": gid}
        directions: tuple[float, ...] | None = None
        if isinstance(children[0], Indicator):
            cols = [position[i] for i in ids]
            x = z[..., cols]
            directions = raw_directions(tree, children)
            # raw (treated, not normalised) children, for weight methods defined on raw data
            extra["raw"] = prepared.stages["treated"][..., cols][..., rows, :]
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
                        choice,
                        x[..., rows, :],
                        fixed,
                        factors[gid],
                        prepared,
                        ids,
                        extra,
                        directions,
                    )
                else:
                    ctx = KernelContext(prepared.table.units, tuple(ids), extra, directions)
                    wmethod = get_method("weights", choice.name)
                    w = wmethod.kernel(x[..., rows, :], fixed=fixed, ctx=ctx, **choice.params)
            except DomainError as exc:
                raise domain_error(exc, "weights", choice, ids) from None
        weights[gid] = w
        choice = methods["aggregate"]
        amethod = get_method("aggregate", choice.name)
        ctx = KernelContext(prepared.table.units, tuple(ids), {"group": gid}, directions)
        try:
            with quiet_numpy():
                scores[gid] = amethod.kernel(x, w, ctx=ctx, **choice.params)
            require_finite(scores[gid][..., None], None, new_nan=False)
            require_scored(scores[gid], x, prepared.table.units)
        except DomainError as exc:
            raise domain_error(exc, "aggregate", choice, ids) from None
    return scores, weights


def require_scored(score: FloatArray, x: FloatArray, units: Sequence[str]) -> None:
    """Raise a DomainError naming the units an aggregation left without a score although they
    have data under the group: an empty group score must stop the run, never let the unit be
    ranked on its other groups (a unit with no child at all is the missing-data rule's)."""
    if not np.isnan(score).any():  # one cheap pass in the usual case
        return
    has_data = np.any(~np.isnan(x), axis=-1)
    empty = np.any(np.isnan(score) & has_data, axis=tuple(range(np.ndim(score) - 1)))
    rows = np.flatnonzero(np.broadcast_to(empty, np.shape(score)[-1:]))
    if rows.size:
        names = [units[i] if i < len(units) else f"row {i + 1}" for i in rows.tolist()]
        raise DomainError(
            "gave no score to " + ", ".join(names) + ", which have data under this group",
            columns=[],
            units=rows.tolist(),
            hint="check these units' values against the method's formula, or choose another "
            "aggregation",
        )


def raw_directions(tree: Any, children: Sequence[Any]) -> tuple[float, ...] | None:
    """Each child's direction (+1/−1) when any child was not normalised (`normalise: none`),
    so that TOPSIS, VIKOR, grey relational, CRITIC and MPI take a cost criterion as a cost, as
    pymcdm and Compind do; None when every child was normalised (already oriented)."""
    raw = [tree.indicator_methods[c.id]["normalise"].name == "none" for c in children]
    if not any(raw):
        return None
    return tuple(float(c.sign) if r else 1.0 for c, r in zip(children, raw, strict=True))


def rederived_weights(
    choice: MethodChoice,
    x: FloatArray,
    fixed: FloatArray,
    factors: FloatArray,
    prepared: Prepared,
    ids: list[str],
    extra: Mapping[str, Any],
    directions: tuple[float, ...] | None = None,
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
        kept = None if directions is None else tuple(directions[j] for j in keep)
        ctx = KernelContext(prepared.table.units, tuple(ids[j] for j in keep), sub, kept)
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
        with quiet_numpy():
            scaled[..., inc] = method.kernel(root[..., inc], ctx=KernelContext(), **params)
        require_finite(scaled[..., None], None, new_nan=False)
    except DomainError as exc:
        raise domain_error(exc, "scale", choice, []) from None
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
    if not isinstance(spec, Spec) or not isinstance(table, Table):
        bad, name = (spec, "spec") if not isinstance(spec, Spec) else (table, "table")
        raise wrong_type(
            name,
            bad,
            "compute(spec, table): a Spec (load_spec) and a Table (load_data or Table.from_frame)",
        )
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
        name: pd.DataFrame(values, index=units, columns=ind_ids, copy=False)  # pandas 3 copies
        for name, values in prepared.stages.items()
    }
    unscored = [units[i] for i in np.flatnonzero(prepared.included & np.isnan(exact)).tolist()]
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
        absent=pd.DataFrame(prepared.absent, index=units, columns=ind_ids)
        if prepared.absent is not None
        else None,
        counted_worst=pd.DataFrame(prepared.counted_worst, index=units, columns=ind_ids)
        if prepared.counted_worst is not None
        else None,
        manifest=manifest(tree, table, version=version),
        digits=digits,
        warnings=notes,
        score_exact=exact,
        tiers=grade_tiers(spec, score),
        unit_labels=unit_labels(spec, table),
        spec=spec,
    )


def unit_labels(spec: Spec, table: Table) -> dict[str, str]:
    """Each unit's Chinese name from the ``index.unit_label_zh`` column (blank cells left out)."""
    column = spec.index.unit_label_zh
    if column is None or column not in table.cells:
        return {}
    pairs = zip(table.units, table.texts(column), strict=True)
    return {unit: label.strip() for unit, label in pairs if label.strip()}


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
        if ind.absent is not None:  # only when used: manifests of other specs stay as they were
            nodes[ind.id]["absent"] = ind.absent.describe()
    for group in tree.groups:
        if group.min_coverage is not None:
            nodes[group.id]["min_coverage"] = group.min_coverage
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
