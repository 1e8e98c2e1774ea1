"""`report` and `plot`: a self-contained HTML page, checked as a person would see it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cityindex.cli import run

CHROMIUM = Path("/usr/bin/chromium")
CHARTS = ("chart-bar", "chart-heatmap", "chart-radar")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped default's report, written once for this module."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert run(["report", "--output", str(out)]) == 0
    return out


def test_report_is_one_offline_file_under_two_megabytes(report: Path) -> None:
    """No scripts, stylesheets, images or frames from anywhere: only inline SVG, the inline
    weights script (no `src`), and links for people to follow."""
    text = report.read_text(encoding="utf-8")
    assert report.stat().st_size < 2_000_000
    scripts = re.findall(r"<script\b[^>]*>", text)
    assert scripts == ['<script type="application/json" id="ci-data">', "<script>"]
    assert not re.search(r"<(link|img|iframe|object|embed)\b", text)
    assert not re.search(r"\bsrc\s*=", text)
    assert not re.search(r"url\([^#]", text)  # only in-page references (SVG clip paths)
    assert not re.search(r"\b(fetch|XMLHttpRequest|import)\s*\(", text)
    hrefs = re.findall(r'href="([^"]*)"', text)
    assert all(h.startswith(("#", "http", "data:image/png;base64,")) for h in hrefs)
    links = text.count('rel="noreferrer"')
    assert links == len([h for h in hrefs if h.startswith("http")])  # only <a> links go out
    for chart in CHARTS:
        assert f'<figure id="{chart}"><svg' in text


def test_report_holds_ranking_framework_method_audit_and_sources(report: Path) -> None:
    """Every section is there, with the method written out and sources linked."""
    text = report.read_text(encoding="utf-8")
    for section in ("ranking", "charts", "framework", "method", "audit", "sources"):
        assert f'id="{section}"' in text
    assert "Normalisation: <b>relative_to_max</b>" in text
    assert "= x / max(x)" in text  # the formula, from the method's own doc
    assert "Missing data: <b>reweight</b>" in text
    assert re.search('<td class="t unit">Beijing( 北京)?</td>', text)
    assert "/work/" not in text  # no absolute paths
    assert "site-packages" not in text
    assert '{"' not in text.replace('id="ci-data">{"', "")  # no raw JSON outside the data
    assert re.search(r'<a href="https?://[^"]+" rel="noreferrer">', text)


def test_plot_writes_svg_and_png(tmp_path: Path) -> None:
    """Each chart on its own: SVG text, or a PNG image."""
    svg = tmp_path / "heatmap.svg"
    png = tmp_path / "bar.png"
    assert run(["plot", "heatmap", "--output", str(svg)]) == 0
    assert run(["plot", "bar", "--output", str(png)]) == 0
    assert svg.read_text(encoding="utf-8").startswith("<svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_rejects_an_unknown_kind_or_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Usage errors, exit 2, naming what is accepted."""
    assert run(["plot", "pie", "--output", str(tmp_path / "x.svg")]) == 2
    assert "bar, heatmap, radar" in capsys.readouterr().err
    assert run(["plot", "bar", "--output", str(tmp_path / "x.pdf")]) == 2


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless Chromium is not installed: apt-get install -y chromium fonts-noto-cjk",
)
def test_report_renders_in_headless_chromium_with_every_chart(report: Path) -> None:
    """Chromium loads the page offline, keeps every chart in the DOM, and paints a screenshot
    without console errors. (Look at the PNG it leaves beside the report.)"""
    profile = report.parent / "profile"
    base = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
    ]
    url = report.resolve().as_uri()
    dom = subprocess.run(
        [*base, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True
    )
    for chart in CHARTS:
        assert re.search(rf'<figure id="{chart}"><svg[^>]*>.*?<path', dom.stdout, re.S)
    shot = report.parent / "report.png"
    done = subprocess.run(
        [*base, "--window-size=1200,3000", f"--screenshot={shot}", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    assert console == []
    assert shot.stat().st_size > 50_000  # a painted page, not a blank one
    shutil.rmtree(profile, ignore_errors=True)


def test_a_spec_with_an_uncertainty_plan_adds_rank_intervals(hand: Path) -> None:
    """With an `uncertainty:` plan the report adds a rank-interval chart and table; each
    unit's 5th–95th percentile interval contains its median rank."""
    hand.write_text(
        hand.read_text(encoding="utf-8")
        + "uncertainty:\n  runs: 200\n  seed: 1\n"
        + "  weight_noise:\n    - {level: 1, fraction: 0.5}\n",
        encoding="utf-8",
    )
    out = hand.parent / "report.html"
    assert run(["report", str(hand), "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert '<figure id="chart-uncertainty"><svg' in text
    assert "200 Monte Carlo runs (seed 1)" in text
    section = text[text.index('id="uncertainty"') : text.index('id="framework"')]
    cells = re.findall(r"<tr><td>(\d+)</td><td class=\"t\">(\w)</td>(.*?)</tr>", section)
    assert [unit for _, unit, _ in cells] == ["D", "A", "B", "C"]
    for _, _, rest in cells:
        _score, median, low, high, _ = (float(v) for v in re.findall(r"<td>([\d.]+)</td>", rest))
        assert low <= median <= high
