"""`IndexResult`: everything one computation produced, stage by stage, with provenance.

Renderers, `explain`, `check` and reports read from here; nothing here recomputes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cityindex.errors import UsageError, did_you_mean, issue
from cityindex.methods.registry import FloatArray

if TYPE_CHECKING:
    from cityindex.model.spec import Spec


@dataclass(frozen=True)
class IndexResult:
    """Scores, ranks and every intermediate stage of one index computation.

    Arrays are indexed by `units` (all units in the data, sorted by name so that the CSV's row
    order never matters); units excluded by the
    missing-data rule have NaN scores and no rank. `stages` holds unit × indicator frames
    (raw, denominated, imputed, treated, normalised); `group_scores` one column per group id
    in definition order; `tiers` (optional) one tier name per unit.
    """

    units: tuple[str, ...]
    unit_column: str
    score: FloatArray
    rank: FloatArray
    coverage: FloatArray
    included: np.ndarray[Any, np.dtype[np.bool_]]
    group_scores: pd.DataFrame
    stages: Mapping[str, pd.DataFrame]
    weights: Mapping[str, pd.Series]
    effective_weights: pd.Series
    imputed: pd.DataFrame
    manifest: Mapping[str, Any]
    digits: int | None = None
    score_exact: FloatArray | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    tiers: tuple[str | None, ...] | None = None
    """Each unit's tier (梯队) when the spec's scale defines ``tiers``; None for an excluded
    unit. Graded from the shown (scaled, rounded) score, so the tier agrees with the table."""
    absent: pd.DataFrame | None = None
    """Cells (unit × indicator) filled by the indicator's `absent:` rule: the unit is not on the
    source list, so its value is known (0, or just below the list), neither missing nor imputed."""
    counted_worst: pd.DataFrame | None = None
    """Missing cells set to the worst normalised value by their group's `min_coverage` rule."""
    unit_labels: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Each unit's Chinese name (from the spec's ``index.unit_label_zh`` column), by unit id;
    empty when the spec names no such column. Tables show it under zh; CSV and JSON keep ids."""
    spec: Spec | None = field(default=None, repr=False, compare=False)
    """The spec this result was computed from (so `cityindex.explain(result, unit)` needs
    nothing else)."""

    def table(self) -> pd.DataFrame:
        """rank, unit, score, then one column per group, then coverage; ranked units first."""
        frame = pd.DataFrame(
            {
                "rank": self.rank,
                self.unit_column: list(self.units),
                "score": self.score,
            }
        )
        frame = pd.concat([frame, self.group_scores.reset_index(drop=True)], axis=1)
        frame["coverage"] = self.coverage
        order = np.lexsort((np.arange(len(self.units)), np.nan_to_num(self.rank, nan=np.inf)))
        return frame.iloc[order].reset_index(drop=True)

    def excluded(self) -> list[str]:
        """Units left out by the missing-data rule."""
        return [u for u, keep in zip(self.units, self.included, strict=True) if not keep]

    def tier_of(self, unit: str) -> str | None:
        """The tier of one unit (None when the spec defines no tiers or the unit is excluded)."""
        return None if self.tiers is None else self.tiers[self.units.index(unit)]

    def score_of(self, unit: str) -> float:
        """The (scaled, rounded) score of one unit."""
        return float(self.score[self.units.index(unit)])

    def find_unit(self, name: str, *, option: str | None = None) -> int:
        """Index of the unit called `name`: its id or its Chinese name (`find_unit_in`)."""
        return find_unit_in(self.units, self.unit_labels, name, option=option)

    def unit_id(self, name: str, *, option: str | None = None) -> str:
        """The id of the unit called `name` (its id or its Chinese name; see `find_unit`)."""
        return self.units[self.find_unit(name, option=option)]


def find_unit_in(
    units: Sequence[str],
    labels: Mapping[str, str],
    name: str,
    *,
    option: str | None = None,
    code: str = "usage.unit.unknown",
    casefold: bool = True,
) -> int:
    """Index in `units` of the unit called `name`: its id, else its Chinese name (`labels`, by
    unit id), else (with `casefold`) either case-insensitively; otherwise a `UsageError`
    (`code`) listing both kinds of names, its message naming the command-line `option` that
    gave `name`, if any."""
    by_label = {label: unit for unit, label in labels.items()}
    for names in (list(units), list(by_label)):
        folded = {n.casefold(): n for n in reversed(names)} if casefold else {}
        found = name if name in names else folded.get(name.casefold())
        if found is not None:
            return list(units).index(by_label.get(found, found))
    shown = [f"{u} ({labels[u]})" if u in labels else u for u in units]
    raise UsageError(
        [
            issue(
                code,
                f"{option}: no unit '{name}'" if option else f"no unit called '{name}' in the data",
                expected="one of: " + ", ".join(shown[:30]),
                hint=did_you_mean(name, [*units, *by_label]),
            )
        ]
    )
