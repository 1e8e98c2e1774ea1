""" "Calibrated to reproduce the published figures" is said only while it is true.

`cityindex calibrate` records a digest of the calibrated weights in the `calibration:` block;
`score`'s caption and the report's Method section make the claim only while the weights used
match it, and say the weights were changed since calibration after an edit or a `--set`
(when `check` fails too). A block without a digest is shown as not verified.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cityindex import compute, load_data, load_spec
from cityindex.analysis.calibration_claim import DIGEST_KEY, calibration_claim, weights_digest
from cityindex.cli import run
from tests.test_calibrate import DATA, UNBOUNDED, _reference

ROOT = Path(__file__).parents[1]
DEFAULT = ROOT / "indicators" / "ai-city-2024.yaml"
SEED = ROOT / "seeds" / "ai-city-competitiveness-2024.csv"
CALIBRATED = "weights calibrated to reproduce ../seeds/ai-city-competitiveness-2024.csv"
CHANGED = "weights changed since calibration"


def _caption(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert run(["score", *args, "--format", "table", "--top", "1"]) == 0
    return " ".join(capsys.readouterr().out.split())  # the caption wraps at the table width


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The shipped default spec copied beside the shipped data and seeds."""
    (tmp_path / "indicators").mkdir()
    for folder in ("data", "seeds"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    shutil.copy(DEFAULT, tmp_path / "indicators" / DEFAULT.name)
    return tmp_path / "indicators" / DEFAULT.name


def test_every_shipped_calibration_block_has_a_digest_matching_its_weights() -> None:
    blocks = 0
    for path in sorted((ROOT / "indicators").glob("*.yaml")):
        spec = load_spec(path)
        if spec.calibration is None:
            continue
        blocks += 1
        result = compute(spec, load_data(spec.index.data, unit=spec.index.unit))
        claim = calibration_claim(spec, result)
        assert claim is not None
        assert claim.status == "calibrated", path.name
    assert blocks == 2


def test_the_default_caption_claims_calibration_until_a_weight_is_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert CALIBRATED in _caption(capsys, str(DEFAULT))
    changed = _caption(capsys, str(DEFAULT), "--set", "groups.policy.weight=0.5")
    assert CALIBRATED not in changed
    assert f"{CHANGED}: the published figures of ../seeds/ai-city-competitiveness-2024.csv" in (
        changed
    )
    # the claim and `check` agree
    args = ["check", str(DEFAULT), "--against", str(SEED), "-f", "csv"]
    assert run(args) == 0
    assert run([*args, "--set", "groups.policy.weight=0.5"]) == 1


def _with_policy_weight(text: str, weight: str) -> str:
    """The spec text with the policy group's own `weight:` line set to `weight`."""
    edited, n = re.subn(
        r"(\n  policy:\n(?:    (?!weight:).*\n)*    weight: )\S+", rf"\g<1>{weight}", text, count=1
    )
    assert n == 1
    assert edited != text
    return edited


def test_a_yaml_edit_of_a_weight_is_a_change_since_calibration(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = copy.read_text(encoding="utf-8")
    copy.write_text(_with_policy_weight(text, "0.4"), encoding="utf-8")
    assert CHANGED in _caption(capsys, str(copy))


def test_scaling_a_groups_weights_keeps_the_digest(copy: Path) -> None:
    """Weights are relative within a group: doubling both of a group's changes nothing."""
    text = copy.read_text(encoding="utf-8")
    flag = "absent: zero, unit: flag"
    text = text.replace(f"weight: 0.5, {flag}", f"weight: 1.0, {flag}")
    copy.write_text(text, encoding="utf-8")
    spec = load_spec(copy)
    assert [i.weight for i in spec.indicators()[:2]] == [1.0, 1.0]
    result = compute(spec, load_data(spec.index.data, unit="city"))
    assert weights_digest(result.weights) == spec.calibration[DIGEST_KEY]  # type: ignore[index]


def test_a_block_without_a_digest_is_not_verified(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = copy.read_text(encoding="utf-8")
    copy.write_text(re.sub(r"\n  weights_sha256: \w+", "", text), encoding="utf-8")
    caption = _caption(capsys, str(copy))
    assert "(not verified: the calibration: block has no weights_sha256" in caption
    assert CALIBRATED not in caption


def test_stamp_restores_the_digest_and_refuses_weights_that_do_not_reproduce(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = copy.read_text(encoding="utf-8")
    copy.write_text(re.sub(r"\n  weights_sha256: \w+", "", original), encoding="utf-8")
    args = ["calibrate", str(copy), "--target", str(SEED), "--stamp", "-o", str(copy)]
    assert run(args) == 0
    assert copy.read_text(encoding="utf-8") == original
    edited = _with_policy_weight(original, "0.4")
    copy.write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert run(args) == 1
    assert "calibrate.stamp.not-reproduced" in capsys.readouterr().err
    assert copy.read_text(encoding="utf-8") == edited


def test_calibrate_writes_the_digest_and_an_edit_after_it_shows(
    hand: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (hand.parent / "data.csv").write_text(DATA)
    target = _reference(hand, ["groups.g1.weight=1", "groups.g2.weight=2"], decimals=4)
    seed = tmp_path / "seed.csv"
    rows = [
        f"{u},{s:.4f},{int(r)},generated"
        for u, s, r in zip(target.units, target.scores, target.ranks, strict=True)
    ]
    seed.write_text("unit,score,rank,source\n" + "\n".join(rows) + "\n")
    out = tmp_path / "fitted.yaml"
    args = ["calibrate", str(hand), "--target", str(seed), "-o", str(out), "-f", "csv"]
    assert run([*args, *UNBOUNDED]) == 0
    assert re.search(r"\n  weights_sha256: [0-9a-f]{64}\n", out.read_text())
    assert "weights calibrated to reproduce seed.csv" in _caption(capsys, str(out))
    assert CHANGED in _caption(capsys, str(out), "--set", "groups.g1.weight=5")


def test_the_report_method_section_says_weights_changed_after_a_set(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    args = ["report", str(DEFAULT), "-o", str(report), "--runs", "100"]
    assert run([*args, "--set", "groups.policy.weight=0.5"]) == 0
    html = report.read_text(encoding="utf-8")
    assert "<b>Weights changed since calibration</b>" in html
    assert "<b>Calibrated weights</b>" not in html


def test_the_chinese_report_says_weights_changed_after_a_set(tmp_path: Path) -> None:
    """The same claim in the reader's language: --lang zh after a --set."""
    report = tmp_path / "report.html"
    args = ["report", str(DEFAULT), "-o", str(report), "--runs", "100", "--lang", "zh"]
    assert run([*args, "--set", "groups.policy.weight=0.5"]) == 0
    html = report.read_text(encoding="utf-8")
    assert "<b>权重在校准后已被修改</b>" in html
    assert "<b>校准权重</b>" not in html
    assert run(args) == 0
    assert "<b>校准权重</b>" in report.read_text(encoding="utf-8")


def test_calibrating_the_default_in_place_keeps_its_chinese_note(copy: Path) -> None:
    """A re-fit in place writes the block anew: its Chinese note (what the zh report prints)
    is written with it, not dropped, and the re-fit leaves the weights where they are."""
    before = copy.read_text(encoding="utf-8")
    args = ["calibrate", str(copy), "--target", str(SEED), "--date", "2026-12-08", "-o", str(copy)]
    assert run([*args, "-f", "csv"]) == 0
    after = copy.read_text(encoding="utf-8")
    assert "  note_zh: 原报告的权重和原始数据并未公开；" in after
    assert "使本规格文件能复现已公布的得分。它们并非原报告的方法。" in after
    digest = re.compile(r"weights_sha256: ([0-9a-f]{64})")
    assert digest.findall(after) == digest.findall(before)
