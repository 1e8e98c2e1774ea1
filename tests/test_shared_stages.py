"""Stages whose method leaves values as they are share one read-only array instead of a copy
each (`engine.panel.IDENTITY`), and min-max works in place: the same numbers, less memory."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cityindex import compute, load_data, load_spec

DATA = "city,a,b,c\nA,3,1,7\nB,1,2,7\nC,2,2,\nD,,,\n"
SPEC = (
    "index: {{id: t, title: T, unit: city, data: d.csv}}\n"
    "methods: {{missing: {{method: reweight, min_coverage: {coverage}}}{extra}}}\n"
    "groups:\n  g:\n    weight: 1\n    indicators:\n"
    "      a: {{direction: higher_is_better}}\n      b: {{direction: lower_is_better}}\n"
    "      c: {{direction: higher_is_better}}\n"
)


def result_of(tmp_path: Path, *, coverage: float = 0.0, extra: str = "") -> object:
    (tmp_path / "d.csv").write_text(DATA, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(SPEC.format(coverage=coverage, extra=extra), encoding="utf-8")
    return compute(load_spec(tmp_path / "s.yaml"), load_data(tmp_path / "d.csv", unit="city"))


def test_identity_stages_are_one_read_only_array(tmp_path: Path) -> None:
    result = result_of(tmp_path)
    stages = {k: v.to_numpy() for k, v in result.stages.items()}  # type: ignore[attr-defined]
    raw = stages["raw"]
    for name in ("denominated", "imputed", "screened", "treated"):
        assert np.shares_memory(stages[name], raw), name
    assert not raw.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        raw[0, 0] = 99.0
    assert not np.shares_memory(stages["normalised"], raw)
    # min-max of a = 3, 1, 2 and of b = 1, 2, 2 lower is better; c constant: the middle
    expected = [[1.0, 1.0, 0.5], [0.0, 0.0, 0.5], [0.5, 0.0, math.nan], [math.nan] * 3]
    np.testing.assert_array_equal(stages["normalised"], expected)
    np.testing.assert_array_equal(raw[:2], [[3.0, 1.0, 7.0], [1.0, 2.0, 7.0]])


def test_an_excluded_unit_gets_a_screened_array_of_its_own(tmp_path: Path) -> None:
    result = result_of(tmp_path, coverage=0.5)
    stages = {k: v.to_numpy() for k, v in result.stages.items()}  # type: ignore[attr-defined]
    assert np.shares_memory(stages["imputed"], stages["raw"])
    assert not np.shares_memory(stages["screened"], stages["raw"])
    assert np.isnan(stages["screened"][3]).all()  # D: no data, excluded
    assert result.score.tolist()[:3] == pytest.approx([5 / 6, 1 / 6, 0.25])  # type: ignore[attr-defined]


def test_a_method_that_changes_values_leaves_the_stage_before_it_untouched(tmp_path: Path) -> None:
    result = result_of(tmp_path, extra=", impute: {method: mean}, treat: {method: log1p}")
    stages = {k: v.to_numpy() for k, v in result.stages.items()}  # type: ignore[attr-defined]
    assert np.isnan(stages["raw"][2, 2])
    assert stages["imputed"][2, 2] == 7.0  # the mean of c's 7 and 7
    assert stages["treated"][0, 0] == math.log1p(3.0)
    assert stages["raw"][0, 0] == 3.0
    assert np.shares_memory(stages["denominated"], stages["raw"])


def test_constant_columns_are_each_named_once_in_column_order(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text(
        "city,a,b,c\nA,2,5,1\nB,2,,2\nC,,5,3\nD,2,5,4\n", encoding="utf-8"
    )
    (tmp_path / "s.yaml").write_text(SPEC.format(coverage=0.0, extra=""), encoding="utf-8")
    result = compute(load_spec(tmp_path / "s.yaml"), load_data(tmp_path / "d.csv", unit="city"))
    constant = [w for w in result.warnings if "constant across units" in w]
    assert constant == [
        "indicator 'a' is constant across units (2); it cannot separate them",
        "indicator 'b' is constant across units (5); it cannot separate them",
    ]
