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
from cityindex.errors import UsageError
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
