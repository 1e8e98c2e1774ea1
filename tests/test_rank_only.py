"""Rank-only references: check compares ranks; calibrate finds the widest-margin order or fails."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cityindex import compute, load_data, load_spec
from cityindex.analysis.calibrate import calibrate
from cityindex.analysis.check import check, kendall
from cityindex.cli import run
from cityindex.engine.panel import prepare
from cityindex.engine.pipeline import aggregate_tree, scale_and_rank
from cityindex.load.seeds import load_reference
from cityindex.load.shipped import shipped_root
from cityindex.model.reference import Reference
from cityindex.model.tree import ROOT
from tests.test_calibrate import UNBOUNDED

DATA = "unit,x1,x2,x3\nA,10,5,4\nB,20,10,2\nC,30,20,0\nD,40,5,8\nE,25,8,5\n"
SHIPPED = shipped_root()
SPEC_2023 = SHIPPED / "indicators" / "ai-city-development-2023.yaml"
SEED_2023 = SHIPPED / "seeds" / "ai-city-development-2022-2023.csv"


def _ranks_only(units: tuple[str, ...], ranks: list[float]) -> Reference:
    n = len(units)
    return Reference(units, np.full(n, np.nan), np.array(ranks, float), (0,) * n, "t", "t")


def _generated_order(hand: Path, sets: list[str]) -> Reference:
    spec = load_spec(hand, sets)
    result = compute(spec, load_data(spec.index.data, unit="unit"))
    return _ranks_only(result.units, [float(r) for r in result.rank])


def test_kendall_tau_counts_concordant_and_discordant_pairs() -> None:
    """Ranks 1..5 vs 2,1,3,5,4: of 10 pairs, (1,2) and (4,5) are discordant → (8 − 2)/10."""
    assert kendall(np.array([1, 2, 3, 4, 5.0]), np.array([2, 1, 3, 5, 4.0])) == 0.6


def test_rank_only_calibration_recovers_a_known_order(hand: Path) -> None:
    """The order made with g1:g2 = 4:1 and x1:x2 = 4:1 (D, E, C, B, A; scores 1, 0.573,
    0.4267, 0.37, 0.26) is recovered from the spec's 3:1 and 1:1, which give D, E, A, B, C."""
    (hand.parent / "data.csv").write_text(DATA)
    target = _generated_order(
        hand,
        [
            "groups.g1.weight=4",
            "groups.g2.weight=1",
            "groups.g1.indicators.x1.weight=4",
            "groups.g1.indicators.x2.weight=1",
        ],
    )
    assert target.ranks.tolist() == [5, 4, 3, 1, 2]
    spec = load_spec(hand)
    prepared = prepare(spec, load_data(spec.index.data, unit="unit"))
    before = check(compute(spec, prepared.table), target)
    assert not before.reproduced
    cal = calibrate(prepared, target)
    assert cal.success
    assert cal.rank_only
    fitted = compute(
        load_spec(
            hand,
            [
                f"groups.g1.weight={cal.weights[ROOT][0]:.6f}",
                f"groups.g2.weight={cal.weights[ROOT][1]:.6f}",
                f"groups.g1.indicators.x1.weight={cal.weights['g1'][0]:.6f}",
                f"groups.g1.indicators.x2.weight={cal.weights['g1'][1]:.6f}",
            ],
        ),
        prepared.table,
    )
    report = check(fitted, target)
    assert report.reproduced
    assert report.kendall_tau == 1.0


def test_rank_only_calibration_finds_the_widest_margin_a_grid_search_finds(hand: Path) -> None:
    """Two free weights (g1 vs g2; x1 vs x2): no point of a 101 × 101 grid beats the solver's
    smallest consecutive gap for the order D, A, E (top three, everyone else below)."""
    (hand.parent / "data.csv").write_text(DATA)
    spec = load_spec(hand)
    prepared = prepare(spec, load_data(spec.index.data, unit="unit"))
    target = _ranks_only(("D", "A", "E"), [1, 2, 3])
    cal = calibrate(prepared, target)
    assert cal.success
    a, b = np.meshgrid(np.linspace(0, 1, 101), np.linspace(0, 1, 101))
    root_w = np.stack([a.ravel(), 1 - a.ravel()], axis=-1)
    g1_w = np.stack([b.ravel(), 1 - b.ravel()], axis=-1)
    root = aggregate_tree(prepared, {ROOT: root_w, "g1": g1_w})[0][ROOT]
    s = scale_and_rank(prepared, root)[0]
    i = {u: k for k, u in enumerate(prepared.table.units)}
    gaps = np.stack(
        [
            s[:, i["D"]] - s[:, i["A"]],
            s[:, i["A"]] - s[:, i["E"]],
            s[:, i["E"]] - s[:, i["B"]],
            s[:, i["E"]] - s[:, i["C"]],
        ],
        axis=-1,
    ).min(axis=-1)
    assert gaps.max() > 0
    assert cal.min_gap >= gaps.max() - 1e-6
    assert cal.min_gap <= gaps.max() + 0.02  # the grid's spacing is 0.01 per weight


