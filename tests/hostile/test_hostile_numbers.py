"""Numbers the validator accepts are numbers the pipeline can score.

Weights are finite, at most 1e300 (so any group's sum stays finite), and integer parameters
have documented ranges (`index.scale.digits` 0-15). The property: for any weights the validator
accepts, every unit that is scored has a finite score and a rank.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityindex import compute, load_data
from cityindex.load.spec_yaml import parse_spec
from cityindex.methods.registry import REGISTRY, load_methods

HERE = Path(__file__).parent
BASE_TEXT = (HERE / "base.yaml").read_text(encoding="utf-8")
TABLE = load_data(HERE / "base.csv", unit="city")
WEIGHTS = (
    "groups.talent.weight",
    "groups.policy.weight",
    "groups.talent.indicators.researchers.weight",
    "groups.talent.indicators.cost.weight",
)

weight_text = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=0, max_value=1e300).map(repr),
    st.sampled_from(["5e-324", "1e300", "1.0e+308", "1.7976931348623157e308", "0", "1e-320"]),
    st.integers(min_value=0, max_value=10**400).map(str),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(*(weight_text for _ in WEIGHTS)))
def test_any_weights_the_validator_accepts_give_every_scored_unit_a_finite_score_and_rank(
    values: tuple[str, ...],
) -> None:
    sets = [f"{key}={value}" for key, value in zip(WEIGHTS, values, strict=True)]
    spec, issues = parse_spec(BASE_TEXT, base_dir=HERE, overrides=sets)
    if issues:
        assert all(i.code.startswith("spec.weight.") for i in issues), issues
        return
    assert spec is not None
    result = compute(spec, TABLE)
    scored = np.asarray(result.included)
    assert scored.any()
    assert np.isfinite(np.asarray(result.score, dtype=float)[scored]).all(), values
    assert np.isfinite(np.asarray(result.rank, dtype=float)[scored]).all(), values


def test_two_weights_of_1e308_are_refused_not_scored_blank() -> None:
    sets = ["groups.talent.weight=1.0e+308", "groups.policy.weight=1.0e+308"]
    _, issues = parse_spec(BASE_TEXT, base_dir=HERE, overrides=sets)
    assert [i.code for i in issues] == ["spec.weight.too-large", "spec.weight.too-large"]


def test_the_largest_accepted_weights_score_like_equal_weights() -> None:
    big, _ = parse_spec(
        BASE_TEXT,
        base_dir=HERE,
        overrides=["groups.talent.weight=1e300", "groups.policy.weight=1e300"],
    )
    equal, _ = parse_spec(
        BASE_TEXT,
        base_dir=HERE,
        overrides=["groups.talent.weight=1", "groups.policy.weight=1"],
    )
    assert big is not None
    assert equal is not None
    np.testing.assert_allclose(compute(big, TABLE).score, compute(equal, TABLE).score)


def _integer_params() -> list[tuple[str, str, str]]:
    load_methods()
    return [
        (stage, name, p.name)
        for stage, methods in REGISTRY.items()
        for name, method in methods.items()
        for p in method.params
        if p.kind == "integer"
    ]


@pytest.mark.parametrize(("stage", "method", "param"), _integer_params())
def test_every_integer_parameter_has_a_documented_range(
    stage: str, method: str, param: str
) -> None:
    found = REGISTRY[stage][method].param(param)  # type: ignore[index]
    assert found is not None
    assert found.minimum is not None
    assert found.maximum is not None
    assert math.isfinite(found.maximum)
    assert f"{found.minimum:,.0f}-{found.maximum:,.0f}" in found.doc


@pytest.mark.parametrize(("digits", "ok"), [(-1, False), (0, True), (15, True), (16, False)])
def test_scale_digits_run_from_0_to_15(digits: int, ok: bool) -> None:
    _, issues = parse_spec(BASE_TEXT, base_dir=HERE, overrides=[f"index.scale.digits={digits}"])
    assert [i.code for i in issues] == ([] if ok else ["spec.method.param-type"])
    if not ok:
        assert issues[0].expected == "a whole number from 0 to 15"
