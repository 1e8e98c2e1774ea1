"""CSV cells a column at a time (`render.csv_columns`): the texts `fmt_number` gives cell by
cell, and the ranking's CSV the csv module writes, for every kind of float and unit name."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cityindex import compute, load_data, load_spec
from cityindex.render.csv_columns import float_texts, plain_lines, rank_texts
from cityindex.render.formats import (
    fmt_number,
    render_rows,
    render_score,
    score_columns,
    score_rows,
)

RNG = np.random.default_rng(17)
FLOATS = np.concatenate(
    [
        RNG.normal(0, 1, 400) * 10.0 ** RNG.integers(-12, 20, 400),
        -RNG.random(200) * 10.0 ** -RNG.integers(0, 8, 200),  # negative, rounding to -0.00…
        [0.0, -0.0, 0.5, -0.5, 0.005, -0.005, 0.125, -0.125, 2.5, -2.5, 1e16, 1e-4, 9.5e-5],
        [1e308, -1e308, 5e-324, -5e-324, math.nan, -math.nan, math.inf, -math.inf, 123.0],
    ]
)


@pytest.mark.parametrize("digits", [None, 0, 1, 2, 4, 6])
def test_float_texts_are_fmt_number_of_each_value(digits: int | None) -> None:
    expected = [fmt_number(v, digits) for v in FLOATS.tolist()]
    assert float_texts(FLOATS, digits) == expected
    assert "" in expected
    if digits is not None:  # a negative value rounding to zero is written without its sign
        assert fmt_number(-1e-9, digits) == "0" + ("." + "0" * digits if digits else "")
        assert f"-{fmt_number(0.0, digits)}" not in expected


def test_rank_texts_are_whole_numbers_and_blank_for_the_unranked() -> None:
    ranks = np.array([1.0, 2.0, 2.0, math.nan, 100_000.0])
    expected = [fmt_number(None if math.isnan(r) else int(r)) for r in ranks.tolist()]
    assert rank_texts(ranks) == expected == ["1", "2", "2", "", "100000"]


def test_plain_lines_leave_a_cell_needing_quotes_to_the_csv_module() -> None:
    header = "rank,unit\n"
    assert plain_lines(header, [["1", "2"], ["a", "b"]], [1]) == "rank,unit\n1,a\n2,b\n"
    for cell in ("a,b", 'say "hi"', "two\nlines", "cr\rhere"):
        assert plain_lines(header, [["1"], [cell]], [1]) is None
    assert plain_lines(header, [[], []], [1]) == header


UNITS = ["Alpha, Inc", 'The "B" city', "=HYPERLINK(1)", "Delta\nNorth", "-5", "Echo"]


def hostile_result(tmp_path: Path) -> object:
    """Six units whose names need quoting or Excel escaping; one excluded (no data)."""
    rows = ["city,a,b"]
    values = [(3, 1), (1, 2), (2, 2), (5, 4), ("", ""), (0.5, -1)]
    for name, (a, b) in zip(UNITS, values, strict=True):
        quoted = '"' + name.replace('"', '""') + '"'
        rows.append(f"{quoted},{a},{b}")
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        "index: {id: h, title: H, unit: city, data: d.csv, "
        "scale: {method: relative_to_max, digits: 3}}\n"
        "methods: {missing: {method: reweight, min_coverage: 0.5}}\n"
        "groups:\n  g:\n    weight: 1\n    indicators:\n"
        "      a: {direction: higher_is_better}\n      b: {direction: lower_is_better}\n",
        encoding="utf-8",
    )
    spec = load_spec(tmp_path / "s.yaml")
    return compute(spec, load_data(tmp_path / "d.csv", unit="city"))


@pytest.mark.parametrize("excel_safe_cells", [False, True])
@pytest.mark.parametrize("coverage", [False, True])
def test_a_ranking_with_names_needing_quotes_is_written_as_the_csv_module_writes_it(
    tmp_path: Path, excel_safe_cells: bool, coverage: bool
) -> None:
    result = hostile_result(tmp_path)
    rows = score_rows(result, coverage=coverage)  # type: ignore[arg-type]
    expected = render_rows(
        rows,
        score_columns(result, coverage=coverage),  # type: ignore[arg-type]
        "csv",
        digits={"score": result.digits},  # type: ignore[attr-defined]
        excel_safe_cells=excel_safe_cells,
    )
    text = render_score(result, "csv", coverage=coverage, excel_safe_cells=excel_safe_cells)  # type: ignore[arg-type]
    assert text == expected
    assert '"Delta\nNorth"' in text
    assert '"The ""B"" city"' in text
    assert ("'=HYPERLINK(1)" in text) == excel_safe_cells
    name = "'-5" if excel_safe_cells else "-5"  # excluded: no rank, score or group score
    assert text.endswith(f"\n,{name},,,0.0\n" if coverage else f"\n,{name},,\n")


def test_a_ranking_of_plain_names_is_joined_without_the_csv_module(tmp_path: Path) -> None:
    """The same bytes as the csv module, on the shipped index with its tiers."""
    root = Path(__file__).parents[1]
    spec = load_spec(root / "indicators" / "ai-city-2024.yaml")
    result = compute(spec, load_data(spec.index.data, unit=spec.index.unit))  # type: ignore[arg-type]
    columns = score_columns(result, coverage=True)
    assert "tier" in columns
    expected = render_rows(
        score_rows(result, coverage=True), columns, "csv", digits={"score": result.digits}
    )
    assert render_score(result, "csv", coverage=True) == expected
    assert expected.splitlines()[1].startswith("1,Beijing,1.0000,")
