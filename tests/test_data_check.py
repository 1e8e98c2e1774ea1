"""`cityindex data check`: a data-quality report that fails on a value without a source."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from cityindex.analysis.data_quality import note_flags
from cityindex.cli import run
from tests.test_sources import HAND_SOURCES

ROOT = Path(__file__).parents[1]


@pytest.fixture
def sourced(hand: Path) -> Path:
    (hand.parent / "data.sources.csv").write_text(HAND_SOURCES, encoding="utf-8")
    return hand


def _report(spec: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    code = run(["data", "check", str(spec), "--format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_a_fully_sourced_table_passes_with_counts(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, err = _report(sourced, capsys)
    assert code == 0
    summary = report["summary"]
    assert (summary["units"], summary["indicators"], summary["cells"]) == (4, 3, 12)
    assert summary["filled"] == 12
    assert summary["unsourced_values"] == 0
    assert err.startswith("ok: 4 units × 3 indicators: 12/12 cells filled")


def test_a_value_lacking_a_source_exits_1_and_is_named(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sourced.parent / "data.sources.csv"
    path.write_text("\n".join(line for line in HAND_SOURCES.splitlines() if line[:5] != "C,x2,"))
    code, report, err = _report(sourced, capsys)
    assert code == 1
    assert report["unsourced"] == [
        {"unit": "C", "indicator": "x2", "column": "x2", "value": "20", "reason": "NO SOURCE"}
    ]
    assert "data.value.unsourced" in err
    assert "C x2 = 20: NO SOURCE" in err


def test_a_source_row_with_an_empty_url_is_no_source(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sourced.parent / "data.sources.csv"
    path.write_text(HAND_SOURCES.replace("B,x3,2,2024,https://example.org/x3", "B,x3,2,2024,"))
    code, report, _ = _report(sourced, capsys)
    assert code == 1
    assert report["unsourced"][0]["reason"] == "NO SOURCE: the sources row has no url"


def test_missing_cells_are_counted_per_unit_and_per_indicator(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = sourced.parent / "data.csv"
    data.write_text(data.read_text().replace("C,30,20,0", "C,30,,").replace("A,10,5,4", "A,10,,4"))
    code, report, _ = _report(sourced, capsys)
    assert code == 0
    by_unit = {r["unit"]: r for r in report["units"]}
    assert (by_unit["C"]["missing"], by_unit["C"]["missing_indicators"]) == (2, "x2 x3")
    assert by_unit["C"]["coverage"] == pytest.approx(1 / 3)
    by_ind = {r["indicator"]: r for r in report["indicators"]}
    assert (by_ind["x2"]["present"], by_ind["x2"]["missing"]) == (2, 2)
    assert by_ind["x2"]["years"] == "2023"
    assert report["summary"]["filled"] == 9


def test_flags_in_notes_are_reported(sourced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, report, _ = _report(sourced, capsys)
    flagged = {(r["unit"], r["indicator"]): r["flags"] for r in report["flagged"]}
    assert flagged == {
        ("A", "x2"): "PROXY",
        ("B", "x2"): "PROXY",
        ("C", "x2"): "PROXY",
        ("D", "x2"): "PROXY",
        ("A", "x3"): "lower bound",
    }


def test_note_flags_read_the_readme_tags_and_not_ordinary_words() -> None:
    assert note_flags("RANK (lower_is_better); approx; OLD (2020)") == ["approx", "RANK", "OLD"]
    assert note_flags("rank in the proxy table, old news") == []
    assert note_flags("an estimate; AI-specific but LATER YEAR") == ["estimate", "LATER YEAR"]


def test_one_extreme_value_among_five_is_an_outlier_by_coinrs_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One 1 among n-1 zeros: skew = sqrt(n), excess kurtosis = n (e1071 type 2 / Excel).

    By hand: Σd² = (n-1)/n, Σd³ = (n-1)(n-2)/n², so g1 = (n-2)/√(n-1) and
    G1 = g1·√(n(n-1))/(n-2) = √n. For n = 5: skew 2.236 >= 2 and kurtosis 5 >= 3.5, so the
    indicator fails COINr's check and winsorising moves E's value.
    """
    (tmp_path / "d.csv").write_text("unit,x,y\nA,0,1\nB,0,2\nC,0,3\nD,0,4\nE,1,5\n")
    lines = ["unit,column,value,year,url,note"] + [
        f"{u},{c},{v},2024,https://e.org,n"
        for u, row in zip("ABCDE", [(0, 1), (0, 2), (0, 3), (0, 4), (1, 5)], strict=True)
        for c, v in zip("xy", row, strict=True)
    ]
    (tmp_path / "d.sources.csv").write_text("\n".join(lines) + "\n")
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "index: {id: s, title: S, data: d.csv, unit: unit}\n"
        "methods: {normalise: {method: min_max}}\n"
        "groups:\n  g:\n    weight: 1\n    indicators:\n"
        "      x: {column: x, direction: higher_is_better, weight: 1}\n"
        "      y: {column: y, direction: higher_is_better, weight: 1}\n"
    )
    code, report, _ = _report(spec, capsys)
    assert code == 0
    assert [o["indicator"] for o in report["outliers"]] == ["x"]
    x = report["outliers"][0]
    assert x["skew"] == pytest.approx(np.sqrt(5))
    assert x["kurtosis"] == pytest.approx(5.0)
    assert x["units"] == "E"
    y = next(r for r in report["indicators"] if r["indicator"] == "y")
    assert (y["skew"], y["outlier"]) == (pytest.approx(0.0), False)


