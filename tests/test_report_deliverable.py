"""The report as something an analyst hands over (issue 23, item 1): in the reader's language
down to the method's formulas, on few A4 pages, readable on a 390-pixel phone, its sources as
the sources file names them, its ranks whole numbers.

The page counts and widths are measured in headless Chromium (`tests.browser`); those tests
skip, with the reason, only where Chromium is not installed.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cityindex.cli import run
from cityindex.methods.registry import REGISTRY, load_methods
from cityindex.render.report.formulas_zh import FORMULAS_ZH
from tests.browser import (
    BARE_HOST,
    latin_words,
    pdf_pages,
    print_to_pdf,
    section_text,
    table_cells,
    widths,
)

REPO = Path(__file__).parents[1]
SOURCES = REPO / "data" / "cities-2024.sources.csv"
DEFAULT_SPEC = REPO / "indicators" / "ai-city-2024.yaml"

MINI_SPEC = """\
index:
  id: mini
  title: 小样本指数
  language: zh
  data: data.csv
  unit: city
  scale:
    method: relative_to_max
    digits: 3
    tiers: {labels: [领先, 追赶], thresholds: [0.6]}
methods:
  normalise: {method: min_max, range: [0, 1]}
  aggregate: {method: arithmetic_mean}
  weights: {method: equal}
  impute: {method: mean}
  treat: {method: winsorise}
  missing: {method: reweight, min_coverage: 0.5}
groups:
  talent:
    title: 人才
    weight: 1
    indicators:
      graduates: {title: 毕业生, column: graduates, direction: higher_is_better, weight: 1}
  money:
    title: 资金
    weight: 1
    methods: {normalise: {method: rank}}
    indicators:
      funding: {title: 融资额, column: funding, direction: higher_is_better, weight: 1}
      cost: {title: 成本, column: cost, direction: lower_is_better, weight: 1}
  policy:
    title: 政策
    weight: 1
    indicators:
      plans: {title: 规划数, column: plans, direction: higher_is_better, weight: 1}
