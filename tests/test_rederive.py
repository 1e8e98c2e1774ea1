"""Data-driven weights re-derived in every replicate of `uncertainty` and `sensitivity`.

With ``perturb: rederive`` (the default) an entropy or CRITIC group's weights are computed again
from each replicate's data, so a replicate of a normalisation alternative is the index that
`score` computes for that variant; ``perturb: nominal`` keeps the nominal derived weights.
The hand spec below is made up for the tests: a CRITIC group of three indicators (CRITIC
weights depend on the other columns, so leaving one out is not the same as zeroing its weight),
a fixed group of two.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cityindex.analysis.plan import SpecModel, read_plan
from cityindex.analysis.uncertainty import draw_monte_carlo, run_replicates, sensitivity
from cityindex.engine.pipeline import aggregate_tree, compute, prepare, scale
from cityindex.errors import SpecError
from cityindex.load.data import load_data
from cityindex.load.spec_yaml import dump_value, load_spec
from cityindex.model.tree import ROOT

ENTROPY = Path(__file__).resolve().parent.parent / "indicators" / "ai-city-2024-entropy-topsis.yaml"
NORMALISE = [{"method": "min_max", "range": [0, 1]}, {"method": "min_max", "range": [1, 100]}]

HAND = """\
index: {id: hand, title: Hand index, data: hand.csv, unit: city, scale: {method: none}}
methods:
  normalise: {method: min_max, range: [0, 1]}
groups:
  capacity:
    weight: 1
    methods: {weights: {method: critic}}
    indicators:
      a: {direction: higher_is_better, weight: 1}
      b: {direction: higher_is_better, weight: 1}
      c: {direction: lower_is_better, weight: 1}
  policy:
    weight: 1
    indicators:
      d: {direction: higher_is_better, weight: 2}
      e: {direction: higher_is_better, weight: 1}
