"""A statistical audit of an index, after the JRC's and COINr's checks.

Definitions (COINr 1.1, bluefoxr/COINr: R/stats.R, R/correlations.R):

- Indicator statistics (`get_stats`): mean, sample sd, skewness and excess kurtosis as e1071
  type 2 (Excel's SKEW and KURT; `cityindex.methods.treat.skewness`/`kurtosis`), computed on the
  chosen stage (default raw) over the scored units; an indicator is flagged as having outliers
  when ``|skew| > 2`` **and** ``kurtosis > 3.5``. Availability is the share of all units in the data
  with a value.
- Correlations are Pearson, pairwise-complete, on the normalised indicators (directions
  aligned) and the group and index scores, over the scored units. Pairs of indicators in the
  same group are flagged like `get_corr_flags`: ``r > 0.9`` collinear, ``r < low`` (default 0)
  negative; an indicator is also flagged when it correlates negatively with its own group or
  with the index.
- Cronbach's alpha per group over its children: with C the covariance matrix of the k children
  over the units that have all of them (their number is ``alpha_n``),
  ``α = k/(k−1) · (1 − tr C / ΣC)``. COINr's `get_cronbach` uses pairwise-complete covariances
  instead, which can give alpha above 1 when children have gaps of different sizes.
- First principal component's share of variance per group: the largest eigenvalue of the
  children's correlation matrix over complete cases divided by k (PCA on standardised data, as
  COINr's `get_PCA` with `prcomp(scale. = TRUE)`).
- Correlation-based importance: ``r_i² / Σ_j r_j²`` with r_i the indicator's correlation with
  the index, beside its effective weight (Paruolo, Saisana & Saltelli 2013 compare weights with
  first-order effects; r² is that effect under a linear relation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cityindex.methods.registry import FloatArray
from cityindex.methods.treat import kurtosis, skewness
from cityindex.model.result import IndexResult
from cityindex.model.spec import Indicator, Spec
from cityindex.model.tree import ROOT, resolve_tree

HIGH = 0.9
"""COINr's get_corr_flags default: pairs above this are collinear."""
SKEW, KURT = 2.0, 3.5
"""COINr's get_stats defaults for the outlier flag (|skew| > 2 and kurtosis > 3.5)."""


@dataclass(frozen=True)
class Audit:
    """Three tables: per indicator, per group, and flagged indicator pairs."""

    stage: str
    indicators: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    pairs: list[dict[str, Any]]


