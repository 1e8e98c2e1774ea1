"""`calibrate` keeps dimensions in a weight band and indicators under a share, by default.

A hand-made spec of three one-indicator dimensions, not normalised: a unit's score is the
weighted sum of its values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cityindex
from cityindex.cli import run

SPEC = """\
index: {id: t, title: T, unit: city, data: data.csv}
methods: {normalise: none}
groups:
  d1: {weight: 1, indicators: {x1: {direction: higher_is_better}}}
  d2: {weight: 1, indicators: {x2: {direction: higher_is_better}}}
  d3: {weight: 1, indicators: {x3: {direction: higher_is_better}}}
"""
DATA = "city,x1,x2,x3\nA,1,0,0.5\nB,0,1,0.5\nC,0.5,0.5,1\nD,0.2,0.2,0.2\n"
NEAR = "unit,score,rank,source\nA,0.4750,3,t\nB,0.5250,2,t\nC,0.6750,1,t\n"
"""Made by weights 0.3, 0.35, 0.35 (inside the band): A = 0.475, B = 0.525, C = 0.675."""
FAR = "unit,score,rank,source\nA,0.5000,2,t\nB,0.5000,2,t\nC,0.7000,1,t\n"
"""Made by weights 0.3, 0.3, 0.4: d3 above 0.35. The closest in-band fit is 0.325, 0.325,
0.35: A and B score 0.5 whatever d3 weighs, C = 0.5 + w3 / 2 = 0.675, a residual of -0.025."""


@pytest.fixture
def three(tmp_path: Path) -> Path:
    (tmp_path / "data.csv").write_text(DATA)
    (tmp_path / "near.csv").write_text(NEAR)
    (tmp_path / "far.csv").write_text(FAR)
    spec = tmp_path / "three.yaml"
    spec.write_text(SPEC)
    return spec


def _calibrate(spec: Path, target: str, *extra: str) -> int:
    args = ["calibrate", str(spec), "--target", str(spec.parent / target), "-f", "csv"]
    return run([*args, "--date", "2024-01-01", *extra])


def test_a_target_inside_the_band_is_reproduced_and_the_bounds_are_recorded(
    three: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = three.parent / "near.yaml"
    assert _calibrate(three, "near.csv", "-o", str(out)) == 0
    assert "groups.d1.weight,t,0.333333,0.300000" in capsys.readouterr().out
    text = out.read_text()
    assert "  dimension_band:\n  - 0.1\n  - 0.35\n  max_indicator_share: 0.5\n" in text
    assert "residual" not in text
    assert run(["check", str(out), "--against", str(three.parent / "near.csv")]) == 0
    assert "over n = 3 units; reproduced" in capsys.readouterr().err


def test_a_target_outside_the_band_shows_the_closest_fit_and_its_residual_and_exits_1(
    three: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = three.parent / "far.yaml"
    assert _calibrate(three, "far.csv", "-o", str(out)) == 1
    captured = capsys.readouterr()
    assert not out.exists()
    assert "groups.d3.weight,t,0.333333,0.350000" in captured.out
    assert "  C | 0.7 | 0.675 | -0.025\n" in captured.err
    assert "max |diff| = 0.025" in captured.err
    assert "no weights inside the bounds reproduce the published result" in captured.err
    assert "--accept-residual" in captured.err


def test_accept_residual_writes_the_closest_fit_with_its_residual_and_says_so(
    three: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = three.parent / "far.yaml"
    assert _calibrate(three, "far.csv", "-o", str(out), "--accept-residual") == 0
    block = out.read_text().split("calibration:\n", 1)[1]
    assert "    max_abs_diff: 0.025\n    units: 3\n    residual:\n" in block
    assert "    - unit: C\n      published: 0.7\n      computed: 0.675\n      diff: -0.025\n" in (
        block
    )
    assert "closest in-band fit, not an exact fit" in " ".join(block.split())
    capsys.readouterr()
    assert run(["score", str(out), "-f", "table"]) == 0
    caption = " ".join(capsys.readouterr().out.split())
    assert "closest fit within the band (max |diff| = 0.025)" in caption
    assert "reproduce far.csv" not in caption


def test_switching_the_bounds_off_finds_the_exact_weights(
    three: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    off = ["--dimension-band", "none", "--max-indicator-share", "none"]
    out = three.parent / "exact.yaml"
    assert _calibrate(three, "far.csv", "-o", str(out), *off) == 0
    assert "groups.d3.weight,t,0.333333,0.400000" in capsys.readouterr().out
    text = out.read_text()
    assert "  dimension_band: none\n  max_indicator_share: none\n" in text


@pytest.mark.parametrize(
    ("option", "value", "code"),
    [
        ("--dimension-band", "0.35,0.10", "usage.dimension-band"),
        ("--dimension-band", "0.1", "usage.dimension-band"),
        ("--dimension-band", "low,high", "usage.dimension-band"),
        ("--max-indicator-share", "0", "usage.max-indicator-share"),
        ("--max-indicator-share", "1.5", "usage.max-indicator-share"),
        ("--max-indicator-share", "half", "usage.max-indicator-share"),
    ],
)
def test_a_bad_bound_is_a_usage_error_naming_the_option(
    three: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, code: str
) -> None:
    assert _calibrate(three, "near.csv", option, value) == 2
    err = capsys.readouterr().err
    assert f"error[{code}]: {option}: '{value}'" in err


def test_the_library_returns_the_residual_and_the_bounds(three: Path) -> None:
    frame = cityindex.calibrate(three, three.parent / "far.csv")
    assert frame.attrs["success"] is False
    assert frame.attrs["bounds"] == {"dimension_band": [0.1, 0.35], "max_indicator_share": 0.5}
    assert [r["unit"] for r in frame.attrs["fit"]] == ["A", "B", "C"]
    assert frame.attrs["fit"][2]["diff"] == pytest.approx(-0.025, abs=1e-5)
    assert frame.loc["groups.d3.weight", "after"] == pytest.approx(0.35, abs=1e-6)


def test_check_json_says_over_how_many_units_rho_and_tau_are_taken(
    three: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", str(three), "--against", str(three.parent / "near.csv"), "-f", "json"]
    assert run(args) == 1  # equal weights do not reproduce it
    payload = json.loads(capsys.readouterr().out)
    assert payload["n_common"] == 3
    assert cityindex.check(three, three.parent / "near.csv").attrs["n_common"] == 3
