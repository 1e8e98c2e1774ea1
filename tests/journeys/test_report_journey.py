"""The think-tank analyst hands over the Chinese report (issue 23, item 1): she runs
`cityindex report --lang zh -o r.html` in a fresh checkout, prints it to A4, opens it on her
phone and reads the method and the sources in Chinese.

Measured in headless Chromium (`tests.browser`): the journey skips, saying why, only where
Chromium is not installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import (
    BARE_HOST,
    latin_words,
    need_chromium,
    printed_pages,
    screenshot,
    section_text,
    table_cells,
    widths,
)

from .shell import Shell


@pytest.fixture(scope="module")
def report(user: Shell) -> Path:
    """`cityindex report --lang zh -o r.html`, as typed (fewer uncertainty runs)."""
    shown = user.ok("report", "--lang", "zh", "-o", "r.html", "--runs", "200")
    assert shown.out == ""
    assert shown.err == "已写入 r.html\n"  # the one message, in Chinese like the report
    return user.cwd / "r.html"


def test_the_chinese_report_prints_on_at_most_twelve_a4_pages(report: Path) -> None:
    need_chromium()
    assert printed_pages(report) <= 12


def test_the_chinese_report_needs_no_sideways_scroll_on_a_390_pixel_phone(report: Path) -> None:
    need_chromium()
    measured = widths(report, 390)
    assert measured["client_width"] == 390
    assert measured["scroll_width"] <= 390
    shot = screenshot(report, 390, 1600)
    assert shot.stat().st_size > 30_000  # painted: the title, the ranking, the sliders


def test_the_method_reads_in_chinese(report: Path) -> None:
    text = section_text(report.read_text(encoding="utf-8"), "method")
    assert len(latin_words(text)) <= 10, latin_words(text)
    assert "标准化" in text


def test_no_host_name_stands_as_a_publisher(report: Path) -> None:
    rows = table_cells(report.read_text(encoding="utf-8"), "sources")
    assert len(rows) == 33  # one row per document the 11 columns cite
    publishers = [row[1].split("\n")[0] for row in rows]
    assert [p for p in publishers if BARE_HOST.fullmatch(p)] == []
    assert "g.golangjump.com" not in publishers
    assert "loja-hidrogenio.com" not in report.read_text(encoding="utf-8")