def pearson(a: FloatArray, b: FloatArray) -> float:
    """Pearson correlation over the pairs where both are present; NaN with < 3 pairs or a
    constant side."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ok = ~np.isnan(x) & ~np.isnan(y)
    if ok.sum() < 3:
        return float("nan")
    x, y = x[ok] - x[ok].mean(), y[ok] - y[ok].mean()
    denom = float(np.sqrt((x**2).sum() * (y**2).sum()))
    return float((x * y).sum() / denom) if denom > 0 else float("nan")


def cronbach_alpha(x: FloatArray) -> float:
    """Cronbach's alpha of the columns of `x` ``(units, k)`` over the complete cases.

    COINr's get_cronbach takes pairwise-complete covariances; with gaps of different sizes
    (14 of 30 values against 30 of 30) that matrix need not be a covariance matrix of any data
    and alpha can exceed 1 (1.114 on the default index), a figure no reader may quote. Over the
    units that have every child, alpha is that of a real data set and never above 1; how many
    units that is goes beside it (`complete_cases`).
    """
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v).any(axis=1)]
    k = v.shape[1]
    if k < 2 or v.shape[0] < 2:
        return float("nan")
    cov = np.cov(v, rowvar=False, ddof=1)
    total = float(cov.sum())
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - float(np.trace(cov)) / total))


def complete_cases(x: FloatArray) -> int:
    """How many units have a value for every column of `x` (the n behind alpha)."""
    return int((~np.isnan(np.asarray(x, dtype=float)).any(axis=1)).sum())


def pc1_share(x: FloatArray) -> float:
    """Share of variance on the first principal component of standardised complete cases."""
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v).any(axis=1)]
    k = v.shape[1]
    if k < 2 or v.shape[0] < 3:
        return float("nan")
    sd = v.std(axis=0, ddof=1)
    if np.any(sd == 0):
        return float("nan")
    corr = np.corrcoef(v, rowvar=False)
    return float(np.linalg.eigvalsh(corr)[-1] / k)


def audit(spec: Spec, result: IndexResult, *, stage: str = "raw", low: float = 0.0) -> Audit:
    """Audit `result` (see the module docstring for every definition)."""
    tree = resolve_tree(spec)
    inc = result.included
    z = result.stages["normalised"]
    values = result.stages[stage]
    exact = result.score_exact if result.score_exact is not None else result.score
    index = np.where(inc, exact, np.nan)[inc]
    parent = {c.id: g.id for g in tree.groups for c in g.children}
    parent.update({g.id: ROOT for g in spec.groups})

    def series(node_id: str) -> FloatArray:
        frame = z if node_id in z.columns else result.group_scores
        out: FloatArray = np.asarray(frame[node_id].to_numpy(dtype=float)[inc], dtype=float)
        return out

    r_index = {ind.id: pearson(series(ind.id), index) for ind in tree.indicators}
    r2 = {k: v**2 for k, v in r_index.items() if not np.isnan(v)}
    r2_total = sum(r2.values())
    indicators: list[dict[str, Any]] = []
    for ind in tree.indicators:
        col = values[ind.id].to_numpy(dtype=float)
        scored = col[inc]
        present = scored[~np.isnan(scored)]
        sk = float(skewness(scored[:, None])[0]) if present.size >= 3 else float("nan")
        ku = float(kurtosis(scored[:, None])[0]) if present.size >= 4 else float("nan")
        group = parent[ind.id]
        r_group = pearson(series(ind.id), series(group))
        flags = []
        outlier = bool(abs(sk) > SKEW and ku > KURT)
        if outlier:
            flags.append("outliers")
        if r_group < 0:
            flags.append("negative with group")
        if r_index[ind.id] < 0:
            flags.append("negative with index")
        indicators.append(
            {
                "indicator": ind.id,
                "group": group,
                "availability": float(np.mean(~np.isnan(col))),
                "n": int(present.size),
                "mean": float(present.mean()) if present.size else float("nan"),
                "sd": float(present.std(ddof=1)) if present.size > 1 else float("nan"),
                "skewness": sk,
                "kurtosis": ku,
                "outlier": outlier,
                "corr_group": r_group,
                "corr_index": r_index[ind.id],
                "effective_weight": float(result.effective_weights[ind.id]),
                "importance": r2.get(ind.id, float("nan")) / r2_total
                if r2_total > 0
                else float("nan"),
                "flags": "; ".join(flags),
            }
        )
    groups: list[dict[str, Any]] = []
    pairs: list[dict[str, Any]] = []
    for g in tree.groups:
        ids = [c.id for c in g.children]
        x = np.column_stack([series(i) for i in ids])
        groups.append(
            {
                "group": g.id,
                "parent": parent[g.id] or spec.index.id,
                "children": len(ids),
                "alpha": cronbach_alpha(x),
                "alpha_n": complete_cases(x),
                "pc1_share": pc1_share(x),
                "corr_parent": pearson(series(g.id), index)
                if parent[g.id] == ROOT
                else pearson(series(g.id), series(parent[g.id])),
                "corr_index": pearson(series(g.id), index),
            }
        )
        if not isinstance(g.children[0], Indicator):
            continue
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                r = pearson(x[:, a], x[:, b])
                if r > HIGH or r < low:
                    pairs.append(
                        {
                            "group": g.id,
                            "indicator_1": ids[a],
                            "indicator_2": ids[b],
                            "corr": r,
                            "flag": "collinear" if r > HIGH else "negative",
                        }
                    )
    return Audit(stage=stage, indicators=indicators, groups=groups, pairs=pairs)