def test_csv_lists_one_finding_per_row(sourced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["data", "check", str(sourced), "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["kind"] for r in rows] == ["flagged"] * 5


def test_the_shipped_data_files_have_a_source_for_every_value_and_name_their_unrelated_hosts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every shipped value has a source; those resting on unrelated hosts only fail the check.

    The default index: 27 values (22 supercomputing-centre values whose only page is Douyin
    Baike, a wiki — the 18 zeros and 4 centres — and 5 pilot-zone flags read on reprints of
    unrelated hosts); the development index on the panel: its older pilot/pioneer-zone and
    unicorn rows.
    """
    assert run(["data", "check", "--format", "csv"]) == 1
    assert "24 problems found" in capsys.readouterr().err
    # The panel does not carry the list columns of the 2026-12 default index; the shipped spec
    # whose columns it does carry is the development index.
    panel = ROOT / "data" / "cities-panel.csv"
    development = str(ROOT / "indicators" / "ai-city-development-2023.yaml")
    for year, unrelated in (("2022", 31), ("2023", 32), ("2024", 60)):
        args = ["data", "check", development, "--data", str(panel), "--year", year, "-f", "json"]
        assert run(args) == 1
        summary = json.loads(capsys.readouterr().out)["summary"]
        assert summary["unsourced_values"] == 0
        assert summary["unrelated_only_values"] == unrelated


def test_a_value_whose_only_source_is_an_unrelated_host_exits_1_and_is_named(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One row of x1 is re-cited on a reprint of an unknown host; the rest are on news sites,
    a government site, Wikisource, or the publisher's own site (mirror false)."""
    lines = HAND_SOURCES.splitlines()
    urls = {
        "A,x1": ("http://game.example-shop.com/news/1.html", "true"),
        "B,x1": ("https://www.chinanews.com.cn/cj/x1.shtml", "true"),
        "C,x1": ("https://jxj.wuhan.gov.cn/x1.html", "true"),
        "D,x1": ("https://zh.wikisource.org/wiki/x1", "true"),
    }
    rows = []
    for line in lines[1:]:
        url, mirror = urls.get(line[:4], ("https://example.org/own", "false"))
        cells = line.split(",")
        rows.append(",".join([*cells[:4], url, *cells[5:]]) + f",P,T,{mirror}")
    header = lines[0] + ",publisher,title,mirror"
    (sourced.parent / "data.sources.csv").write_text("\n".join([header, *rows]) + "\n")
    code, report, err = _report(sourced, capsys)
    assert code == 1
    assert report["unrelated_only"] == [
        {
            "unit": "A",
            "indicator": "x1",
            "value": "10",
            "host": "game.example-shop.com",
            "publisher": "P",
            "title": "T",
            "url": "http://game.example-shop.com/news/1.html",
        }
    ]
    assert report["hosts"] == [
        {"host_class": "publisher", "values": 8},
        {"host_class": "government", "values": 1},
        {"host_class": "news", "values": 1},
        {"host_class": "transcription", "values": 1},
        {"host_class": "unrelated", "values": 1},
    ]
    assert report["summary"]["unrelated_only_values"] == 1
    assert "error[data.value.unrelated-host]: A x1 = 10: its only source is on " in err
    assert "game.example-shop.com" in err


def test_a_second_source_on_a_trusted_host_clears_an_unrelated_one(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value counts under the best class among its sources: a news reprint beside the
    unrelated one makes it pass."""
    lines = HAND_SOURCES.splitlines()
    header = lines[0] + ",publisher,title,mirror"
    rows = [line + ",P,T,false" for line in lines[1:]]
    rows[0] = lines[1].replace("https://example.org/x1", "http://shop.example.com/a") + ",P,T,true"
    rows.append(
        lines[1].replace("https://example.org/x1", "https://j.people.com.cn/a") + ",P,T,true"
    )
    (sourced.parent / "data.sources.csv").write_text("\n".join([header, *rows]) + "\n")
    code, report, _ = _report(sourced, capsys)
    assert code == 0
    assert report["unrelated_only"] == []
    assert report["summary"]["host_classes"]["news"] == 1


def test_without_a_sources_file_the_full_report_prints_then_one_error_names_the_path(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, err = _report(hand, capsys)
    assert code == 1
    assert report["summary"]["filled"] == 12
    assert report["summary"]["sources_checked"] is False
    assert report["summary"]["unsourced_values"] is None
    assert [r["indicator"] for r in report["indicators"]] == ["x1", "x2", "x3"]
    expected = hand.parent / "data.sources.csv"
    assert err.splitlines()[0] == (
        f"error[sources.file.not-found]: no sources file for {hand.parent / 'data.csv'}: "
        f"expected {expected} (the report above checked the data only)"
    )
    assert "pass --no-sources to check the data alone" in err
    assert run(["data", "check", str(hand), "--format", "table"]) == 1
    table = capsys.readouterr().out
    assert "Indicators: coverage, years, outliers" in table
    assert "Values without a source" not in table  # not judged: not shown as "none"


def test_no_sources_checks_the_data_alone_and_passes(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["data", "check", str(sourced), "--format", "json", "--no-sources"])
    captured = capsys.readouterr()
    assert code == 0
    report = json.loads(captured.out)
    assert report["flagged"] == []  # the sources file exists but was not read
    assert captured.err.strip() == (
        "ok: 4 units × 3 indicators: 12/12 cells filled (100%), 0 outlier indicator(s); "
        "sources not checked (--no-sources)"
    )


def test_values_resting_on_a_mirror_only_are_counted_and_warned_about(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """x1's four values are read on a mirror; x2's have an original; x3 has no origin columns."""
    lines = HAND_SOURCES.splitlines()
    header = lines[0] + ",publisher,title,mirror"
    rows = [
        line.replace("example.org", "news.cn") + ",P,T,true"  # a news outlet's reprint
        if line.split(",")[1] == "x1"
        else line + ",P,T,false"
        for line in lines[1:]
    ]
    (sourced.parent / "data.sources.csv").write_text("\n".join([header, *rows]) + "\n")
    code, report, err = _report(sourced, capsys)
    assert code == 0
    assert report["summary"]["mirror_only_values"] == 4
    assert {(m["unit"], m["indicator"]) for m in report["mirror_only"]} == {
        (u, "x1") for u in "ABCD"
    }
    assert "warning: 4 value(s) rest on a mirror only" in err
    assert "4 value(s) resting on a mirror only" in err


def test_top_restricts_the_report_to_the_best_ranked_units(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hand spec ranks D, A, B, C: the top two are D and A."""
    assert run(["data", "check", str(sourced), "--top", "2", "--format", "json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert [r["unit"] for r in report["units"]] == ["D", "A"]
    assert report["summary"]["cells"] == 6
    assert "(the 2 best-ranked)" in captured.err


def test_the_default_index_fills_80_percent_over_its_best_15_and_says_how_many_rest_on_mirrors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["data", "check", "--top", "15", "--format", "json"]) == 1
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["units"] == 15
    assert summary["indicators"] == 11
    assert summary["filled_share"] >= 0.8
    assert summary["unsourced_values"] == 0
    assert 0 < summary["mirror_only_values"] < summary["filled"]
    assert summary["host_classes"] == {
        "publisher": 47,
        "government": 7,
        "news": 30,
        "transcription": 47,
        "unrelated": 10,
    }


def test_the_default_index_counts_every_value_by_its_host_class(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """263 sourced values: 18 pioneer-zone zeros now on the Nanjing government's page, Hangzhou's
    pilot-zone flag on Zhejiang Online and Chongqing's on a Chongqing district government page;
    8 cities' supercomputing centres now on People's Daily, Xinhua, CGTN, China.org.cn or the
    centre's own site; what still rests on unrelated hosts only is the rest of the supercomputing
    proxy (its complete list is on a wiki: 18 zeros and 4 centres) and 2 pilot-zone flags
    (Tianjin, Hefei and Guangzhou moved to tj.gov.cn, China Daily and MOST's own letter)."""
    assert run(["data", "check", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["host_classes"] == {
        "publisher": 81,
        "government": 20,
        "news": 46,
        "transcription": 92,
        "unrelated": 24,
    }
    unrelated = {(r["unit"], r["indicator"]) for r in report["unrelated_only"]}
    pilot = {u for u, i in unrelated if i == "pilot_zone"}
    assert pilot == {"Chengdu", "Jinan"}
    assert {i for _, i in unrelated} == {"pilot_zone", "supercomputing_centres"}
    centres = {u for u, i in unrelated if i == "supercomputing_centres"}
    assert {"Shenzhen", "Guangzhou", "Tianjin", "Jinan", "Changsha"}.isdisjoint(centres)
    assert {"Suzhou", "Chongqing", "Xi'an", "Jiaxing", "Beijing", "Shanghai"} <= centres
    assert len(unrelated) == 24
