"""A published result to compare against: units with scores (and their precision) and ranks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cityindex.methods.registry import FloatArray


@dataclass(frozen=True)
class Reference:
    """Published scores and/or ranks for some units.

    `decimals[i]` is how many decimals unit i's score was published with (its precision);
    scores or ranks that were not published are NaN.
    """

    units: tuple[str, ...]
    scores: FloatArray
    ranks: FloatArray
    decimals: tuple[int, ...]
    source: str
    file: str

    @property
    def has_scores(self) -> bool:
        """True when at least one score was published."""
        return bool(np.any(~np.isnan(self.scores)))

    def tolerance(self) -> FloatArray:
        """Half a unit in the last published decimal: what still rounds to the published value."""
        return 0.5 * 10.0 ** (-np.asarray(self.decimals, dtype=float))
