"""Why a unit scores what it scores: its score split into contributions down the tree.

Decomposition. Every group's score is written as ``y_g = Σ_j a_j x_j`` over the children
present for that unit, and an indicator's contribution to the index is the product of the
``a``'s down its path times its normalised value, times the index's scaling factor (score /
unscaled score; for ``relative_to_max`` that is 1 / the best unscaled score). So the
contributions of the indicators (or of the groups at any one level) add up to the unit's exact
scaled score.

- Arithmetic mean (additive): ``a_j = w_j / Σ_{k present} w_k`` — the unit's own re-weighted
  shares when some of its values are missing. The split is exact, and it is the only one.
- Any other aggregation (geometric, harmonic, generalised mean, median, Copeland): the group's
  actual score is shared out in proportion to the weighted values, ``a_j = w_j y_g / Σ_k w_k
  x_k``, i.e. child j gets the share ``w_j x_j / Σ_k w_k x_k`` of ``y_g``. It still sums to the
  score, but it is a convention, not the formula's own split (which is multiplicative for a
  geometric mean); the explanation says so for every such group.

Strongest and weakest indicators compare the unit's normalised value with the median unit's
(over the scored units), in the spirit of COINr's ``get_str_weak`` (which ranks instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from cityindex.analysis.calibrate import node_level
from cityindex.engine.pipeline import raw_directions
from cityindex.errors import UsageError, issue
from cityindex.methods.registry import FloatArray, KernelContext, get_method
from cityindex.model.result import IndexResult
from cityindex.model.spec import Group, Indicator, Spec
from cityindex.model.tree import ROOT, Tree, resolve_tree

ADDITIVE = frozenset({"arithmetic_mean"})
"""Aggregations whose score is a weighted sum of the children: contributions are exact."""


@dataclass(frozen=True)
class Explanation:
    """One unit's score, taken apart.

    `rows` has one dict per tree node (the index first, then depth first), with `level`
    (COINr's levels, counting up: 1 for an indicator, a group one above its highest child, the
    index highest), `depth` (counting down: 0 for the index, 1 for a top-level group), `id`,
    `parent`, `kind`, `title`, `raw`, `normalised` (an indicator's normalised value, a group's
    score), `median` (the median unit's), `weight` (within the parent),
    `effective_weight` (nominal, the product of weights down the tree), `unit_weight` (this
    unit's actual share of the index after re-weighting around missing values), `contribution`
    (to the scaled score), `share` (contribution / score) and `status`: ok, missing, imputed,
    absent (not on the indicator's source list: its `absent:` rule gave the value, so it is
    data, not a gap) or worst (missing, and counted as the worst value by its group's
    `min_coverage` rule).
    """

    unit: str
    score: float
    score_exact: float
    rank: float
    ranked: int
    coverage: float
    scale_factor: float
    decomposition: list[str]
    rows: list[dict[str, Any]]
    strongest: list[dict[str, Any]]
    weakest: list[dict[str, Any]]
    missing: list[str] = field(default_factory=list)
    imputed: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    """Indicators whose source list does not name the unit (status `absent`, not `imputed`)."""
    counted_worst: list[str] = field(default_factory=list)
    """Missing indicators counted as the worst value by a group's `min_coverage` (status
    `worst`); they are in `missing` too."""
    raw_decimals: dict[str, int] = field(default_factory=dict)
    """Per indicator, the decimals its raw values are written with (the most any unit needs,
    at most `MAX_RAW_DECIMALS`): the precision to show its raw value in."""
    label: str | None = None
    """The unit's Chinese name (`IndexResult.unit_labels`), shown for its id under zh; CSV and
    JSON keep the id."""


def find_unit(result: IndexResult, unit: str) -> int:
    """Index of `unit` in the result: its id or Chinese name (`IndexResult.find_unit`)."""
    return result.find_unit(unit)


def _node_shares(
    tree: Tree, result: IndexResult, i: int
) -> tuple[dict[str, float], float, list[str]]:
    """Per node: its coefficient ``a`` within its parent for unit i; the unscaled index score;
    and a note per non-additive group."""
    z = result.stages["normalised"]
    inc = result.included
    coef: dict[str, float] = {}
    notes: list[str] = []
    root_unscaled = float("nan")
    for gid in tree.bottom_up():
        children = tree.children_of(gid)
        ids = [c.id for c in children]
        if isinstance(children[0], Indicator):
            values = z[ids].to_numpy(dtype=float)
        else:
            values = result.group_scores[ids].to_numpy(dtype=float)
        w = result.weights[gid].to_numpy(dtype=float)
        choice = tree.group_methods[gid]["aggregate"]
        if gid == ROOT:
            method = get_method("aggregate", choice.name)
            directions = (
                raw_directions(tree, children) if isinstance(children[0], Indicator) else None
            )
            units = tuple(np.asarray(result.units)[inc])
            ctx = KernelContext(units, tuple(ids), {"group": gid}, directions)
            y_all = np.asarray(method.kernel(values[inc], w, ctx=ctx, **choice.params))
            y = float(y_all[int(np.sum(inc[:i]))])
            root_unscaled = y
        else:
            y = float(result.group_scores[gid].iloc[i])
        x = values[i]
        present = ~np.isnan(x)
        wp = np.where(present, w, 0.0)
        if wp.sum() == 0:  # every child missing: the group contributes nothing
            a = wp
        elif choice.name == "bod":  # additive under the unit's own optimal weights: exact
            a = _bod_unit_weights(values, inc, i, choice.params)
            shown = ", ".join(f"{c} {aj * xj:.3g}" for c, aj, xj in zip(ids, a, x, strict=True))
            notes.append(
                f"{gid or tree.spec.index.id}: bod weights chosen for this unit by linear "
                f"programming; weight × value per child: {shown}"
            )
        elif choice.name in ADDITIVE:
            a = wp / wp.sum()
        else:
            weighted = float(np.sum(wp * np.where(present, x, 0.0)))
            a = wp * y / weighted if weighted != 0 else wp / wp.sum()
            name = gid or tree.spec.index.id
            notes.append(
                f"{name}: {choice.name} is not additive; its score is shared among its "
                "children in proportion to weight × value (a convention)"
            )
        for cid, aj in zip(ids, a, strict=True):
            coef[cid] = float(aj)
    return coef, root_unscaled, notes


def _bod_unit_weights(
    values: FloatArray, inc: npt.NDArray[np.bool_], i: int, params: Mapping[str, Any]
) -> FloatArray:
    """Unit i's own benefit-of-the-doubt weights (its score is Σ_j w_j x_j exactly)."""
    from cityindex.methods.bod import bod_weights

    _, w = bod_weights(
        values[inc], lower=float(params.get("lower", 0.0)), upper=float(params.get("upper", 1.0))
    )
    out: FloatArray = w[int(np.sum(inc[:i]))]
    return out


def explain(spec: Spec, result: IndexResult, unit: str, *, extremes: int = 3) -> Explanation:
    """Take unit `unit`'s score apart (see the module docstring for the decomposition)."""
    i = find_unit(result, unit)
    name = result.units[i]
    if not result.included[i]:
        raise UsageError(
            [
                issue(
                    "usage.unit.excluded",
                    f"'{name}' is not scored: the missing-data rule excluded it "
                    f"(data coverage {result.coverage[i]:.2f})",
                    hint="lower methods.missing.min_coverage, or add data for it",
                )
            ]
        )
    tree = resolve_tree(spec)
    coef, root_unscaled, notes = _node_shares(tree, result, i)
    exact = float(result.score_exact[i] if result.score_exact is not None else result.score[i])
    factor = exact / root_unscaled if root_unscaled != 0 else 1.0
    z = result.stages["normalised"]
    raw = result.stages["raw"]
    scored = result.included
    eff = result.effective_weights
    top = 1 + max(node_level(g) for g in spec.groups)
    rows: list[dict[str, Any]] = [
        {
            "level": top,
            "depth": 0,
            "id": spec.index.id,
            "parent": "",
            "kind": "index",
            "title": spec.index.title,
            "raw": None,
            "normalised": root_unscaled,
            "median": None,
            "weight": 1.0,
            "effective_weight": 1.0,
            "unit_weight": 1.0,
            "contribution": exact,
            "share": 1.0,
            "status": "ok",
        }
    ]
    missing: list[str] = []
    imputed: list[str] = []
    absent: list[str] = []
    worst: list[str] = []

    def visit(
        node: Group | Indicator, parent: str, depth: int, share: float, nominal: float
    ) -> None:
        w = float(result.weights[parent or ROOT][node.id])
        unit_weight = share * coef[node.id]
        if isinstance(node, Indicator):
            value = float(z[node.id].iloc[i])
            column = z[node.id].to_numpy(dtype=float)[scored]
            raw_value: float | None = float(raw[node.id].iloc[i])
            status = "ok"
            if np.isnan(value):
                status = "missing"
                missing.append(node.id)
            elif result.counted_worst is not None and bool(result.counted_worst[node.id].iloc[i]):
                status = "worst"
                missing.append(node.id)
                worst.append(node.id)
            elif result.absent is not None and bool(result.absent[node.id].iloc[i]):
                status = "absent"
                absent.append(node.id)
            elif bool(result.imputed[node.id].iloc[i]):
                status = "imputed"
                imputed.append(node.id)
            nominal_eff = float(eff[node.id])
        else:
            value = float(result.group_scores[node.id].iloc[i])
            column = result.group_scores[node.id].to_numpy(dtype=float)[scored]
            raw_value = None
            status = "missing" if np.isnan(value) else "ok"
            nominal_eff = nominal * w
        present = column[~np.isnan(column)]
        med = float(np.median(present)) if present.size else float("nan")
        contribution = 0.0 if np.isnan(value) else factor * unit_weight * value
        rows.append(
            {
                "level": node_level(node),
                "depth": depth,
                "id": node.id,
                "parent": parent or spec.index.id,
                "kind": "indicator" if isinstance(node, Indicator) else "group",
                "title": node.title or "",
                "raw": raw_value,
                "normalised": value,
                "median": med,
                "weight": w,
                "effective_weight": nominal_eff,
                "unit_weight": 0.0 if np.isnan(value) else unit_weight,
                "contribution": contribution,
                "share": contribution / exact if exact != 0 else float("nan"),
                "status": status,
            }
        )
        if isinstance(node, Group):
            for child in node.children:
                visit(child, node.id, depth + 1, unit_weight, nominal_eff)

    for group in spec.groups:
        visit(group, "", 1, 1.0, 1.0)
    decomposition = [
        "contribution = scale factor × product of the unit's re-weighted shares down the tree "
        "× normalised value; indicator contributions sum to the score",
        f"scale factor = {factor:.6g} ({spec.index.scale.name}): the index row's normalised "
        f"value is the unscaled score and its contribution the scaled score, "
        f"{exact:.6g} = {factor:.6g} × {root_unscaled:.6g}; the factor is the whole gap "
        "between them",
        *notes,
    ]
    strongest, weakest = _extremes(rows, extremes)
    raw_decimals = {str(c): decimals_needed(raw[c].to_numpy(dtype=float)) for c in raw.columns}
    return Explanation(
        unit=name,
        score=float(result.score[i]),
        score_exact=exact,
        rank=float(result.rank[i]),
        ranked=int(np.sum(scored)),
        coverage=float(result.coverage[i]),
        scale_factor=factor,
        decomposition=decomposition,
        rows=rows,
        strongest=strongest,
        weakest=weakest,
        missing=missing,
        imputed=imputed,
        absent=absent,
        counted_worst=worst,
        raw_decimals=raw_decimals,
        label=result.unit_labels.get(name),
    )


MAX_RAW_DECIMALS = 6


def decimals_needed(values: FloatArray) -> int:
    """The fewest decimals showing every value exactly (at most `MAX_RAW_DECIMALS`).

    >>> decimals_needed(np.array([240.0, 12.0, np.nan])), decimals_needed(np.array([0.5, 2.25]))
    (0, 2)
    """
    most = 0
    for value in values[~np.isnan(values)]:
        text = f"{float(value):.{MAX_RAW_DECIMALS}f}".rstrip("0")
        most = max(most, len(text.partition(".")[2]))
    return most


def _extremes(
    rows: list[dict[str, Any]], n: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The indicators furthest above and below the median unit (normalised values)."""
    gaps = []
    for row in rows:
        if row["kind"] != "indicator" or np.isnan(row["normalised"]) or np.isnan(row["median"]):
            continue
        gaps.append(
            {
                "id": row["id"],
                "normalised": row["normalised"],
                "median": row["median"],
                "gap": row["normalised"] - row["median"],
            }
        )
    strongest = sorted((g for g in gaps if g["gap"] > 0), key=lambda g: -g["gap"])[:n]
    weakest = sorted((g for g in gaps if g["gap"] < 0), key=lambda g: g["gap"])[:n]
    return strongest, weakest


def indicator_contributions(explanation: Explanation) -> FloatArray:
    """The indicators' contributions, in tree order (they sum to the exact score)."""
    return np.array(
        [r["contribution"] for r in explanation.rows if r["kind"] == "indicator"], dtype=float
    )
