"""The report's rank-interval note names the plan's uncertain inputs in the reader's
language: it printed the plan's ids (``methods.normalise, leave_one_out, weight_noise:…``)
in English under zh."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cityindex.cli import run
from cityindex.render.plan_inputs import input_words

PLAN = """\
uncertainty:
  runs: 50
  seed: 3
  top_k: 2
  alternatives:
    - {path: methods.normalise, options: [{method: min_max, range: [0, 1]}, {method: rank}]}
  leave_one_out: true
  weight_noise:
    - {level: 1, fraction: 0.2}
    - {level: 2, fraction: 0.1, name: dimension weights}
"""


def _note(hand: Path, lang: str) -> str:
    hand.write_text(hand.read_text(encoding="utf-8") + PLAN, encoding="utf-8")
    out = hand.parent / f"report-{lang}.html"
    assert run(["report", str(hand), "--lang", lang, "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    section = text[text.index('id="uncertainty"') : text.index('id="framework"')]
    notes = [
        n
        for n in re.findall(r"<figcaption class=\"note\">(.*?)</figcaption>", section)
        if "50" in n
    ]
    assert len(notes) == 1, section
    return notes[0]


def test_the_chinese_note_names_every_varied_input_in_chinese(hand: Path) -> None:
    assert _note(hand, "zh") == (
        "50 次蒙特卡洛模拟（随机种子 3）；进入前k概率 = P(排名 ≤ 2)；扰动的输入："
        "备选标准化方法（methods.normalise）、逐一剔除单个指标、权重扰动（第 1 层）、"
        "权重扰动（dimension weights）。"
    )


def test_the_english_note_says_the_same_in_words(hand: Path) -> None:
    assert _note(hand, "en") == (
        "50 Monte Carlo runs (seed 3); P(top k) = P(rank ≤ 2); inputs varied: "
        "alternative normalisation (methods.normalise); leaving out one indicator at a time; "
        "weight noise (level 1); weight noise (dimension weights)."
    )


@pytest.mark.parametrize(
    ("name", "zh", "en"),
    [
        ("weight_set", "备选权重方案", "alternative weight sets"),
        (
            "groups.g1.methods.aggregate.method",
            "备选聚合方法（groups.g1.methods.aggregate.method）",
            "alternative aggregation (groups.g1.methods.aggregate.method)",
        ),
        (
            "groups.g1.weight",
            "备选取值（groups.g1.weight）",
            "alternative value (groups.g1.weight)",
        ),
        ("weight_noise:levels 1,2", "权重扰动（第 1、2 层）", "weight noise (levels 1,2)"),
        ("weight_noise:depth 1", "权重扰动（自上而下第 1 层）", "weight noise (depth 1)"),
    ],
)
def test_each_kind_of_input_has_its_words(name: str, zh: str, en: str) -> None:
    assert input_words(name, "zh") == zh
    assert input_words(name, "en") == en


def test_the_uncertainty_tables_caption_names_the_inputs_in_chinese(
    hand: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # the caption on one line
    hand.write_text(hand.read_text(encoding="utf-8") + PLAN, encoding="utf-8")
    assert run(["uncertainty", str(hand), "--lang", "zh", "-f", "table"]) == 0
    out = capsys.readouterr().out
    assert "扰动的输入：备选标准化方法（methods.normalise）、逐一剔除单个指标、" in out
    assert "leave_one_out" not in out
