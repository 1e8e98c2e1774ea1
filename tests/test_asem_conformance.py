"""Conformance with COINr 1.1.14 on its ASEM example, stage by stage, every cell at 1e-9.

The expected tables are COINr's own output (shipped in `data/asem/expected/`): R1 is raw
data → n_minmax [0, 100] → a_amean; R2 is COINr's
`build_example_coin()` (Denominate → Impute i_mean_grp by EurAsia_group → Screen byNA 0.9 →
Treat default → Normalise n_minmax [0, 100] → Aggregate a_amean); R3 is
`build_example_purse()` (per year: Screen byNA 0.9 on raw → Treat default; then
Normalise with global = TRUE, i.e. min and max pooled over all years; then a_amean per year).

These tests drive the registered kernels directly with numpy/pandas, so they pin down the
methods' semantics independently of the YAML pipeline.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cityindex import IndexResult, compute, load_data, load_spec
from cityindex.cli import run
from cityindex.engine.stages import stage_table
from cityindex.methods.aggregate import arithmetic_mean
from cityindex.methods.impute import impute_group_mean
from cityindex.methods.normalise import min_max
from cityindex.methods.registry import KernelContext
from cityindex.methods.treat import denominate_by_column, winsorise, winsorise_log

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "asem"
EXPECTED = DATA / "expected"

META = pd.read_csv(DATA / "ASEM_iMeta.csv")
INDICATORS = META[META["Type"] == "Indicator"]
IDS = list(INDICATORS["iCode"])
DIRECTION = INDICATORS["Direction"].to_numpy(float)


def expected(name: str) -> pd.DataFrame:
    """One of COINr's output tables."""
    return pd.read_csv(EXPECTED / name)


