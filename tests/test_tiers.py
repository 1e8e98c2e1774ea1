"""Tiers: fixed thresholds and natural breaks."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityindex import compute, load_data, load_spec
from cityindex.cli import run
from cityindex.errors import SpecError
from cityindex.methods.tiers import jenks_breaks, tiers
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec

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


def reference_jenks_breaks(values: list[float], classes: int) -> list[float]:
    """The O(k·n²) Fisher programme `jenks_breaks` replaced, kept verbatim as its reference.

    Every split i of every end j is tried in order; a later split wins only if it is better by
    more than the tie tolerance (4·n·ε·Σx², the sums' rounding error), so ties go to the
    earliest split.
    """
    x = np.sort(np.asarray(values, dtype=float)[~np.isnan(np.asarray(values, dtype=float))])
    n = len(x)
    prefix = np.concatenate([[0.0], np.cumsum(x)])
    prefix2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def ssd(i: int, j: int) -> float:
        m = j - i
        s = prefix[j] - prefix[i]
        return float(prefix2[j] - prefix2[i] - s * s / m)

    inf = float("inf")
    cost = np.full((classes + 1, n + 1), inf)
    start = np.zeros((classes + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    tol = 4.0 * n * float(np.finfo(float).eps) * float(np.sum(x * x))
    for c in range(1, classes + 1):
        for j in range(c, n + 1):
            best, arg = inf, c - 1
            for i in range(c - 1, j):
                total = cost[c - 1, i] + ssd(i, j)
                if total < best - tol:
                    best, arg = total, i
            cost[c, j], start[c, j] = best, arg
    bounds = []
    j = n
    for c in range(classes, 1, -1):
        i = int(start[c, j])
        bounds.append(float(x[i]))
        j = i
    return sorted(bounds)


# Scores as indices show them: few decimals, so ties are common, and clusters of equal values.
shown_scores = st.lists(
    st.one_of(
        st.integers(0, 30).map(lambda v: v / 10),
        st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 2)),
        st.sampled_from([0.0, 0.5, 1.0]),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(x=shown_scores, k=st.integers(1, 7))
def test_jenks_gives_the_breaks_of_the_reference_programme_on_data_with_ties(
    x: list[float], k: int
) -> None:
    k = min(k, len(x))
    assert jenks_breaks(x, k) == reference_jenks_breaks(x, k)


@settings(max_examples=100, deadline=None)
@given(
    x=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=120),
    k=st.integers(2, 5),
)
def test_jenks_gives_the_breaks_of_the_reference_programme_on_any_floats(
    x: list[float], k: int
) -> None:
    k = min(k, len(x))
    assert jenks_breaks(x, k) == reference_jenks_breaks(x, k)


def test_jenks_splits_values_of_a_millionth_where_they_differ() -> None:
    """Found by the property above: with an absolute 1e-12 tie window, costs of 1e-12 (values
    of 1e-6) tied a perfect split with a worse one."""
    x = [0.0, 0.0, 0.0, 0.0, 1e-06, 1e-06]
    assert jenks_breaks(x, 2) == reference_jenks_breaks(x, 2) == [1e-06]


def test_jenks_agrees_with_the_reference_when_equal_large_values_tie_within_rounding() -> None:
    """Also found by the property: five equal values of 524289 split into more classes than
    there are distinct values; partitions that cost the same differed by rounding noise (~1e-4)
    above an absolute 1e-12 window, and the two programmes broke the tie differently; and a
    window of 1e-12·Σx² was too wide for 0.5 beside 250000."""
    x = [0.0, 0.0, 524289.0, 524289.0, 524289.0, 524289.0, 524289.0, 1.1015625]
    assert jenks_breaks(x, 5) == reference_jenks_breaks(x, 5)
    y = [0.0, 0.0, 0.0, 250000.0, 250000.0, 0.5]
    assert jenks_breaks(y, 3) == reference_jenks_breaks(y, 3) == [0.5, 250000.0]


def test_jenks_gives_the_reference_breaks_on_the_shipped_indices() -> None:
    root = Path(__file__).parents[1] / "indicators"
    for name in ("ai-city-2024.yaml", "ai-city-2024-entropy-topsis.yaml", "asem-example.yaml"):
        spec = load_spec(root / name)
        result = compute(spec, load_data(spec.index.data, unit=spec.index.unit))  # type: ignore[arg-type]
        scores = [float(v) for v in result.score if not np.isnan(v)]
        for k in (2, 3, 4, 5):
            assert jenks_breaks(scores, k) == reference_jenks_breaks(scores, k), (name, k)


def test_a_tiers_block_parses_into_a_rule():
    from cityindex.methods.tiers import parse_tier_rule

    rule, problems = parse_tier_rule({"labels": LABELS, "thresholds": [0.6, 0.3]})
    assert problems == []
    assert rule is not None
    assert rule.apply([0.7, 0.3, 0.1]).tolist() == LABELS
    rule, problems = parse_tier_rule({"labels": LABELS, "breaks": "jenks"})
    assert problems == []
    assert rule is not None
    assert rule.breaks == "jenks"


def test_a_bad_tiers_block_reports_every_problem():
    from cityindex.methods.tiers import parse_tier_rule

    rule, problems = parse_tier_rule({"labels": "top", "thresholds": [0.3, 0.6], "colour": 1})
    assert rule is None
    assert [p.code for p in problems] == ["tiers.key", "tiers.labels", "tiers.thresholds"]


# ----------------------------------------------------------------------------- in a spec
#
# The hand-worked example (tests/conftest.py) scores, relative to the best unit:
# D 1.0000, A 0.5000, B 0.4375, C 0.2500.

THRESHOLDS = "{labels: [第一梯队, 第二梯队, 第三梯队], thresholds: [0.9, 0.45]}"
JENKS = "{labels: [第一梯队, 第二梯队, 第三梯队], breaks: jenks}"


def _score(spec: Spec) -> IndexResult:
    return compute(spec, load_data(spec.index.data, unit=spec.index.unit))


def _with_tiers(hand: Path, block: str) -> Path:
    text = hand.read_text(encoding="utf-8")
    hand.write_text(text.replace("digits: 4}", f"digits: 4, tiers: {block}}}"), encoding="utf-8")
    return hand


def test_fixed_thresholds_grade_the_shown_scores_of_the_hand_example(hand: Path) -> None:
    """D 1.0 ≥ 0.9 is first; A 0.5 ≥ 0.45 second; B 0.4375 and C 0.25 fall below 0.45."""
    spec = load_spec(_with_tiers(hand, THRESHOLDS))
    result = _score(spec)
    assert [result.tier_of(u) for u in "DABC"] == ["第一梯队", "第二梯队", "第三梯队", "第三梯队"]


def test_jenks_groups_the_two_close_middle_scores_together(hand: Path) -> None:
    """Three classes of {1, 0.5, 0.4375, 0.25}: within-class SSD is 2·0.03125² ≈ 0.00195 for
    {1}{0.5, 0.4375}{0.25}, against 0.0176 for {1}{0.5}{0.4375, 0.25} and 0.125 for
    {1, 0.5}{0.4375}{0.25}; so A and B share the second tier."""
    spec = load_spec(_with_tiers(hand, JENKS))
    result = _score(spec)
    assert [result.tier_of(u) for u in "DABC"] == ["第一梯队", "第二梯队", "第二梯队", "第三梯队"]


def test_a_spec_without_tiers_has_no_tier_column(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = load_spec(hand)
    assert _score(spec).tiers is None
    assert run(["score", str(hand), "--format", "csv"]) == 0
    assert "tier" not in capsys.readouterr().out.splitlines()[0]


def test_the_tier_column_follows_the_group_scores_in_every_format(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_tiers(hand, THRESHOLDS)
    assert run(["score", str(hand), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "rank,unit,score,g1,g2,tier"
    assert [line.rsplit(",", 1)[1] for line in lines[1:]] == [
        "第一梯队",
        "第二梯队",
        "第三梯队",
        "第三梯队",
    ]
    assert run(["score", str(hand), "--format", "json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert [(r["unit"], r["tier"]) for r in results] == [
        ("D", "第一梯队"),
        ("A", "第二梯队"),
        ("B", "第三梯队"),
        ("C", "第三梯队"),
    ]
    assert run(["score", str(hand), "--format", "markdown"]) == 0
    md = capsys.readouterr().out.splitlines()
    assert md[0] == "| rank | unit | score | First group | Second group | tier | coverage |"
    assert md[3].startswith("| 2 | A | 0.5000 |")
    assert "| 第二梯队 |" in md[3]
    assert run(["score", str(hand), "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert "tier" in table
    assert table.count("第三梯队") == 2


def test_tiers_can_be_set_from_the_command_line(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["score", str(hand), "--format", "csv", "--set", f"index.scale.tiers={JENKS}"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.rsplit(",", 1)[1] for line in lines[1:]] == [
        "第一梯队",
        "第二梯队",
        "第二梯队",
        "第三梯队",
    ]


def test_an_excluded_unit_has_no_tier(hand: Path) -> None:
    """E has one of three indicators (coverage 1/3 < 0.5), so it is excluded and not graded."""
    (hand.parent / "data.csv").write_text(
        (hand.parent / "data.csv").read_text(encoding="utf-8") + "E,50,,\n", encoding="utf-8"
    )
    spec = load_spec(_with_tiers(hand, THRESHOLDS))
    result = _score(spec)
    assert result.tier_of("E") is None
    assert result.tier_of("D") == "第一梯队"


def test_a_bad_tiers_block_fails_validation_with_line_and_key_path(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_tiers(hand, "{labels: [第一梯队, 第二梯队, 第三梯队], thresholds: [0.3, 0.6], brake: x}")
    assert run(["validate", str(hand)]) == 1
    err = capsys.readouterr().err
    assert "error[spec.tiers.key]: unknown key(s) brake" in err
    assert "did you mean 'breaks'?" in err
    assert "error[spec.tiers.thresholds]: thresholds must decrease strictly" in err
    assert "key path: index.scale.tiers.thresholds" in err
    assert "spec.yaml:6:" in err


def test_tiers_given_as_text_are_a_type_error(hand: Path) -> None:
    _with_tiers(hand, "top-three")
    with pytest.raises(SpecError) as info:
        load_spec(hand)
    assert [i.code for i in info.value.issues] == ["spec.method.param-type"]
    assert info.value.issues[0].key_path == "index.scale.tiers"


@settings(max_examples=60, deadline=None)
@given(
    scores=st.lists(st.floats(0, 1), min_size=1, max_size=15),
    breaks=st.sampled_from(["fixed", "jenks"]),
)
def test_a_higher_score_never_gets_a_worse_tier(scores: list[float], breaks: str) -> None:
    out = tiers(scores, labels=LABELS, thresholds=[0.6, 0.3], breaks=breaks)  # type: ignore[arg-type]
    position = {label: k for k, label in enumerate(LABELS)}
    graded = sorted(zip(scores, (position[t] for t in out), strict=True), reverse=True)
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(graded))
    if breaks == "jenks":  # natural breaks always open the first tier with the best unit
        assert position[out[int(np.argmax(scores))]] == 0
