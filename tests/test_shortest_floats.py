"""Long columns of floats written by orjson (`render.csv_columns.shortest_texts`): the very texts
Python's ``repr`` gives, value for value, and the ranking's CSV bytes unchanged."""

from __future__ import annotations

import math
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from cityindex import compute, load_data, load_spec
from cityindex.render import csv_columns
from cityindex.render.csv_columns import FAST_FLOATS, float_texts, shortest_texts
from cityindex.render.formats import (
    fmt_number,
    render_rows,
    render_score,
    score_columns,
    score_rows,
)

RNG = np.random.default_rng(29)


def edges() -> np.ndarray:
    """Each side of the bounds where Python's repr turns to exponents (1e-4, 1e16), zeros,
    the smallest and largest floats, NaN and the infinities, both signs."""
    points = [
        1e-4,
        1e16,
        1e-5,
        1e15,
        1.0,
        0.1,
        5e-324,
        2.2250738585072014e-308,
        1.7976931348623157e308,
    ]
    with np.errstate(over="ignore"):  # the largest float's next is inf
        near = [np.nextafter(p, q) for p in points for q in (0.0, math.inf)]
    values = [*points, *near, 0.0, math.nan, math.inf, 9999999999999998.0, 0.30000000000000004]
    return np.array(values + [-v for v in values])


def many_floats() -> np.ndarray:
    """300,000 floats of every kind: random bits, every decade from 1e-6 to 1e18, data rounded
    to three decimals and min-max scores averaged as a group's are."""
    bits = RNG.integers(0, 2**64 - 1, 60_000, dtype=np.uint64, endpoint=True).view(np.float64)
    decades = np.sign(RNG.random(80_000) - 0.5) * 10.0 ** RNG.uniform(-6, 18, 80_000)
    data = np.round(RNG.lognormal(1, 1, 80_000), 3)
    z = RNG.random((16_000, 5))
    means = (z @ np.full(5, 0.2)).repeat(5)
    return np.concatenate([bits, decades, data, means, np.tile(edges(), 10)])


def test_shortest_texts_of_a_long_array_are_pythons_repr_of_each_value() -> None:
    values = many_floats()
    assert values.size > FAST_FLOATS
    assert csv_columns._orjson_numbers() is not None
    assert shortest_texts(values) == list(map(float.__repr__, values.tolist()))
    assert shortest_texts(np.array([1e-5] * FAST_FLOATS))[0] == "1e-05"  # orjson: 0.00001
    assert shortest_texts(np.array([1e16] * FAST_FLOATS))[0] == "1e+16"
    assert shortest_texts(np.zeros(0)) == []


def test_float_texts_of_a_long_column_with_gaps_are_fmt_number_of_each_value() -> None:
    values = many_floats()
    values[::7] = math.nan
    assert float_texts(values, None) == [fmt_number(v) for v in values.tolist()]
    assert float_texts(values[:9], None) == [fmt_number(v) for v in values[:9].tolist()]


@pytest.fixture
def orjson_unlike_repr(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An orjson that writes 1.0 as ``1`` (as some JSON writers do)."""
    fake = types.ModuleType("orjson")
    fake.OPT_SERIALIZE_NUMPY = 0  # type: ignore[attr-defined]
    fake.dumps = lambda a, option=0: ("[" + ",".join(f"{v:g}" for v in a.tolist()) + "]").encode()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "orjson", fake)
    csv_columns._orjson_numbers.cache_clear()
    yield
    csv_columns._orjson_numbers.cache_clear()


@pytest.mark.usefixtures("orjson_unlike_repr")
def test_an_orjson_writing_a_probe_unlike_repr_is_not_used() -> None:
    values = RNG.random(FAST_FLOATS)
    assert csv_columns._orjson_numbers() is None
    assert shortest_texts(values) == list(map(float.__repr__, values.tolist()))


def test_the_ranking_of_12000_units_has_the_bytes_the_csv_module_writes(tmp_path: Path) -> None:
    """Group scores of 12,000 units (each column above FAST_FLOATS) written by orjson: the
    same bytes as the csv module writing fmt_number's text of each cell."""
    values = np.round(RNG.lognormal(1, 1, (12_000, 4)), 3)
    values[5, 0] = math.nan  # a gap: the unit's group score is its other indicator's
    lines = ["city,a,b,c,d"]
    lines += [
        f"u{k:05d}," + ",".join("" if math.isnan(v) else repr(v) for v in row)
        for k, row in enumerate(values.tolist())
    ]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        "index: {id: t, title: T, unit: city, data: d.csv}\n"
        "methods: {missing: {method: reweight, min_coverage: 0.5}}\n"
        "groups:\n"
        "  g1: {weight: 1, indicators: {a: {direction: higher_is_better}, "
        "b: {direction: lower_is_better}}}\n"
        "  g2: {weight: 2, indicators: {c: {direction: higher_is_better}, "
        "d: {direction: higher_is_better}}}\n",
        encoding="utf-8",
    )
    result = compute(load_spec(tmp_path / "s.yaml"), load_data(tmp_path / "d.csv", unit="city"))
    columns = score_columns(result, coverage=False)
    expected = render_rows(
        score_rows(result, coverage=False), columns, "csv", digits={"score": result.digits}
    )
    text = render_score(result, "csv")
    assert text == expected
    assert len(text.splitlines()) == 12_001
    # u00005's g1 is b's min-max score alone (b lower is better): (max - b) / (max - min)
    b = values[:, 1]
    g1 = (np.nanmax(b) - b[5]) / (np.nanmax(b) - np.nanmin(b))
    row = next(r for r in text.splitlines() if ",u00005," in r)
    assert row.split(",")[columns.index("g1")] == repr(float(g1))
