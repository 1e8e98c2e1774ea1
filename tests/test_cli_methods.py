"""Method swaps on the command line, checked against an independent recomputation.

`cityindex score indicators/asem-raw.yaml --set methods.… --format csv` on COINr's ASEM data
(raw, 51 units, 49 indicators, 8 pillars, 2 sub-indices) must give what the formula gives.
The expected numbers are computed here from `ASEM_iData.csv` and `ASEM_iMeta.csv` with plain
pandas/scipy — the formulas as COINr's documentation states them (normalise: n_zscore,
n_rank, n_borda, n_prank, n_dist2max, n_minmax; aggregate: a_amean, a_gmean, a_hmean; a
missing value is dropped and the remaining weights re-scaled) — never with cityindex's kernels.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

from cityindex.cli import run

ROOT = Path(__file__).resolve().parent.parent
RAW_SPEC = str(ROOT / "indicators" / "asem-raw.yaml")
META = pd.read_csv(ROOT / "data" / "asem" / "ASEM_iMeta.csv")
DATA = pd.read_csv(ROOT / "data" / "asem" / "ASEM_iData.csv").set_index("uCode")
INDICATORS = META[META["Type"] == "Indicator"]
IDS = list(INDICATORS["iCode"])
ORIENTED = DATA[IDS] * INDICATORS.set_index("iCode")["Direction"]

Normalise = Callable[[pd.Series], pd.Series]
Aggregate = Callable[[pd.DataFrame, np.ndarray], pd.Series]


def min_max(low: float, high: float) -> Normalise:
    return lambda x: low + (x - x.min()) / (x.max() - x.min()) * (high - low)


def ranks(x: pd.Series) -> pd.Series:
    """R's rank(ties = "min"), NA kept."""
    out = pd.Series(np.nan, index=x.index)
    present = x.notna()
    out[present] = rankdata(x[present], method="min")
    return out


NORMALISE: dict[str, Normalise] = {
    "z_score_10_2": lambda x: 10 + 2 * (x - x.mean()) / x.std(ddof=1),
    "rank": ranks,
    "borda": lambda x: ranks(x) - 1,
    "percentile_rank": lambda x: (ranks(x) - 1) / (x.notna().sum() - 1),
    "distance_to_max": lambda x: 1 - (x.max() - x) / (x.max() - x.min()),
    "min_max_1_100": min_max(1, 100),
}


def amean(x: pd.DataFrame, w: np.ndarray) -> pd.Series:
    wt = x.notna() * w
    return (x.fillna(0) * wt).sum(axis=1) / wt.sum(axis=1)


def gmean(x: pd.DataFrame, w: np.ndarray) -> pd.Series:
    wt = x.notna() * w
    return np.exp((np.log(x).fillna(0) * wt).sum(axis=1) / wt.sum(axis=1))


def hmean(x: pd.DataFrame, w: np.ndarray) -> pd.Series:
    wt = x.notna() * w
    return wt.sum(axis=1) / (wt / x).fillna(0).sum(axis=1)


def expected_table(normalise: Normalise, aggregate: Aggregate) -> pd.DataFrame:
    """Every group at every level and the index, bottom-up by iMeta's Level and Parent."""
    out = ORIENTED.apply(normalise)
    for level in (2, 3, 4):
        for group in META.loc[META["Level"] == level, "iCode"]:
            kids = META[(META["Parent"] == group) & (META["Level"] == level - 1)]
            out[group] = aggregate(out[list(kids["iCode"])], kids["Weight"].to_numpy(float))
    return out.rename(columns={"Index": "score"})


def score_csv(capsys: pytest.CaptureFixture[str], *sets: str) -> pd.DataFrame:
    capsys.readouterr()
    args = ["score", RAW_SPEC, "--format", "csv"]
    for item in sets:
        args += ["--set", item]
    code = run(args)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return pd.read_csv(io.StringIO(captured.out)).set_index("uCode")


def assert_matches(got: pd.DataFrame, want: pd.DataFrame) -> None:
    groups = [c for c in got.columns if c not in ("rank", "coverage")]
    assert len(groups) == 1 + 10  # score, 2 sub-indices, 8 pillars
    g = got[groups].to_numpy(float)
    w = want.loc[got.index, groups].to_numpy(float)
    np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    ("sets", "normalise"),
    [
        (
            [
                "methods.normalise.method=z_score",
                "methods.normalise.mean=10",
                "methods.normalise.sd=2",
            ],
            "z_score_10_2",
        ),
        (["methods.normalise={method: rank}"], "rank"),
        (["methods.normalise={method: borda}"], "borda"),
        (["methods.normalise={method: percentile_rank}"], "percentile_rank"),
        (["methods.normalise={method: distance_to_max}"], "distance_to_max"),
        (["methods.normalise.range=[1, 100]"], "min_max_1_100"),
    ],
)
def test_normalisation_swapped_with_set_gives_the_formulas_scores(
    capsys: pytest.CaptureFixture[str], sets: list[str], normalise: str
) -> None:
    got = score_csv(capsys, *sets)
    assert_matches(got, expected_table(NORMALISE[normalise], amean))


@pytest.mark.parametrize(
    ("method", "aggregate"), [("geometric_mean", gmean), ("harmonic_mean", hmean)]
)
def test_geometric_and_harmonic_means_on_range_1_to_100_give_the_formulas_scores(
    capsys: pytest.CaptureFixture[str], method: str, aggregate: Aggregate
) -> None:
    got = score_csv(
        capsys, "methods.normalise.range=[1, 100]", f"methods.aggregate.method={method}"
    )
    assert_matches(got, expected_table(NORMALISE["min_max_1_100"], aggregate))


def test_a_different_mean_per_group_applies_only_below_that_group(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Sust's pillars use the geometric mean of their indicators; everything else the
    arithmetic mean (bluefoxr/COINr#35 asks for this)."""
    got = score_csv(
        capsys,
        "methods.normalise.range=[1, 100]",
        "groups.Sust.methods.aggregate.method=geometric_mean",
    )
    want = expected_table(NORMALISE["min_max_1_100"], amean)
    geo = expected_table(NORMALISE["min_max_1_100"], gmean)
    assert not np.allclose(want["Environ"], geo["Environ"])
    for pillar in ("Environ", "Social", "SusEcFin"):
        want[pillar] = geo[pillar]
    kids = META[META["Parent"] == "Sust"]
    want["Sust"] = gmean(want[list(kids["iCode"])], kids["Weight"].to_numpy(float))
    top = META[META["Parent"] == "Index"]
    want["score"] = amean(want[list(top["iCode"])], top["Weight"].to_numpy(float))
    assert_matches(got, want)


@pytest.mark.parametrize("method", ["geometric_mean", "harmonic_mean"])
def test_geometric_or_harmonic_mean_after_min_max_to_0_100_exits_1_naming_the_indicator(
    capsys: pytest.CaptureFixture[str], method: str
) -> None:
    """Min-max onto [0, 100] gives the worst unit a 0, which has no log or reciprocal."""
    capsys.readouterr()
    code = run(
        ["score", RAW_SPEC, "--format", "csv", "--set", f"methods.aggregate.method={method}"]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert "LPI" in captured.err  # the first indicator of the first group aggregated
    assert "[1, 100]" in captured.err
    assert "Traceback" not in captured.err
