"""The 熵权TOPSIS analyst: their own data and spec (entropy weights, TOPSIS closeness, an AHP
group, tiers); scores it, tests its robustness, finds each city's obstacles and the coupling
coordination of its groups, and writes the report."""

from __future__ import annotations

import math
import re
import textwrap

import pytest

from .shell import Shell, installed_cityindex, rows

# A test fixture: invented figures for ten Yangtze River Delta cities, shaped like a
# yearbook extract. Hangzhou is better than Changzhou on every indicator.
DATA = """\
city,rd_intensity,patents_per_10k,high_tech_firms,digital_economy_share,ai_firms,pm25,green_coverage
上海,4.4,50.2,24000,55.1,1150,28,40.2
南京,3.6,94.6,8800,50.3,420,29,45.1
杭州,3.9,71.3,12900,53.2,690,30,43.0
合肥,3.9,40.1,6500,45.0,380,33,46.0
苏州,4.0,68.2,15500,52.0,510,31,43.1
宁波,3.0,38.5,5200,40.1,150,25,40.1
无锡,3.3,51.1,6100,48.5,200,30,44.0
常州,3.5,46.0,3800,43.9,120,32,42.5
温州,2.7,22.4,3100,36.0,60,24,42.0
芜湖,2.9,30.3,1600,32.0,70,35,44.9
"""

TIERS = ["第一梯队", "第二梯队", "第三梯队"]

SPEC = f"""\
# 长三角城市创新发展指数 — a test fixture (invented data), built the usual way:
# 熵权法 within groups, AHP for the innovation group's indicators, TOPSIS at every level.
index:
  id: yrd-innovation
  title: 长三角城市创新发展指数（测试）
  data: yrd-2023.csv
  unit: city
  scale:
    method: relative_to_max
    digits: 4
    tiers: {{labels: [{", ".join(TIERS)}], breaks: jenks}}
methods:
  normalise: {{method: min_max, range: [0, 1]}}
  weights: {{method: entropy, shift: 0.01}}
  aggregate: {{method: topsis}}
  missing: {{method: reweight, min_coverage: 0.5}}
groups:
  innovation:
    title: 科技创新
    methods:
      weights:
        method: ahp
        pairs:
          - [rd_intensity, patents_per_10k, 2]
          - [rd_intensity, high_tech_firms, 3]
          - [patents_per_10k, high_tech_firms, 2]
    indicators:
      rd_intensity: {{column: rd_intensity, direction: higher_is_better, unit: "%"}}
      patents_per_10k: {{column: patents_per_10k, direction: higher_is_better}}
      high_tech_firms: {{column: high_tech_firms, direction: higher_is_better}}
  industry:
    title: 产业发展
    indicators:
      digital_economy_share: {{column: digital_economy_share, direction: higher_is_better}}
      ai_firms: {{column: ai_firms, direction: higher_is_better}}
  environment:
    title: 生态环境
    indicators:
      pm25: {{column: pm25, direction: lower_is_better, unit: "μg/m³"}}
      green_coverage: {{column: green_coverage, direction: higher_is_better, unit: "%"}}
"""

PLAN = """\
runs: 200
seed: 7
top_k: 3
weight_noise:
  - {level: 1, fraction: 0.25}
"""

GROUPS = ["innovation", "industry", "environment"]
# 耦合协调度 bands, [0, 0.1) to [0.9, 1], as the coupling command documents.
BANDS = ["极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调"]
BANDS += ["勉强协调", "初级协调", "中级协调", "良好协调", "优质协调"]


@pytest.fixture(scope="module")
def analyst(tmp_path_factory: pytest.TempPathFactory) -> Shell:
    """The analyst's own project folder: data, spec and a weight-noise plan."""
    folder = tmp_path_factory.mktemp("yrd")
    (folder / "yrd-2023.csv").write_text(DATA, encoding="utf-8")
    (folder / "yrd.yaml").write_text(SPEC, encoding="utf-8")
    (folder / "plan.yaml").write_text(PLAN, encoding="utf-8")
    return Shell(folder, installed_cityindex())


@pytest.fixture(scope="module")
def scores(analyst: Shell) -> list[dict[str, str]]:
    return rows(analyst.ok("score", "yrd.yaml", "--format", "csv").out)


def test_score_ranks_every_city_once_best_first_in_contiguous_tiers(
    scores: list[dict[str, str]],
) -> None:
    assert list(scores[0]) == ["rank", "city", "score", *GROUPS, "tier"]
    assert sorted(row["city"] for row in scores) == sorted(
        line.split(",")[0] for line in DATA.splitlines()[1:]
    )
    assert [int(row["rank"]) for row in scores] == list(range(1, len(scores) + 1))
    values = [float(row["score"]) for row in scores]
    assert values[0] == 1.0
    assert values == sorted(values, reverse=True)
    tiers = [TIERS.index(row["tier"]) for row in scores]
    assert tiers == sorted(tiers)
    assert set(tiers) == {0, 1, 2}


