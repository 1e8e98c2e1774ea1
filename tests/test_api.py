"""The library API a pandas user meets: `cityindex.score` and the command-named functions."""

from __future__ import annotations

import doctest
import warnings
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cityindex
from cityindex import DataError, Index, SpecError, Table, UsageError
from cityindex.analysis.explain import explain as explain_rows
from cityindex.load.shipped import shipped_root
from tests.conftest import HAND_DATA, HAND_SPEC

ROOT = shipped_root()
SHIPPED = ROOT / "indicators" / "ai-city-2024.yaml"
SEEDS = ROOT / "seeds" / "ai-city-competitiveness-2024.csv"


@pytest.mark.parametrize(
    "module",
    [
        "cityindex.api.scoring",
        "cityindex.api.index",
        "cityindex.api",
        "cityindex.load.frames",
        "cityindex.analysis.explain",
    ],
)
def test_the_api_modules_doctests_pass(module: str) -> None:
    """The docstring examples are run, so they cannot drift from the code."""
    import importlib

    with pd.option_context("display.width", 100, "display.max_columns", 20):
        outcome = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert outcome.attempted > 0
    assert outcome.failed == 0


def test_score_of_the_shipped_spec_is_indexed_by_city_with_integer_ranks() -> None:
    frame = cityindex.score(SHIPPED)
    result = cityindex.compute(
        cityindex.load_spec(SHIPPED),
        cityindex.load_data(ROOT / "data" / "cities-2024.csv", unit="city"),
    )
    assert frame.index.name == "city"
    assert str(frame["rank"].dtype) == "Int64"
    groups = list(result.group_scores.columns)
    assert list(frame.columns) == ["rank", "score", *groups, "tier", "coverage"]  # shipped tiers
    assert frame.index[:3].tolist() == ["Beijing", "Shenzhen", "Shanghai"]
    assert frame.loc["Shenzhen", "score"] == result.score_of("Shenzhen")
    assert frame["rank"].tolist() == sorted(int(r) for r in result.rank)
    assert frame.attrs["manifest"]["index"] == "ai-city-2024"


def test_score_adds_a_tier_column_when_the_spec_defines_tiers(hand: Path) -> None:
    tiers = "{labels: [first, second], thresholds: [0.45]}"
    frame = cityindex.score(hand, set=[f"index.scale.tiers={tiers}"])
    assert frame["tier"].to_dict() == {"D": "first", "A": "first", "B": "second", "C": "second"}


def test_a_unit_excluded_by_the_missing_data_rule_has_a_missing_rank_last(hand: Path) -> None:
    frame = cityindex.score(hand, set=["methods.missing.min_coverage=0.9"], data=None)
    assert frame["rank"].isna().sum() == 0  # the hand data has no gaps
    data = pd.read_csv(StringIO(HAND_DATA))
    data.loc[data["unit"] == "A", ["x1", "x2"]] = np.nan
    frame = cityindex.score(hand, data, set=["methods.missing.min_coverage=0.9"])
    assert frame.index[-1] == "A"
    assert frame["rank"].isna().tolist() == [False, False, False, True]


def test_a_dataframe_in_memory_scores_exactly_as_its_csv_file(hand: Path) -> None:
    from_file = cityindex.score(hand)
    frame = pd.read_csv(StringIO(HAND_DATA))
    from_frame = cityindex.score(hand, frame)
    pd.testing.assert_frame_equal(from_file, from_frame, check_like=False)
    indexed = cityindex.score(hand, Table.from_frame(frame.set_index("unit")))
    assert indexed["score"].to_dict() == from_file["score"].to_dict()


def test_table_from_frame_reports_a_bad_cell_by_row_unit_and_column() -> None:
    frame = pd.DataFrame({"city": ["A", "B"], "x": ["1", "n/a"]})
    table = Table.from_frame(frame, unit="city")
    with pytest.raises(DataError) as caught:
        table.numeric(["x"])
    found = caught.value.issues[0]
    assert found.location is not None
    assert (found.location.file, found.location.line) == ("<DataFrame>", 3)
    assert "(B)" in found.message
    assert "'x'" in found.message