def assert_cells_equal(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Every cell equal to 1e-9 relative (missing where COINr has NA), same rows and columns."""
    got = got.loc[want.index, list(want.columns)]
    g, w = got.to_numpy(float), want.to_numpy(float)
    same = np.isclose(g, w, rtol=1e-9, atol=0.0) | (np.isnan(g) & np.isnan(w))
    bad = np.argwhere(~same)
    assert bad.size == 0, [
        (want.index[i], want.columns[j], g[i, j], w[i, j]) for i, j in bad[:5].tolist()
    ]


def aggregate_tree(z: np.ndarray, units: list[str]) -> pd.DataFrame:
    """Indicators plus every group, bottom-up by iMeta's Level and Parent, with its weights."""
    out = pd.DataFrame(z, columns=IDS, index=units)
    for level in (2, 3, 4):
        for group in META.loc[META["Level"] == level, "iCode"]:
            kids = META[(META["Parent"] == group) & (META["Level"] == level - 1)]
            out[group] = arithmetic_mean(
                out[list(kids["iCode"])].to_numpy(), kids["Weight"].to_numpy(float)
            )
    return out


def screen(x: np.ndarray, min_coverage: float = 0.9) -> np.ndarray:
    """COINr's Screen byNA: keep units whose share of indicators present is >= the threshold."""
    keep: np.ndarray = np.mean(~np.isnan(x), axis=1) >= min_coverage
    return keep


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(DATA / "ASEM_iData.csv")


@pytest.fixture(scope="module")
def r2(data: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """COINr's example pipeline run with cityindex kernels; each stage as a table."""
    units = list(data["uCode"])
    ctx = KernelContext(unit_ids=tuple(units), column_ids=tuple(IDS), extra={"table": data})
    by = {r.iCode: r.Denominator for r in INDICATORS.itertuples() if isinstance(r.Denominator, str)}
    stages: dict[str, np.ndarray] = {}
    x = data[IDS].to_numpy(float)
    x = stages["Denominated"] = denominate_by_column(x, ctx=ctx, by=by)
    x = stages["Imputed"] = impute_group_mean(x, ctx=ctx, by="EurAsia_group")
    keep = screen(x)
    x = stages["Screened"] = np.where(keep[:, None], x, np.nan)
    x = stages["Treated"] = winsorise(x, max_points=5, skew=2.0, kurtosis=3.5)
    x = stages["Normalised"] = min_max(x, direction=DIRECTION, range=(0.0, 100.0))
    tables = {
        k: pd.DataFrame(v[keep], columns=IDS, index=np.array(units)[keep])
        for k, v in stages.items()
    }
    tables["Aggregated"] = aggregate_tree(x, units).loc[np.array(units)[keep]]
    return tables


def test_r1_min_max_normalisation_matches_coinr_in_every_cell(data: pd.DataFrame) -> None:
    z = min_max(data[IDS].to_numpy(float), direction=DIRECTION, range=(0.0, 100.0))
    got = pd.DataFrame(z, columns=IDS, index=data["uCode"])
    assert_cells_equal(got, expected("R1_minmax_amean_normalised.csv").set_index("uCode"))


def test_r1_arithmetic_mean_at_every_level_matches_coinr(data: pd.DataFrame) -> None:
    z = min_max(data[IDS].to_numpy(float), direction=DIRECTION, range=(0.0, 100.0))
    got = aggregate_tree(z, list(data["uCode"]))
    assert_cells_equal(got, expected("R1_minmax_amean_aggregated.csv").set_index("uCode"))


@pytest.mark.parametrize(
    "stage", ["Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]
)
def test_r2_example_stage_matches_coinr_in_every_cell(
    r2: dict[str, pd.DataFrame], stage: str
) -> None:
    want = expected(f"R2_example_{stage}.csv").set_index("uCode")
    assert len(r2[stage]) == len(want)
    assert_cells_equal(r2[stage], want)


def test_r2_treatment_log_matches_coinrs_details_table(r2: dict[str, pd.DataFrame]) -> None:
    """Skew and kurtosis before and after, and how many points were winsorised, per indicator."""
    log = winsorise_log(r2["Screened"].to_numpy())
    got = pd.DataFrame(
        {
            "check_SkewKurt0.Pass": log.pass0,
            "check_SkewKurt0.Skew": log.skew0,
            "check_SkewKurt0.Kurt": log.kurt0,
            "winsorise.nwin": log.winsorised,
            "check_SkewKurt1.Pass": np.where(np.isnan(log.skew1), np.nan, log.pass1),
            "check_SkewKurt1.Skew": log.skew1,
            "check_SkewKurt1.Kurt": log.kurt1,
        },
        index=IDS,
    )
    want = expected("R2_example_treat_details.csv").set_index("iCode").astype(float)
    assert_cells_equal(got, want)
    assert not log.logged.any()  # in this example winsorising always suffices


def test_r3_panel_with_global_normalisation_matches_coinr_for_every_year() -> None:
    panel = pd.read_csv(DATA / "ASEM_iData_p.csv")
    parts = []
    for year, rows in panel.groupby("Time", sort=True):
        x = rows[IDS].to_numpy(float)
        keep = screen(x)
        parts.append((year, rows["uCode"].to_numpy()[keep], winsorise(x[keep])))
    pooled = min_max(np.vstack([p[2] for p in parts]), direction=DIRECTION, range=(0.0, 100.0))
    tables, start = [], 0
    for year, units, _treated in parts:
        agg = aggregate_tree(pooled[start : start + len(units)], list(units))
        tables.append(agg.set_index(pd.MultiIndex.from_product([[year], units])))
        start += len(units)
    got = pd.concat(tables)
    want = expected("R3_purse_aggregated.csv").set_index(["Time", "uCode"])
    assert len(got) == len(want)
    assert_cells_equal(got, want)


# --- the same through the shipped YAML specs and the pipeline ----------------------------------

SPECS = ROOT / "indicators"


def run_spec(name: str, year: int | None = None) -> IndexResult:
    spec = load_spec(SPECS / name)
    table = load_data(spec.index.data, unit=spec.index.unit, year=year, time=spec.index.time)
    return compute(spec, table)


def pipeline_table(result: IndexResult) -> pd.DataFrame:
    """Normalised indicators, every group and the index score, indexed by unit."""
    out = result.stages["normalised"].copy()
    out.index = list(result.units)
    groups = result.group_scores.copy()
    groups.index = list(result.units)
    out = pd.concat([out, groups], axis=1)
    out["Index"] = result.score
    return out[np.asarray(result.included)]


def test_asem_raw_spec_reproduces_coinrs_r1_table_through_the_pipeline() -> None:
    got = pipeline_table(run_spec("asem-raw.yaml"))
    assert_cells_equal(got, expected("R1_minmax_amean_aggregated.csv").set_index("uCode"))


def test_asem_example_spec_reproduces_every_r2_stage_through_the_pipeline() -> None:
    result = run_spec("asem-example.yaml")
    keep = np.asarray(result.included)
    for stage, coinr in [
        ("denominated", "Denominated"),
        ("imputed", "Imputed"),
        ("screened", "Screened"),
        ("treated", "Treated"),
        ("normalised", "Normalised"),
    ]:
        frame = result.stages[stage].copy()
        frame.index = list(result.units)
        assert_cells_equal(frame[keep], expected(f"R2_example_{coinr}.csv").set_index("uCode"))
    assert_cells_equal(
        pipeline_table(result), expected("R2_example_Aggregated.csv").set_index("uCode")
    )


PANEL_YEARS = [2018, 2019, 2020, 2021, 2022]


@pytest.mark.parametrize("year", PANEL_YEARS)
def test_asem_panel_spec_reproduces_coinrs_r3_year_through_the_pipeline(year: int) -> None:
    """Each year screened and treated alone, min-max pooled over all years, then aggregated."""
    result = run_spec("asem-panel.yaml", year=year)
    want = expected("R3_purse_aggregated.csv")
    want = want[want["Time"] == year].drop(columns="Time").set_index("uCode")
    got = pipeline_table(result)
    assert sorted(got.index) == sorted(want.index)
    assert_cells_equal(got, want)


# --- the same through the command line: `cityindex score SPEC --stage NAME --format csv` -----


def cli_stage(
    capsys: pytest.CaptureFixture[str], spec: str, stage: str, *extra: str
) -> pd.DataFrame:
    """The CSV that `cityindex score SPEC --stage STAGE` prints, read back by pandas."""
    capsys.readouterr()
    code = run(["score", str(SPECS / spec), "--stage", stage, "--format", "csv", *extra])
    out = capsys.readouterr().out
    assert code == 0
    return pd.read_csv(io.StringIO(out), keep_default_na=False, na_values=[""])


@pytest.mark.parametrize(
    ("stage", "coinr"),
    [
        ("denominated", "Denominated"),
        ("imputed", "Imputed"),
        ("screened", "Screened"),
        ("treated", "Treated"),
        ("normalised", "Normalised"),
        ("aggregated", "Aggregated"),
    ],
)
def test_score_stage_prints_coinrs_r2_table_for_that_stage(
    capsys: pytest.CaptureFixture[str], stage: str, coinr: str
) -> None:
    """Same rows (screened-out units absent from `screened` on, as in COINr), every cell."""
    got = cli_stage(capsys, "asem-example.yaml", stage).set_index("uCode")
    got = got.rename(columns={"score": "Index"})
    want = expected(f"R2_example_{coinr}.csv").set_index("uCode")
    assert sorted(got.index) == sorted(want.index)
    assert_cells_equal(got, want)


def test_score_stage_treat_log_prints_coinrs_treatment_details(
    capsys: pytest.CaptureFixture[str],
) -> None:
    got = cli_stage(capsys, "asem-example.yaml", "treat_log").set_index("indicator")
    assert set(got["method"]) == {"winsorise"}
    columns = {
        "passed_before": "check_SkewKurt0.Pass",
        "skew_before": "check_SkewKurt0.Skew",
        "kurtosis_before": "check_SkewKurt0.Kurt",
        "winsorised": "winsorise.nwin",
        "passed_after_winsorising": "check_SkewKurt1.Pass",
        "skew_after_winsorising": "check_SkewKurt1.Skew",
        "kurtosis_after_winsorising": "check_SkewKurt1.Kurt",
    }
    got = got[list(columns)].rename(columns=columns).replace({"true": 1.0, "false": 0.0})
    want = expected("R2_example_treat_details.csv").set_index("iCode").astype(float)
    assert list(got.index) == list(want.index)
    assert_cells_equal(got.astype(float), want)


@pytest.mark.parametrize("year", [2018, 2022])
def test_score_year_on_the_panel_spec_prints_coinrs_r3_rows(
    capsys: pytest.CaptureFixture[str], year: int
) -> None:
    got = cli_stage(capsys, "asem-panel.yaml", "aggregated", "--year", str(year))
    got = got.set_index("uCode").rename(columns={"score": "Index"})
    want = expected("R3_purse_aggregated.csv")
    want = want[want["Time"] == year].drop(columns="Time").set_index("uCode")
    assert sorted(got.index) == sorted(want.index)
    assert_cells_equal(got, want)


def test_score_stage_json_equals_the_library_stage_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    assert run(["score", str(SPECS / "asem-example.yaml"), "--stage", "treated", "-f", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["stage"] == "treated"
    frame = stage_table(
        load_spec(SPECS / "asem-example.yaml"), run_spec("asem-example.yaml"), "treated"
    )
    want = [
        {"uCode": unit, **{k: None if np.isnan(v) else v for k, v in row.items()}}
        for unit, row in frame.iterrows()
    ]
    assert printed["results"] == want


def test_unknown_stage_exits_2_with_the_stage_names_and_a_suggestion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    assert run(["score", str(SPECS / "asem-raw.yaml"), "--stage", "normalized"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'normalised'" in err
    assert "treat_log" in err