def _weight_grid(prepared: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scaled scores on a 101 × 101 grid of (g1 share, x1 share), and the two shares."""
    a, b = np.meshgrid(np.linspace(0, 1, 101), np.linspace(0, 1, 101))
    root_w = np.stack([a.ravel(), 1 - a.ravel()], axis=-1)
    g1_w = np.stack([b.ravel(), 1 - b.ravel()], axis=-1)
    root = aggregate_tree(prepared, {ROOT: root_w, "g1": g1_w})[0][ROOT]  # type: ignore[arg-type]
    return scale_and_rank(prepared, root)[0], a.ravel(), b.ravel()  # type: ignore[arg-type]


def test_with_a_stated_gap_the_closest_weights_to_the_spec_are_taken(hand: Path) -> None:
    """Order D, A, E with a gap of at least half the widest one: the solver's weights keep the
    gap and lie no farther from the spec's (g1 0.75, x1 0.5) than any grid point that keeps it,
    and nearer than the widest-margin weights."""
    (hand.parent / "data.csv").write_text(DATA)
    spec = load_spec(hand)
    prepared = prepare(spec, load_data(spec.index.data, unit="unit"))
    target = _ranks_only(("D", "A", "E"), [1, 2, 3])
    widest = calibrate(prepared, target)
    wanted = widest.min_gap / 2
    cal = calibrate(prepared, target, min_gap=wanted)
    assert cal.success
    assert cal.min_gap >= wanted - 1e-4

    def distance(g1: float, x1: float) -> float:
        return float(2 * (g1 - 0.75) ** 2 + 2 * (x1 - 0.5) ** 2)

    solved = distance(cal.weights[ROOT][0], cal.weights["g1"][0])
    assert solved < distance(widest.weights[ROOT][0], widest.weights["g1"][0])
    s, a, b = _weight_grid(prepared)
    i = {u: k for k, u in enumerate(prepared.table.units)}
    gaps = np.stack(
        [s[:, i["D"]] - s[:, i["A"]], s[:, i["A"]] - s[:, i["E"]]]
        + [s[:, i["E"]] - s[:, i[u]] for u in ("B", "C")],
        axis=-1,
    ).min(axis=-1)
    keeps = gaps >= wanted
    assert keeps.any()
    assert solved <= min(distance(x, y) for x, y in zip(a[keeps], b[keeps], strict=True)) + 1e-6


def test_a_stated_gap_the_spec_already_keeps_leaves_its_weights(hand: Path) -> None:
    """The spec's own order (D, E, A, B, C) with a tiny stated gap: nothing moves."""
    (hand.parent / "data.csv").write_text(DATA)
    spec = load_spec(hand)
    prepared = prepare(spec, load_data(spec.index.data, unit="unit"))
    cal = calibrate(prepared, _ranks_only(("D", "E", "A"), [1, 2, 3]), min_gap=1e-3)
    assert cal.success
    np.testing.assert_allclose(cal.weights[ROOT], [0.75, 0.25], atol=1e-6)
    np.testing.assert_allclose(cal.weights["g1"], [0.5, 0.5], atol=1e-6)


def test_a_gap_wider_than_the_data_allow_is_refused(hand: Path) -> None:
    (hand.parent / "data.csv").write_text(DATA)
    spec = load_spec(hand)
    prepared = prepare(spec, load_data(spec.index.data, unit="unit"))
    target = _ranks_only(("D", "A", "E"), [1, 2, 3])
    widest = calibrate(prepared, target).min_gap
    cal = calibrate(prepared, target, min_gap=widest + 0.05)
    assert not cal.success
    assert f"{widest:.4g}" in cal.message


def test_an_order_the_data_cannot_give_is_reported_and_nothing_is_written(
    hand: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A is never above D (D ≥ A on every indicator, > on x1 and x3): A first cannot be had."""
    (hand.parent / "data.csv").write_text(DATA)
    spec = load_spec(hand)
    cal = calibrate(
        prepare(spec, load_data(spec.index.data, unit="unit")),
        _ranks_only(("A", "D"), [1, 2]),
    )
    assert not cal.success
    assert cal.min_gap <= 0
    seed = tmp_path / "impossible.csv"
    seed.write_text("unit,score,rank,source\nA,,1,t\nD,,2,t\n")
    out = tmp_path / "never.yaml"
    assert run(["calibrate", str(hand), "--target", str(seed), "-o", str(out), *UNBOUNDED]) == 1
    captured = capsys.readouterr()
    assert not out.exists()
    assert captured.out == ""
    assert "no weights reproduce the published order" in captured.err


def test_check_against_ranks_only_says_no_scores_and_exits_on_the_ranks(
    hand: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hand spec ranks D 1, A 2 (0.5), B 3 (0.4375): that order passes, a swap fails."""
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("unit,score,rank,source\nD,,1,t\nA,,2,t\nB,,3,t\n")
    bad.write_text("unit,score,rank,source\nD,,1,t\nB,,2,t\nA,,3,t\n")
    assert run(["check", str(hand), "--against", str(good), "--format", "csv"]) == 0
    err = capsys.readouterr().err
    assert "no scores were published" in err
    assert "Kendall τ = 1.0000 over n = 3 units" in err
    assert run(["check", str(hand), "--against", str(bad), "--format", "csv"]) == 1
    err = capsys.readouterr().err
    assert "published ranks matched: 1 of 3" in err
    assert "Kendall τ = 0.3333 over n = 3 units" in err  # 2 concordant, 1 discordant of 3 pairs


def test_calibrate_to_ranks_writes_a_spec_that_check_accepts(
    hand: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (hand.parent / "data.csv").write_text(DATA)
    seed = tmp_path / "order.csv"
    seed.write_text("unit,score,rank,source\nD,,1,t\nA,,2,t\nE,,3,t\n")
    assert run(["check", str(hand), "--against", str(seed), "--format", "csv"]) == 1
    out = tmp_path / "fitted.yaml"
    args = ["calibrate", str(hand), "--target", str(seed), "-o", str(out), "--format", "csv"]
    assert run([*args, *UNBOUNDED]) == 0
    text = out.read_text()
    assert "min_gap:" in text
    assert "no scores were published" in text
    assert run(["check", str(out), "--against", str(seed), "--format", "csv"]) == 0


def test_shipped_2023_index_ranks_beijing_shanghai_shenzhen_first_to_third() -> None:
    spec = load_spec(SPEC_2023)
    result = compute(spec, load_data(spec.index.data, unit=spec.index.unit))
    ranked = sorted((r, u) for r, u in zip(result.rank, result.units, strict=True) if r == r)
    assert [u for _, u in ranked[:3]] == ["Beijing", "Shanghai", "Shenzhen"]
    assert result.rank[list(result.units).index("Hangzhou")] == 4
    report = check(result, load_reference(SEED_2023))
    assert report.reproduced
    assert report.rank_only
    assert report.kendall_tau == 1.0
    assert spec.calibration is not None
    assert "not the report's method" in spec.calibration["note"]
    assert spec.calibration["fit"]["min_gap"] >= 0.1


def test_shipped_2023_weights_are_no_corner_solution() -> None:
    """Calibrated with a stated gap of 0.1: no weight is near 0 (the widest-margin fit had
    1.6e-05 and 0.999984), and every one stays within 0.1 of the equal weights it started
    from (0.2 per dimension, 0.5 within)."""
    spec = load_spec(SPEC_2023)
    for group in spec.groups:
        assert abs(group.weight - 0.2) < 0.1
        for ind in group.indicators:
            assert abs(ind.weight - 0.5) < 0.1


def test_shipped_2023_check_command_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", str(SPEC_2023), "--against", str(SEED_2023), "--format", "csv"]) == 0
    assert "no scores were published" in capsys.readouterr().err
