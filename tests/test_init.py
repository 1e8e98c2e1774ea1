"""`init`: a starter spec from an analyst's own CSV, which scores at once (issue 23, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

import cityindex
from cityindex.api.starter import init
from cityindex.errors import DataError, UsageError

GBK_SHEET = "城市,数字经济规模,专利数,备注\n杭州,100,2000,好\n宁波,80,,一般\n温州,60,900,\n"


def _gbk(folder: Path, text: str = GBK_SHEET) -> Path:
    path = folder / "d.csv"
    path.write_bytes(text.encode("gbk"))
    return path


def test_a_gbk_sheet_with_chinese_headers_becomes_a_spec_that_scores(tmp_path: Path) -> None:
    text = init(_gbk(tmp_path), output=tmp_path / "d.yaml")
    assert 'unit: "城市"' in text
    assert "language: zh" in text
    assert "Left out (not all numbers): 备注" in text
    frame = cityindex.score(tmp_path / "d.yaml")
    # min-max per indicator, equal weights, re-weighted over present values (宁波 lacks 专利数):
    # 杭州 (1 + 1) / 2 = 1; 温州 (0 + 0) / 2 = 0; 宁波 0.5 / 1 = 0.5; scaled by the best (1).
    assert list(frame.index) == ["杭州", "宁波", "温州"]
    assert frame["score"].tolist() == [1.0, 0.5, 0.0]


def test_the_unit_column_is_the_first_text_column_with_a_value_per_row(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("region,code,gdp\nEast,A1,3\nEast,A2,4\n", encoding="utf-8")
    assert 'unit: "code"' in init(path)


def test_an_existing_spec_is_not_replaced_without_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "d.yaml"
    target.write_text("mine\n", encoding="utf-8")
    with pytest.raises(UsageError, match="exists"):
        init(_gbk(tmp_path), output=target)
    assert target.read_text(encoding="utf-8") == "mine\n"
    init(_gbk(tmp_path), output=target, overwrite=True)
    assert "indicators:" in target.read_text(encoding="utf-8")


def test_a_sheet_without_numbers_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("city,note\nA,x\nB,y\n", encoding="utf-8")
    with pytest.raises(DataError, match="nothing to score"):
        init(path)