def test_index_from_dict_locates_a_bad_weight_in_the_written_out_spec() -> None:
    spec = {
        "index": {"id": "t", "title": "T", "unit": "u"},
        "groups": {"g": {"weight": "heavy", "indicators": {"x": {"direction": "up"}}}},
    }
    with pytest.raises(SpecError) as caught:
        Index.from_dict(spec)
    codes = {i.code: i for i in caught.value.issues}
    assert set(codes) == {"spec.weight.not-a-number", "spec.direction.invalid"}
    weight = codes["spec.weight.not-a-number"]
    assert weight.key_path == "groups.g.weight"
    assert weight.location is not None
    assert weight.location.file == "<dict>"
    assert "heavy" in (weight.source_line or "")


def test_index_from_yaml_and_from_dict_of_the_same_spec_score_alike(hand: Path) -> None:
    import yaml

    plain = yaml.safe_load(HAND_SPEC)
    by_dict = Index.from_dict(plain, base_dir=hand.parent)
    by_yaml = Index.from_yaml(hand)
    a = cityindex.score(by_dict)
    b = cityindex.score(by_yaml)
    assert (
        a["score"].to_dict()
        == b["score"].to_dict()
        == {
            "D": 1.0,
            "A": 0.5,
            "B": 0.4375,
            "C": 0.25,
        }
    )


def test_explain_takes_the_result_first_and_its_contributions_sum_to_the_score(
    hand: Path,
) -> None:
    result = Index.from_yaml(hand).compute()
    frame = cityindex.explain(result, "B")
    indicators = frame[frame["kind"] == "indicator"]
    assert indicators["contribution"].sum() == pytest.approx(0.4375, abs=1e-12)
    assert frame.loc["hand", ["level", "depth"]].tolist() == [3, 0]
    assert frame.loc["x1", ["level", "depth"]].tolist() == [1, 2]
    assert frame.attrs["rank"] == 3
    spec = cityindex.load_spec(hand)
    with pytest.warns(DeprecationWarning, match="explain\\(result, unit\\)"):
        old = cityindex.explain(spec, result, "B")
    pd.testing.assert_frame_equal(old, frame)
    assert [r["id"] for r in explain_rows(spec, result, "B").rows] == frame.index.tolist()


def test_obstacles_are_labelled_by_unit_and_indicator_and_sum_to_100(hand: Path) -> None:
    frame = cityindex.obstacles(hand)
    assert frame.index.tolist() == ["D", "A", "B", "C"]
    assert frame.columns.tolist() == ["x1", "x2", "x3"]
    assert frame.loc["A"].sum() == pytest.approx(100.0)
    # D is best on x1, x2 (tied lowest) and x3: it has no obstacle at all
    assert frame.loc["D"].tolist() == [0.0, 0.0, 0.0]
    # A: z = (0, 1, 0.5) with effective weights (3/8, 3/8, 1/4) → 3/8 : 1/8 of 1/2
    assert frame.loc["A", "x1"] == pytest.approx(100 * 0.375 / 0.5)


def test_coupling_of_two_groups_gives_c_t_d_and_band_per_unit(hand: Path) -> None:
    frame = cityindex.coupling(hand, ["g1", "g2"], language="en")
    b = frame.loc["B"]
    u1, u2 = 0.5, 0.25
    c = 2 * np.sqrt(u1 * u2) / (u1 + u2)
    assert b["coupling"] == pytest.approx(c)
    assert b["development"] == pytest.approx((u1 + u2) / 2)
    assert b["coordination"] == pytest.approx(np.sqrt(c * (u1 + u2) / 2))
    assert frame.loc["D", "band"] == "high-quality coordination"
    with pytest.raises(UsageError) as caught:
        cityindex.coupling(hand, ["g1", "g2x"])
    assert caught.value.issues[0].hint == "did you mean 'g2'?"


def test_uncertainty_is_a_frame_per_unit_and_the_same_seed_gives_the_same_frame(
    hand: Path,
) -> None:
    plan = {"weight_noise": [{"level": 2, "fraction": 0.5}], "leave_one_out": True}
    first = cityindex.uncertainty(hand, plan, runs=300, seed=7)
    again = cityindex.uncertainty(hand, plan, runs=300, seed=7)
    pd.testing.assert_frame_equal(first, again)
    assert first.index.tolist() == ["D", "A", "B", "C"]
    assert str(first["rank"].dtype) == "Int64"
    assert first.loc["D", "rank_p05"] == 1.0
    assert ((first["p_top_k"] >= 0) & (first["p_top_k"] <= 1)).all()
    assert first.attrs["inputs"] == ["leave_one_out", "weight_noise:level 2"]


