"""The shipped default index: reproduces the 2024 report's published scores from sourced data."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from cityindex import compute, load_data, load_spec
from cityindex.analysis.check import check
from cityindex.cli import run
from cityindex.load.provenance import sources_path
from cityindex.load.seeds import load_reference
from cityindex.load.shipped import default_spec

ROOT = Path(__file__).parents[1]
SEED = ROOT / "seeds" / "ai-city-competitiveness-2024.csv"


def test_default_index_reproduces_the_published_scores_to_four_decimals() -> None:
    spec = load_spec(default_spec())
    result = compute(spec, load_data(spec.index.data, unit=spec.index.unit))
    report = check(result, load_reference(SEED))
    assert report.reproduced
    assert report.max_abs_diff < 0.5e-4
    scores = {u: result.score_of(u) for u in ("Beijing", "Shenzhen", "Shanghai")}
    assert scores == {"Beijing": 1.0, "Shenzhen": 0.7449, "Shanghai": 0.6266}
    ranks = dict(zip(result.units, result.rank, strict=True))
    assert (ranks["Beijing"], ranks["Shenzhen"], ranks["Shanghai"]) == (1, 2, 3)
    assert len(result.units) >= 12
    assert not result.excluded()


def test_default_spec_says_its_weights_are_calibrated() -> None:
    spec = load_spec(default_spec())
    assert spec.calibration is not None
    assert spec.calibration["target"] == "../seeds/ai-city-competitiveness-2024.csv"
    assert "not the report's method" in spec.calibration["note"]


def test_check_command_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--against", str(SEED), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "Shenzhen,0.7449,0.7449" in out


def test_score_csv_piped_to_head_prints_header_and_beijing_and_nothing_on_stderr() -> None:
    proc = subprocess.run(
        f"{sys.executable} -m cityindex score --format csv | head -2",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 0
    assert proc.stderr == ""
    header, beijing = proc.stdout.splitlines()
    assert header == "rank,city,score,policy,infrastructure,enterprise,innovation,financing,tier"
    assert beijing.startswith("1,Beijing,1.0000,")
    assert beijing.endswith(",第一梯队")


def test_every_data_value_has_exactly_one_source_row_with_a_url_publisher_and_title() -> None:
    text = sources_path(ROOT / "data" / "cities-2024.csv").read_text(encoding="utf-8")
    sources = list(csv.DictReader(text.splitlines()))
    by_cell = {(r["unit"], r["column"]): r for r in sources}
    assert len(by_cell) == len(sources)
    lines = (ROOT / "data" / "cities-2024.csv").read_text(encoding="utf-8").splitlines()
    for row in csv.DictReader(lines):
        for column, value in row.items():
            if column in ("city", "city_zh") or value == "":
                continue
            source = by_cell[(row["city"], column)]
            assert source["value"] == value
            assert source["url"].startswith("http")
            assert source["publisher"]
            assert source["title"]
            assert source["mirror"] in ("true", "false")


def test_default_index_scores_all_30_cities_on_every_dimension() -> None:
    """Every city is scored (none excluded); eleven indicators, at least 2 per dimension;
    every dimension weighs at least 0.10, as the calibration's recorded band says."""
    spec = load_spec(default_spec())
    result = compute(spec, load_data(spec.index.data, unit=spec.index.unit))
    assert len(result.units) == 30
    assert not result.excluded()
    assert len(spec.indicators()) == 11
    total = sum(g.weight for g in spec.groups)
    for group in spec.groups:
        assert len(group.indicators) >= 2
        assert group.weight / total >= 0.1 - 1e-6  # weights written to 6 decimals
    assert spec.calibration is not None
    assert spec.calibration["dimension_band"] == [0.1, 0.35]


def test_every_group_and_indicator_of_the_default_index_has_a_chinese_title() -> None:
    spec = load_spec(default_spec())
    nodes = [*spec.groups, *spec.indicators()]
    assert nodes
    for node in nodes:
        assert node.title
        assert any("\u4e00" <= ch <= "\u9fff" for ch in node.title), node.id


def test_the_readme_shows_the_default_ranking_exactly_as_score_prints_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["score", "--format", "markdown"]) == 0  # the quick start's: all 30 cities
    table = capsys.readouterr().out.strip()
    assert table.count("\n") == 31  # header, rule, 30 cities
    assert table in (ROOT / "README.md").read_text(encoding="utf-8")
