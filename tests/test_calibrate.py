"""Calibration recovers weights from scores generated with them; check verifies precision."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cityindex import compute, load_data, load_spec
from cityindex.analysis.calibrate import Floor, FreeWeights, calibrate, floor_problems
from cityindex.analysis.check import check, spearman
from cityindex.cli import run
from cityindex.engine.panel import prepare
from cityindex.model.reference import Reference
from cityindex.model.tree import ROOT

DATA = "unit,x1,x2,x3\nA,10,5,4\nB,20,10,2\nC,30,20,0\nD,40,5,8\nE,25,8,5\n"
UNBOUNDED = ["--dimension-band", "none", "--max-indicator-share", "none"]
"""The hand spec has two dimensions: no weights keep both within the default band 0.10-0.35,
so the command tests about other things switch the bounds off."""


def _reference(spec_path: Path, sets: list[str], decimals: int = 8) -> Reference:
    spec = load_spec(spec_path, sets)
    result = compute(spec, load_data(spec.index.data, unit="unit"))
    assert result.score_exact is not None
    scores = np.round(result.score_exact, decimals)
    return Reference(result.units, scores, result.rank, (decimals,) * 5, "generated", "t")


def _write_seed(target: Reference, path: Path) -> Path:
    """`target` as a published-result CSV (scores at 4 decimals)."""
    rows = [
        f"{u},{s:.4f},{int(r)},generated"
        for u, s, r in zip(target.units, target.scores, target.ranks, strict=True)
    ]
    path.write_text("unit,score,rank,source\n" + "\n".join(rows) + "\n")
    return path


def test_calibration_recovers_known_weights(hand: Path) -> None:
    """Scores made with g1:g2 = 1:3 and x1:x2 = 3:1 are matched only by those weights.

    The spec starts from 3:1 and 1:1. Four non-top units give four equations for two free
    weights, so the least-squares-closest solution is the generating one.
    """
    (hand.parent / "data.csv").write_text(DATA)
    target = _reference(
        hand,
        [
            "groups.g1.weight=1",
            "groups.g2.weight=3",
            "groups.g1.indicators.x1.weight=3",
            "groups.g1.indicators.x2.weight=1",
        ],
    )
    spec = load_spec(hand)
    cal = calibrate(prepare(spec, load_data(spec.index.data, unit="unit")), target)
    assert cal.success
    np.testing.assert_allclose(cal.weights[ROOT], [0.25, 0.75], atol=1e-5)
    np.testing.assert_allclose(cal.weights["g1"], [0.75, 0.25], atol=1e-5)
    assert cal.max_abs_diff <= 0.5e-8


def test_calibration_only_at_a_named_level_leaves_the_others(hand: Path) -> None:
    """With levels={2} only the groups' weights move; indicator weights stay 1:1."""
    (hand.parent / "data.csv").write_text(DATA)
    target = _reference(hand, ["groups.g1.weight=1", "groups.g2.weight=1"], decimals=4)
    spec = load_spec(hand)
    cal = calibrate(prepare(spec, load_data(spec.index.data, unit="unit")), target, levels={2})
    assert set(cal.weights) == {ROOT}
    np.testing.assert_allclose(cal.weights[ROOT], [0.5, 0.5], atol=1e-4)


def test_impossible_target_is_reported_not_faked(hand: Path) -> None:
    """D is best on every indicator; no weights can put C (worst on all) above it."""
    (hand.parent / "data.csv").write_text(DATA)
    spec = load_spec(hand)
    units = ("A", "B", "C", "D", "E")
    ref = Reference(
        units,
        np.array([np.nan, np.nan, 1.0, 0.3, np.nan]),
        np.full(5, np.nan),
        (4,) * 5,
        "impossible",
        "t",
    )
    cal = calibrate(prepare(spec, load_data(spec.index.data, unit="unit")), ref)
    assert not cal.success
    assert cal.max_abs_diff > 0.1


def test_check_passes_at_published_precision_and_fails_beyond(hand: Path) -> None:
    """D = 1, A = 0.5, B = 0.4375 exactly: 0.4375 passes, 0.4376 is 1e-4 off at 4 decimals."""
    spec = load_spec(hand)
    result = compute(spec, load_data(spec.index.data, unit="unit"))
    good = Reference(("D", "B"), np.array([1.0, 0.4375]), np.array([1.0, 3.0]), (4, 4), "", "")
    bad = Reference(("D", "B"), np.array([1.0, 0.4376]), np.array([1.0, 3.0]), (4, 4), "", "")
    assert check(result, good).reproduced
    report = check(result, bad)
    assert not report.reproduced
    assert report.max_abs_diff == pytest.approx(1e-4)


