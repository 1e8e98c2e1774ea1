"""A weight the computation does not use is a warning, never silently accepted.

Under entropy, CRITIC, CV, SD, PCA, AHP, `equal` or `combine` weights (without a `fixed`
part) the weights written in the spec change nothing; a reviewer who writes or sets one must
be told which key path is ignored and which method overrides it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cityindex import compute, load_data, load_spec
from cityindex.cli import run

ROOT = Path(__file__).parents[1]
ENTROPY = ROOT / "indicators" / "ai-city-2024-entropy-topsis.yaml"
PILOT = "groups.policy.indicators.pilot_zone.weight"

AHP_SPEC = """\
index: {id: ahp, title: AHP example, data: data.csv, unit: unit}
methods:
  normalise: {method: min_max, range: [0, 1]}
groups:
  g1:
    weight: 1
    methods:
      weights: {method: ahp, pairs: [[x1, x2, 3]]}
    indicators:
      x1: {column: x1, direction: higher_is_better, weight: 5}
      x2: {column: x2, direction: lower_is_better}
  g2:
    weight: 1
    indicators:
      x3: {column: x3, direction: higher_is_better, weight: 1}
"""


def _ignored(messages: tuple[str, ...] | list[str]) -> list[str]:
    return [m for m in messages if "no effect" in m]


@pytest.mark.parametrize("spec", sorted((ROOT / "indicators").glob("*.yaml")), ids=str)
def test_no_shipped_spec_warns_about_ignored_weights(spec: Path) -> None:
    assert _ignored(load_spec(spec).warnings) == []


def test_a_weight_set_under_entropy_is_a_warning_naming_key_path_and_method() -> None:
    spec = load_spec(ENTROPY, [f"{PILOT}=7"])
    result = compute(spec, load_data(spec.index.data, unit="city"))
    assert _ignored(spec.warnings) == [
        f"{PILOT}: no effect — the weights of the children of 'policy' come from `entropy` "
        "(methods.weights), which does not use the weights written in the spec (`fixed` "
        "would, or `combine` with a `fixed` part)"
    ]
    assert _ignored(result.warnings) == _ignored(spec.warnings)
    plain = load_spec(ENTROPY)
    same = compute(plain, load_data(plain.index.data, unit="city"))
    assert list(result.rank) == list(same.rank)  # the warning is true: nothing moved


def test_equal_weights_written_everywhere_state_no_preference(tmp_path: Path) -> None:
    """The entropy spec writes `weight: 1` on every child: no warning until one differs."""
    text = ENTROPY.read_text(encoding="utf-8")
    assert "weight: 1," in text
    copy = tmp_path / "spec.yaml"
    copy.write_text(text.replace("weight: 1, unit: flag", "weight: 0, unit: flag", 1))
    spec = load_spec(copy)
    assert [m.split(":")[0] for m in _ignored(spec.warnings)] == [
        f"{PILOT} (0), groups.policy.indicators.pioneer_zone.weight (1)"
    ]


def test_a_yaml_weight_under_ahp_names_the_groups_own_method(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("unit,x1,x2,x3\nA,1,2,3\nB,2,1,1\nC,3,3,2\n")
    (tmp_path / "spec.yaml").write_text(AHP_SPEC)
    warnings = _ignored(load_spec(tmp_path / "spec.yaml").warnings)
    assert len(warnings) == 1
    assert warnings[0].startswith("groups.g1.indicators.x1.weight (5): no effect")
    assert "`ahp` (groups.g1.methods.weights)" in warnings[0]


def test_combine_with_a_fixed_part_uses_the_weights_and_does_not_warn() -> None:
    """`combine` at the top applies to the top-level groups only (groups below use `fixed`)."""
    with_fixed = "methods.weights={method: combine, of: [{method: entropy}, {method: fixed}]}"
    assert _ignored(load_spec(ENTROPY, [with_fixed, "groups.policy.weight=7"]).warnings) == []
    without = "methods.weights={method: combine, of: [{method: entropy}, {method: critic}]}"
    spec = load_spec(ENTROPY, [without, "groups.policy.weight=7", f"{PILOT}=7"])
    assert [m.split(":")[0] for m in _ignored(spec.warnings)] == ["groups.policy.weight"]


def test_a_weight_set_under_critic_on_the_calibrated_default_names_every_unequal_group() -> None:
    spec = load_spec(ROOT / "indicators" / "ai-city-2024.yaml", ["methods.weights.method=critic"])
    named = [m.split(" ")[0] for m in _ignored(spec.warnings)]
    # the dimensions are unequal; within them, only enterprise's three indicators are (the
    # band holds every other dimension's two indicators at 0.5 each: nothing to warn)
    assert named == [
        "groups.policy.weight",
        "groups.enterprise.indicators.genai_filings.weight",
    ]


SEED = str(ROOT / "seeds" / "ai-city-competitiveness-2024.csv")


@pytest.mark.parametrize(
    "command",
    [
        ["score", "SPEC", "-f", "csv"],
        ["validate", "SPEC"],
        ["weights", "SPEC", "-f", "csv"],
        ["explain", "Beijing", "SPEC", "-f", "csv"],
        ["audit", "SPEC", "-f", "csv"],
        ["obstacles", "SPEC", "-f", "csv"],
        ["check", "SPEC", "--against", SEED, "-f", "csv"],
    ],
    ids=lambda c: c[0],
)
def test_every_command_that_computes_prints_the_warning_once(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    run([str(ENTROPY) if a == "SPEC" else a for a in command] + ["--set", f"{PILOT}=7"])
    err = capsys.readouterr().err
    assert f"warning: {PILOT}: no effect" in err
    assert err.count("no effect") == 1


UNWEIGHTED_SPEC = """\
index: {id: u, title: Unweighted, data: data.csv, unit: unit}
methods:
  normalise: {method: min_max, range: [0.1, 1]}
groups:
  g1:
    weight: 1
    indicators:
      x1: {direction: higher_is_better}
      x2: {direction: lower_is_better}
  g2:
    weight: 1
    indicators:
      x3: {direction: higher_is_better}
      x4: {direction: higher_is_better}
"""


@pytest.mark.parametrize("method", ["mpi", "ampi", "bod"])
def test_a_weight_under_an_unweighted_aggregation_is_a_warning_and_indeed_moves_nothing(
    method: str, tmp_path: Path
) -> None:
    """mpi, ampi and bod aggregate without the spec's weights: a weight set for their children
    is named, and scoring with and without it gives the same scores."""
    (tmp_path / "data.csv").write_text("unit,x1,x2,x3,x4\nA,1,2,3,1\nB,2,1,1,4\nC,3,3,2,2\n")
    (tmp_path / "spec.yaml").write_text(UNWEIGHTED_SPEC)
    aggregate = f"methods.aggregate.method={method}"
    spec = load_spec(tmp_path / "spec.yaml", [aggregate, "groups.g1.indicators.x1.weight=7"])
    assert _ignored(spec.warnings) == [
        f"groups.g1.indicators.x1.weight: no effect — `{method}` (methods.aggregate) "
        "aggregates the children of 'g1' without weights (an arithmetic or geometric mean "
        "would use them)"
    ]
    plain = load_spec(tmp_path / "spec.yaml", [aggregate])
    assert _ignored(plain.warnings) == []
    data = load_data(tmp_path / "data.csv", unit="unit")
    assert list(compute(spec, data).score) == list(compute(plain, data).score)
