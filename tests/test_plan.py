"""The uncertainty plan read from a spec, and replicates run through the real pipeline.

The toy index below is made up for the tests (8 units, 6 indicators, a ragged tree: `capacity`
holds two groups, `policy` holds indicators), so COINr's levels are: indicators 1, firms /
talent / policy 2, capacity 3, the index 4.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cityindex.analysis.plan import SpecModel, group_levels, raw_weights, read_plan
from cityindex.analysis.uncertainty import (
    draw_monte_carlo,
    rank_scores,
    run_replicates,
    sensitivity,
    summarise,
)
from cityindex.engine.pipeline import compute
from cityindex.errors import SpecError
from cityindex.load.data import load_data
from cityindex.load.spec_yaml import load_spec
from cityindex.model.tree import ROOT

SPEC = """\
index:
  id: toy
  title: Toy index
  data: toy.csv
  unit: city
  scale: {method: relative_to_max, digits: 4}
methods:
  normalise: {method: min_max, range: [1, 100]}
groups:
  capacity:
    weight: 2
    groups:
      firms:
        weight: 1
        indicators:
          ai_firms: {direction: higher_is_better, weight: 2}
          startups: {direction: higher_is_better, weight: 1}
      talent:
        weight: 1
        indicators:
          graduates: {direction: higher_is_better, weight: 1}
          researchers: {direction: higher_is_better, weight: 1}
  policy:
    weight: 1
    indicators:
      pilot_zone: {direction: higher_is_better, weight: 1}
      red_tape: {direction: lower_is_better, weight: 1}
weight_sets:
  equal_top: {capacity: 1, policy: 1}
uncertainty:
  runs: 500
  seed: 7
  top_k: 3
  weight_noise:
    - {level: 1, fraction: 0.25}
    - {level: 3, fraction: 0.25}
  alternatives:
    - {path: methods.aggregate.method, options: [arithmetic_mean, geometric_mean]}
    - path: methods.normalise
      options: [{method: min_max, range: [1, 100]}, {method: z_score, mean: 10, sd: 2}]
  weight_sets: [nominal, equal_top]
  leave_one_out: true
