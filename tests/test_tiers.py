"""Tiers: fixed thresholds and natural breaks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityindex.tiers import jenks_breaks, tiers

LABELS = ["第一梯队", "第二梯队", "第三梯队"]


def test_fixed_thresholds_grade_from_the_top():
    scores = [1.0, 0.8, 0.79, 0.4, 0.1, np.nan]
    out = tiers(scores, labels=LABELS, thresholds=[0.8, 0.4])
    assert out.tolist() == ["第一梯队", "第一梯队", "第二梯队", "第二梯队", "第三梯队", None]


def test_thresholds_must_match_the_tiers_and_decrease():
    with pytest.raises(ValueError, match="2 thresholds"):
        tiers([0.5], labels=LABELS, thresholds=[0.5])
    with pytest.raises(ValueError, match="decrease"):
        tiers([0.5], labels=LABELS, thresholds=[0.4, 0.8])


def test_jenks_finds_obvious_clusters():
    scores = [1.0, 0.95, 0.93, 0.6, 0.55, 0.52, 0.2, 0.15]
    assert jenks_breaks(scores, 3) == [0.52, 0.93]
    out = tiers(scores, labels=LABELS, breaks="jenks")
    assert out.tolist() == ["第一梯队"] * 3 + ["第二梯队"] * 3 + ["第三梯队"] * 2


def brute_force_breaks(x: list[float], k: int) -> float:
    """Least within-class sum of squares over every split of the sorted values into k runs."""
    x = sorted(x)
    best = float("inf")
    for cuts in itertools.combinations(range(1, len(x)), k - 1):
        bounds = [0, *cuts, len(x)]
        total = 0.0
        for a, b in itertools.pairwise(bounds):
            part = np.array(x[a:b])
            total += float(((part - part.mean()) ** 2).sum())
        best = min(best, total)
    return best


@settings(max_examples=40, deadline=None)
@given(
    x=st.lists(st.floats(0, 1), min_size=4, max_size=9, unique=True),
    k=st.integers(2, 3),
)
def test_jenks_partition_is_optimal(x, k):
    cuts = jenks_breaks(x, k)
    xs = np.sort(np.array(x))
    classes = np.searchsorted(np.array(cuts), xs, side="right")
    total = sum(float(((xs[classes == c] - xs[classes == c].mean()) ** 2).sum()) for c in range(k))
    assert total == pytest.approx(brute_force_breaks(x, k), abs=1e-9)


def test_a_tiers_block_parses_into_a_rule():
    from cityindex.tiers import parse_tier_rule

    rule, problems = parse_tier_rule({"labels": LABELS, "thresholds": [0.6, 0.3]})
    assert problems == []
    assert rule is not None
    assert rule.apply([0.7, 0.3, 0.1]).tolist() == LABELS
    rule, problems = parse_tier_rule({"labels": LABELS, "breaks": "jenks"})
    assert problems == []
    assert rule is not None
    assert rule.breaks == "jenks"


def test_a_bad_tiers_block_reports_every_problem():
    from cityindex.tiers import parse_tier_rule

    rule, problems = parse_tier_rule({"labels": "top", "thresholds": [0.3, 0.6], "colour": 1})
    assert rule is None
    assert [p.code for p in problems] == ["tiers.key", "tiers.labels", "tiers.thresholds"]
