"""Calibration inside bounds: dimensions in a weight band, no indicator above a share.

When the published scores cannot be met inside the bounds, `calibrate` returns the closest
in-bounds fit with its residual per published unit instead of failing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cityindex.analysis.calibrate import Bounds, Floor, calibrate, floor_problems
from cityindex.engine.panel import Prepared, prepare
from cityindex.load.data import Table
from cityindex.load.spec_yaml import parse_spec
from cityindex.model.reference import Reference
from cityindex.model.tree import ROOT

NAN = np.nan

THREE = """\
index: {id: t, title: T, unit: city}
methods: {normalise: none}
groups:
  d1: {indicators: {x1: {direction: higher_is_better}}}
  d2: {indicators: {x2: {direction: higher_is_better}}}
  d3: {indicators: {x3: {direction: higher_is_better}}}
"""
THREE_DATA = {
    "city": ["A", "B", "C", "D"],
    "x1": [1, 0, 0.5, 0.2],
    "x2": [0, 1, 0.5, 0.2],
    "x3": [0.5, 0.5, 1, 0.2],
}


def prepared(text: str, data: dict[str, list[object]]) -> Prepared:
    spec, issues = parse_spec(text)
    assert not issues, issues
    assert spec is not None
    return prepare(spec, Table.from_frame(pd.DataFrame(data), unit="city"))


def published(units: list[str], scores: list[float]) -> Reference:
    n = len(units)
    return Reference(tuple(units), np.array(scores), np.full(n, NAN), (4,) * n, "", "<test>")


TARGET = published(["A", "B", "C"], [0.5, 0.5, 0.7])
"""Made by dimension weights 0.3, 0.3, 0.4: A = 0.3 + 0.2, B = 0.3 + 0.2, C = 0.3 + 0.4."""


def test_without_bounds_the_weights_that_made_the_target_are_found() -> None:
    fit = calibrate(prepared(THREE, THREE_DATA), TARGET)
    assert fit.success
    np.testing.assert_allclose(fit.weights[ROOT], [0.3, 0.3, 0.4], atol=1e-6)


def test_a_target_outside_the_band_gives_the_closest_fit_inside_it_with_its_residual() -> None:
    """d3 may weigh at most 0.35. With w3 = t and w1 = w2 = (1 - t) / 2, A and B score 0.5
    whatever t, and C = 0.5 + t / 2: closest at t = 0.35, C = 0.675, residual -0.025."""
    fit = calibrate(prepared(THREE, THREE_DATA), TARGET, bounds=Bounds())
    assert not fit.success
    np.testing.assert_allclose(fit.weights[ROOT], [0.325, 0.325, 0.35], atol=1e-5)
    assert all(0.10 - 1e-9 <= w <= 0.35 + 1e-9 for w in fit.weights[ROOT])
    np.testing.assert_allclose(float(fit.weights[ROOT].sum()), 1.0, atol=1e-9)
    assert [row["unit"] for row in fit.fit] == ["A", "B", "C"]
    np.testing.assert_allclose([row["computed"] for row in fit.fit], [0.5, 0.5, 0.675], atol=1e-5)
    np.testing.assert_allclose([row["diff"] for row in fit.fit], [0, 0, -0.025], atol=1e-5)
    np.testing.assert_allclose(fit.max_abs_diff, 0.025, atol=1e-5)
    assert "closest fit" in fit.message


def test_a_target_inside_the_band_is_reproduced_within_it() -> None:
    """Weights 0.3, 0.35, 0.35: A = 0.475, B = 0.525, C = 0.675."""
    target = published(["A", "B", "C"], [0.475, 0.525, 0.675])
    fit = calibrate(prepared(THREE, THREE_DATA), target, bounds=Bounds())
    assert fit.success
    np.testing.assert_allclose(fit.weights[ROOT], [0.3, 0.35, 0.35], atol=1e-5)
    assert fit.max_abs_diff <= 0.5e-4


TWO = """\
index: {id: t, title: T, unit: city}
methods: {normalise: none}
groups:
  g:
    indicators:
      x1: {direction: higher_is_better}
      x2: {direction: higher_is_better}
"""


def test_no_indicator_may_weigh_more_than_its_share_of_the_group() -> None:
    """Target made by 0.8 / 0.2: A = 0.8, B = 0.2. Capped at 0.5, the residuals are
    (w1 - 0.8) and (0.8 - w1): least squares at the cap, w1 = 0.5, A and B both 0.5."""
    p = prepared(TWO, {"city": ["A", "B"], "x1": [1, 0], "x2": [0, 1]})
    target = published(["A", "B"], [0.8, 0.2])
    fit = calibrate(p, target, bounds=Bounds(dimension=None, indicator_share=0.5))
    assert not fit.success
    np.testing.assert_allclose(fit.weights["g"], [0.5, 0.5], atol=1e-6)
    np.testing.assert_allclose([row["diff"] for row in fit.fit], [-0.3, 0.3], atol=1e-6)


def test_bounds_that_cannot_hold_are_refused_before_solving() -> None:
    """Three dimensions of at most 0.3 sum to 0.9 < 1; two indicators of at most 0.4, 0.8."""
    p = prepared(
        TWO.replace("  g:\n", "  g:\n    weight: 1\n"), {"city": ["A"], "x1": [1], "x2": [0]}
    )
    assert floor_problems(p, None, Floor(), Bounds(indicator_share=0.4)) == [
        "g: 2 children with ceilings summing to 0.8 < 1"
    ]
    three = prepared(
        THREE.replace("d3", "d2b").replace("x3", "x2b"),
        {"city": ["A"], "x1": [1], "x2": [0], "x2b": [1]},
    )
    assert floor_problems(three, None, Floor(), Bounds(dimension=(0.1, 0.3))) == [
        "the index: 3 children with ceilings summing to 0.9 < 1"
    ]
