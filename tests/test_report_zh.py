"""A report and tables Chinese readers can use: Chinese words, titles, tiers, map, method.

The specs here are temporary copies of the shipped default with Chinese titles (`title_zh`),
`index.language: zh` and tiers added, so the shipped spec file itself is not relied on.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from cityindex.cli import run

ROOT = Path(__file__).parent.parent
ZH_TITLES = {
    "policy": "政策机制",
    "infrastructure": "基础设施",
    "enterprise": "企业规模",
    "innovation": "专利与创新",
    "financing": "融资环境",
}
SCORED = 30
"""The default index scores all 30 cities of data/cities-2024.csv (none fall below coverage)."""
TIERS = "tiers: {labels: [第一梯队, 第二梯队, 第三梯队], thresholds: [0.6, 0.3]}"


def zh_spec(folder: Path, *, language: bool = True) -> Path:
    """The default spec with Chinese group titles, tiers and (optionally) language: zh."""
    text = (ROOT / "indicators" / "ai-city-2024.yaml").read_text(encoding="utf-8")
    text = text.replace("../data/", str(ROOT / "data") + "/")
    text = text.replace("../seeds/", str(ROOT / "seeds") + "/")
    shipped = "    tiers: {labels: [第一梯队, 第二梯队, 第三梯队], breaks: jenks}\n"
    assert shipped in text  # the shipped tiers, replaced by fixed thresholds here
    text = text.replace(shipped, "    " + TIERS + "\n" + ("  language: zh\n" if language else ""))
    for gid, name in ZH_TITLES.items():
        text = text.replace(f"  {gid}:\n    title:", f"  {gid}:\n    title_zh: {name}\n    title:")
    text = text[: text.index("\nuncertainty:")] + text[text.index("\ncalibration:") :]
    spec = folder / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def zh_report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report of the Chinese-titled spec, in Chinese."""
    folder = tmp_path_factory.mktemp("zh")
    out = folder / "r.html"
    assert run(["report", str(zh_spec(folder)), "--output", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_a_zh_spec_gives_a_chinese_page_with_group_titles(zh_report: str) -> None:
    """lang="zh-CN", Chinese headings and column names, titles instead of ids."""
    assert '<html lang="zh-CN">' in zh_report
    for heading in ("排名", "图表", "指标体系", "方法", "数据来源", "调整权重试试"):
        assert f">{heading}</h" in zh_report
    head = re.search(r'<table id="ranking-table"><thead><tr>(.*?)</tr>', zh_report)
    assert head is not None
    names = re.findall(r"<th[^>]*>([^<]*)</th>", head.group(1))
    assert names == ["排名", "城市", "得分", *ZH_TITLES.values(), "梯队", "数据覆盖率"]


def test_the_ranking_is_tiered_with_coloured_bands(zh_report: str) -> None:
    """Each ranked row carries its tier band; the first tier holds the scores >= 0.6."""
    rows = re.findall(
        r'<tr class="tier-(\d)" data-unit="([^"]+)">.*?data-score="([^"]+)".*?'
        r'<td class="t tier">([^<]+)</td>',
        zh_report,
    )
    assert len(rows) == SCORED
    labels = ["第一梯队", "第二梯队", "第三梯队"]
    for band, _unit, score, tier in rows:
        expected = 0 if float(score) >= 0.6 else 1 if float(score) >= 0.3 else 2
        assert int(band) == expected
        assert tier == labels[expected]
    assert "tr.tier-0 td{background" in zh_report


def test_the_method_reads_as_text_with_weights_and_calibration(zh_report: str) -> None:
    """Chinese method names, the formula, nominal and effective weights, calibration in words."""
    method = zh_report[zh_report.index('id="method"') : zh_report.index('id="audit"')]
    assert "标准化: <b>相对最大值</b>" in method
    assert "汇总: <b>加权算术平均</b>" in method
    assert "名义权重" in method
    assert "有效权重" in method
    assert "校准权重" in method
    assert "ai-city-competitiveness-2024.csv" in method
    assert str(ROOT) not in zh_report


def test_the_map_uses_the_coordinates_file_and_its_source(zh_report: str) -> None:
    """The default data has no coordinate columns: data/cities-coordinates.csv (from cpca)
    places every scored city; the caption names the source."""
    start = zh_report.index('<figure id="chart-map">')
    figure = zh_report[start : zh_report.index("</figure>", start)]
    assert "cpca 0.5.5" in figure
    assert "未在地图上" not in figure
    assert "<image" not in figure


def test_the_coordinates_file_covers_every_city_of_the_default_data() -> None:
    """30 cities, each with a longitude and latitude inside China's bounding box."""

    def read(name: str) -> list[dict[str, str]]:
        text = (ROOT / "data" / name).read_text(encoding="utf-8")
        return list(csv.DictReader(io.StringIO(text)))

    rows = read("cities-coordinates.csv")
    units = {r["city"] for r in read("cities-2024.csv")}
    assert {r["unit"] for r in rows} == units
    assert len(units) == 30
    for r in rows:
        assert 73 < float(r["longitude"]) < 135
        assert 18 < float(r["latitude"]) < 54


def test_lang_en_overrides_the_spec_language(tmp_path: Path) -> None:
    """--lang en on a zh spec: English page, English titles fall back to `title`."""
    out = tmp_path / "r.html"
    assert run(["report", str(zh_spec(tmp_path)), "--lang", "en", "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    assert ">Policy mechanisms</th>" in text
    assert ">Ranking</h2>" in text


def test_compare_adds_each_units_rank_change(tmp_path: Path) -> None:
    """Against the equal-weight variant, the change is the other rank minus this rank."""
    other = tmp_path / "other"
    other.mkdir()
    base = zh_spec(tmp_path)
    text = base.read_text(encoding="utf-8")
    text = re.sub(r"(\n  \w+:\n(?:    (?!weight:).*\n)*    weight: )\S+", r"\g<1>1", text)
    (other / "spec.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "r.html"
    args = ["report", str(base), "--compare", str(other / "spec.yaml"), "--output", str(out)]
    assert run(args) == 0
    page = out.read_text(encoding="utf-8")
    assert "名次变化" in page
    rows = re.findall(
        r'<td class="rank" data-rank="(\d+)">.*?'
        r'<td>(\d*)</td><td class="(?:up|down|)">([^<]*)</td>',
        page,
    )
    assert len(rows) == SCORED
    moved = 0
    for rank, before, change in rows:
        diff = int(before) - int(rank)
        assert change == (f"{diff:+d}".replace("-", "−") if diff else "0")
        moved += diff != 0
    assert moved > 0


def test_score_lang_zh_shows_chinese_column_titles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A terminal table in Chinese; CSV keeps ids unless --headers titles."""
    spec = str(zh_spec(tmp_path, language=False))
    assert run(["score", spec, "--lang", "zh", "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert "排名" in table
    assert "政策机制" in table
    assert run(["score", spec, "--lang", "zh", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("rank,city,score,policy,")
    assert run(["score", spec, "--lang", "zh", "--format", "csv", "--headers", "titles"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("排名,城市,得分,政策机制,")
    assert run(["score", spec, "--lang", "fr"]) == 2


def test_csv_for_excel_keeps_chinese_in_utf8_with_bom_or_gbk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--output-encoding utf-8-sig starts with the BOM Excel needs; gbk bytes decode as GBK;
    the default stays UTF-8 without a BOM; an unknown encoding is bad usage."""
    spec = str(zh_spec(tmp_path, language=False))
    base = ["score", spec, "--lang", "zh", "--format", "csv", "--headers", "titles"]
    out = tmp_path / "s.csv"
    assert run([*base, "--output-encoding", "utf-8-sig", "--output", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].decode("utf-8").startswith("排名,城市,得分,政策机制,")
    assert run([*base, "--output-encoding", "gbk", "--output", str(out)]) == 0
    assert out.read_bytes().decode("gbk").startswith("排名,城市,得分,政策机制,")
    assert run([*base, "--output", str(out)]) == 0
    assert out.read_bytes().startswith("排名".encode())
    assert run([*base, "--output-encoding", "latin-9"]) == 2
    capsys.readouterr()


def test_xlsx_under_zh_has_chinese_headers(tmp_path: Path) -> None:
    """The workbook's score sheet opens with the Chinese column names."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "s.xlsx"
    spec = str(zh_spec(tmp_path, language=False))
    assert run(["score", spec, "--lang", "zh", "--format", "xlsx", "--output", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:3] == ["得分排名", "权重", "方法"]  # sheets named in Chinese too
    header = [c.value for c in book["得分排名"][1]]
    assert header[:4] == ["排名", "城市", "得分", "政策机制"]
    assert book["得分排名"]["B2"].value == "北京"  # names as the terminal shows them under zh


def test_a_gbk_spec_and_placeholder_cells_score_with_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spec saved as GBK is detected and announced; `na_values` cells (暂无, —) are read as
    missing and counted on stderr; 正向/负向 and TOPSIS-style capitals are accepted. The scores
    equal those of the same data with empty cells."""
    data = (ROOT / "data" / "cities-2024.csv").read_text(encoding="utf-8").splitlines()
    header, rows = data[0], data[1:]
    marked = [rows[0].replace(",1,1,1,114,", ",1,1,暂无,114,", 1), *rows[1:]]
    gap = next(i for i, row in enumerate(rows) if i > 0 and ",," in row)
    marked[gap] = marked[gap].replace(",,", ",—,", 1)
    (tmp_path / "d.csv").write_text("\n".join([header, *marked]) + "\n", encoding="utf-8")
    blank = [rows[0].replace(",1,1,1,114,", ",1,1,,114,", 1), *rows[1:]]
    (tmp_path / "e.csv").write_text("\n".join([header, *blank]) + "\n", encoding="utf-8")
    text = zh_spec(tmp_path, language=False).read_text(encoding="utf-8")
    text = text.replace(str(ROOT / "data" / "cities-2024.csv"), "d.csv")
    text = text.replace("  unit: city\n", '  unit: city\n  na_values: [暂无, —, "-"]\n')
    text = text.replace("direction: higher_is_better", "direction: 正向", 1)
    text = text.replace("direction: lower_is_better", "direction: Negative", 1)
    text = text.replace("{method: arithmetic_mean}", "{method: Arithmetic_Mean}", 1)
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes(text.encode("gbk"))
    capsys.readouterr()
    assert run(["score", str(gbk), "--format", "csv"]) == 0
    marked_out = capsys.readouterr()
    assert "as GBK (detected" in marked_out.err
    placed = sum(line.count("暂无") + line.count("—") for line in marked)
    assert placed == 2
    assert f"{placed} cell(s)" in marked_out.err
    assert run(["score", str(gbk), "--format", "csv", "--data", str(tmp_path / "e.csv")]) == 0
    assert capsys.readouterr().out == marked_out.out
    assert run(["score", str(gbk), "--format", "json"]) == 0
    assert '"method": "arithmetic_mean"' in capsys.readouterr().out


def test_a_misspelt_direction_or_method_gets_a_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'正相' is no direction, 'topsys' no method: each error offers the nearest."""
    text = zh_spec(tmp_path, language=False).read_text(encoding="utf-8")
    text = text.replace("direction: higher_is_better", "direction: positiv", 1)
    text = text.replace("{method: arithmetic_mean}", "{method: Arithmetic_Means}", 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    assert run(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "did you mean 'positive'" in err
    assert "did you mean 'arithmetic_mean'" in err


def test_plot_draws_a_chinese_chart_as_png_by_format(tmp_path: Path) -> None:
    """--format png writes a PNG whatever the suffix; --lang zh labels the axes in Chinese."""
    out = tmp_path / "bar.out"
    spec = str(zh_spec(tmp_path))
    assert run(["plot", "bar", spec, "--format", "png", "--output", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "map.svg"
    assert run(["plot", "map", spec, "--lang", "zh", "--output", str(svg)]) == 0
    assert "<svg" in svg.read_text(encoding="utf-8")[:200]


def test_ahp_weights_show_the_judgement_matrix_and_consistency(tmp_path: Path) -> None:
    """Top-level weights by AHP: the matrix, λmax, CI, RI and CR (Saaty's RI for n = 3 is
    0.58), and no sliders (the weights are the judgements', not the spec's)."""
    from cityindex.methods.ahp_judgements import evaluate_ahp

    pairs = [["a", "b", 3], ["a", "c", 5], ["b", "c", 2]]
    fixed = "methods: {weights: {method: fixed}}"
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "index: {id: t, title: T, data: data.csv, unit: unit, language: zh}\n"
        "methods:\n  normalise: {method: min_max, range: [0, 1]}\n"
        "  aggregate: {method: arithmetic_mean}\n"
        f"  weights: {{method: ahp, pairs: {pairs}}}\n"
        "groups:\n"
        + "".join(
            f"  {g}: {{title_zh: 维度{g}, {fixed}, indicators: {{x{g}: "
            f"{{column: x{k}, direction: 正向}}}}}}\n"
            for k, g in enumerate("abc", start=1)
        ),
        encoding="utf-8",
    )
    (tmp_path / "data.csv").write_text("unit,x1,x2,x3\nA,1,2,3\nB,3,1,2\nC,2,3,1\n")
    out = tmp_path / "r.html"
    assert run(["report", str(spec), "--output", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    result = evaluate_ahp({"pairs": pairs}, ["a", "b", "c"]).result
    assert result is not None
    assert "维度a的层次分析法判断矩阵" not in page  # the matrix is the index's, not a group's
    assert "T的层次分析法判断矩阵" in page
    assert f"λmax = {result.lambda_max:.4f}" in page
    assert f"CR = CI / RI = {result.cr:.4f}" in page
    assert "RI = 0.58" in page
    assert 'type="range"' not in page
    assert "一级权重由 层次分析法（AHP） 方法计算" in page