def test_a_city_better_on_every_indicator_ranks_higher(scores: list[dict[str, str]]) -> None:
    rank = {row["city"]: int(row["rank"]) for row in scores}
    assert rank["杭州"] < rank["常州"]


def test_weights_come_from_ahp_in_one_group_and_entropy_elsewhere(analyst: Shell) -> None:
    weights = rows(analyst.ok("weights", "yrd.yaml", "--format", "csv").out)
    methods = {row["group"]: row["method"] for row in weights}
    assert methods == {"innovation": "ahp", "industry": "entropy", "environment": "entropy"}
    for group in GROUPS:
        within = [float(row["weight"]) for row in weights if row["group"] == group]
        assert math.isclose(math.fsum(within), 1.0)
    ahp = {
        row["indicator"]: float(row["weight"]) for row in weights if row["group"] == "innovation"
    }
    assert ahp["rd_intensity"] > ahp["patents_per_10k"] > ahp["high_tech_firms"]
    assert math.isclose(math.fsum(float(row["effective_weight"]) for row in weights), 1.0)


def test_obstacles_of_one_city_add_up_to_one_hundred_percent(analyst: Shell) -> None:
    found = rows(analyst.ok("obstacles", "yrd.yaml", "--unit", "芜湖", "--format", "csv").out)
    assert {row["city"] for row in found} == {"芜湖"}
    assert len(found) == len(DATA.splitlines()[0].split(",")) - 1
    degrees = [float(row["obstacle_degree"]) for row in found]
    assert math.isclose(math.fsum(degrees), 100.0)
    assert degrees == sorted(degrees, reverse=True)


def test_coupling_coordination_follows_its_formula_and_bands(
    analyst: Shell, scores: list[dict[str, str]]
) -> None:
    found = rows(
        analyst.ok(
            "coupling", "yrd.yaml", "--groups", ",".join(GROUPS), "--lang", "zh", "--format", "csv"
        ).out  # the bands in Chinese: --lang names them, as it does every heading
    )
    group_scores = {row["city"]: [float(row[g]) for g in GROUPS] for row in scores}
    assert {row["city"] for row in found} == set(group_scores)
    for row in found:
        u = group_scores[row["city"]]
        assert [float(row[g]) for g in GROUPS] == u
        development = math.fsum(u) / len(u)
        coupling = math.prod(u) ** (1 / len(u)) / development
        degree = math.sqrt(coupling * development)
        assert math.isclose(float(row["development"]), development)
        assert math.isclose(float(row["coupling"]), coupling)
        assert math.isclose(float(row["coordination"]), degree)
        assert row["band"] == BANDS[min(int(degree * 10), 9)]


def test_the_report_ranks_the_cities_as_score_does(
    analyst: Shell, scores: list[dict[str, str]]
) -> None:
    shown = analyst.ok("report", "yrd.yaml", "--output", "yrd.html")
    assert shown.out == ""
    text = (analyst.cwd / "yrd.html").read_text(encoding="utf-8")
    assert "长三角城市创新发展指数（测试）" in text
    ranking = text[text.index('id="ranking"') : text.index('id="charts"')]
    shown_rows = re.findall(
        r'<tr[^>]*data-unit="([^"]+)"[^>]*><td class="rank"[^>]*>(\d+)</td>'
        r'<td class="t unit">[^<]*</td><td class="score"[^>]*>([\d.]+)</td>',
        ranking,
    )
    expected = [(row["rank"], row["city"], float(row["score"])) for row in scores]
    assert [(rank, city, float(score)) for city, rank, score in shown_rows] == expected


def test_rank_intervals_and_sobol_indices_under_weight_noise(
    analyst: Shell, scores: list[dict[str, str]]
) -> None:
    found = rows(
        analyst.ok("uncertainty", "yrd.yaml", "--plan", "plan.yaml", "--format", "csv").out
    )
    nominal = {row["city"]: row["rank"] for row in scores}
    assert {row["city"]: row["rank"] for row in found} == nominal
    for row in found:
        assert float(row["rank_p05"]) <= float(row["median_rank"]) <= float(row["rank_p95"])
        assert 0 <= float(row["p_top_k"]) <= 1
    sobol = analyst.ok(
        "sensitivity",
        "yrd.yaml",
        "--plan",
        "plan.yaml",
        "--runs",
        "64",
        "--bootstrap",
        "100",
        "--format",
        "csv",
    )
    (noise,) = rows(sobol.out)
    assert noise["input"] == "weight_noise:level 1"
    assert 0 <= float(noise["total"]) <= 1.5


def test_the_report_of_a_spec_with_a_plan_holds_rank_intervals(analyst: Shell) -> None:
    robust = analyst.cwd / "yrd-robust.yaml"
    robust.write_text(SPEC + "uncertainty:\n" + textwrap.indent(PLAN, "  "), encoding="utf-8")
    analyst.ok("report", robust.name, "--output", "yrd-robust.html", "--runs", "100")
    text = (analyst.cwd / "yrd-robust.html").read_text(encoding="utf-8")
    assert '<figure id="chart-uncertainty"><svg' in text
    assert "100 Monte Carlo runs" in text
