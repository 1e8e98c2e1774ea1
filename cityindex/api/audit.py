"""`audit` and `importance`: how the parts of an index relate to each other and to the index."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityindex.api.index import DataLike, Index, SpecLike, as_index
from cityindex.errors import UsageError, did_you_mean, issue
from cityindex.load.arguments import number_argument, text_argument
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec

if TYPE_CHECKING:
    from cityindex.analysis.audit import Audit

AUDIT_KEYS = {
    "indicators": ["indicator"],
    "groups": ["group"],
    "pairs": ["indicator_1", "indicator_2"],
}
"""The audit's three tables and the columns that index each."""


def audit_report(spec: Spec, result: IndexResult, *, stage: str = "raw", low: float = 0.0) -> Audit:
    """The audit of one computed result as rows (what `audit` and the command build on).

    Kept as rows so the command prints exactly what the audit found; `audit` turns them into
    frames. An unknown `stage` is a `UsageError`.
    """
    from cityindex.analysis.audit import audit as run_audit

    stage = text_argument(stage, "stage", optional=False) or ""
    low = number_argument(low, "low")
    if stage not in result.stages:
        raise UsageError(
            [
                issue(
                    "usage.audit.stage",
                    f"no stage '{stage}'",
                    expected="one of: " + ", ".join(result.stages),
                    hint=did_you_mean(stage, list(result.stages)),
                )
            ]
        )
    return run_audit(spec, result, stage=stage, low=low)


def audit(
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    stage: str = "raw",
    low: float = 0.0,
    set: Sequence[str] = (),
    year: int | None = None,
) -> dict[str, pd.DataFrame]:
    """A statistical audit of the index, after COINr's get_stats, get_corr_flags, get_cronbach.

    Why: before trusting a composite, check that its indicators are well behaved (outliers,
    availability), point the same way as their group and the index, and that each group holds
    together (Cronbach's α, the first principal component's share). Returns three frames:

    - ``"indicators"``, indexed by indicator: group, availability, n, mean, sd, skewness,
      kurtosis (on `stage`, default raw), outlier, corr_group, corr_index, effective_weight,
      importance (r² share with the index), flags;
    - ``"groups"``, indexed by group: parent, children, alpha, pc1_share, corr_parent,
      corr_index;
    - ``"pairs"``, indexed by (indicator_1, indicator_2): indicator pairs of one group
      correlating above 0.9 (``collinear``) or below `low` (``negative``): group, corr, flag.

    Each frame's ``attrs["stage"]`` names the stage the statistics were taken on.
    """
    from cityindex.analysis.audit_columns import GROUP_COLUMNS, INDICATOR_COLUMNS, PAIR_COLUMNS

    idx = as_index(spec, data, set=set, year=year)
    report = audit_report(idx.spec, idx.compute(year=year), stage=stage, low=low)
    columns = {"indicators": INDICATOR_COLUMNS, "groups": GROUP_COLUMNS, "pairs": PAIR_COLUMNS}
    frames: dict[str, pd.DataFrame] = {}
    for name, keys in AUDIT_KEYS.items():
        frame = pd.DataFrame(getattr(report, name), columns=columns[name]).set_index(keys)
        frame.attrs = {"stage": report.stage}
        frames[name] = frame
    return frames


def importance_rows(
    spec: Spec, result: IndexResult, *, level: int | None = None
) -> list[dict[str, Any]]:
    """`importance` of one computed result as rows (what the command prints); a `level`
    no child is at is a `UsageError` listing the levels there are."""
    from cityindex.analysis.importance import importance as run_importance

    if level is not None:
        there = child_levels(spec)
        if not (isinstance(level, int) and not isinstance(level, bool) and level in there):
            shown = ", ".join(map(str, there))
            raise UsageError(
                [
                    issue(
                        "usage.importance.level",
                        f"--level {level!r}: no children at level {level!r} (levels: {shown})",
                        expected=f"one of: {shown} (1 = the index's children)",
                        got=repr(level)[:40],
                        hint="leave --level out for every level and the indicators against "
                        "the index",
                    )
                ]
            )
    return run_importance(spec, result, level=level)


def child_levels(spec: Spec) -> list[int]:
    """The levels `importance` can keep: the depth of every group's children (1 = the
    index's own)."""
    from cityindex.model.tree import ROOT, resolve_tree

    tree = resolve_tree(spec)
    depth = {ROOT: 0}
    for gid in [ROOT, *(g.id for g in tree.groups)]:
        for c in tree.children_of(gid):
            depth[c.id] = depth[gid] + 1
    return list(range(1, max(depth.values()) + 1))


def importance(
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    level: int | None = None,
    set: Sequence[str] = (),
    year: int | None = None,
) -> pd.DataFrame:
    """Importance against weight: does each child matter as much as its weight says?

    A nominal weight is not the influence a child has on the index (Becker et al. 2017); this
    compares them. One row per child of each group (top first), then one per indicator
    against the index (parent ``"(index)"``, level 0), indexed by (parent, child): level,
    nominal_weight, weight, effective_weight, correlation, importance (first-order
    S = V(E(y|x))/V(y), by local linear regression), importance_share (S among siblings) and
    ratio (share / weight). `level` keeps only the children at that depth (1 = the index's).
    """
    from cityindex.analysis.importance import COLUMNS

    idx = as_index(spec, data, set=set, year=year)
    rows = importance_rows(idx.spec, idx.compute(year=year), level=level)
    return pd.DataFrame(rows, columns=COLUMNS).set_index(["parent", "child"])
