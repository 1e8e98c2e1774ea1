"""`cityindex.uncertainty` and `cityindex.sensitivity`: the frames the commands print."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import cityindex
from cityindex.api import MemoryBudgetWarning
from cityindex.cli import app
from cityindex.errors import UsageError
from tests.test_plan import CSV, SPEC

runner = CliRunner()


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    (tmp_path / "toy.csv").write_text(CSV)
    path = tmp_path / "toy.yaml"
    path.write_text(SPEC)
    return path


def cli_csv(*args: str) -> pd.DataFrame:
    result = runner.invoke(app, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    # Each cell read as text, then numbers with Python's float (the exact value the cell
    # spells): pandas 2.1's default CSV reader can miss the last bit, and pandas 3 deprecates
    # its round_trip option.
    frame = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    for column in frame.columns:
        with contextlib.suppress(ValueError):  # a text column (unit names, input names) stays
            frame[column] = [float(v) if v != "" else float("nan") for v in frame[column]]
    return frame


PLAN = {"weight_noise": [{"level": 1, "fraction": 0.25}], "leave_one_out": True}
PLAN_YAML = "weight_noise:\n  - {level: 1, fraction: 0.25}\nleave_one_out: true\n"


def plan_file(toy: Path) -> str:
    path = toy.parent / "plan.yaml"
    path.write_text(PLAN_YAML)
    return str(path)


def test_uncertainty_frame_holds_the_numbers_the_command_prints(toy: Path) -> None:
    frame = cityindex.uncertainty(toy, PLAN, runs=300, seed=3)
    printed = cli_csv(
        "uncertainty", str(toy), "--runs", "300", "--seed", "3", "--plan", plan_file(toy)
    )
    assert frame.index.tolist() == printed["city"].tolist() == list("AGEBCHDF")
    assert frame["rank"].tolist() == printed["rank"].tolist() == list(range(1, 9))
    for column in frame.columns[1:]:  # scores printed at the index's 4 digits
        tolerance = 5e-5 if column.startswith("score") else 0
        assert frame[column].to_numpy() == pytest.approx(printed[column], abs=tolerance)
    assert frame.loc["A", "score"] == 1.0
    assert frame.loc["A", "mean_rank"] == pytest.approx(1.656667, abs=1e-6)
    assert (frame.loc["C", "rank_p05"], frame.loc["C", "rank_p95"]) == (5.0, 5.0)
    assert frame.attrs["runs"] == 300
    assert frame.attrs["inputs"] == ["leave_one_out", "weight_noise:level 1"]
    assert frame.attrs["warnings"] == []


def test_the_chunk_size_and_memory_budget_change_nothing_but_a_small_budget_warns(
    toy: Path,
) -> None:
    """64 MB is less than Python and pandas alone hold: the runs cannot stay within it, and a
    `MemoryBudgetWarning` says by how much, with the same frame as any other budget."""
    wide = cityindex.uncertainty(toy, PLAN, runs=200, seed=1)
    assert wide.equals(cityindex.uncertainty(toy, PLAN, runs=200, seed=1, chunk_size=7))
    with pytest.warns(MemoryBudgetWarning) as caught:
        tight = cityindex.uncertainty(toy, PLAN, runs=200, seed=1, memory=64 * 10**6)
    assert tight.equals(wide)
    warning = caught[0].message
    assert isinstance(warning, MemoryBudgetWarning)
    assert (warning.runs, warning.units, warning.budget) == (200, 8, 64 * 10**6)
    assert warning.needed == 16 * 200 * 8
    assert warning.held > 64 * 10**6


def test_progress_is_told_each_chunk_and_the_total(toy: Path) -> None:
    seen: list[tuple[int, int]] = []
    cityindex.uncertainty(
        toy, PLAN, runs=50, chunk_size=20, progress=lambda n, total: seen.append((n, total))
    )
    assert seen == [(20, 50), (20, 50), (10, 50)]


def test_runs_under_alternative_normalisations_note_that_score_percentiles_mix_scales(
    toy: Path,
) -> None:
    frame = cityindex.uncertainty(toy, runs=40)  # the spec's own plan: z-score or min-max
    [note] = frame.attrs["warnings"]
    assert "(methods.normalise), so they mix scales" in note
    assert frame.attrs["seed"] == 7  # the plan's
    assert frame.attrs["top_k"] == 3


def test_sensitivity_frame_holds_the_numbers_the_command_prints(toy: Path) -> None:
    frame = cityindex.sensitivity(toy, PLAN, runs=16, seed=2, bootstrap=50)
    printed = cli_csv(
        "sensitivity",
        str(toy),
        "--runs",
        "16",
        "--seed",
        "2",
        "--bootstrap",
        "50",
        "--plan",
        plan_file(toy),
    )
    assert frame.index.tolist() == printed["input"].tolist()
    for column in frame.columns:
        assert np.array_equal(frame[column].to_numpy(), printed[column].to_numpy(), equal_nan=True)
    assert frame.attrs["runs"] == 16 * (2 + 2)
    assert 0 <= frame.loc["leave_one_out", "total"] <= 1.5


def test_an_unknown_sampler_is_bad_usage() -> None:
    with pytest.raises(UsageError) as caught:
        cityindex.sensitivity(sampler="halton")  # type: ignore[arg-type]
    assert caught.value.issues[0].code == "usage.sampler"
