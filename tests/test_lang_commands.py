"""`--lang zh` (and `index.language: zh`) on every command that prints a table: Chinese column
headings for people (table, Markdown), ids kept in CSV for scripts; a GBK spec read by the
library as the command line reads it.

Each case runs the command on the shipped default index twice, once as Markdown (the headings a
reader sees, never cut short as a narrow terminal table may be) and once as CSV.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from cityindex.cli import run
from cityindex.load.spec_yaml import load_spec
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.render.i18n import STRINGS, title

ROOT = Path(__file__).parent.parent
SEEDS = str(ROOT / "seeds" / "ai-city-competitiveness-2024.csv")

# command, a column id it prints in CSV, the heading a Chinese reader sees for that column
CASES: list[tuple[list[str], str, str]] = [
    (["weights"], "effective_weight", "有效权重"),
    (["explain", "Shenzhen"], "contribution", "贡献"),
    (["audit"], "skewness", "偏度"),
    (["compare", "--set", "groups.policy.weight=0.4"], "rank_change", "名次变化"),
    (["check", "--against", SEEDS], "published_score", "发布得分"),
    (["calibrate", "--target", SEEDS], "before", "校准前"),
    (["uncertainty", "--runs", "20"], "median_rank", "排名中位数"),
    (["sensitivity", "--runs", "16"], "first", "一阶指数"),
    (["obstacles"], "obstacle_degree", "障碍度（%）"),
    (["coupling", "--groups", "policy,innovation"], "coordination", "耦合协调度"),
    (["sources"], "publisher", "发布方"),
    (["data", "check"], "kind", "缺失指标"),
    (["methods", "weights"], "formula", "公式"),
    (["importance"], "importance_share", "重要性份额"),
    (["score", "--stage", "normalised"], "pilot_zone", "国家新一代人工智能创新发展试验区"),
]


def _out(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert run(argv) in (0, 1)  # check/data check exit 1 when something is not reproduced
    return capsys.readouterr().out


def _markdown_header(text: str) -> list[str]:
    line = next(x for x in text.splitlines() if x.startswith("| "))
    return [c.strip() for c in line.strip("|").split("|")]


@pytest.mark.parametrize(("argv", "column", "heading"), CASES, ids=lambda v: str(v))
def test_lang_zh_gives_chinese_headings_and_csv_keeps_ids(
    capsys: pytest.CaptureFixture[str], argv: list[str], column: str, heading: str
) -> None:
    markdown = _out(capsys, [*argv, "--lang", "zh", "--format", "markdown"])
    assert heading in markdown
    english = _out(capsys, [*argv, "--lang", "en", "--format", "markdown"])
    assert heading not in english
    table = _out(capsys, [*argv, "--lang", "zh", "--format", "csv"])
    header = next(csv.reader(io.StringIO(table)))
    assert column in header
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in "".join(header))


def test_weights_in_chinese_show_group_titles_where_ids_were(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = _out(capsys, ["weights", "--lang", "zh", "--format", "markdown"])
    assert _markdown_header(text)[:2] == ["指标", "维度"]
    assert "| 政策机制 |" in text
    assert "| policy |" not in text
    assert "给定权重" in text  # the method `fixed`, as a reader says it


def test_every_output_column_has_a_chinese_heading() -> None:
    columns = {c for cols in OUTPUT_COLUMNS.values() for c in cols}
    missing = sorted(c for c in columns if c not in STRINGS)
    assert missing == []
    assert all(STRINGS[c][1] != c for c in columns - {"ci", "cr", "ri"})


def zh_default_spec(folder: Path, *, encoding: str = "utf-8") -> Path:
    """The shipped default with `index.language: zh` and an absolute data path."""
    text = (ROOT / "indicators" / "ai-city-2024.yaml").read_text(encoding="utf-8")
    text = text.replace("../data/", str(ROOT / "data") + "/")
    text = text.replace("  unit: city\n", "  unit: city\n  language: zh\n", 1)
    text = text[: text.index("\nuncertainty:")] + text[text.index("\ncalibration:") :]
    spec = folder / "spec.yaml"
    spec.write_bytes(text.encode(encoding))
    return spec


def test_index_language_zh_applies_to_every_command_and_lang_en_overrides_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = str(zh_default_spec(tmp_path))
    for argv, heading in (
        (["weights", spec], "有效权重"),
        (["obstacles", spec], "障碍度（%）"),
        (["audit", spec], "偏度"),
    ):
        assert heading in _out(capsys, [*argv, "--format", "markdown"])
        assert heading not in _out(capsys, [*argv, "--format", "markdown", "--lang", "en"])


def test_the_library_reads_a_gbk_spec_and_notes_it_in_the_warnings(tmp_path: Path) -> None:
    path = zh_default_spec(tmp_path, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    spec = load_spec(path)
    assert [title(g, "zh") for g in spec.groups][:2] == ["政策机制", "基础设施"]
    assert spec.warnings[0] == f"read {path} as GBK (detected: the file is not valid UTF-8)"
    utf8 = load_spec(ROOT / "indicators" / "ai-city-2024.yaml")
    assert not any("GBK" in w for w in utf8.warnings)


def test_validate_says_ok_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", "--lang", "zh"]) == 0
    err = capsys.readouterr().err
    assert "通过：ai-city-2024：5 个维度，11 个指标，30 个单位（0 个未参与评分）" in err


CHROMIUM = Path("/usr/bin/chromium")
LATIN_HEADINGS = {"CI", "CR", "RI", "λmax", "Cronbach α", "A", "B"}
"""Headings a Chinese reader reads as they are (symbols and names of statistics)."""


@pytest.fixture(scope="module")
def zh_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped default's report in Chinese, written once for this module."""
    out = tmp_path_factory.mktemp("zh-report") / "r.html"
    assert run(["report", "--lang", "zh", "--output", str(out)]) == 0
    return out


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_heading_of_the_chinese_report_is_chinese(zh_report: Path) -> None:
    """No English left in a heading or column heading (ids of groups show as their titles)."""
    page = zh_report.read_text(encoding="utf-8")
    heads = re.findall(r"<(h[1-3]|th)[^>]*>(.*?)</\1>", page, re.S)
    texts = [re.sub(r"<[^>]+>", "", t).strip() for _, t in heads]
    english = [t for t in texts if t and not _has_cjk(t) and t not in LATIN_HEADINGS]
    assert english == []
    assert len(texts) > 60
    assert '<html lang="zh-CN">' in page
    assert "第一梯队" in page  # the shipped tiers (Jenks natural breaks)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_the_chinese_report_paints_its_charts_in_headless_chromium(zh_report: Path) -> None:
    """A screenshot of the page's first 3000 pixels holds the tier-coloured table and the
    stacked bars: thousands of saturated pixels, not a blank or text-only page."""
    from PIL import Image

    shot = zh_report.parent / "zh.png"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={zh_report.parent / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1280,3000",
            zh_report.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    hsv = np.asarray(Image.open(shot).convert("HSV"))
    assert hsv.shape == (3000, 1280, 3)
    coloured = (hsv[..., 1] > 120) & (hsv[..., 2] > 60)
    assert coloured.sum() > 100_000  # the bars of 30 cities in five colours
    hues = np.unique(hsv[..., 0][coloured] // 16)
    assert len(hues) >= 4  # the groups' colours, not one flat block
    shutil.rmtree(zh_report.parent / "profile", ignore_errors=True)


def test_a_gbk_spec_and_a_csv_with_placeholders_score_with_notes_in_the_spec_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Empty cells of the shipped data written as 暂无 (as Chinese statistical tables do);
    the spec saved as GBK declares them with `na_values`: same scores, two notes on stderr."""
    rows = (ROOT / "data" / "cities-2024.csv").read_text(encoding="utf-8").splitlines()
    marked = [rows[0]] + [
        ",".join(c if c or i == 0 else "暂无" for i, c in enumerate(r.split(","))) for r in rows[1:]
    ]
    placeholders = sum(r.split(",").count("暂无") for r in marked)
    data = tmp_path / "cities.csv"
    data.write_text("\n".join(marked) + "\n", encoding="utf-8")
    spec = zh_default_spec(tmp_path, encoding="gbk")
    text = (
        spec.read_bytes()
        .decode("gbk")
        .replace("  language: zh\n", "  language: zh\n  na_values: [暂无]\n", 1)
    )
    spec.write_bytes(text.encode("gbk"))
    assert run(["score", str(spec), "--data", str(data), "--format", "csv"]) == 0
    got = capsys.readouterr()
    assert run(["score", "--format", "csv"]) == 0
    shipped = capsys.readouterr().out
    assert got.out == shipped
    assert placeholders > 100
    assert got.err.splitlines() == [
        f"提示：{spec} 不是有效的 UTF-8，已按 GBK 编码读取（自动检测）",
        f"提示：{data} 中有 {placeholders} 个单元格为 index.na_values 中的占位符（暂无），"
        "按缺失值处理",
    ]
