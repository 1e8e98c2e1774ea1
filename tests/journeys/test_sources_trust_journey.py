"""The sceptical reader: asks whose pages the default's values rest on, sees the values that
rest only on unrelated hosts named one by one (exit 1), re-cites one on a government page in the
sources file and sees it leave the list."""

from __future__ import annotations

import csv
import json

from .shell import Shell, assert_no_traceback

SOURCES = "data/cities-2024.sources.csv"


def test_the_default_names_every_value_resting_on_unrelated_hosts_and_exits_1(
    user: Shell,
) -> None:
    shown = user("data", "check", "--format", "json")
    assert shown.code == 1
    assert_no_traceback(shown)
    summary = json.loads(shown.out)["summary"]
    assert summary["host_classes"] == {
        "publisher": 81,
        "government": 20,
        "news": 46,
        "transcription": 92,
        "unrelated": 24,
    }
    assert "error[data.value.unrelated-host]: Jinan pilot_zone = 1: its only source is on " in (
        shown.err
    )
    assert "brand.zhonghongwang.com" in shown.err
    assert "24 problems found" in shown.err


def test_the_table_shows_the_host_classes_in_chinese(user: Shell) -> None:
    shown = user("data", "check", "--lang", "zh", "--format", "markdown")
    assert "### 各类来源站点的数值数（发布方、政府、新闻、转录、无关）" in shown.out
    assert "| 站点类别 | 数据数 |" in shown.out
    assert "| unrelated | 24 |" in shown.out


def test_a_value_re_cited_on_a_government_page_leaves_the_list(user: Shell) -> None:
    path = user.cwd / SOURCES
    with path.open(encoding="utf-8", newline="") as file:
        table = list(csv.DictReader(file))
    row = next(r for r in table if r["unit"] == "Jinan" and r["column"] == "ai_pilot_zone")
    row = {**row, "url": "https://www.jinan.gov.cn/example/pilot-zone.html", "mirror": "true"}
    with path.open("a", encoding="utf-8", newline="") as file:
        csv.DictWriter(file, fieldnames=list(table[0]), lineterminator="\n").writerow(row)
    shown = user("data", "check", "--format", "json")
    assert shown.code == 1
    report = json.loads(shown.out)
    assert report["summary"]["unrelated_only_values"] == 23
    assert ("Jinan", "pilot_zone") not in {
        (r["unit"], r["indicator"]) for r in report["unrelated_only"]
    }
    assert report["summary"]["host_classes"]["government"] == 21
