"""The map of units: drawn only when the data has latitude and longitude, with no tiles.

The hand-worked example (conftest `hand`) ranks D, A, B, C; here its data gains coordinates
(made up for the test: these are not real places).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PathCollection

from cityindex.cli import run
from cityindex.cli.common import compute_loaded, load
from cityindex.errors import DataError
from cityindex.render.report import chart_data
from cityindex.render.report.charts import BUBBLE_AREA, chart, coordinate_columns, map_chart

PLACED = """\
unit,x1,x2,x3,Lat,LNG
A,10,5,4,39.9,116.4
B,20,10,2,31.2,121.5
C,30,20,0,,
D,40,5,8,22.5,114.1
"""


def _placed(hand: Path, data: str = PLACED) -> Path:
    (hand.parent / "data.csv").write_text(data, encoding="utf-8")
    return hand


def test_coordinate_columns_are_found_by_any_case_of_their_usual_names() -> None:
    """latitude/lat with longitude/lon/lng, in any case; both are needed."""
    assert coordinate_columns(["unit", "Lat", "LNG"]) == ("Lat", "LNG")
    assert coordinate_columns(["LATITUDE", "Longitude", "x"]) == ("LATITUDE", "Longitude")
    assert coordinate_columns(["lat", "lon"]) == ("lat", "lon")
    assert coordinate_columns(["lat", "x"]) is None
    assert coordinate_columns(["unit", "x1"]) is None


def test_report_with_coordinates_draws_the_map_and_names_units_left_off(hand: Path) -> None:
    """An inline SVG map; C has no coordinates, so the caption says it is not on the map."""
    out = hand.parent / "report.html"
    assert run(["report", str(_placed(hand)), "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert '<figure id="chart-map"><svg' in text
    start = text.index('<figure id="chart-map">')
    figure = text[start : text.index("</figure>", start)]
    caption = figure[figure.index("<figcaption") :]
    assert "Not on the map (no coordinates): C." in caption
    assert "<image" not in figure  # no tiles, no basemap picture
    assert not re.search(r"href=\"https?:", figure)  # nothing fetched from anywhere


def test_bubble_areas_follow_the_scores_and_the_aspect_corrects_for_latitude(
    hand: Path,
) -> None:
    """Areas are proportional to score (best unit: BUBBLE_AREA); the units appear in rank
    order D, A, B (C has no coordinates); one degree of longitude is drawn cos(φ0) as wide as
    one of latitude, φ0 the mean latitude of the plotted units."""
    loaded = load(_placed(hand))
    result = compute_loaded(loaded, quiet=True)
    data = chart_data(loaded.spec, result, table=loaded.table)
    assert data.places is not None
    assert data.places.labels == ("D", "A", "B")
    assert data.places.missing == ("C",)
    fig = map_chart(data.places)
    ax = fig.axes[0]
    (bubbles,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    sizes = bubbles.get_sizes()
    scores = np.array([result.score_of(u) for u in ("D", "A", "B")])
    assert list(np.argsort(-sizes)) == list(np.argsort(-scores))
    assert sizes.max() == pytest.approx(BUBBLE_AREA)
    np.testing.assert_allclose(sizes / sizes.max(), scores / scores.max(), rtol=1e-3)
    assert np.all(np.diff(sizes) < 0)
    phi0 = math.radians((22.5 + 39.9 + 31.2) / 3)
    assert ax.get_aspect() == pytest.approx(1 / math.cos(phi0))
    offsets = bubbles.get_offsets()
    np.testing.assert_allclose(offsets, [[114.1, 22.5], [116.4, 39.9], [121.5, 31.2]])


def test_without_coordinates_the_report_has_no_map_and_plot_map_says_what_it_looked_for(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No map section at all; `plot map` exits 1 naming the columns it looked for."""
    out = hand.parent / "report.html"
    assert run(["report", str(hand), "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "chart-map" not in text
    assert "No map" not in text
    capsys.readouterr()
    assert run(["plot", "map", str(hand), "--output", str(hand.parent / "m.svg")]) == 1
    err = capsys.readouterr().err
    assert "latitude/lat" in err
    assert "longitude/lon/lng" in err
    assert not (hand.parent / "m.svg").exists()


def test_plot_map_writes_an_svg(hand: Path) -> None:
    """The map on its own."""
    svg = hand.parent / "map.svg"
    assert run(["plot", "map", str(_placed(hand)), "--output", str(svg)]) == 0
    assert svg.read_text(encoding="utf-8").startswith("<svg")


@pytest.mark.parametrize(
    ("cell", "code"),
    [("39,9", "data.cell"), ("N39.9", "data.cell"), ("95", "data.coordinates.range")],
)
def test_a_bad_latitude_is_a_data_error_naming_row_unit_and_column(
    hand: Path, cell: str, code: str
) -> None:
    """Text that is not a plain number, or a latitude beyond ±90, is refused, not guessed."""
    bad = PLACED.replace("A,10,5,4,39.9,", f'A,10,5,4,"{cell}",')
    loaded = load(_placed(hand, bad))
    result = compute_loaded(loaded, quiet=True)
    with pytest.raises(DataError) as caught:
        chart("map", chart_data(loaded.spec, result, table=loaded.table))
    (problem,) = caught.value.issues
    assert problem.code.startswith(code)
    assert "row 2 (A)" in problem.message
    assert "'Lat'" in problem.message
    assert problem.key_path == "Lat"


def test_plot_bar_ignores_coordinate_cells(hand: Path) -> None:
    """Coordinates are read only for the map: a bad one does not stop the other charts."""
    bad = PLACED.replace("A,10,5,4,39.9,", "A,10,5,4,north,")
    svg = hand.parent / "bar.svg"
    assert run(["plot", "bar", str(_placed(hand, bad)), "--output", str(svg)]) == 0
