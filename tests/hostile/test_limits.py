"""Limits refused up front with a typed, located error (issue 24, items 5 and 6).

A memory budget is a limit: runs whose kept results (scores and ranks, replicates) exceed it
are refused before anything is drawn. Values the analyses cannot use (no runs, an unknown
sampler, a NaN gap, a level that does not exist, non-finite tier thresholds, weight sets that
are not weights) are a `UsageError` (exit 2) or a `SpecError` (exit 1) naming the option or key
and the value, never a raw exception nor a silent default.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cityindex
from cityindex.analysis import uncertainty as analysis
from cityindex.cli import run
from cityindex.errors import SpecError, UsageError
from tests.test_plan import CSV, SPEC


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    (tmp_path / "toy.csv").write_text(CSV)
    path = tmp_path / "toy.yaml"
    path.write_text(SPEC)
    return path


@pytest.fixture
def no_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any draw of runs fails the test: a refusal must come before anything is allocated."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("runs were drawn")

    monkeypatch.setattr(analysis, "draw_monte_carlo", refuse)
    monkeypatch.setattr(analysis, "draw_saltelli", refuse)


def test_a_billion_runs_over_the_memory_budget_are_refused_before_any_draw(
    toy: Path, no_draws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """8 units: 8 (2 · 8 + 2 alternatives + 10 varied weights) = 208 bytes a run."""
    assert run(["uncertainty", str(toy), "--runs", "1000000000"]) == 2
    err = capsys.readouterr().err
    assert "error[usage.memory.runs]" in err
    assert "1,000,000,000 runs" in err
    assert "208,000,000,000 bytes" in err
    assert "memory budget of 1.0 GB (1,000,000,000 bytes)" in err
    assert "at most 4,807,692 within 1.0 GB" in err
    assert "raise --memory" in err
    assert "lower --runs" in err
    with pytest.raises(UsageError, match=r"208,000,000,000 bytes") as caught:
        cityindex.uncertainty(toy, runs=10**9)
    assert caught.value.issues[0].code == "usage.memory.runs"
    with pytest.raises(UsageError, match=r"over the memory budget of 64.0 MB"):
        cityindex.uncertainty(toy, runs=400_000, memory=64 * 10**6)


def test_sensitivity_counts_its_n_d_plus_2_runs_against_the_budget(
    toy: Path, no_draws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["sensitivity", str(toy), "--runs", "100000000"]) == 2
    err = capsys.readouterr().err
    assert "error[usage.memory.runs]" in err
    assert "800,000,000 runs (runs=100,000,000 × (6 inputs + 2))" in err
    assert "memory budget of 1.0 GB" in err
    with pytest.raises(UsageError, match=r"runs=100,000,000 × \(6 inputs \+ 2\)"):
        cityindex.sensitivity(toy, runs=10**8)
    with pytest.raises(UsageError, match=r"over the memory budget of 64.0 MB") as caught:
        cityindex.sensitivity(toy, runs=1000, bootstrap=100_000, per_unit=True, memory=64 * 10**6)
    assert "a budget above" in str(caught.value.issues[0].expected)


@pytest.mark.parametrize("runs", [0, -5, 2.5, True])
def test_runs_that_are_not_a_positive_whole_number_are_refused_not_replaced(
    toy: Path, no_draws: None, runs: object
) -> None:
    with pytest.raises(UsageError, match=rf"runs={runs!r}: runs must be a whole number"):
        cityindex.uncertainty(toy, runs=runs)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=rf"runs={runs!r}: runs must be a whole number"):
        cityindex.sensitivity(toy, runs=runs)  # type: ignore[arg-type]


def test_sensitivity_needs_a_base_sample_of_two(toy: Path, no_draws: None) -> None:
    with pytest.raises(UsageError, match=r"runs=1: runs must be a whole number of at least 2"):
        cityindex.sensitivity(toy, runs=1)


def test_an_unknown_sampler_is_a_usage_error_naming_it(
    toy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["sensitivity", str(toy), "--runs", "4", "--sampler", "sobl"]) == 2
    err = capsys.readouterr().err
    assert "error[usage.sampler]: sampler 'sobl'" in err
    assert "--sampler" in err
    assert "one of: random, sobol" in err
    assert "did you mean 'sobol'?" in err
    with pytest.raises(UsageError, match=r"sampler 'halton'"):
        cityindex.sensitivity(toy, runs=4, sampler="halton")  # type: ignore[arg-type]


@pytest.mark.parametrize("gap", ["nan", "inf"])
def test_a_min_gap_that_is_not_a_finite_number_is_a_usage_error(
    toy: Path, gap: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Click's range check lets NaN through (NaN < 0 is false); the library refuses it."""
    target = toy.parent / "ranks.csv"
    target.write_text("unit,rank\nE,1\nA,2\n")
    assert run(["calibrate", str(toy), "--target", str(target), "--min-gap", gap]) == 2
    err = capsys.readouterr().err
    assert f"error[usage.min-gap]: --min-gap {gap}: min_gap must be a finite number >= 0" in err
    with pytest.raises(UsageError, match=r"--min-gap nan") as caught:
        cityindex.calibrate(toy, target, min_gap=float("nan"), min_weight=float("nan"))
    assert [i.code for i in caught.value.issues] == ["usage.min-weight", "usage.min-gap"]


