"""`weights`: every weight of an index, where it sits and which method produced it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from cityindex.api.index import DataLike, Index, SpecLike, as_index
from cityindex.methods.registry import get_method
from cityindex.model.result import IndexResult
from cityindex.model.spec import Group, Indicator, MethodChoice, Spec
from cityindex.model.tree import ROOT, resolve_tree

WEIGHT_COLUMNS = ["indicator", "group", "weight", "effective_weight", "method", "params"]
"""The first four are DESIGN.md's contract; method and params say where each weight came from."""
GROUP_COLUMNS = ["group", "parent", "weight", "effective_weight", "method", "params"]
Rows = list[dict[str, Any]]
CONSISTENCY_COLUMNS = ["group", "method", "judge", "n", "lambda_max", "ci", "ri", "cr"]


def _value_text(key: str, value: Any) -> str:
    """One parameter as short text: long judgement lists are counted, not spelt out."""
    if key == "pairs" and isinstance(value, list | tuple):
        return f"{key}=<{len(value)} judgements>"
    if key == "experts" and isinstance(value, Mapping):
        return f"{key}=<{len(value)} experts: {', '.join(map(str, value))}>"
    if key == "of" and isinstance(value, list | tuple):
        parts = []
        for entry in value:
            if isinstance(entry, Mapping) and "method" in entry:
                inner = {k: v for k, v in entry.items() if k != "method"}
                parts.append(method_text(str(entry["method"]), inner))
            else:
                parts.append(str(entry))
        return f"{key}=[{'; '.join(parts)}]"
    if isinstance(value, list | tuple):
        return f"{key}=[{', '.join(_number(v) for v in value)}]"
    return f"{key}={_number(value)}"


def _number(value: Any) -> str:
    """A whole float without its ``.0``; any other float exactly (repr); the rest as str."""
    if isinstance(value, float) and not isinstance(value, bool):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def params_text(params: Mapping[str, Any]) -> str:
    """A weight method's parameters as text for the `params` column (unset ones left out)."""
    return ", ".join(_value_text(k, v) for k, v in params.items() if v is not None)


def method_text(name: str, params: Mapping[str, Any]) -> str:
    """``name(params)``, e.g. ``entropy(on=normalised, shift=0)``."""
    text = params_text(params)
    return f"{name}({text})" if text else name


def _weight_source(choice: MethodChoice, child: Group | Indicator) -> tuple[str, str]:
    """(method, params) that produced a child's weight within its group: for `fixed`, the
    spec's own relative weight of the child."""
    if choice.name == "fixed":
        return choice.name, f"weight={_number(float(child.weight))}"
    return choice.name, params_text(choice.params)


def weight_rows(spec: Spec, result: IndexResult) -> list[dict[str, Any]]:
    """One row per indicator: its group, weight within the group, effective weight, and the
    weight method (with its parameters) that produced the weight."""
    tree = resolve_tree(spec)
    rows: list[dict[str, Any]] = []
    for group in spec.all_groups():
        w = result.weights[group.id]
        choice = tree.group_methods[group.id]["weights"]
        for child in group.children:
            if isinstance(child, Indicator):
                method, params = _weight_source(choice, child)
                rows.append(
                    {
                        "indicator": child.id,
                        "group": group.id,
                        "weight": float(w[child.id]),
                        "effective_weight": float(result.effective_weights[child.id]),
                        "method": method,
                        "params": params,
                    }
                )
    return rows


def group_weight_rows(spec: Spec, result: IndexResult) -> list[dict[str, Any]]:
    """One row per group: its parent, weight within the parent, effective weight, and the
    parent's weight method (with its parameters) that produced the weight."""
    tree = resolve_tree(spec)
    rows: list[dict[str, Any]] = []

    def visit(gid: str, parent: str, share: float) -> None:
        children = (
            spec.groups if gid == ROOT else next(g for g in spec.all_groups() if g.id == gid).groups
        )
        choice = tree.group_methods[gid]["weights"]
        for child in children:
            w = float(result.weights[gid][child.id])
            method, params = _weight_source(choice, child)
            rows.append(
                {
                    "group": child.id,
                    "parent": parent,
                    "weight": w,
                    "effective_weight": share * w,
                    "method": method,
                    "params": params,
                }
            )
            visit(child.id, child.id, share * w)

    visit(ROOT, spec.index.id, 1.0)
    return rows


def consistency_rows(spec: Spec) -> list[dict[str, Any]]:
    """λmax, CI, RI and CR of every AHP in the tree (a group's own, or inside `combine`),
    one row per expert and one for the judgements the weights come from."""
    from cityindex.methods.ahp_judgements import consistency_summary
    from cityindex.methods.ahp_matrix import random_index

    tree = resolve_tree(spec)
    rows: list[dict[str, Any]] = []
    ahp_method = get_method("weights", "ahp")
    for gid in [ROOT, *(g.id for g in tree.groups)]:
        choice = tree.group_methods[gid]["weights"]
        ids = [c.id for c in tree.children_of(gid)]
        found: list[tuple[str, Mapping[str, Any]]] = []
        if choice.name == "ahp":
            found.append(("ahp", choice.params))
        elif choice.name == "combine":
            for k, entry in enumerate(choice.params.get("of") or ()):
                if isinstance(entry, Mapping) and entry.get("method") == "ahp":
                    given = {key: v for key, v in entry.items() if key != "method"}
                    found.append((f"combine.of[{k}]: ahp", ahp_method.resolve(given)))
        for label, params in found:
            for row in consistency_summary(params, ids):
                rows.append(
                    {
                        "group": gid or spec.index.id,
                        "method": label,
                        **row,
                        "ri": random_index(len(ids)),
                    }
                )
    return rows


def weight_tables(spec: Spec, result: IndexResult) -> dict[str, tuple[list[str], Rows]]:
    """Columns and rows of ``indicators``, ``groups`` and ``consistency`` (see `weights`)."""
    return {
        "indicators": (WEIGHT_COLUMNS, weight_rows(spec, result)),
        "groups": (GROUP_COLUMNS, group_weight_rows(spec, result)),
        "consistency": (CONSISTENCY_COLUMNS, consistency_rows(spec)),
    }


def weights(
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    set: Sequence[str] = (),
    year: int | None = None,
) -> pd.DataFrame:
    """Every indicator's weight, as ``cityindex weights --format csv`` prints it.

    Weights may come from data (entropy, CRITIC, PCA) or judgements (AHP), so they are only
    known once the index is computed; this says what they came out as and why. Indexed by
    indicator: ``group``, ``weight`` (within its group), ``effective_weight`` (the product
    down the tree; they sum to 1), ``method`` and ``params`` (the weight method that produced
    it). ``attrs["groups"]`` holds the same for groups (records with ``parent``),
    ``attrs["consistency"]`` λmax, CI, RI and CR of each AHP (records), and the manifest.
    """
    index = as_index(spec, data, set=set, year=year)
    result = index.compute(year=year)
    tables = weight_tables(index.spec, result)
    out = pd.DataFrame(tables["indicators"][1], columns=WEIGHT_COLUMNS).set_index("indicator")
    out.attrs = {
        "groups": tables["groups"][1],
        "consistency": tables["consistency"][1],
        "manifest": dict(result.manifest),
    }
    return out
