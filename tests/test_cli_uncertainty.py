"""`cityindex uncertainty` and `cityindex sensitivity` on the toy index of test_plan."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cityindex.analysis.plan import SpecModel, read_plan
from cityindex.analysis.uncertainty import draw_monte_carlo, run_replicates, summarise
from cityindex.cli import app
from cityindex.cli import run as cli_run
from cityindex.engine.pipeline import compute
from cityindex.errors import SpecError
from cityindex.load.data import load_data
from cityindex.load.spec_yaml import load_spec
from tests.test_plan import CSV, SPEC

runner = CliRunner()


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    (tmp_path / "toy.csv").write_text(CSV)
    path = tmp_path / "toy.yaml"
    path.write_text(SPEC)
    return path


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_uncertainty_output_is_byte_identical_for_any_chunk_size(toy: Path) -> None:
    base = ["uncertainty", str(toy), "--runs", "400", "--seed", "3", "--format", "csv"]
    one = run(*base)
    assert one == run(*base, "--chunk-size", "7")
    assert one == run(*base, "--chunk-size", "1000")
    assert one != run(*base[:-4], "--seed", "4", "--format", "csv")
    assert one == run(*base, "--memory", "64MB")


def test_sensitivity_output_is_the_same_for_any_memory_budget(toy: Path) -> None:
    base = ["sensitivity", str(toy), "--runs", "40", "--seed", "3", "--format", "csv"]
    assert run(*base) == run(*base, "--memory", "64MB") == run(*base, "--memory", "8GiB")


def test_a_budget_below_what_the_process_already_holds_is_said_and_the_result_unchanged(
    toy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """64 MB is less than Python and pandas alone take: no chunking can keep within it, so the
    command says so (with the figures) and still gives the same result."""
    base = ["uncertainty", str(toy), "--runs", "200", "--seed", "3", "--format", "csv"]
    assert cli_run(base) == 0
    wide = capsys.readouterr()
    assert "--memory budget" not in wide.err
    assert cli_run([*base, "--memory", "64MB"]) == 0
    tight = capsys.readouterr()
    assert tight.out == wide.out
    assert "warning: this process already holds" in tight.err
    assert "over the --memory budget of 64 MB" in tight.err


@pytest.mark.parametrize("budget", ["lots", "1PB", "10MB", "-1GB"])
def test_a_memory_budget_that_is_not_a_size_of_at_least_64_mb_is_a_usage_error(
    toy: Path, budget: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_run(["uncertainty", str(toy), "--runs", "10", "--memory", budget]) == 2
    assert "error[usage.memory]" in capsys.readouterr().err


def test_uncertainty_json_equals_the_library_summary(toy: Path) -> None:
    payload = json.loads(run("uncertainty", str(toy), "--runs", "300", "--format", "json"))
    spec = load_spec(toy)
    table = load_data(spec.index.data, unit=spec.index.unit)  # type: ignore[arg-type]
    settings = read_plan(spec)
    model = SpecModel(spec, table, settings.plan)
    nominal = compute(spec, table)
    reps = draw_monte_carlo(settings.plan, model.nominal_weights(), 300, seed=7)  # plan's seed
    summary = summarise(
        run_replicates(model.evaluate, reps),
        nominal.score,
        top_k=3,
        quantile_levels=(0.05, 0.5, 0.95),
    )
    assert payload["uncertainty"]["runs"] == 300
    assert payload["uncertainty"]["top_k"] == 3
    by_unit = {row["city"]: row for row in payload["results"]}
    for i, unit in enumerate(nominal.units):
        row = by_unit[unit]
        assert row["rank"] == nominal.rank[i]
        assert row["median_rank"] == summary.median_rank[i]
        assert row["p_top_k"] == summary.top_k_probability[i]
        assert row["score_p95"] == summary.score_quantiles[2, i]


def test_plan_file_replaces_the_spec_plan(toy: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("uncertainty:\n  weight_noise:\n    - {level: 1, fraction: 0.0}\n")
    payload = json.loads(
        run("uncertainty", str(toy), "--plan", str(plan), "--runs", "20", "-f", "json")
    )
    assert payload["uncertainty"]["inputs"] == ["weight_noise:level 1"]
    for row in payload["results"]:
        assert row["median_rank"] == row["rank"]
        assert row["score_p05"] == row["score_p95"] == row["score"]


def test_sensitivity_lists_every_input_with_intervals(toy: Path) -> None:
    payload = json.loads(
        run("sensitivity", str(toy), "--runs", "32", "--bootstrap", "50", "-f", "json")
    )
    names = [row["input"] for row in payload["results"]]
    assert names == [
        "methods.aggregate.method",
        "methods.normalise",
        "weight_set",
        "leave_one_out",
        "weight_noise:level 1",
        "weight_noise:level 3",
    ]
    assert payload["sensitivity"]["runs"] == 32 * 8
    for row in payload["results"]:
        assert row["total_low"] <= row["total"] <= row["total_high"]


def test_sensitivity_per_unit_gives_one_row_per_unit_and_input(toy: Path) -> None:
    text = run(
        "sensitivity", str(toy), "--runs", "16", "--bootstrap", "20", "--per-unit", "-f", "csv"
    )
    lines = text.strip().splitlines()
    assert lines[0] == "city,input,first,first_low,first_high,total,total_low,total_high"
    assert len(lines) == 1 + 8 * 6


def test_a_bad_plan_exits_with_code_1_and_names_the_key(toy: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("weight_noise:\n  - {level: 7, fraction: 0.1}\n")
    result = runner.invoke(app, ["uncertainty", str(toy), "--plan", str(plan)])
    # main() renders the error and exits 1; under the test runner it surfaces as the exception.
    assert isinstance(result.exception, SpecError)
    assert result.exception.exit_code == 1
    issue = result.exception.issues[0]
    assert issue.key_path == "uncertainty.weight_noise.0.level"
    assert issue.location is not None
    assert issue.location.file == str(plan)


def test_both_commands_have_help_ending_with_an_example() -> None:
    for command in ("uncertainty", "sensitivity"):
        text = runner.invoke(app, [command, "--help"]).output
        assert "Example: cityindex " + command in text


def test_nominal_column_matches_score_command(toy: Path) -> None:
    score = run("score", str(toy), "-f", "csv").splitlines()[1:]
    unc = run("uncertainty", str(toy), "--runs", "10", "-f", "csv").splitlines()[1:]
    for s, u in zip(score, unc, strict=True):
        assert s.split(",")[:3] == u.split(",")[:3]
    assert np.isfinite(len(unc))


def test_sensitivity_says_why_every_index_is_blank_when_no_rank_moves(
    toy: Path, tmp_path: Path
) -> None:
    """A plan too small to move any rank leaves every Sobol index undefined (0 / 0): the
    command still succeeds, and says so on stderr and in the JSON instead of a blank table."""
    plan = tmp_path / "tiny.yaml"
    plan.write_text("weight_noise:\n  - {level: 1, fraction: 0.000001}\n")
    args = ["sensitivity", str(toy), "--runs", "20", "--seed", "1", "--plan", str(plan)]
    result = runner.invoke(app, [*args, "--format", "csv"])
    assert result.exit_code == 0
    assert set(result.stdout.splitlines()[1].split(",")[1:]) == {""}
    assert "no rank moved in any run: every Sobol index is undefined" in result.stderr
    payload = json.loads(run(*args, "--format", "json"))
    assert payload["sensitivity"]["note"].startswith("no rank moved in any run")


def test_sensitivity_with_moving_ranks_prints_no_note(toy: Path) -> None:
    args = ["sensitivity", str(toy), "--runs", "50", "--seed", "1", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "note:" not in result.stderr
    assert json.loads(result.stdout)["sensitivity"]["note"] is None


SHIPPED = sorted((Path(__file__).parents[1] / "indicators").glob("*.yaml"))
ENTROPY_TOPSIS = Path(__file__).parents[1] / "indicators" / "ai-city-2024-entropy-topsis.yaml"
NOISE = "{weight_noise: [{level: 1, fraction: 0.25}]}"


def noise_plan(tmp_path: Path) -> Path:
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"uncertainty: {NOISE}\n")
    return plan


def check_uncertainty(spec: Path, tmp_path: Path, *sets: str) -> None:
    """Uncertainty under ±25 % level-1 weight noise: the nominal column is the score command's,
    percentiles are ordered, and the noise moves at least one unit's score."""
    plan = noise_plan(tmp_path)
    payload = json.loads(
        run("uncertainty", str(spec), "--plan", str(plan), "--runs", "40", *sets, "-f", "json")
    )
    assert payload["uncertainty"]["inputs"] == ["weight_noise:level 1"]
    score = json.loads(run("score", str(spec), *sets, "-f", "json"))
    unit = next(iter(payload["results"][0]))  # the unit column comes first
    nominal = {row[unit]: row["score"] for row in score["results"]}
    scored = [row for row in payload["results"] if row["score"] is not None]
    assert {row[unit]: row["score"] for row in payload["results"]} == nominal
    for row in scored:
        assert row["score_p05"] <= row["score_p50"] <= row["score_p95"]
        assert row["rank_p05"] <= row["median_rank"] <= row["rank_p95"]
    assert any(row["score_p05"] < row["score_p95"] for row in scored)


