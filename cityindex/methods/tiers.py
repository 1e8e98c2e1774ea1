"""Tiers (梯队): grade units into named tiers by fixed score thresholds or by natural breaks.

``scale: {tiers: ...}`` in a spec names the tiers best first, e.g. 第一梯队, 第二梯队, 第三梯队;
either with ``thresholds`` (the lowest score of each tier but the last, decreasing) or with
``breaks: jenks`` (Fisher's exact optimal partition of the scores into as many classes as there
are tiers, minimising the within-class sum of squared deviations — the "natural breaks" of
Jenks 1977). Pure: numpy in, labels out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from cityindex.errors import Issue, did_you_mean, issue
from cityindex.methods.registry import FloatArray


def jenks_breaks(values: Sequence[float] | FloatArray, classes: int) -> list[float]:
    """Lower bounds of each class but the first, for the optimal partition into `classes`.

    Fisher (1958, J. Am. Stat. Assoc. 53: 789-798) dynamic programme over the sorted values:
    the partition of contiguous runs minimising Σ_classes Σ (x − class mean)²; ties between
    equally good partitions (costs within `tie_tolerance`) go to the earliest split. Returns the
    smallest value of classes 2..k in increasing order (``classes − 1`` numbers).

    Exact, in O(k·n log n): the best start of the last class never moves left as the right end
    moves right (the within-class sum of squares satisfies the quadrangle inequality), so each
    row of the programme is filled by divide and conquer over the right ends, each split
    searched only between its neighbours' (Wang & Song 2011, *Ckmeans.1d.dp*, R Journal 3(2);
    Song & Zhong 2020, Bioinformatics 36(15)).

    >>> jenks_breaks([1, 2, 3, 10, 11, 12, 30, 31], 3)
    [10.0, 30.0]
    """
    x = np.sort(np.asarray(values, dtype=float)[~np.isnan(np.asarray(values, dtype=float))])
    n = len(x)
    if classes < 1:
        raise ValueError("jenks needs at least one class")
    if n < classes:
        raise ValueError(f"jenks: {n} values cannot form {classes} classes")
    prefix = np.concatenate([[0.0], np.cumsum(x)])
    prefix2 = np.concatenate([[0.0], np.cumsum(x * x)])
    cost = np.full((classes + 1, n + 1), np.inf)
    start = np.zeros((classes + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    tol = tie_tolerance(x)
    for c in range(1, classes + 1):
        # the last class needs only the full length n; earlier ones every end c..n
        _fill_row(cost, start, prefix, prefix2, c, c if c < classes else n, n, tol)
    bounds = []
    j = n
    for c in range(classes, 1, -1):
        i = int(start[c, j])
        bounds.append(float(x[i]))
        j = i
    return sorted(bounds)


def tie_tolerance(x: FloatArray) -> float:
    """How close two partitions' costs must be to count as a tie: a bound on the rounding
    error of the cumulative sums the costs come from, 4·n·ε·Σx². An absolute 1e-12 called a
    perfect split and a worse one a tie on values of 1e-6 (costs of 1e-12), and lay below the
    rounding noise on values of 5e5, where equal partitions then differed by noise."""
    return 4.0 * len(x) * float(np.finfo(float).eps) * float(np.sum(np.square(x)))


def _fill_row(
    cost: FloatArray,
    start: npt.NDArray[np.int_],
    prefix: FloatArray,
    prefix2: FloatArray,
    c: int,
    first: int,
    last: int,
    tol: float,
) -> None:
    """Fill ``cost[c, first..last]`` and ``start[c, ...]``: the best c-class partition of x[:j].

    ``cost[c, j] = min_i cost[c − 1, i] + ssd(x[i:j])`` over ``c − 1 <= i < j``, the smallest
    such i within `tol` of the minimum kept. The end j in the middle of a range is solved
    first; ends to its left search only splits up to its split, ends to its right only from it.
    """
    previous = cost[c - 1]
    pending = [(first, last, c - 1, last - 1)]
    while pending:
        lo, hi, split_lo, split_hi = pending.pop()
        if lo > hi:
            continue
        j = (lo + hi) // 2
        i = np.arange(split_lo, min(split_hi, j - 1) + 1)
        m = j - i
        s = prefix[j] - prefix[i]
        total = previous[i] + (prefix2[j] - prefix2[i] - s * s / m)
        best = int(np.argmax(total <= np.min(total) + tol))
        cost[c, j], start[c, j] = total[best], i[best]
        pending.append((lo, j - 1, split_lo, int(i[best])))
        pending.append((j + 1, hi, int(i[best]), split_hi))


def tiers(
    scores: Sequence[float] | FloatArray,
    *,
    labels: Sequence[str],
    thresholds: Sequence[float] | None = None,
    breaks: Literal["fixed", "jenks"] = "fixed",
) -> npt.NDArray[Any]:
    """The tier label of each unit (``None`` for a missing score), best tier first in `labels`.

    ``breaks="fixed"``: ``thresholds`` are the lowest scores of tiers 1..k−1 (decreasing); a
    score at or above ``thresholds[t]`` and below ``thresholds[t − 1]`` is in tier t, below all
    of them in the last tier. ``breaks="jenks"``: the thresholds are `jenks_breaks` of the
    scores with ``len(labels)`` classes.

    >>> list(tiers([0.9, 0.5, 0.2], labels=["A", "B", "C"], thresholds=[0.8, 0.4]))
    ['A', 'B', 'C']
    """
    s = np.asarray(scores, dtype=float)
    k = len(labels)
    if k == 0:
        raise ValueError("tiers need at least one label")
    if breaks == "jenks":
        present = s[~np.isnan(s)]
        cuts = sorted(jenks_breaks(present, min(k, len(np.unique(present)))), reverse=True)
    else:
        if thresholds is None or len(thresholds) != k - 1:
            raise ValueError(
                f"{k} tiers need {k - 1} thresholds (the lowest score of each tier "
                "but the last, decreasing)"
            )
        cuts = [float(t) for t in thresholds]
        if any(a <= b for a, b in itertools.pairwise(cuts)):
            raise ValueError("tier thresholds must decrease strictly, best tier first")
    # tier index = number of cuts the score falls below
    below = np.sum(s[..., None] < np.asarray(cuts, dtype=float), axis=-1) if cuts else 0 * s
    out = np.empty(s.shape, dtype=object)
    for index in np.ndindex(s.shape):
        out[index] = None if np.isnan(s[index]) else labels[int(np.asarray(below)[index])]
    return out


def _finite(value: float) -> float | None:
    """`value` as a finite float; None for NaN, ±inf and integers beyond the float range."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class TierRule:
    """A parsed ``scale: {tiers: ...}`` block: labels best first, and how to cut."""

    labels: tuple[str, ...]
    breaks: Literal["fixed", "jenks"] = "fixed"
    thresholds: tuple[float, ...] | None = None

    def apply(self, scores: Sequence[float] | FloatArray) -> npt.NDArray[Any]:
        """The tier label of each score."""
        return tiers(scores, labels=self.labels, thresholds=self.thresholds, breaks=self.breaks)


