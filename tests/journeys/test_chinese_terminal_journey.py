"""A Chinese reader at the terminal (issue 23, item 2): with `--lang zh` the default index's
commands speak Chinese on stderr from the first line to the last — no "note:" beside "提示：" —
and name the cities in Chinese in their tables, while a script's CSV keeps the ids."""

from __future__ import annotations

import re

from .shell import PUBLISHED, Shell, rows

ENGLISH_FRAME = re.compile(r"^(note|warning|ok|error)\b|^wrote |= (key path|expected|got|hint):")


def _english_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if ENGLISH_FRAME.search(line.strip())]


def test_every_message_of_her_session_is_chinese(user: Shell) -> None:
    said = [
        user.ok("score", "--lang", "zh", "-o", "s.csv"),
        user.ok("check", "--against", PUBLISHED, "--lang", "zh", "--format", "csv"),
        user.ok("sources", "--unit", "深圳", "--lang", "zh", "-o", "src.csv"),
        user("data", "check", "--lang", "zh", "--format", "json"),
    ]
    assert [_english_lines(s.err) for s in said] == [[], [], [], []]
    assert said[0].err == "已写入 s.csv\n"
    assert said[1].err.strip().endswith("（n = 3 个单位）；已复现")
    # the shipped data check fails (24 values on unrelated hosts only), in Chinese
    assert said[3].code == 1
    assert [line[:3] for line in said[3].err.splitlines()[:2]] == ["警告：", "错误["]
    assert said[3].err.strip().endswith("共发现 24 个问题")
    wrong = user("score", "--lang", "zh", "--set", "groups.policy.wieght=1")
    assert wrong.code == 1
    assert wrong.err.startswith("错误[spec.key.unknown]：")
    assert _english_lines(wrong.err) == []


def test_her_tables_name_cities_in_chinese_and_her_csv_keeps_ids(user: Shell) -> None:
    table = user.ok("data", "check", "--lang", "zh", "--format", "markdown", "--no-sources").out
    assert "| 北京 | 11 | 0 | 1.00 |" in table
    stage = user.ok("score", "--stage", "raw", "--lang", "zh", "--format", "markdown").out
    assert "| 深圳 |" in stage
    assert "| Shenzhen |" not in stage
    compared = user.ok(
        "compare", "--set", "groups.policy.weight=0.4", "--lang", "zh", "--format", "markdown"
    )
    assert "| 北京 | 1 | 1 | 0 |" in compared.out
    csv_rows = rows(user.ok("sources", "--unit", "深圳", "--lang", "zh", "--format", "csv").out)
    assert {r["unit"] for r in csv_rows} == {"Shenzhen"}