"""

CSV = """\
city,ai_firms,startups,graduates,researchers,pilot_zone,red_tape
A,120,30,5.1,800,1,12
B,80,45,4.0,650,1,9
C,60,20,6.2,900,0,15
D,40,12,3.3,300,1,20
E,150,60,2.9,1000,0,7
F,20,8,4.4,420,0,18
G,95,25,5.5,700,1,11
H,70,33,3.8,560,0,14
"""


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    (tmp_path / "toy.csv").write_text(CSV)
    path = tmp_path / "toy.yaml"
    path.write_text(SPEC)
    return path


def model(path: Path, sets: list[str] | None = None, section: object = None) -> SpecModel:
    spec = load_spec(path, sets or [])
    table = load_data(spec.index.data, unit=spec.index.unit)  # type: ignore[arg-type]
    return SpecModel(spec, table, read_plan(spec, section).plan)


def test_levels_follow_coinr_indicators_are_level_one(toy: Path) -> None:
    levels = group_levels(load_spec(toy))
    assert levels == {"capacity": 3, "firms": 2, "talent": 2, "policy": 2, ROOT: 4}


def test_plan_is_read_with_levels_weight_sets_and_leave_one_out(toy: Path) -> None:
    settings = read_plan(load_spec(toy))
    plan = settings.plan
    assert (settings.runs, settings.seed, settings.top_k) == (500, 7, 3)
    # Level 1 noise perturbs the indicators' weights: the groups holding indicators.
    assert plan.noise[0].groups == ("firms", "talent", "policy")
    assert plan.noise[1].groups == (ROOT,)
    assert [a.path for a in plan.alternatives] == ["methods.aggregate.method", "methods.normalise"]
    assert plan.weight_sets[1].weights == {ROOT: (1.0, 1.0)}
    assert len(plan.leave_out) == 6
    assert plan.input_names() == [
        "methods.aggregate.method",
        "methods.normalise",
        "weight_set",
        "leave_one_out",
        "weight_noise:level 1",
        "weight_noise:level 3",
    ]


def test_zero_noise_and_single_alternatives_equal_score_exactly(toy: Path) -> None:
    section = {
        "weight_noise": [{"level": 1, "fraction": 0.0}, {"level": 3, "fraction": 0.0}],
        "alternatives": [{"path": "methods.aggregate.method", "options": ["arithmetic_mean"]}],
        "weight_sets": ["nominal"],
    }
    m = model(toy, section=section)
    nominal = compute(m.spec, m.table)
    reps = draw_monte_carlo(m.plan, m.nominal_weights(), 64, seed=1)
    scores = run_replicates(m.evaluate, reps, chunk_size=10)
    assert np.array_equal(scores, np.broadcast_to(nominal.score, scores.shape))
    np.testing.assert_array_equal(rank_scores(scores)[0], nominal.rank)


def test_full_plan_gives_the_same_scores_for_any_chunk_size(toy: Path) -> None:
    m = model(toy)
    reps = draw_monte_carlo(m.plan, m.nominal_weights(), 300, seed=3)
    one = run_replicates(m.evaluate, reps, chunk_size=300)
    many = run_replicates(m.evaluate, reps, chunk_size=17)
    assert np.array_equal(one, many)
    assert np.all(np.isfinite(one))
    # A replicate equals the pipeline run on that replicate's spec variant and weights.
    r = 5
    choice = tuple(int(c) for c in reps.choices[r])
    single = m.evaluate(choice, {g: w[r] for g, w in reps.weights.items()})
    np.testing.assert_array_equal(one[r], single)


def test_a_method_alternative_changes_scores_as_the_set_override_does(toy: Path) -> None:
    m = model(toy)
    geometric = compute(load_spec(toy, ["methods.aggregate.method=geometric_mean"]), m.table).score
    got = m.evaluate((1, 0), {})
    np.testing.assert_array_equal(got, geometric)


def test_summary_nominal_ranks_equal_score_ranks(toy: Path) -> None:
    m = model(toy)
    nominal = compute(m.spec, m.table)
    reps = draw_monte_carlo(m.plan, m.nominal_weights(), 200, seed=1)
    summary = summarise(run_replicates(m.evaluate, reps), nominal.score, top_k=3)
    np.testing.assert_array_equal(summary.nominal_rank, nominal.rank)
    assert np.all(summary.rank_low <= summary.median_rank)
    assert np.all(summary.median_rank <= summary.rank_high)
    assert summary.top_k_probability.sum() >= 3 - 1e-12  # at least 3 units in the top 3 per run


def test_sensitivity_on_the_toy_index_names_every_input(toy: Path) -> None:
    m = model(toy)
    nominal = compute(m.spec, m.table)
    result = sensitivity(
        m.plan, m.nominal_weights(), m.evaluate, nominal.score, 64, seed=1, n_bootstrap=50
    )
    assert len(result.inputs) == 6
    assert result.rank_shift.total.shape == (6,)
    assert np.all(result.rank_shift.total >= 0)


def test_plan_problems_are_all_reported_with_key_paths(toy: Path) -> None:
    spec = load_spec(toy)
    bad = {
        "weight_noise": [{"level": 9, "fraction": 0.2}, {"groups": ["nope"], "fraction": 2}],
        "alternatives": [{"path": "methods.aggregate.method", "options": ["median_of_means"]}],
        "weight_sets": ["missing_set"],
        "runs": "many",
        "colour": "blue",
    }
    with pytest.raises(SpecError) as info:
        read_plan(spec, bad)
    paths = [i.key_path for i in info.value.issues]
    assert paths == [
        "uncertainty.colour",
        "uncertainty.weight_noise.0.level",
        "uncertainty.weight_noise.1.fraction",
        "uncertainty.alternatives.0.options.0",
        "uncertainty.weight_sets.0",
        "uncertainty.runs",
    ]


def test_raw_weights_are_the_spec_weights_per_group(toy: Path) -> None:
    weights = raw_weights(load_spec(toy))
    np.testing.assert_array_equal(weights["firms"], [2.0, 1.0])
    np.testing.assert_array_equal(weights[ROOT], [2.0, 1.0])