def parse_tier_rule(
    value: Any, *, key_path: str = "index.scale.tiers"
) -> tuple[TierRule | None, list[Issue]]:
    """Parse and check a ``tiers:`` block for the YAML loader, collecting every problem.

    Accepted forms::

        tiers: {labels: [第一梯队, 第二梯队, 第三梯队], thresholds: [0.6, 0.3]}
        tiers: {labels: [第一梯队, 第二梯队, 第三梯队], breaks: jenks}
    """
    problems: list[Issue] = []
    if not isinstance(value, Mapping):
        return None, [
            issue(
                "tiers.type",
                "tiers must be a mapping with `labels` and `thresholds` or `breaks: jenks`",
                key_path=key_path,
            )
        ]
    unknown = sorted(str(k) for k in value if k not in ("labels", "thresholds", "breaks"))
    if unknown:
        problems.append(
            issue(
                "tiers.key",
                f"unknown key(s) {', '.join(unknown)}; tiers take labels, thresholds, breaks",
                key_path=key_path,
                hint=did_you_mean(unknown[0], ("labels", "thresholds", "breaks")),
            )
        )
    labels = value.get("labels")
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
        problems.append(
            issue(
                "tiers.labels",
                "labels must be a list of tier names, best first",
                key_path=f"{key_path}.labels",
                got=repr(labels),
            )
        )
        labels = []
    breaks = value.get("breaks", "fixed")
    if breaks not in ("fixed", "jenks"):
        problems.append(
            issue(
                "tiers.breaks",
                "breaks must be `fixed` (with thresholds) or `jenks`",
                key_path=f"{key_path}.breaks",
                got=repr(breaks),
            )
        )
    thresholds = value.get("thresholds")
    cuts: tuple[float, ...] | None = None
    if breaks == "fixed":
        numbers = (
            [_finite(t) for t in thresholds]
            if isinstance(thresholds, list)
            and all(isinstance(t, int | float) and not isinstance(t, bool) for t in thresholds)
            else None
        )
        for i, t in enumerate(numbers or []):
            if t is None:
                assert isinstance(thresholds, list)
                problems.append(
                    issue(
                        "tiers.thresholds.not-finite",
                        f"threshold {thresholds[i]!r} is not a finite number: a tier's lowest "
                        "score must be one",
                        key_path=f"{key_path}.thresholds.{i}",
                        got=repr(thresholds[i])[:40],
                        hint="give every tier but the last its lowest score, e.g. 0.6",
                    )
                )
        if numbers is None or len(numbers) != max(len(labels) - 1, 0):
            problems.append(
                issue(
                    "tiers.thresholds",
                    f"{len(labels)} tiers need {max(len(labels) - 1, 0)} thresholds: the lowest "
                    "score of each tier but the last, decreasing",
                    key_path=f"{key_path}.thresholds",
                    got=repr(thresholds),
                )
            )
        elif None not in numbers:  # each non-finite threshold is named above
            cuts = tuple(t for t in numbers if t is not None)
            if any(a <= b for a, b in itertools.pairwise(cuts)):
                problems.append(
                    issue(
                        "tiers.thresholds",
                        "thresholds must decrease strictly, best tier first",
                        key_path=f"{key_path}.thresholds",
                        got=repr(thresholds),
                    )
                )
    elif thresholds is not None:
        problems.append(
            issue(
                "tiers.thresholds",
                "thresholds are not used with breaks: jenks",
                key_path=f"{key_path}.thresholds",
            )
        )
    if problems:
        return None, problems
    return TierRule(tuple(labels), breaks, cuts), []
