"""Panels (the mechanics behind COINr's ASEM purse, R3): the time column, `--year`, pooled
normalisation and panel imputation, on a hand-worked three-year example.

Two cities, two indicators (both higher is better, weight 1), years 2020-2022; A has no `x`
in 2021::

    city  year  x  y
    A     2020  1  10
    B     2020  3  20
    A     2021     30
    B     2021  5  40
    A     2022  7  50
    B     2022  9  60

Scoring 2021 with min-max onto [0, 1] and the arithmetic mean:

- `linear` fills A's 2021 `x` halfway between 1 and 7: 4; `latest_available` carries 1 forward.
- Pooled over every year's rows, x runs 1..9 and y 10..60: with `linear`, A = (3/8 + 20/50) / 2
  = 0.3875 and B = (4/8 + 30/50) / 2 = 0.55; with `latest_available`, A = (0 + 0.4) / 2 = 0.2.
- Normalised per year (2021 alone: x 4..5, y 30..40), A = 0 and B = 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cityindex import compute, load_data, load_spec
from cityindex.cli import run
from cityindex.errors import DataError, SpecError

PANEL = """city,year,x,y
A,2020,1,10
B,2020,3,20
A,2021,,30
B,2021,5,40
A,2022,7,50
B,2022,9,60
"""

SPEC = """index:
  id: panel
  title: Panel
  data: panel.csv
  unit: city
  {extra}
methods:
  impute: {{method: {impute}}}
  normalise: {{method: min_max, range: [0, 1]}}
groups:
  g:
    indicators:
      x: {{column: x, direction: higher_is_better}}
      y: {{column: y, direction: higher_is_better}}
"""


def write(tmp_path: Path, *, impute: str, extra: str = "", data: str = PANEL) -> Path:
    (tmp_path / "panel.csv").write_text(data, encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.format(impute=impute, extra=extra), encoding="utf-8")
    return spec


def scores(spec_path: Path, year: int | None) -> dict[str, float]:
    spec = load_spec(spec_path)
    table = load_data(spec.index.data, unit=spec.index.unit, year=year, time=spec.index.time)
    result = compute(spec, table)
    return {u: result.score_of(u) for u in result.units}


@pytest.mark.parametrize(
    ("impute", "a", "b"),
    [("linear", 0.3875, 0.55), ("latest_available", 0.2, 0.55)],
)
def test_pooled_normalisation_takes_min_and_max_over_every_year(
    tmp_path: Path, impute: str, a: float, b: float
) -> None:
    spec = write(tmp_path, impute=impute, extra="panel: {normalise: pooled}")
    assert scores(spec, 2021) == pytest.approx({"A": a, "B": b}, rel=1e-12)


def test_panel_imputation_with_per_year_normalisation_scores_the_year_alone(
    tmp_path: Path,
) -> None:
    spec = write(tmp_path, impute="linear")
    result_stage = compute(
        load_spec(spec), load_data(tmp_path / "panel.csv", unit="city", year=2021)
    ).stages["imputed"]
    assert result_stage.loc["A", "x"] == pytest.approx(4.0)
    assert scores(spec, 2021) == pytest.approx({"A": 0.0, "B": 1.0})


def test_year_defaults_to_the_latest_and_pooling_changes_only_the_statistics(
    tmp_path: Path,
) -> None:
    """2022 pooled: x (7-1)/8, (9-1)/8 and y 40/50, 50/50 → A 0.775, B 1."""
    spec = write(tmp_path, impute="linear", extra="panel: {normalise: pooled}")
    assert scores(spec, None) == pytest.approx({"A": 0.775, "B": 1.0})


def test_time_column_named_in_the_spec_selects_years(tmp_path: Path) -> None:
    data = PANEL.replace("city,year,", "city,Time,")
    spec = write(tmp_path, impute="linear", extra="time: Time", data=data)
    assert scores(spec, 2021) == pytest.approx({"A": 0.0, "B": 1.0})


def test_panel_imputation_without_a_time_column_is_a_clear_error(tmp_path: Path) -> None:
    data = "city,x,y\nA,,1\nB,2,3\nC,4,5\n"
    spec = write(tmp_path, impute="latest_available", data=data)
    with pytest.raises(DataError) as err:
        scores(spec, None)
    assert "panel imputation needs each row's unit and time" in str(err.value.issues[0].message)


def test_a_unit_twice_in_one_year_is_reported_with_the_year_even_if_not_scored(
    tmp_path: Path,
) -> None:
    with pytest.raises(DataError) as err:
        load_data(_write_csv(tmp_path, PANEL + "A,2020,2,11\n"), unit="city")
    assert err.value.issues[0].code == "data.unit.duplicate"
    assert "appears twice (rows 2 and 8) in year 2020" in err.value.issues[0].message


def _write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_panel_normalisation_lists_the_choices(tmp_path: Path) -> None:
    spec = write(tmp_path, impute="none", extra="panel: {normalise: global}")
    with pytest.raises(SpecError) as err:
        load_spec(spec)
    found = err.value.issues[0]
    assert found.code == "spec.panel.normalise"
    assert found.key_path == "index.panel.normalise"
    assert found.expected == "one of: per_year, pooled"


def test_year_option_on_a_file_without_the_time_column_exits_1_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write(tmp_path, impute="none", extra="time: Time")
    assert run(["score", str(spec), "--year", "2021", "--format", "csv"]) == 1
    assert "has no 'Time' column" in capsys.readouterr().err
