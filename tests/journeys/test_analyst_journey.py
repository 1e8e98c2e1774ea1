"""The analyst: scores the default index, asks why Shenzhen scores what it does, writes the
HTML report and opens it in a browser."""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

from .shell import Shell, rows

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def report(user: Shell) -> Path:
    """`cityindex report --output r.html`, once for the journey (fewer uncertainty runs)."""
    shown = user.ok("report", "--output", "r.html", "--runs", "200")
    assert shown.out == ""
    assert shown.err.count("wrote r.html") == 1  # said once
    return user.cwd / "r.html"


def table_rows(text: str) -> dict[str, list[str]]:
    """The cells of each body row of a terminal table, keyed by its second cell (the unit)."""
    found = {}
    for line in text.splitlines():
        if line.startswith("│"):
            cells = [cell.strip() for cell in line.strip("│").split("│")]
            found[cells[1]] = cells
    return found


def test_the_table_shows_the_published_top_three_with_integer_ranks(
    user: Shell, published: list[dict[str, str]]
) -> None:
    shown = user.ok("score", "--format", "table")
    header = next(line for line in shown.out.splitlines() if line.startswith("┃"))
    assert [cell.strip() for cell in header.strip("┃").split("┃")][:3] == ["rank", "city", "score"]
    table = table_rows(shown.out)
    for city in published:
        rank, unit, score = table[city["unit"]][:3]
        assert (rank, unit) == (city["rank"], city["unit"])
        assert float(score) == float(city["score"])
    ranks = [int(cells[0]) for cells in table.values()]
    assert ranks == sorted(ranks)
    assert ranks[0] == 1


def test_explain_states_the_score_and_rank_and_the_contributions_add_up_to_it(
    user: Shell, published: list[dict[str, str]]
) -> None:
    shenzhen = next(city for city in published if city["unit"] == "Shenzhen")
    shown = user.ok("explain", "Shenzhen", "--format", "table")
    assert f"Shenzhen: score {shenzhen['score']} " in shown.out
    assert f"rank {shenzhen['rank']} of " in shown.out
    nodes = rows(user.ok("explain", "Shenzhen", "--format", "csv").out)
    contributions = [float(n["contribution"]) for n in nodes if n["kind"] == "indicator"]
    assert round(math.fsum(contributions), 4) == float(shenzhen["score"])


def test_the_report_is_one_offline_page_with_the_published_scores(
    report: Path, published: list[dict[str, str]]
) -> None:
    text = report.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>")
    # inline script (the weight sliders) is fine; nothing may be loaded from elsewhere
    assert re.search(r"<(script|img|iframe)[^>]*\ssrc=", text, re.IGNORECASE) is None
    assert re.search(r"<link[^>]*\shref=", text, re.IGNORECASE) is None
    assert re.search(r"url\(\s*['\"]?(https?:)?//", text) is None
    for city in published:
        assert city["unit"] in text
        assert city["score"] in text


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless Chromium is not installed: apt-get install -y chromium fonts-noto-cjk",
)
def test_the_report_opens_in_a_browser_as_a_painted_page(report: Path) -> None:
    """A screenshot in headless Chromium holds many colours and much ink: charts, not blank."""
    shot = report.with_suffix(".png")
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
            f"--user-data-dir={report.parent / 'chromium-profile'}",
            f"--screenshot={shot}",
            "--window-size=1200,2400",
            report.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    pixels = image.imread(shot)[:, :, :3]
    assert pixels.shape[:2] == (2400, 1200)
    colours = np.unique((pixels * 255).round().astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 50
    ink = (pixels < 0.9).any(axis=2).mean()
    assert ink > 0.05