def test_sensitivity_is_indexed_by_input(hand: Path) -> None:
    plan = {"weight_noise": [{"level": 2, "fraction": 0.5}], "leave_one_out": True}
    frame = cityindex.sensitivity(hand, plan, runs=32, seed=1, bootstrap=20)
    assert frame.index.tolist() == ["leave_one_out", "weight_noise:level 2"]
    assert frame.attrs["runs"] == 32 * (2 + 2)
    per_unit = cityindex.sensitivity(hand, plan, runs=32, seed=1, bootstrap=20, per_unit=True)
    assert per_unit.index.names == ["unit", "input"]
    assert len(per_unit) == 4 * 2


def test_check_reproduces_the_published_2024_scores() -> None:
    frame = cityindex.check(cityindex.Index.from_yaml(SHIPPED).compute(), SEEDS)
    assert frame.index.tolist() == ["Beijing", "Shenzhen", "Shanghai"]
    assert frame["reproduced"].all()
    assert frame.attrs["max_abs_diff"] < 1e-6
    assert str(frame["computed_rank"].dtype) == "Int64"
    published = pd.DataFrame({"unit": ["Beijing", "Shenzhen"], "score": [1.0, 0.8]})
    failed = cityindex.check(SHIPPED, published)
    assert failed["reproduced"].tolist() == [True, False]
    assert failed.attrs["reproduced"] is False


def test_calibrate_returns_the_weights_and_overrides_that_reproduce_the_target(
    hand: Path, tmp_path: Path
) -> None:
    target = tmp_path / "target.csv"
    target.write_text("unit,score,rank,source\nD,1.0000,1,x\nA,0.6000,2,x\n", encoding="utf-8")
    frame = cityindex.calibrate(hand, target, dimension_band=None, max_indicator_share=None)
    assert frame.attrs["success"] is True
    assert "groups.g1.weight" in frame.index
    rescored = cityindex.score(hand, set=frame.attrs["set"])
    assert rescored.loc["A", "score"] == pytest.approx(0.6, abs=5e-5)


def test_compare_two_results_side_by_side(hand: Path) -> None:
    frame = cityindex.compare(hand, Index.from_yaml(hand, set=["groups.g2.weight=3"]))
    assert frame.index.name == "unit"
    assert str(frame["rank_change"].dtype) == "Int64"
    assert frame.attrs["common"] == 4
    assert frame.loc["B", "rank_a"] == 3


def test_the_library_prints_nothing(hand: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = Index.from_yaml(hand).compute()
        cityindex.score(hand)
        cityindex.explain(result, "A")
        cityindex.obstacles(result)
    assert capsys.readouterr() == ("", "")


def test_every_public_name_is_exported() -> None:
    for name in ("score", "explain", "obstacles", "coupling", "uncertainty", "sensitivity"):
        assert name in cityindex.__all__
        assert callable(getattr(cityindex, name))
    for name in ("calibrate", "check", "compare", "Index", "Table", "compute", "load_data"):
        assert name in cityindex.__all__


def test_the_spec_na_values_are_missing_in_the_library_as_on_the_command_line(hand: Path) -> None:
    """`index.na_values` (the CLI reads 暂无 as missing) holds for a file and a DataFrame too:
    the scores equal those of the same data with the cell left empty."""
    text = hand.read_text(encoding="utf-8")
    hand.write_text(text.replace("  unit: unit\n", "  unit: unit\n  na_values: [暂无]\n"))
    marked = HAND_DATA.replace("A,10,5,4", "A,10,暂无,4")
    (hand.parent / "data.csv").write_text(marked, encoding="utf-8")
    from_file = cityindex.score(hand)
    frame = pd.read_csv(StringIO(marked), dtype=str)
    blank = pd.read_csv(StringIO(HAND_DATA.replace("A,10,5,4", "A,10,,4")))
    expected = cityindex.score(hand, blank)
    pd.testing.assert_frame_equal(from_file, expected)
    pd.testing.assert_frame_equal(cityindex.score(hand, frame), expected)
