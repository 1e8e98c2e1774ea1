"""Shared fixtures: small specs and data written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _fixed_table_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables follow COLUMNS or the terminal; tests get the fixed default unless they set it."""
    monkeypatch.delenv("COLUMNS", raising=False)


HAND_SPEC = """\
index:
  id: hand
  title: Hand-worked example
  data: data.csv
  unit: unit
  scale: {method: relative_to_max, digits: 4}
methods:
  normalise: {method: min_max, range: [0, 1]}
  aggregate: {method: arithmetic_mean}
  weights: {method: fixed}
  missing: {method: reweight, min_coverage: 0.5}
groups:
  g1:
    title: First group
    weight: 3
    indicators:
      x1: {column: x1, direction: higher_is_better, weight: 1}
      x2: {column: x2, direction: lower_is_better, weight: 1}
  g2:
    title: Second group
    weight: 1
    indicators:
      x3: {column: x3, direction: higher_is_better, weight: 1}
"""

HAND_DATA = """\
unit,x1,x2,x3
A,10,5,4
B,20,10,2
C,30,20,0
D,40,5,8
"""


@pytest.fixture
def hand(tmp_path: Path) -> Path:
    """The hand-worked 4-unit × 3-indicator spec with its data; returns the spec path."""
    (tmp_path / "data.csv").write_text(HAND_DATA, encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(HAND_SPEC, encoding="utf-8")
    return spec
