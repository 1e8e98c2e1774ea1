"""Two results side by side: ranks and scores per unit, their changes, rank correlations.

A and B can be any two results — two specs, one spec on two data files or years, or a spec and
a `--set` variant; this module only compares what it is given. Correlations are over the units
ranked in both: Spearman's rho and Kendall's tau-b on the exact scores (ties handled as in
`cityindex.analysis.check`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cityindex.analysis.check import kendall, spearman
from cityindex.model.result import IndexResult


@dataclass(frozen=True)
class Comparison:
    """Per unit rows (`unit`, `rank_a`, `rank_b`, `rank_change`, `score_a`, `score_b`,
    `score_change`) for units ranked in A or B, correlations over the units ranked in both, the
    biggest movers, and the units ranked in neither (`unranked`).

    `rank_change` is rank_a − rank_b: positive means the unit climbed in B.
    """

    label_a: str
    label_b: str
    rows: list[dict[str, Any]]
    common: int
    spearman: float
    kendall: float
    movers: list[dict[str, Any]]
    only_a: list[str]
    only_b: list[str]
    unranked: list[str]


def _exact(result: IndexResult) -> np.ndarray[Any, np.dtype[np.float64]]:
    exact = result.score_exact if result.score_exact is not None else result.score
    return np.where(result.included, exact, np.nan)


def compare(
    a: IndexResult, b: IndexResult, *, label_a: str = "A", label_b: str = "B", movers: int = 5
) -> Comparison:
    """Compare two results unit by unit (units matched by id; order: A's ranking, then B's)."""
    score_a, score_b = _exact(a), _exact(b)
    pos_a = {u: i for i, u in enumerate(a.units)}
    pos_b = {u: i for i, u in enumerate(b.units)}
    order = sorted(
        dict.fromkeys([*a.units, *b.units]),
        key=lambda u: (
            a.rank[pos_a[u]] if u in pos_a and not np.isnan(a.rank[pos_a[u]]) else np.inf,
            b.rank[pos_b[u]] if u in pos_b and not np.isnan(b.rank[pos_b[u]]) else np.inf,
        ),
    )
    rows: list[dict[str, Any]] = []
    for unit in order:
        ra = float(a.rank[pos_a[unit]]) if unit in pos_a else float("nan")
        rb = float(b.rank[pos_b[unit]]) if unit in pos_b else float("nan")
        sa = float(a.score[pos_a[unit]]) if unit in pos_a else float("nan")
        sb = float(b.score[pos_b[unit]]) if unit in pos_b else float("nan")
        ea = float(score_a[pos_a[unit]]) if unit in pos_a else float("nan")
        eb = float(score_b[pos_b[unit]]) if unit in pos_b else float("nan")
        rows.append(
            {
                "unit": unit,
                "rank_a": None if np.isnan(ra) else int(ra),
                "rank_b": None if np.isnan(rb) else int(rb),
                "rank_change": None if np.isnan(ra - rb) else int(ra - rb),
                "score_a": sa,
                "score_b": sb,
                "score_change": eb - ea,
                "_exact_a": ea,
                "_exact_b": eb,
            }
        )
    unranked = [r["unit"] for r in rows if r["rank_a"] is None and r["rank_b"] is None]
    rows = [r for r in rows if r["rank_a"] is not None or r["rank_b"] is not None]
    both = [r for r in rows if r["rank_change"] is not None]
    xa = np.array([r["_exact_a"] for r in both])
    xb = np.array([r["_exact_b"] for r in both])
    for r in rows:
        del r["_exact_a"], r["_exact_b"]
    moved = sorted(
        (r for r in both if r["rank_change"] != 0),
        key=lambda r: (-abs(r["rank_change"]), r["rank_a"]),
    )
    return Comparison(
        label_a=label_a,
        label_b=label_b,
        rows=rows,
        common=len(both),
        spearman=spearman(xa, xb),
        kendall=kendall(xa, xb),
        movers=moved[:movers],
        only_a=[r["unit"] for r in rows if r["rank_a"] is not None and r["rank_b"] is None],
        only_b=[r["unit"] for r in rows if r["rank_b"] is not None and r["rank_a"] is None],
        unranked=unranked,
    )
