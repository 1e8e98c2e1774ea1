"""The reviewer who re-fits the default: edits a dimension weight in the YAML, sees the caption
say the weights changed since calibration, re-fits the file in place with `cityindex calibrate`,
and gets the published three back, with the Chinese calibration note still in the file and in
the Chinese report (a re-fit used to drop it)."""

from __future__ import annotations

import re

from .shell import Shell

SPEC = "indicators/ai-city-2024.yaml"
SEED = "seeds/ai-city-competitiveness-2024.csv"


def test_a_weight_edited_and_re_fitted_in_place_gives_back_the_published_three(
    user: Shell,
) -> None:
    path = user.cwd / SPEC
    text = path.read_text(encoding="utf-8")
    edited = re.sub(
        r"(  infrastructure:\n(?:    .*\n)*?    weight: )[0-9.]+", r"\g<1>0.2", text, count=1
    )
    assert edited != text
    path.write_text(edited, encoding="utf-8")

    moved = user.ok("score", "--format", "csv")
    assert moved.out.splitlines()[2].split(",")[:3] != ["2", "Shenzhen", "0.7449"]
    caption = " ".join(user.ok("score", "--top", "3", "--format", "table").out.split())
    assert "weights changed since calibration" in caption

    fitted = user.ok("calibrate", SPEC, "--target", SEED, "--date", "2026-12-08", "-o", SPEC)
    assert "calibration reproduces" in fitted.err
    back = [line.split(",")[:3] for line in user.ok("score", "--format", "csv").out.splitlines()]
    assert back[1:4] == [
        ["1", "Beijing", "1.0000"],
        ["2", "Shenzhen", "0.7449"],
        ["3", "Shanghai", "0.6266"],
    ]
    refitted = path.read_text(encoding="utf-8")
    assert "  note_zh: 原报告的权重和原始数据并未公开；" in refitted
    assert refitted.count("weights_sha256:") == 1

    user.ok("report", "--lang", "zh", "-o", "r.html")
    page = (user.cwd / "r.html").read_text(encoding="utf-8")
    assert "原报告的权重和原始数据并未公开" in page
    assert "They are not the report's method" not in page
