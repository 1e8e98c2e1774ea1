"""The report's charts read in Chinese without a CJK font on the builder, the map's labels do not
overlap, a radar leaves a missing value out, and ranks are whole numbers (issue 23, item 1).

The no-font build runs in a subprocess whose matplotlib cannot see any CJK font (the font list
and the system font search are filtered before cityindex starts; `cjk_font()` is None there).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cityindex.api.output import local_names
from cityindex.cli import run
from cityindex.cli.common import compute_loaded, load
from cityindex.render.report import chart_data
from cityindex.render.report.charts import map_layout, radar, rank_intervals, render
from cityindex.render.report.places import place_labels, text_extent

CHROMIUM = Path("/usr/bin/chromium")
NO_CJK = """\
import sys
import matplotlib.font_manager as fm

def cjk(name):
    return any(k in name for k in ("CJK", "Han", "wqy", "WenQuanYi", "NotoSansSC", "Noto Sans SC"))

fm.fontManager.ttflist = [f for f in fm.fontManager.ttflist if not (cjk(f.name) or cjk(f.fname))]
_system = fm.findSystemFonts
fm.findSystemFonts = lambda *a, **k: [p for p in _system(*a, **k) if not cjk(p)]
from cityindex.render.report.charts import cjk_font
assert cjk_font() is None, cjk_font()
from cityindex.cli import main
sys.argv = ["cityindex", *sys.argv[1:]]
main()
"""
DELTAS = [
    "Shanghai",
    "Suzhou",
    "Hangzhou",
    "Jiaxing",
    "Ningbo",
    "Wuxi",
    "Nanjing",
    "Hefei",
    "Guangzhou",
    "Shenzhen",
    "Dongguan",
    "Zhuhai",
]
"""The Yangtze and Pearl River delta cities of the default data (Foshan is not among its 30)."""


def _figure(text: str, fig_id: str) -> str:
    start = text.index(f'<figure id="{fig_id}">')
    return text[start : text.index("</figure>", start)]


@pytest.fixture(scope="module")
def no_cjk_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`report --lang zh` built where matplotlib sees no CJK font; the page and stderr."""
    folder = tmp_path_factory.mktemp("no-cjk")
    (folder / "no_cjk.py").write_text(NO_CJK, encoding="utf-8")
    (folder / "mpl").mkdir()
    env = {**os.environ, "MPLCONFIGDIR": str(folder / "mpl")}
    out = folder / "report.html"
    done = subprocess.run(
        [sys.executable, str(folder / "no_cjk.py"), "report", "--lang", "zh", "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out, done.stderr


def test_without_a_cjk_font_stderr_has_no_font_warning(no_cjk_report: tuple[Path, str]) -> None:
    """Only the line saying what was written (before: 94 glyph warnings, 190 lines)."""
    out, stderr = no_cjk_report
    assert stderr.strip() == f"已写入 {out}"  # the one line, in the report's language
    for word in ("Glyph", "missing from font", "findfont", "CJK"):
        assert word not in stderr


def test_without_a_cjk_font_the_charts_hold_chinese_names_as_text(
    no_cjk_report: tuple[Path, str],
) -> None:
    """Every chart names the units in Chinese as SVG text (no glyph outlines), in a font
    stack that asks the browser for its CJK fonts; the English ids are not the labels."""
    text = no_cjk_report[0].read_text(encoding="utf-8")
    for fig_id in ("chart-bar", "chart-heatmap", "chart-radar", "chart-map"):
        figure = _figure(text, fig_id)
        assert re.search(r"<text[^>]*>(1\. )?北京</text>", figure), fig_id
        assert ">Beijing</text>" not in figure
        assert "Noto Sans CJK SC" in figure
        assert 'id="DejaVuSans-' not in figure  # no glyphs drawn as paths
    assert "生成本报告时未安装中文字体" not in text  # the old "no CJK font" note is gone
    assert re.search(r"<text[^>]*>杭州</text>", _figure(text, "chart-map"))


def test_the_same_report_twice_is_byte_identical(
    no_cjk_report: tuple[Path, str], tmp_path: Path
) -> None:
    """Text kept as text changes nothing about determinism (fixed hashsalt, no dates)."""
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert run(["report", "--lang", "zh", "--output", str(first)]) == 0
    assert run(["report", "--lang", "zh", "--output", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_chromium_paints_the_no_font_report_with_its_chinese_chart_text(
    no_cjk_report: tuple[Path, str],
) -> None:
    """The DOM Chromium builds keeps the Chinese text nodes in the charts, and a screenshot of
    the heatmap is painted (look at heatmap.png beside the report: 北京, 上海 … in a CJK font)."""
    out = no_cjk_report[0]
    heatmap = out.parent / "heatmap.html"
    page = out.read_text(encoding="utf-8")
    heatmap.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><body style="margin:0">'
        + _figure(page, "chart-heatmap")
        + "</figure>",
        encoding="utf-8",
    )
    profile = out.parent / "profile"
    base = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    base += ["--disable-background-networking", f"--user-data-dir={profile}"]
    dom = subprocess.run(
        [*base, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    for name in ("北京", "上海", "深圳"):
        assert re.search(rf"<text[^>]*>{name}</text>", _figure(dom, "chart-heatmap"))
    shot = out.parent / "heatmap.png"
    subprocess.run(
        [*base, "--window-size=900,1400", f"--screenshot={shot}", heatmap.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    shutil.rmtree(profile, ignore_errors=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_map_labels_do_not_overlap_in_the_river_deltas(lang: str) -> None:
    """All 30 default units are labelled; no two label boxes share any area (before: 17 pairs
    overlapped under zh, 28 under en, at the old fixed offset); each box lies inside the axes;
    the labels drawn are the boxes placed."""
    loaded = load(None)
    result = compute_loaded(loaded, quiet=True)
    names = local_names(loaded.spec, loaded.table)
    data = chart_data(
        loaded.spec, result, local_names=names, table=loaded.table, lang=lang, browser_text=True
    )
    assert data.places is not None
    fig, boxes = map_layout(data.places, lang=lang)
    assert sorted(b.unit for b in boxes) == list(range(len(data.places.labels))) == list(range(30))
    overlapping = [(a.unit, b.unit) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]
    assert overlapping == []
    frame = fig.axes[0].get_window_extent()
    k = 72.0 / fig.dpi
    for b in boxes:
        assert frame.x0 * k <= b.x0 < b.x1 <= frame.x1 * k
        assert frame.y0 * k <= b.y0 < b.y1 <= frame.y1 * k
        width, height = text_extent(data.places.labels[b.unit])
        assert (b.x1 - b.x0, b.y1 - b.y0) == pytest.approx((width, height))
    units = [data.units[data.labels.index(label)] for label in data.places.labels]
    assert set(DELTAS) <= set(units)
    drawn = [t for t in fig.axes[0].texts if str(t.get_gid()).startswith("map-label-")]
    assert len(drawn) == 30
    assert b"map-label-" in render(fig)


def test_labels_at_one_spot_are_spread_out_with_leader_lines() -> None:
    """Five labels on the same point: every one placed, none overlapping, the later ones off
    the first ring (with a leader line)."""
    points = np.array([[100.0, 100.0]] * 5)
    boxes = place_labels(
        points, ["上海", "苏州", "无锡", "嘉兴", "Jiaxing"], np.zeros(5), (0, 0, 200, 200)
    )
    assert len(boxes) == 5
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
    assert boxes[0].leader is False
    assert (boxes[0].x0, boxes[0].y0) == pytest.approx((102.0, 100.0 - 8.75 / 2))


THREE_GROUPS = """\
index: {id: three, title: Three groups, data: data.csv, unit: unit, scale: {method: none}}
methods:
  normalise: {method: min_max, range: [0, 1]}
  aggregate: {method: arithmetic_mean}
  weights: {method: fixed}
  missing: {method: reweight, min_coverage: 0.5}
groups:
  g1: {weight: 1, indicators: {x1: {column: x1, direction: higher_is_better, weight: 1}}}
  g2: {weight: 1, indicators: {x2: {column: x2, direction: higher_is_better, weight: 1}}}
  g3: {weight: 1, indicators: {x3: {column: x3, direction: higher_is_better, weight: 1}}}
"""


@pytest.mark.parametrize(("lang", "mark"), [("zh", "无数据"), ("en", "no data")])
def test_a_radar_leaves_a_missing_group_score_out_instead_of_drawing_0(
    tmp_path: Path, lang: str, mark: str
) -> None:
    """B has no x3, so no g3 score: its outline is NaN there (a break, not 0), only the wedge
    between g1 and g2 is filled, and the g3 axis says "no data"; A, complete, has all three."""
    (tmp_path / "data.csv").write_text("unit,x1,x2,x3\nA,1,1,1\nB,2,3,\nC,0,0,0\n", "utf-8")
    (tmp_path / "spec.yaml").write_text(THREE_GROUPS, encoding="utf-8")
    loaded = load(tmp_path / "spec.yaml")
    result = compute_loaded(loaded, quiet=True)
    data = chart_data(loaded.spec, result, lang=lang)
    assert data.labels[:2] == ("B", "A")  # B: mean of 1, 1 → 1; A: mean of 0.5, 1/3, 1
    assert np.isnan(data.group_scores[0, 2])
    fig = radar(data, top=2)
    b_axes, a_axes = fig.axes
    outline = b_axes.lines[0].get_ydata()
    np.testing.assert_allclose(outline[:2], [1.0, 1.0])
    assert np.isnan(outline[2])
    assert len(b_axes.patches) == 1  # one wedge: g1-g2; g2-g3 and g3-g1 need g3
    assert [t.get_text() for t in b_axes.texts] == [mark]
    assert b_axes.get_title() == "1. B"
    assert len(a_axes.patches) == 3
    assert len(a_axes.texts) == 0
    assert a_axes.get_title() == "2. A"


def test_rank_interval_ticks_are_whole_numbers() -> None:
    """Ranks from 1 to 4 with fractional percentiles: every tick label is a whole number."""
    fig = rank_intervals(
        ["D", "A", "B", "C"],
        np.array([1.0, 2.0, 3.0, 4.0]),
        np.array([1.0, 1.5, 2.0, 3.5]),
        np.array([1.5, 3.0, 4.0, 4.0]),
    )
    fig.draw_without_rendering()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert ticks
    assert all(re.fullmatch(r"\d+", t) for t in ticks), ticks
