"""`obstacles` (障碍度) and `coupling` (耦合协调度): diagnostics of one result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd

from cityindex.api.frames import labelled_frame, rank_order
from cityindex.api.index import Index, SpecLike, as_result
from cityindex.errors import UsageError, did_you_mean, issue
from cityindex.load.arguments import texts_argument, wrong_type
from cityindex.methods.registry import DomainError
from cityindex.model.result import IndexResult


def obstacles(result: IndexResult | SpecLike | Index | None = None) -> pd.DataFrame:
    """Obstacle degree (障碍度) in percent: scored units (rank order) × indicators.

    O_ij = 100 · F_j (1 − z_ij) / Σ_k F_k (1 − z_ik), F_j the indicator's effective weight and
    z_ij its normalised value in [0, 1]; each row sums to 100 (0 for a unit at the ideal).
    """
    from cityindex.analysis.diagnostics import diagnostic_error, obstacle_degree

    res = as_result(result)
    frame = res.stages["normalised"]
    ids = [str(c) for c in frame.columns]
    weights = res.effective_weights.reindex(ids).to_numpy(dtype=float)
    try:
        degrees = obstacle_degree(frame.to_numpy(dtype=float), weights)
    except DomainError as exc:
        raise diagnostic_error(exc, "obstacles", ids) from None
    order = [i for i in rank_order(res) if res.included[i]]
    out = pd.DataFrame(
        degrees[order],
        columns=pd.Index(ids, name="indicator"),
        index=pd.Index([res.units[i] for i in order], name=res.unit_column),
    )
    return out


def coupling(
    result: IndexResult | SpecLike | Index,
    groups: Sequence[str],
    *,
    language: Literal["zh", "en"] = "zh",
) -> pd.DataFrame:
    """Coupling coordination (耦合协调度) of two or more groups, per scored unit (rank order).

    Columns: the group scores U_i, ``coupling`` C = (Π U_i)^(1/m) / (Σ U_i / m), ``development``
    T = Σ U_i / m, ``coordination`` D = √(C·T), and ``band`` (one of ten equal steps of D).
    """
    from cityindex.analysis.diagnostics import (
        coordination_band,
        coupling_coordination,
        diagnostic_error,
    )

    res = as_result(result)
    wanted = list(texts_argument(groups, "groups", example="policy"))
    if language not in ("zh", "en"):
        raise wrong_type("language", language, "zh or en")
    known = [str(g) for g in res.group_scores.columns]
    problems = [
        issue("usage.group.unknown", f"no group '{g}' in the spec", hint=did_you_mean(g, known))
        for g in wanted
        if g not in known
    ]
    if len(wanted) < 2:
        problems.append(issue("usage.groups.count", "coupling needs at least two group ids"))
    if problems:
        raise UsageError(problems)
    order = [i for i in rank_order(res) if res.included[i]]
    u = res.group_scores[wanted].to_numpy(dtype=float)[order]
    try:
        outcome = coupling_coordination(u)
    except DomainError as exc:
        raise diagnostic_error(exc, "coupling", wanted) from None
    columns: dict[str, Any] = {g: u[:, k] for k, g in enumerate(wanted)}
    columns.update(
        coupling=outcome.coupling,
        development=outcome.development,
        coordination=outcome.coordination,
        band=list(coordination_band(outcome.coordination, language=language)),
    )
    return labelled_frame(columns, [res.units[i] for i in order], res.unit_column)
