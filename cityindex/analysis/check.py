"""Computed vs published: per unit differences, reproduction verdicts, rank agreement."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cityindex.methods.registry import FloatArray
from cityindex.model.reference import Reference
from cityindex.model.result import IndexResult


def spearman(a: FloatArray, b: FloatArray) -> float:
    """Spearman's rank correlation (Pearson on average ranks); NaN below 2 units."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size < 2:
        return float("nan")
    rx, ry = _average_ranks(x), _average_ranks(y)
    sx, sy = rx - rx.mean(), ry - ry.mean()
    denom = float(np.sqrt((sx**2).sum() * (sy**2).sum()))
    return float((sx * sy).sum() / denom) if denom > 0 else float("nan")


def kendall(a: FloatArray, b: FloatArray) -> float:
    """Kendall's tau-b: Σ sign(Δx)·sign(Δy) / √(Σ sign(Δx)² · Σ sign(Δy)²) over pairs.

    Tau-b corrects for ties in either variable (Kendall 1945; scipy.stats.kendalltau's
    default); NaN below 2 units or when one variable is constant.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size < 2:
        return float("nan")
    sx = np.sign(x[:, None] - x[None, :])
    sy = np.sign(y[:, None] - y[None, :])
    upper = np.triu(np.ones((x.size, x.size), dtype=bool), 1)
    num = float(np.sum((sx * sy)[upper]))
    denom = float(np.sqrt(np.sum(sx[upper] ** 2) * np.sum(sy[upper] ** 2)))
    return num / denom if denom > 0 else float("nan")


def _average_ranks(x: FloatArray) -> FloatArray:
    order = np.argsort(x, kind="stable")
    ranks = np.empty(x.size)
    ranks[order] = np.arange(1, x.size + 1, dtype=float)
    for value in np.unique(x):
        tied = x == value
        ranks[tied] = ranks[tied].mean()
    return ranks


@dataclass(frozen=True)
class CheckReport:
    """The comparison of one result with one reference."""

    rows: list[dict[str, Any]]
    max_abs_diff: float
    spearman: float
    reproduced: bool
    missing_units: list[str]
    kendall_tau: float = float("nan")
    rank_only: bool = False
    n_common: int = 0
    """How many units rho and tau are taken over: published units that are also ranked here,
    with both a published and a computed rank."""
    unit_labels: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The units' Chinese names (`IndexResult.unit_labels`): a table shows them under zh."""

    def summary(self) -> dict[str, Any]:
        """The report's one-line facts, as JSON carries them beside the rows."""
        return {
            "max_abs_diff": self.max_abs_diff,
            "spearman": self.spearman,
            "kendall_tau": self.kendall_tau,
            "n_common": self.n_common,
            "rank_only": self.rank_only,
            "reproduced": self.reproduced,
        }


def check(result: IndexResult, reference: Reference) -> CheckReport:
    """Compare scores (to the published precision) and ranks for the published units.

    A unit with a published score is reproduced when its computed score rounds to it and, when
    its rank was published too, its rank in the full computed ranking (`computed_rank`: among
    every scored unit, not only the published ones) equals the published rank; a unit with only
    a published rank (a rank-only reference) when those ranks are equal. Spearman's rho and
    Kendall's tau-b are taken over the published vs computed ranks of the `n_common` units
    that have both.
    """
    position = {u: i for i, u in enumerate(result.units)}
    exact = result.score_exact if result.score_exact is not None else result.score
    rows: list[dict[str, Any]] = []
    missing = [u for u in reference.units if u not in position]
    tol = reference.tolerance()
    diffs: list[float] = []
    ok = not missing
    for k, unit in enumerate(reference.units):
        if unit not in position:
            continue
        i = position[unit]
        published = float(reference.scores[k])
        computed = float(exact[i])
        row: dict[str, Any] = {
            "unit": unit,
            "published_score": published,
            "computed_score": float(result.score[i]),
            "diff": computed - published if not np.isnan(published) else float("nan"),
            "published_rank": float(reference.ranks[k]),
            "computed_rank": float(result.rank[i]),
        }
        same_rank = bool(np.isnan(reference.ranks[k]) or result.rank[i] == reference.ranks[k])
        if not np.isnan(published):
            diff = abs(computed - published)
            diffs.append(diff)
            row["reproduced"] = bool(diff <= tol[k] + 1e-12) and same_rank
        else:
            row["reproduced"] = same_rank
        ok = ok and row["reproduced"]
        rows.append(row)
    published_ranks = np.array([r["published_rank"] for r in rows])
    computed_ranks = np.array([r["computed_rank"] for r in rows])
    have = ~np.isnan(published_ranks) & ~np.isnan(computed_ranks)
    rho = spearman(published_ranks[have], computed_ranks[have])
    tau = kendall(published_ranks[have], computed_ranks[have])
    return CheckReport(
        rows=rows,
        max_abs_diff=max(diffs) if diffs else float("nan"),
        spearman=rho,
        reproduced=ok,
        missing_units=missing,
        kendall_tau=tau,
        rank_only=not reference.has_scores,
        n_common=int(have.sum()),
        unit_labels=dict(result.unit_labels),
    )