"""

MINI_DATA = """\
city,graduates,funding,cost,plans,unused
北京,120,30,8,3,1
上海,100,,9,2,1
深圳,60,40,7,1,1
成都,40,5,5,0,1
"""

MINI_SOURCES = """\
unit,column,value,year,publisher,title,published,url,mirror,note
北京,plans,3,2023,北京市人民政府,北京市规划 2023,2023-01-01,https://www.beijing.gov.cn/a.html,false,a
北京,unused,1,2023,Nobody,Not used by the index,,https://unused.example.org/x,false,b
上海,plans,2,2023,上海市人民政府,上海市规划 2023,2023-02-01,https://mirror.example.com/sh,true,c
深圳,plans,1,2022,深圳市人民政府,深圳市规划 2022,,https://www.sz.gov.cn/b.html,false,d
北京,graduates,120,2023,教育部,高校毕业生统计,,https://www.moe.gov.cn/c.html,false,e
成都,plans,0,2023,北京市人民政府,北京市规划 2023,2023-01-01,https://www.beijing.gov.cn/a.html,false,f
"""


@pytest.fixture(scope="module")
def zh_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default index's report in Chinese, written once for this module."""
    out = tmp_path_factory.mktemp("deliverable") / "zh.html"
    assert run(["report", "--lang", "zh", "--output", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def en_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default index's report in English."""
    out = tmp_path_factory.mktemp("deliverable-en") / "en.html"
    assert run(["report", "--lang", "en", "--output", str(out)]) == 0
    return out


@pytest.fixture
def mini_page(tmp_path: Path) -> Path:
    """A small ``language: zh`` spec of four cities with a sources file, reported."""
    (tmp_path / "data.csv").write_text(MINI_DATA, encoding="utf-8")
    (tmp_path / "data.sources.csv").write_text(MINI_SOURCES, encoding="utf-8")
    spec = tmp_path / "mini.yaml"
    spec.write_text(MINI_SPEC, encoding="utf-8")
    out = tmp_path / "mini.html"
    assert run(["report", str(spec), "--output", str(out)]) == 0
    return out


def test_every_registered_method_has_its_formula_explained_in_chinese() -> None:
    load_methods()
    registered = {f"{stage}.{name}" for stage, methods in REGISTRY.items() for name in methods}
    assert set(FORMULAS_ZH) == registered
    names = frozenset({"COINr", "Compind", "OECD", "JRC", "Saaty", "CR", "RI", "CI"})
    for stage, methods in REGISTRY.items():
        for name, method in methods.items():
            # the words are Chinese: what stays Latin is a parameter (symbols of the formula),
            # an author, or a package the method follows
            params = frozenset(p.name for p in method.params)
            left = latin_words(FORMULAS_ZH[f"{stage}.{name}"], allowed=params | names)
            assert len(left) <= 4, (stage, name, left)


def test_the_default_chinese_method_section_holds_at_most_ten_english_words(
    zh_page: Path,
) -> None:
    """Before: 99 English words ("drop a missing value from its unit's aggregate…")."""
    text = section_text(zh_page.read_text(encoding="utf-8"), "method")
    words = latin_words(text)
    assert len(words) <= 10, words
    assert "把缺失值从其单位的合成中剔除，其余权重重新归一" in text
    assert "x' = x / max(x)；逆向指标：x' = min(x) / x（最优单位 = 1）" in text
    # the calibration note is the spec's note_zh, the fit named in words
    assert "原报告的权重和原始数据并未公开" in text
    assert "最大绝对差 = 2.52e-07，比较的单位数 = 3" in text
    # the tier rule with each tier's lowest score (Fisher-Jenks on the default's scores)
    assert "各级最低得分：≥ 0.6266：第一梯队；≥ 0.2705：第二梯队；其余：第三梯队" in text


def test_the_english_method_section_keeps_the_registry_formulas(en_page: Path) -> None:
    text = section_text(en_page.read_text(encoding="utf-8"), "method")
    assert "drop a missing value from its unit's aggregate and re-weight the rest" in text
    assert "The published report's own weights and raw data are not public" in text
    assert "原报告" not in text
    assert "largest |difference| = 2.52e-07, units compared = 3" in text


def test_a_small_zh_spec_reads_in_chinese_with_its_tier_rule(mini_page: Path) -> None:
    page = mini_page.read_text(encoding="utf-8")
    text = section_text(page, "method")
    words = latin_words(text)
    assert len(words) <= 10, words
    assert "缺失的 x_ij = 指标 j 在有值单位上的均值" in text  # impute: mean
    assert "x' = x 在各单位中的名次，1 = 最差" in text  # the money group's rank
    assert "梯队：按得分阈值分为 2 级：≥ 0.600：领先；其余：追赶" in text


def test_the_sources_table_is_the_sources_files_publishers_in_file_order(zh_page: Path) -> None:
    """33 documents give the 263 values of the 11 columns the index uses; each row's publisher
    and title are the file's, in the order the file first names them."""
    rows = table_cells(zh_page.read_text(encoding="utf-8"), "sources")
    with SOURCES.open(encoding="utf-8") as file:
        used = {
            "ai_pilot_zone",
            "ai_pioneer_zone",
            "ai_open_platforms_2019",
            "supercomputing_centres",
            "cac_genai_filings_2024",
            "hurun_ai_top50_2024",
            "cac_deep_synthesis_filings_2024",
            "llm_entries_wgwang_2024",
            "ai_dfc_disciplines_2022",
            "ai_financing_amount_rank",
            "ai_financing_deals_rank",
        }
        filed = [r for r in csv.DictReader(file) if r["column"] in used]
    first = list(dict.fromkeys((r["publisher"], r["title"]) for r in filed))
    assert len(filed) == 263
    assert len(rows) == 33
    assert [(r[1].split("\n")[0], r[2]) for r in rows] == first[:33]
    assert [r[0] for r in rows] == [f"[{n}]" for n in range(1, 34)]
    assert sum(int(r[5]) for r in rows) == 263
    assert rows[0][1].endswith("\n经由 chinanews.com.cn")  # read on a mirror
    for row in rows:
        assert not BARE_HOST.fullmatch(row[1].split("\n")[0]), row
    assert "胡润" in zh_page.read_text(encoding="utf-8")


def test_a_sources_file_shows_only_used_columns_mirrors_via_their_host(mini_page: Path) -> None:
    rows = table_cells(mini_page.read_text(encoding="utf-8"), "sources")
    assert [r[1:] for r in rows] == [
        ["北京市人民政府", "北京市规划 2023", "2023", "规划数", "2"],
        ["上海市人民政府\n经由 mirror.example.com", "上海市规划 2023", "2023", "规划数", "1"],
        ["深圳市人民政府", "深圳市规划 2022", "2022", "规划数", "1"],
        ["教育部", "高校毕业生统计", "2023", "毕业生", "1"],
    ]
    page = mini_page.read_text(encoding="utf-8")
    assert "unused.example.org" not in page
    links = re.findall(r'<li id="source-(\d+)"><a href="([^"]+)"', page)
    assert links == [
        ("1", "https://www.beijing.gov.cn/a.html"),
        ("2", "https://mirror.example.com/sh"),
        ("3", "https://www.sz.gov.cn/b.html"),
        ("4", "https://www.moe.gov.cn/c.html"),
    ]


def test_ranks_are_whole_numbers_in_every_table(zh_page: Path) -> None:
    """The rank-interval table printed ranks as 1.000; now 1, and the same in the ranking."""
    page = zh_page.read_text(encoding="utf-8")
    section = page[page.index('id="uncertainty"') : page.index('id="framework"')]
    first = re.search(r"<tr><td>(\d+)</td><td class=\"t\">北京</td>(.*?)</tr>", section)
    assert first is not None
    cells = re.findall(r"<td>([^<]*)</td>", first.group(2))
    # score, median rank, 5th and 95th percentile rank, P(top k)
    assert cells[1:4] == ["1", "1", "2"]
    ranking = page[page.index('id="ranking-table"') : page.index("</table>")]
    assert re.findall(r'data-rank="(\d+)">(\d+)</td>', ranking)[:3] == [
        ("1", "1"),
        ("2", "2"),
        ("3", "3"),
    ]


def test_print_hides_the_what_if_heading_with_the_sliders() -> None:
    """Page 2 of the 25-page print held only the heading 调整权重试试."""
    from cityindex.render.report.build import CSS

    print_css = CSS[CSS.index("@media print") :]
    hidden = re.search(r"\}\s*([^{}]+)\{display:none\}", print_css)
    assert hidden is not None
    assert {"#what-if", "#weights", ".controls"} <= set(hidden.group(1).split(","))
    assert "break-after:avoid" in print_css


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_default_report_prints_on_at_most_twelve_a4_pages(
    lang: str, zh_page: Path, en_page: Path
) -> None:
    """Before: zh 87 pages (a URL column broken one character per line), en 13."""
    pdf = print_to_pdf(zh_page if lang == "zh" else en_page)
    pages = pdf_pages(pdf)
    assert 4 <= pages <= 12
    pdftotext = shutil.which("pdftotext")
    if pdftotext:  # no near-empty page: each but the last holds a good share of text
        for n in range(1, pages):
            text = subprocess.run(
                [pdftotext, "-f", str(n), "-l", str(n), str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert "调整权重试试" not in text
            assert len(text.strip()) > 40, (n, text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_fits_a_390_pixel_phone(lang: str, zh_page: Path, en_page: Path) -> None:
    """Before: 552 px wide. Wide tables scroll inside their own box instead."""
    measured = widths(zh_page if lang == "zh" else en_page, 390)
    assert measured["client_width"] == 390
    assert measured["scroll_width"] <= 390


def test_names_and_headings_never_break_inside_a_word() -> None:
    from cityindex.render.report.build import CSS

    assert "td.unit,td.tier,td.rank,td.score,td code{white-space:nowrap;word-break:keep-all}" in CSS
    assert "h1,h2,h3{word-break:keep-all" in CSS
    assert ".wide{overflow-x:auto" in CSS


def test_the_default_spec_keeps_its_calibration_note_in_both_languages() -> None:
    text = DEFAULT_SPEC.read_text(encoding="utf-8")
    assert "  note: The published report's own weights" in text
    assert "  note_zh: 原报告的权重和原始数据并未公开" in text


def test_the_framework_shows_each_indicators_source_in_chinese(zh_page: Path) -> None:
    """An indicator's ``source_zh`` stands for its English `source` under zh."""
    text = section_text(zh_page.read_text(encoding="utf-8"), "framework")
    assert "代理指标（通用高性能计算，非人工智能专用）：科技部批准的国家超级计算中心" in text
    assert "PROXY (general HPC, not AI)" not in text


def test_a_sources_file_without_publishers_never_shows_a_host_as_one(tmp_path: Path) -> None:
    """An older sources file (no publisher or title column): the publisher cell says it is not
    given and the title is the note's first clause; the host stays in the list of links."""
    (tmp_path / "data.csv").write_text(MINI_DATA, encoding="utf-8")
    (tmp_path / "data.sources.csv").write_text(
        "unit,column,value,year,url,note\n"
        "北京,plans,3,2023,https://g.golangjump.com/x,Beijing plan count. Read on a reprint\n",
        encoding="utf-8",
    )
    spec = tmp_path / "mini.yaml"
    spec.write_text(MINI_SPEC, encoding="utf-8")
    out = tmp_path / "mini.html"
    assert run(["report", str(spec), "--output", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert table_cells(page, "sources") == [
        ["[1]", "—", "Beijing plan count", "2023", "规划数", "1"]
    ]
    assert '<li id="source-1"><a href="https://g.golangjump.com/x"' in page


def test_the_framework_shows_each_indicators_unit_in_chinese(zh_page: Path, en_page: Path) -> None:
    """An indicator's ``unit_zh`` stands for its English `unit` under zh (the shipped spec
    fills it for all eleven indicators); English keeps `unit`."""
    zh = section_text(zh_page.read_text(encoding="utf-8"), "framework")
    assert zh.count("(正向, 标记)") == 2  # pilot and pioneer zones
    assert zh.count("(正向, 项)") == 2  # generative-AI and deep-synthesis filings
    assert zh.count("(负向, 名次)") == 2  # the two financing ranks
    assert "(正向, 家)" in zh  # Hurun top-50 firms
    assert not re.search(r"\b(flag|platforms|centres|filings|companies|models|rank)\)", zh)
    en = section_text(en_page.read_text(encoding="utf-8"), "framework")
    assert en.count("(higher is better, flag)") == 2
    assert en.count("(lower is better, rank)") == 2


def test_an_indicator_without_unit_zh_keeps_its_english_unit_under_zh(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text(MINI_DATA, encoding="utf-8")
    spec = tmp_path / "mini.yaml"
    text = MINI_SPEC.replace("{title: 融资额,", "{title: 融资额, unit: bn yuan,")
    text = text.replace("{title: 成本,", "{title: 成本, unit: yuan, unit_zh: 元,")
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "mini.html"
    assert run(["report", str(spec), "--output", str(out)]) == 0
    framework = section_text(out.read_text(encoding="utf-8"), "framework")
    assert "(正向, bn yuan)" in framework
    assert "(负向, 元)" in framework
    assert "yuan)" not in framework.replace("bn yuan)", "")