def check_sensitivity(spec: Path, tmp_path: Path, *sets: str) -> None:
    """Sensitivity with the one weight-noise input: one row, from N (d + 2) runs."""
    plan = noise_plan(tmp_path)
    args = ["--plan", str(plan), "--runs", "8", "--bootstrap", "20", *sets, "-f", "json"]
    payload = json.loads(run("sensitivity", str(spec), *args))
    (row,) = payload["results"]
    assert row["input"] == "weight_noise:level 1"
    assert payload["sensitivity"]["runs"] == 8 * 3


def check_report(spec: Path, tmp_path: Path, *sets: str) -> None:
    """The report of a spec whose `uncertainty:` plan perturbs weights has its rank intervals."""
    out = tmp_path / "report.html"
    run("report", str(spec), "--set", f"uncertainty={NOISE}", "--runs", "20", *sets, "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert '<h2 id="uncertainty">' in page
    assert '<figure id="chart-uncertainty">' in page  # the rank-interval chart


CHECKS = {
    "uncertainty": check_uncertainty,
    "sensitivity": check_sensitivity,
    "report": check_report,
}


@pytest.mark.parametrize("command", CHECKS)
@pytest.mark.parametrize("method", ["topsis", "vikor", "grey_relational"])
def test_weight_noise_analyses_run_on_entropy_weights_with_each_ranking_method(
    command: str, method: str, tmp_path: Path
) -> None:
    CHECKS[command](ENTROPY_TOPSIS, tmp_path, "--set", f"methods.aggregate.method={method}")


@pytest.mark.parametrize("command", CHECKS)
@pytest.mark.parametrize("spec", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_weight_noise_analyses_run_on_every_shipped_spec(
    command: str, spec: Path, tmp_path: Path
) -> None:
    CHECKS[command](spec, tmp_path)


def test_score_percentiles_pooled_over_normalisations_carry_a_note_that_scales_mix(
    toy: Path, tmp_path: Path
) -> None:
    """The toy plan mixes min-max [1, 100] with z-scores; weight noise alone keeps one scale."""
    mixed = runner.invoke(app, ["uncertainty", str(toy), "--runs", "40", "-f", "json"])
    assert mixed.exit_code == 0, mixed.output
    assert "mix scales" in mixed.stderr
    assert "(methods.normalise)" in mixed.stderr
    assert json.loads(mixed.stdout)["uncertainty"]["runs"] == 40  # the data are unchanged
    plan = noise_plan(tmp_path)
    alone = runner.invoke(app, ["uncertainty", str(toy), "--plan", str(plan), "--runs", "40"])
    assert alone.exit_code == 0, alone.output
    assert "mix scales" not in alone.stderr