def test_spearman_matches_the_textbook_formula_without_ties() -> None:
    """rho = 1 − 6 Σd² / (n(n² − 1)); ranks 1..5 vs 2,1,3,5,4: Σd² = 4 → rho = 0.8."""
    assert spearman(np.array([1, 2, 3, 4, 5.0]), np.array([2, 1, 3, 5, 4.0])) == pytest.approx(0.8)


def test_calibrate_command_writes_a_spec_that_check_accepts(
    hand: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (hand.parent / "data.csv").write_text(DATA)
    target = _reference(hand, ["groups.g1.weight=1", "groups.g2.weight=2"], decimals=4)
    seed = _write_seed(target, tmp_path / "seed.csv")
    out = tmp_path / "sub" / "fitted.yaml"
    out.parent.mkdir()
    assert (
        run(
            [
                "calibrate",
                str(hand),
                "--target",
                str(seed),
                "-o",
                str(out),
                "--levels",
                "2",
                "--date",
                "2024-01-01",
                "--format",
                "csv",
                *UNBOUNDED,
            ]
        )
        == 0
    )
    text = out.read_text()
    assert "calibration:" in text
    assert "date: '2024-01-01'" in text
    assert "data: ../data.csv" in text
    capsys.readouterr()
    assert run(["check", str(out), "--against", str(seed), "--format", "csv"]) == 0
    assert run(["check", str(hand), "--against", str(seed), "--format", "csv"]) == 1


def test_a_weight_floor_the_generating_weights_meet_still_recovers_them(hand: Path) -> None:
    """Scores made with g1:g2 = 0.7:0.3 (levels={2}: one free share, fixed by five units):
    a floor of 0.3 holds at the solution and recovers it; 0.35 cannot be met, and calibration
    fails rather than break the floor or fake the scores."""
    (hand.parent / "data.csv").write_text(DATA)
    target = _reference(hand, ["groups.g1.weight=0.7", "groups.g2.weight=0.3"])
    spec = load_spec(hand)
    prepared = prepare(spec, load_data(spec.index.data, unit="unit"))
    held = calibrate(prepared, target, levels={2}, floor=Floor(group=0.3))
    assert held.success
    np.testing.assert_allclose(held.weights[ROOT], [0.7, 0.3], atol=1e-5)
    broken = calibrate(prepared, target, levels={2}, floor=Floor(group=0.35))
    assert not broken.success
    assert broken.weights[ROOT].min() >= 0.35 - 1e-12
    assert broken.max_abs_diff > 1e-3


def test_the_indicator_floor_applies_inside_groups_and_the_group_floor_between_them(
    hand: Path,
) -> None:
    floor = Floor(group=0.1, indicator=0.2)
    spec = load_spec(hand)
    prepared = prepare(spec, load_data(spec.index.data, unit="unit"))
    free = FreeWeights.of(prepared, None, floor)
    lower = free.split(free.lower)
    assert lower[ROOT].tolist() == [0.1, 0.1]
    assert lower["g1"].tolist() == [0.2, 0.2]
    assert floor_problems(prepared, None, Floor(group=0.6)) == [
        "the index: 2 children x 0.6 = 1.2 > 1"
    ]


def test_calibrate_command_records_the_floor_and_refuses_an_impossible_one(
    hand: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (hand.parent / "data.csv").write_text(DATA)
    target = _reference(hand, ["groups.g1.weight=0.7", "groups.g2.weight=0.3"], decimals=4)
    seed = _write_seed(target, tmp_path / "seed.csv")
    out = tmp_path / "fitted.yaml"
    args = ["calibrate", str(hand), "--target", str(seed), "--levels", "2", "-f", "csv"]
    args += UNBOUNDED
    assert run([*args, "--min-weight", "0.25", "-o", str(out)]) == 0
    assert "min_weight: 0.25" in out.read_text()
    capsys.readouterr()
    assert run([*args, "--min-weight", "0.6"]) == 2
    err = capsys.readouterr().err
    assert "usage.min-weight" in err
    assert "2 children x 0.6 = 1.2 > 1" in err
