"""The Excel analyst (issue 23, item 3): an SPSSAU user who hands workbooks on. She writes the
ranking in Chinese, the weights, and the entropy table of the 熵权TOPSIS variant, opens each in
a spreadsheet (openpyxl here), and sends the ranking again the next day from another time
zone: the file must not change."""

from __future__ import annotations

import shlex
import zipfile

import pytest

from .shell import Shell, rows

openpyxl = pytest.importorskip("openpyxl")
ENTROPY = "indicators/ai-city-2024-entropy-topsis.yaml"


def _in_zone(user: Shell, zone: str, *args: str) -> None:
    """`cityindex ARGS…` typed in a shell whose clock is in `zone`."""
    shown = user.line(f"TZ={zone} " + shlex.join([str(user.executable), *args]))
    assert shown.code == 0, shown.err
    assert "Traceback" not in shown.err


def test_the_chinese_ranking_workbook_has_chinese_sheets_and_a_weights_sheet(user: Shell) -> None:
    _in_zone(user, "Asia/Shanghai", "score", "-o", "s.xlsx", "--lang", "zh")
    book = openpyxl.load_workbook(user.cwd / "s.xlsx")
    assert book.sheetnames == ["得分排名", "权重", "方法", "数据来源"]
    ranking = book["得分排名"]
    assert [c.value for c in ranking[1]][:3] == ["排名", "城市", "得分"]
    assert [c.value for c in ranking[2]][:3] == [1, "北京", 1.0]  # names a director reads
    assert ranking["C2"].number_format == "0.0000"  # the index's published precision
    assert isinstance(ranking["A3"].value, int)
    weights = book["权重"]
    assert [c.value for c in weights[1]][:4] == ["指标", "维度", "权重", "有效权重"]
    effective = [r[3] for r in weights.iter_rows(min_row=2, values_only=True)]
    assert sum(effective) == pytest.approx(1.0)
    assert weights["D2"].number_format == "0.0000"
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]


def test_the_same_ranking_written_in_another_time_zone_has_the_same_bytes(user: Shell) -> None:
    _in_zone(user, "Asia/Shanghai", "score", "-o", "s.xlsx", "--lang", "zh")
    _in_zone(user, "America/Los_Angeles", "score", "-o", "again.xlsx", "--lang", "zh")
    assert (user.cwd / "s.xlsx").read_bytes() == (user.cwd / "again.xlsx").read_bytes()


def test_the_weights_workbook_is_a_workbook_with_the_weights_the_csv_prints(user: Shell) -> None:
    shown = user.ok("weights", "-o", "w.xlsx")
    assert shown.err.strip().endswith("wrote w.xlsx")
    assert zipfile.is_zipfile(user.cwd / "w.xlsx")  # was CSV text under this name
    book = openpyxl.load_workbook(user.cwd / "w.xlsx")
    assert book.sheetnames[:2] == ["weights", "group_weights"]
    printed = rows(user.ok("weights", "--format", "csv").out)
    sheet = list(book["weights"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in sheet] == [r["indicator"] for r in printed]
    assert [r[3] for r in sheet] == pytest.approx([float(r["effective_weight"]) for r in printed])


def test_the_entropy_table_is_in_the_spssau_layout(user: Shell) -> None:
    _in_zone(user, "Europe/Berlin", "weights", ENTROPY, "--detail", "-o", "d.xlsx", "--lang", "zh")
    _in_zone(user, "UTC", "weights", ENTROPY, "--detail", "-o", "d2.xlsx", "--lang", "zh")
    assert (user.cwd / "d.xlsx").read_bytes() == (user.cwd / "d2.xlsx").read_bytes()
    book = openpyxl.load_workbook(user.cwd / "d.xlsx")
    assert "熵权法 政策机制" in book.sheetnames
    sheet = book["熵权法 政策机制"]
    assert [c.value for c in sheet[1]] == ["指标", "信息熵值 e", "信息效用值 d", "权重 w"]
    table = list(sheet.iter_rows(min_row=2, values_only=True))
    for _, e, d, _w in table:
        assert d == pytest.approx(1 - e)
    assert sum(r[3] for r in table) == pytest.approx(1.0)
    printed = rows(user.ok("weights", ENTROPY, "--format", "csv").out)
    policy = {r["indicator"]: float(r["weight"]) for r in printed if r["group"] == "policy"}
    assert {r[0]: r[3] for r in table} == pytest.approx(policy)
    assert sheet["D2"].number_format == "0.0000"


def test_the_topsis_table_shows_the_distances_and_the_closeness(user: Shell) -> None:
    shown = user.ok("score", ENTROPY, "--detail", "--lang", "zh", "--format", "table")
    assert "正理想解距离 D⁺" in shown.out
    assert "相对接近度 C" in shown.out
    scores = rows(user.ok("score", ENTROPY, "--format", "csv").out)
    csv_detail = rows(user.ok("score", ENTROPY, "--detail", "--format", "csv").out)
    top = [r for r in csv_detail if r["group"] == "ai-city-2024-entropy-topsis"]
    best = max(top, key=lambda r: float(r["closeness"]))
    assert best["city"] == scores[0]["city"]
    assert best["rank"] == "1"
