"""`weights_detail` and `score_detail`: the intermediate tables of entropy and CRITIC weights
and of TOPSIS and VIKOR aggregation, as SPSSAU shows them (``weights --detail``,
``score --detail``)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from cityindex.analysis.detail import DetailTable, aggregation_details, weight_details
from cityindex.api.index import DataLike, Index, SpecLike, as_index
from cityindex.engine.pipeline import unit_labels


def _frames(tables: list[DetailTable], labels: dict[str, str]) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    for t in tables:
        frame = t.frame.copy()
        frame.attrs = {"group": t.group, "method": t.method, "labels": labels}
        if t.conditions:
            frame.attrs["conditions"] = dict(t.conditions)
        out[t.group] = frame
    return out


def weights_detail(
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    set: Sequence[str] = (),
    year: int | None = None,
) -> dict[str, pd.DataFrame]:
    """The entropy (熵权法) and CRITIC tables of every group weighted by either, by group id
    (the index's own id for the top level), groups bottom-up.

    Entropy: indexed by indicator, ``entropy`` e_j = −(1/ln n) Σ p_ij ln p_ij (信息熵值),
    ``diversity`` d_j = 1 − e_j (信息效用值) and ``weight`` w_j = d_j / Σ d_k (权重), p_ij =
    z_ij / Σ_i z_ij of the values the method saw (normalised, plus its `shift`, or raw with
    ``on: raw``). CRITIC: ``sd`` σ_j, ``conflict`` Σ_k (1 − r_jk), ``information`` C_j =
    σ_j Σ_k (1 − r_jk) and ``weight``. The weights equal the index's (`weights`). ``attrs``:
    ``group`` and ``method``. Empty when no group uses either method.
    """
    index = as_index(spec, data, set=set, year=year)
    return _frames(weight_details(index.spec, index.table(year=year)), {})


def score_detail(
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    set: Sequence[str] = (),
    year: int | None = None,
) -> dict[str, pd.DataFrame]:
    """The TOPSIS and VIKOR tables of every group aggregated by either, by group id (the
    index's own id for the top level), groups bottom-up; rows are the units scored.

    TOPSIS: ``d_plus`` D⁺ and ``d_minus`` D⁻ (distances to the ideal and anti-ideal),
    ``closeness`` C = D⁻ / (D⁺ + D⁻) (相对接近度: the group's score) and ``rank`` by C.
    VIKOR: ``s`` S (group utility), ``r`` R (individual regret), ``q`` Q and ``rank`` by Q
    (1 = least Q); ``attrs["conditions"]`` holds Opricovic & Tzeng's compromise conditions:
    ``first`` and ``second`` by Q, ``q_gap`` Q(a″) − Q(a′), ``threshold`` DQ = 1/(m − 1),
    ``advantage`` (C1: q_gap ≥ DQ), ``stability`` (C2: the first also best by S or R),
    ``compromise`` (the compromise solution's units) and ``v``.
    ``attrs``: ``group``, ``method`` and ``labels`` (the units' Chinese names by id, from the
    spec's ``index.unit_label_zh`` column). Empty when no group uses either method.
    """
    index = as_index(spec, data, set=set, year=year)
    table = index.table(year=year)
    return _frames(aggregation_details(index.spec, table), unit_labels(index.spec, table))
