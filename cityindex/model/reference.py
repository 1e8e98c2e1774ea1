"""A published result to compare against: units with scores (and their precision) and ranks.

The precision rule, shared by `check` and `calibrate` (and every way a reference is read): a
score's precision is the number of decimals it was published with. A table is printed at one
precision, so without a `digits` column every score counts at the most decimals any score in
the column was written with (a top score written ``1`` beside ``0.7449`` is ``1.0000``); a
`digits` column gives each row's precision explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cityindex.methods.registry import FloatArray

MAX_DIGITS = 15
"""The most decimals a published score can carry (a double holds about 15 significant)."""


def column_precision(written: Sequence[int], scores: Sequence[float]) -> tuple[int, ...]:
    """Every unit's precision: the most decimals any published score was `written` with.

    >>> column_precision([4, 0, 4], [0.7449, 1.0, 0.6266])
    (4, 4, 4)
    >>> column_precision([0, 0], [float("nan"), float("nan")])
    (0, 0)
    """
    shown = [d for d, s in zip(written, scores, strict=True) if not np.isnan(s)]
    top = max(shown, default=0)
    return (top,) * len(written)


def repeated_units(units: Sequence[str]) -> list[tuple[str, int, int]]:
    """Each unit named again: (unit, index of its first row, index of the repeat).

    >>> repeated_units(["A", "B", "A"])
    [('A', 0, 2)]
    """
    first: dict[str, int] = {}
    repeats = []
    for k, unit in enumerate(units):
        if unit in first:
            repeats.append((unit, first[unit], k))
        first.setdefault(unit, k)
    return repeats


@dataclass(frozen=True)
class Reference:
    """Published scores and/or ranks for some units, each unit once.

    `decimals[i]` is how many decimals unit i's score was published with (its precision; see
    the module's rule); scores or ranks that were not published are NaN.
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