def test_an_importance_level_no_child_is_at_is_refused_listing_the_levels(
    toy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["importance", str(toy), "--level", "99"]) == 2
    err = capsys.readouterr().err
    assert "error[usage.importance.level]: --level 99: no children at level 99" in err
    assert "levels: 1, 2, 3" in err
    with pytest.raises(UsageError, match=r"level 0 \(levels: 1, 2, 3\)"):
        cityindex.importance(toy, level=0)
    assert set(cityindex.importance(toy, level=3)["level"]) == {3}


TIERS = "  scale: {method: relative_to_max, digits: 4}"


@pytest.mark.parametrize("cuts", ["[.nan, 0.3]", "[0.6, .inf]", "[.inf, -.inf]", "[1e999, 0.3]"])
def test_tier_thresholds_that_are_not_finite_are_a_located_spec_error(
    toy: Path, cuts: str, capsys: pytest.CaptureFixture[str]
) -> None:
    tiers = f"    tiers: {{labels: [A, B, C], thresholds: {cuts}}}"
    text = SPEC.replace(TIERS, f"  scale:\n    method: relative_to_max\n{tiers}")
    toy.write_text(text)
    assert run(["validate", str(toy)]) == 1
    err = capsys.readouterr().err
    assert "error[spec.tiers.thresholds.not-finite]: threshold" in err
    assert f"{toy}:8:" in err
    assert "key path: index.scale.tiers.thresholds." in err
    with pytest.raises(SpecError, match=r"is not a finite number") as caught:
        cityindex.validate(toy)
    assert all(i.location is not None for i in caught.value.issues)


SET = "  equal_top: {capacity: 1, policy: 1}"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("-1", "-1 (integer)"),
        (".nan", "nan (number)"),
        ("1e308", "1e+308 (number)"),
        ("heavy", "'heavy' (text)"),
        ("[1, 2]", "list (list)"),
    ],
)
def test_a_weight_set_value_that_is_not_a_weight_is_a_located_spec_error(
    toy: Path, value: str, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    toy.write_text(SPEC.replace(SET, f"  equal_top: {{capacity: {value}, policy: 1}}"))
    for command in (["uncertainty", str(toy), "--runs", "10"], ["validate", str(toy)]):
        assert run(command) == 1
        err = capsys.readouterr().err
        message = f"weight set 'equal_top': capacity's weight {shown} is not a weight"
        assert f"error[spec.weight-set.weight]: {message}" in err
        assert f"{toy}:29:15" in err
        assert "key path: weight_sets.equal_top.capacity" in err
        assert "expected: a number from 0 to 1e+300" in err
    for call in (cityindex.validate, cityindex.uncertainty):
        with pytest.raises(SpecError, match=r"capacity's weight") as caught:
            call(toy)
        assert caught.value.issues[0].key_path == "weight_sets.equal_top.capacity"


def test_a_weight_set_summing_to_zero_and_one_naming_no_node_are_spec_errors(
    toy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SPEC.replace(SET, "  equal_top: {capacity: 0, policy: 0}\n  typo: {capacty: 1}")
    toy.write_text(text)
    assert run(["validate", str(toy)]) == 1
    err = capsys.readouterr().err
    assert "error[spec.weight-set.all-zero]: weight set 'equal_top' leaves every weight" in err
    assert "error[spec.weight-set.unknown]: weight set 'typo' names 'capacty'" in err
    assert "did you mean 'capacity'?" in err
    with pytest.raises(SpecError) as caught:
        cityindex.uncertainty(toy, runs=10)
    assert [i.code for i in caught.value.issues] == ["spec.weight-set.all-zero"]


def test_validate_checks_the_uncertainty_plan_as_uncertainty_does(
    toy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SPEC.replace("  runs: 500", "  runs: 0").replace(
        "  leave_one_out: true", "  leave_one_out: true\n  perturb: sometimes"
    )
    toy.write_text(text)
    assert run(["validate", str(toy)]) == 1
    err = capsys.readouterr().err
    assert "error[spec.uncertainty.integer]: `runs` must be a whole number" in err
    assert "got:      0" in err
    assert "error[spec.uncertainty.perturb]" in err
    with pytest.raises(SpecError) as caught:
        cityindex.validate(toy)
    codes = [i.code for i in caught.value.issues]
    assert codes == ["spec.uncertainty.integer", "spec.uncertainty.perturb"]
    assert caught.value.issues[0].key_path == "uncertainty.runs"