"""
CSV = """\
city,a,b,c,d,e
A,120,30,12,1,5.1
B,80,45,9,1,4.0
C,60,20,15,0,6.2
D,40,12,20,1,3.3
E,150,60,7,0,2.9
F,20,8,18,0,4.4
G,95,25,11,1,5.5
"""


def model(spec_path: Path, section: dict[str, object], sets: list[str] | None = None) -> SpecModel:
    spec = load_spec(spec_path, sets or [])
    table = load_data(spec.index.data, unit=spec.index.unit)  # type: ignore[arg-type]
    return SpecModel(spec, table, read_plan(spec, section).plan)


def normalise_plan(fraction: float, perturb: str = "rederive") -> dict[str, object]:
    return {
        "weight_noise": [{"level": 1, "fraction": fraction}],
        "alternatives": [{"path": "methods.normalise", "options": NORMALISE}],
        "perturb": perturb,
    }


@pytest.fixture
def hand(tmp_path: Path) -> Path:
    (tmp_path / "hand.csv").write_text(CSV)
    path = tmp_path / "hand.yaml"
    path.write_text(HAND)
    return path


def test_a_replicate_of_a_normalisation_alternative_equals_a_fresh_score_of_that_variant() -> None:
    m = model(ENTROPY, normalise_plan(0.0))
    reps = draw_monte_carlo(m.plan, m.nominal_weights(), 40, seed=3)
    scores = run_replicates(m.evaluate, reps, chunk_size=7)
    assert set(reps.choices[:, 0]) == {0, 1}
    for option, normalise in enumerate(NORMALISE):
        fresh = compute(load_spec(ENTROPY, [f"methods.normalise={dump_value(normalise)}"]), m.table)
        for r in np.flatnonzero(reps.choices[:, 0] == option):
            np.testing.assert_array_equal(scores[r], fresh.score)


def test_perturb_nominal_keeps_the_nominal_entropy_weights_in_every_variant() -> None:
    m = model(ENTROPY, normalise_plan(0.0, "nominal"))
    nominal = compute(m.spec, m.table)
    weights = m.nominal_weights()
    for gid in m.plan.weight_groups():
        np.testing.assert_array_equal(weights[gid], nominal.weights[gid].to_numpy())
    fresh = compute(load_spec(ENTROPY, [f"methods.normalise={dump_value(NORMALISE[1])}"]), m.table)
    frozen = m.evaluate((1,), {g: weights[g][None] for g in m.plan.weight_groups()})[0]
    # the frozen weights give another index than the method run on the variant's data
    assert np.max(np.abs(frozen - fresh.score)) > 1e-4


def test_weight_noise_multiplies_the_weights_each_replicate_derives() -> None:
    m = model(ENTROPY, normalise_plan(0.2))
    reps = draw_monte_carlo(m.plan, m.nominal_weights(), 12, seed=5)
    scores = run_replicates(m.evaluate, reps)
    for r in range(reps.runs):
        normalise = NORMALISE[int(reps.choices[r, 0])]
        spec = load_spec(ENTROPY, [f"methods.normalise={dump_value(normalise)}"])
        derived = compute(spec, m.table).weights
        expected_weights = {}
        for gid, factor in reps.weights.items():
            assert np.all(np.abs(factor[r] - 1.0) <= 0.2)
            w = derived[gid].to_numpy() * factor[r]
            expected_weights[gid] = (w / w.sum())[None]
        prepared = prepare(spec, m.table)
        tree_scores, _ = aggregate_tree(prepared, expected_weights)
        _, shown, _ = scale(prepared, tree_scores[ROOT])
        np.testing.assert_allclose(scores[r], shown[0], rtol=1e-12, atol=1e-12)


def test_a_left_out_indicator_is_dropped_before_critic_weights_are_derived(
    hand: Path, tmp_path: Path
) -> None:
    m = model(hand, {"leave_one_out": True})
    reps = draw_monte_carlo(m.plan, m.nominal_weights(), 60, seed=2)
    scores = run_replicates(m.evaluate, reps)
    without_c = tmp_path / "without_c.yaml"
    without_c.write_text(HAND.replace("      c: {direction: lower_is_better, weight: 1}\n", ""))
    fresh = compute(load_spec(without_c), m.table).score
    dropped = np.flatnonzero(reps.weights["capacity"][:, 2] == 0)
    assert dropped.size > 0
    for r in dropped:
        np.testing.assert_allclose(scores[r], fresh, rtol=1e-12, atol=1e-12)
    # zeroing c's nominal CRITIC weight instead gives another index
    frozen = model(hand, {"leave_one_out": True, "perturb": "nominal"})
    nominal = frozen.nominal_weights()
    zeroed = {g: w[None].copy() for g, w in nominal.items() if g in reps.weights}
    zeroed["capacity"][0, 2] = 0.0
    assert np.max(np.abs(frozen.evaluate((), zeroed)[0] - fresh)) > 1e-6


def test_a_weight_set_for_a_derived_group_is_refused_under_rederive(hand: Path) -> None:
    (hand.parent / "sets.yaml").write_text(HAND + "weight_sets:\n  flat: {a: 1, b: 1, c: 1}\n")
    spec = load_spec(hand.parent / "sets.yaml")
    with pytest.raises(SpecError) as info:
        read_plan(spec, {"weight_sets": ["nominal", "flat"]})
    found = info.value.issues[0]
    assert (found.code, found.key_path) == (
        "spec.uncertainty.weight-set-derived",
        "uncertainty.weight_sets.1",
    )
    assert "capacity" in found.message
    assert read_plan(spec, {"weight_sets": ["flat"], "perturb": "nominal"}).plan.weight_sets


def test_sensitivity_rederives_entropy_weights_in_every_design_row() -> None:
    m = model(ENTROPY, normalise_plan(0.2))
    nominal = compute(m.spec, m.table)
    result = sensitivity(
        m.plan, m.nominal_weights(), m.evaluate, nominal.score, 32, seed=1, n_bootstrap=20
    )
    assert result.inputs == ("methods.normalise", "weight_noise:level 1")
    assert np.all(np.isfinite(result.rank_shift.total))
    assert result.rank_shift.total[0] > 0


def test_an_alternative_making_fixed_weights_data_driven_derives_them_in_its_runs(
    hand: Path,
) -> None:
    options = [{"method": "fixed"}, {"method": "entropy"}]
    section = {
        "weight_noise": [{"level": 1, "fraction": 0.0}],
        "alternatives": [{"path": "methods.weights", "options": options}],
    }
    m = model(hand, section)
    reps = draw_monte_carlo(m.plan, m.nominal_weights(), 30, seed=4)
    scores = run_replicates(m.evaluate, reps)
    for option, weights in enumerate(options):
        fresh = compute(load_spec(hand, [f"methods.weights={dump_value(weights)}"]), m.table)
        rows = np.flatnonzero(reps.choices[:, 0] == option)
        assert rows.size > 0
        for r in rows:
            np.testing.assert_array_equal(scores[r], fresh.score)
    entropy = compute(load_spec(hand, ["methods.weights={method: entropy}"]), m.table)
    fixed = compute(m.spec, m.table)
    assert np.max(np.abs(entropy.score - fixed.score)) > 1e-6
