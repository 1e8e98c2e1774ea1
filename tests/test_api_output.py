"""`cityindex.report` and `cityindex.plot`: the page and the charts the commands write."""

from __future__ import annotations

from pathlib import Path

import pytest

import cityindex
from cityindex.cli import run
from cityindex.errors import UsageError
from cityindex.render.report.charts import render

PLAN = "uncertainty:\n  runs: 200\n  seed: 1\n  weight_noise:\n    - {level: 1, fraction: 0.5}\n"


def test_report_returns_the_page_the_command_writes(hand: Path) -> None:
    hand.write_text(hand.read_text(encoding="utf-8") + PLAN, encoding="utf-8")
    written = hand.parent / "cli.html"
    assert run(["report", str(hand), "--output", str(written), "--top", "2"]) == 0
    out = hand.parent / "api.html"
    page = cityindex.report(hand, output=out, top=2)
    assert page == written.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "200 Monte Carlo runs (seed 1)" in page
    assert '<figure id="chart-uncertainty"><svg' in page


def test_report_with_fewer_runs_and_in_chinese(hand: Path) -> None:
    hand.write_text(hand.read_text(encoding="utf-8") + PLAN, encoding="utf-8")
    page = cityindex.report(hand, runs=30, lang="zh")
    assert "30 次蒙特卡洛模拟（随机种子 1）" in page  # the runs asked for, not the plan's 200
    with pytest.raises(UsageError):
        cityindex.report(hand, lang="fr")


def test_report_compares_with_another_spec_on_the_same_data(hand: Path) -> None:
    other = hand.parent / "other.yaml"
    other.write_text(
        hand.read_text(encoding="utf-8").replace("weight: 3", "weight: 1"), encoding="utf-8"
    )
    written = hand.parent / "cli.html"
    assert run(["report", str(hand), "--compare", str(other), "-o", str(written)]) == 0
    assert cityindex.report(hand, compare=other) == written.read_text(encoding="utf-8")


def test_plot_returns_the_figure_the_command_saves(hand: Path) -> None:
    written = hand.parent / "bar.svg"
    assert run(["plot", "bar", str(hand), "--output", str(written)]) == 0
    figure = cityindex.plot("bar", hand)
    assert render(figure, "svg") == written.read_bytes()
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert sorted(labels) == ["A", "B", "C", "D"]


def test_plot_of_an_unknown_kind_is_bad_usage_with_a_suggestion(hand: Path) -> None:
    with pytest.raises(UsageError) as caught:
        cityindex.plot("bra", hand)
    assert caught.value.issues[0].hint == "did you mean 'bar'?"
