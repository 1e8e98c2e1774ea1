"""`audit`: indicator statistics, correlation flags, Cronbach's alpha and PCA, as COINr defines
them (get_stats, get_corr_flags, get_cronbach: bluefoxr/COINr R/stats.R, R/correlations.R)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cityindex import compute, load_data, load_spec
from cityindex.analysis.audit import audit, cronbach_alpha, pc1_share
from cityindex.cli import run

ROOT = Path(__file__).resolve().parents[1]
ASEM = ROOT / "indicators" / "asem-raw.yaml"
DEFAULT = ROOT / "indicators" / "ai-city-2024.yaml"


def _audit(spec_path: Path):  # type: ignore[no-untyped-def]
    spec = load_spec(spec_path)
    result = compute(spec, load_data(spec.index.data, unit=spec.index.unit))
    return spec, result, audit(spec, result)


def test_cronbach_alpha_of_the_hand_example_is_negative_four_ninths(hand: Path) -> None:
    """g1's normalised indicators (conftest): x1 = 0, 1/3, 2/3, 1 and x2 = 1, 2/3, 0, 1.

    Sample variances 5/27 and 6/27, covariance −1/27, so ΣC = 9/27 and
    α = 2/(2−1) · (1 − 11/27 ÷ 9/27) = −4/9; r = −1/27 ÷ √(30/729) = −1/√30 → flagged negative.
    """
    _, _, report = _audit(hand)
    g1 = next(g for g in report.groups if g["group"] == "g1")
    assert g1["alpha"] == pytest.approx(-4 / 9)
    assert report.pairs == [
        {
            "group": "g1",
            "indicator_1": "x1",
            "indicator_2": "x2",
            "corr": pytest.approx(-1 / np.sqrt(30)),
            "flag": "negative",
        }
    ]
    g2 = next(g for g in report.groups if g["group"] == "g2")
    assert np.isnan(g2["alpha"])  # one child: alpha is undefined


def test_two_perfectly_correlated_columns_have_alpha_one_and_one_component() -> None:
    """Identical columns: α = 1 and the first component carries all the variance."""
    x = np.array([[1.0, 1.0], [2, 2], [4, 4], [7, 7]])
    assert cronbach_alpha(x) == pytest.approx(1.0)
    assert pc1_share(x) == pytest.approx(1.0)


def test_asem_alpha_matches_cronbachs_formula_on_complete_cases() -> None:
    """k/(k−1)·(1 − tr C / ΣC), C over the units with every child (COINr's get_cronbach takes
    pairwise-complete covariances: see cronbach_alpha), computed here independently with pandas
    for every ASEM group, with the number of complete units beside it."""
    spec, result, report = _audit(ASEM)
    z = result.stages["normalised"]
    for group in spec.all_groups():
        ids = [c.id for c in group.children]
        frame = z[ids] if ids[0] in z.columns else result.group_scores[ids]
        complete = frame.dropna()
        cov = complete.cov().to_numpy()
        k = len(ids)
        expected = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
        row = next(g for g in report.groups if g["group"] == group.id)
        assert row["alpha"] == pytest.approx(expected, rel=1e-12), group.id
        assert row["alpha_n"] == len(complete)


def test_alpha_on_the_default_index_is_never_above_one() -> None:
    """Issue 23: pairwise covariances gave 1.114 on the default index (14/30 vs 30/30 values)."""
    _spec, _result, report = _audit(DEFAULT)
    alphas = [g["alpha"] for g in report.groups if not np.isnan(g["alpha"])]
    assert alphas
    assert max(alphas) <= 1.0


def test_asem_correlation_flags_are_coinrs_within_group_pairs() -> None:
    """Flags = get_corr_flags on the normalised data: Pearson, pairwise-complete, same parent
    group, r > 0.9 (collinear) or r < 0 (negative); each pair once."""
    spec, result, report = _audit(ASEM)
    z = result.stages["normalised"]
    expected = set()
    for group in spec.all_groups():
        ids = [c.id for c in group.indicators]
        corr = z[ids].corr()
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                r = corr.iloc[a, b]
                if r > 0.9 or r < 0:
                    expected.add((group.id, ids[a], ids[b], "collinear" if r > 0.9 else "negative"))
    got = {(p["group"], p["indicator_1"], p["indicator_2"], p["flag"]) for p in report.pairs}
    assert got == expected
    assert ("P2P", "Research", "CultGood", "collinear") in got
    assert ("Instit", "TBTs", "RTAs", "negative") in got


def test_asem_skewness_and_kurtosis_are_the_bias_corrected_sample_moments() -> None:
    """e1071 type 2 (COINr's skew/kurt) = scipy's skew/kurtosis with bias=False."""
    _, result, report = _audit(ASEM)
    raw = result.stages["raw"]
    for row in report.indicators:
        col = raw[row["indicator"]].dropna().to_numpy()
        assert row["skewness"] == pytest.approx(stats.skew(col, bias=False), rel=1e-9)
        assert row["kurtosis"] == pytest.approx(stats.kurtosis(col, bias=False), rel=1e-9)
        assert row["outlier"] == (abs(row["skewness"]) > 2 and row["kurtosis"] > 3.5)
    assert sum(r["importance"] for r in report.indicators) == pytest.approx(1.0)


def test_audit_csv_prints_the_chosen_table_and_json_all_three(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """CSV --part groups: one row per group; JSON holds indicators, groups and pairs."""
    assert run(["audit", str(ASEM), "--format", "csv", "--part", "groups"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["group"] for r in rows][:2] == ["Conn", "Physical"]
    assert run(["audit", str(ASEM), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert len(payload["indicators"]) == 49
    assert {"indicators", "groups", "pairs"} <= set(payload)
    frame = pd.DataFrame(payload["indicators"])
    assert frame["availability"].between(0, 1).all()


def test_unknown_part_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """--part must name one of the three tables."""
    assert run(["audit", str(ASEM), "--part", "everything"]) == 2
    assert "indicators, groups, pairs" in capsys.readouterr().err


def test_audit_xlsx_has_the_three_tables_and_the_method(tmp_path: Path) -> None:
    """An .xlsx output: indicators, groups, pairs, method and sources sheets."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "audit.xlsx"
    assert run(["audit", str(ASEM), "--output", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["indicators", "groups", "pairs", "method", "sources"]
    assert book["indicators"].max_row == 1 + 49
