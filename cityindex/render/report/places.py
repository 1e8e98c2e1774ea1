"""Where the map's units are: coordinates from the data or a coordinates file, bubble sizes, and
where their labels go (`place_labels`: greedy, deterministic, no two labels overlapping).

No matplotlib here (`map_chart` draws the map): the coordinates are read and checked as data,
and labels are placed as boxes in points.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cityindex.errors import DataError, Issue, Location, issue
from cityindex.methods.registry import FloatArray

if TYPE_CHECKING:
    from cityindex.load.data import Table

LATITUDE_NAMES = ("latitude", "lat")
LONGITUDE_NAMES = ("longitude", "lon", "lng")
BUBBLE_AREA = 900.0
"""Marker area (points²) of the best-scoring unit's bubble on the map."""


@dataclass(frozen=True)
class Places:
    """Ranked units with coordinates, in rank order, for the map.

    `missing` names the ranked units left off the map because a coordinate cell is empty.
    """

    labels: tuple[str, ...]
    scores: FloatArray
    latitude: FloatArray
    longitude: FloatArray
    missing: tuple[str, ...]


def coordinate_columns(columns: Sequence[str]) -> tuple[str, str] | None:
    """The (latitude, longitude) column names, matched case-insensitively, or None.

    Latitude is ``latitude`` or ``lat``; longitude is ``longitude``, ``lon`` or ``lng``. The
    first name of each list that is present wins.
    """
    by_name = {c.strip().lower(): c for c in reversed(columns)}
    lat = next((by_name[n] for n in LATITUDE_NAMES if n in by_name), None)
    lon = next((by_name[n] for n in LONGITUDE_NAMES if n in by_name), None)
    return None if lat is None or lon is None else (lat, lon)


def no_coordinates(file: str) -> DataError:
    """The error for a map of data without coordinate columns."""
    looked = "/".join(LATITUDE_NAMES) + " and " + "/".join(LONGITUDE_NAMES)
    return DataError(
        [
            issue(
                "data.coordinates.missing",
                f"a map needs latitude and longitude columns; {file} has none",
                location=Location(file),
                expected=f"columns named {looked} (any case), in decimal degrees",
            )
        ]
    )


def read_places(
    table: Table, units: Sequence[str], labels: Sequence[str], scores: FloatArray
) -> Places | None:
    """Coordinates of `units` (labelled `labels`, scored `scores`) from `table`, or None
    when it has no latitude/longitude columns.

    Cells follow the data rules (`Table.numeric`: plain ASCII decimals, errors name row, unit
    and column); a latitude outside [-90, 90] or a longitude outside [-180, 180] is a
    DataError too. A unit with an empty coordinate cell is left off (listed in `missing`).
    """
    found = coordinate_columns(table.columns)
    if found is None:
        return None
    values = table.numeric(list(found))
    issues: list[Issue] = []
    file_units = table.units
    for j, (col, bound) in enumerate(zip(found, (90.0, 180.0), strict=True)):
        for i, v in enumerate(values[:, j]):
            if not np.isnan(v) and abs(v) > bound:
                issues.append(
                    issue(
                        "data.coordinates.range",
                        f"row {table.rows[i]} ({file_units[i]}): {v:g} in column '{col}' "
                        f"is outside [-{bound:g}, {bound:g}]",
                        location=Location(table.file, table.rows[i]),
                        key_path=col,
                        expected=f"decimal degrees from -{bound:g} to {bound:g}",
                        got=f"{v:g}",
                        hint="latitude and longitude swapped?" if j == 0 and v <= 180 else None,
                    )
                )
    if issues:
        issues.sort(key=lambda item: item.location.line or 0 if item.location else 0)
        raise DataError(issues)
    row_of = {u: i for i, u in enumerate(file_units)}
    coords = np.array([values[row_of[u]] for u in units]).reshape(len(units), 2)
    have = ~np.isnan(coords).any(axis=1)
    return Places(
        labels=tuple(label for label, ok in zip(labels, have, strict=True) if ok),
        scores=np.asarray(scores, dtype=float)[have],
        latitude=coords[have, 0],
        longitude=coords[have, 1],
        missing=tuple(label for label, ok in zip(labels, have, strict=True) if not ok),
    )


def bubble_areas(scores: FloatArray) -> FloatArray:
    """Marker areas proportional to score, the best unit's `BUBBLE_AREA` (negatives → 0)."""
    clipped = np.clip(np.nan_to_num(np.asarray(scores, dtype=float)), 0.0, None)
    top = float(clipped.max()) if clipped.size else 0.0
    return clipped * (BUBBLE_AREA / top) if top > 0 else np.zeros_like(clipped)


def read_coordinates(
    path: Path, units: Sequence[str], labels: Sequence[str], scores: FloatArray
) -> tuple[Places, str]:
    """Coordinates of `units` from a CSV with columns unit, longitude, latitude (and source),
    and a short statement of its sources. A unit absent from the file, or with an empty cell,
    is listed in `missing`."""
    import csv

    from cityindex.load.data import read_csv_text
    from cityindex.model.cells import parse_number

    text, _digest = read_csv_text(path)  # bounded, regular files only, UTF-8 or GB18030
    rows = list(csv.DictReader(io.StringIO(text)))
    need = {"unit", "longitude", "latitude"}
    if not rows or not need <= set(rows[0]):
        raise DataError(
            [
                issue(
                    "data.coordinates.columns",
                    f"{path.name} needs the columns unit, longitude, latitude",
                    location=Location(str(path)),
                    expected="unit,longitude,latitude[,source]",
                )
            ]
        )
    where: dict[str, tuple[float, float]] = {}
    for row in rows:
        lon = parse_number(str(row.get("longitude") or "").strip())
        lat = parse_number(str(row.get("latitude") or "").strip())
        if lon is not None and lat is not None and abs(lat) <= 90 and abs(lon) <= 180:
            where[str(row["unit"]).strip()] = (lat, lon)
    have = np.array([u in where for u in units], dtype=bool)
    coords = np.array([where.get(u, (np.nan, np.nan)) for u in units]).reshape(len(units), 2)
    sources = sorted({str(r.get("source") or "").strip() for r in rows} - {"", "not found"})
    places = Places(
        labels=tuple(label for label, ok in zip(labels, have, strict=True) if ok),
        scores=np.asarray(scores, dtype=float)[have],
        latitude=coords[have, 0],
        longitude=coords[have, 1],
        missing=tuple(label for label, ok in zip(labels, have, strict=True) if not ok),
    )
    return places, "; ".join(s for s in sources if not s.startswith("not found"))


LABEL_SIZE = 7.0
"""Font size (points) of the map's unit labels."""


@dataclass(frozen=True)
class LabelBox:
    """Where one map label goes: its box in points (figure coordinates, y up) and whether a
    leader line joins it to its unit (when it sits beyond the first ring of candidates)."""

    unit: int
    x0: float
    y0: float
    x1: float
    y1: float
    leader: bool

    def overlaps(self, other: LabelBox | tuple[float, float, float, float]) -> bool:
        """Whether the two boxes share any area (touching edges do not count)."""
        x0, y0, x1, y1 = (
            (other.x0, other.y0, other.x1, other.y1) if isinstance(other, LabelBox) else other
        )
        return self.x0 < x1 and x0 < self.x1 and self.y0 < y1 and y0 < self.y1


def text_extent(label: str, size: float = LABEL_SIZE) -> tuple[float, float]:
    """A label's width and height in points, estimated without any font: a CJK (wide)
    character takes one em, any other 0.62 em (wider than DejaVu Sans' average, so the box
    holds the drawn text in any fallback font); the height is 1.25 em.

    >>> text_extent("北京"), text_extent("Xi'an", 10)
    ((14.0, 8.75), (31.0, 12.5))
    """
    import unicodedata

    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.62 for c in label)
    return round(ems * size, 6), 1.25 * size


DIRECTIONS = tuple(
    (float(np.cos(a)), float(np.sin(a)))
    for a in np.radians([0, 180, 90, 270, 45, 135, 315, 225, 22.5, 157.5, 337.5, 202.5])
)
"""Candidate directions from a unit, in order of preference: right, left, up, down, diagonals,
then just above and below the horizontal."""


def place_labels(
    points: FloatArray,
    labels: Sequence[str],
    radii: FloatArray,
    bounds: tuple[float, float, float, float],
    *,
    size: float = LABEL_SIZE,
    rings: int = 6,
) -> list[LabelBox]:
    """Greedy, deterministic placement of labels next to their points, none overlapping.

    `points` is ``(n, 2)`` in points (y up), in order of priority (the best unit first, so it
    gets its first choice); `radii` each point's marker radius. Each label tries the eight
    `DIRECTIONS` at a gap just beyond its own marker, then the same directions at 1.6, 2.2, …
    times that gap on up to `rings` rings (farther ones get a leader line), and takes the first
    box that stays inside `bounds` (x0, y0, x1, y1) and meets no label placed before it nor any
    unit's centre dot. A label that finds no place on the rings goes to the nearest free spot
    of a 2-point grid over `bounds`, with a leader line; only when the grid has none left is it
    left out (not in the result).
    """
    placed: list[LabelBox] = []
    dots = [(float(x) - 1.5, float(y) - 1.5, float(x) + 1.5, float(y) + 1.5) for x, y in points]
    for i, ((px, py), label) in enumerate(zip(points, labels, strict=True)):
        width, height = text_extent(label, size)
        gap = float(radii[i]) * 0.45 + 2.0
        for ring in range(rings):
            distance = gap * (1.0 + 0.6 * ring) + (0 if ring == 0 else height * ring * 0.5)
            box = _first_fit(float(px), float(py), width, height, distance, bounds, placed, dots, i)
            if box is not None:
                placed.append(LabelBox(i, box[0], box[1], box[2], box[3], leader=ring > 0))
                break
        else:
            spot = _nearest_free(float(px), float(py), width, height, bounds, placed, dots, i)
            if spot is not None:
                placed.append(spot)
    return placed


def _nearest_free(
    px: float,
    py: float,
    width: float,
    height: float,
    bounds: tuple[float, float, float, float],
    placed: Sequence[LabelBox],
    dots: Sequence[tuple[float, float, float, float]],
    own: int,
) -> LabelBox | None:
    """The free box on a 2-point grid over `bounds` whose centre is nearest (px, py)."""
    xs = np.arange(bounds[0], bounds[2] - width, 2.0)
    ys = np.arange(bounds[1], bounds[3] - height, 2.0)
    if not xs.size or not ys.size:
        return None
    x0, y0 = (a.ravel() for a in np.meshgrid(xs, ys))
    free = np.ones(x0.shape, dtype=bool)
    taken = [(b.x0, b.y0, b.x1, b.y1) for b in placed]
    taken += [d for j, d in enumerate(dots) if j != own]
    for bx0, by0, bx1, by1 in taken:
        free &= ~((x0 < bx1) & (bx0 < x0 + width) & (y0 < by1) & (by0 < y0 + height))
    if not free.any():
        return None
    distance = np.hypot(x0 + width / 2 - px, y0 + height / 2 - py)
    best = int(np.argmin(np.where(free, distance, np.inf)))  # first of equals: deterministic
    return LabelBox(
        own,
        float(x0[best]),
        float(y0[best]),
        float(x0[best] + width),
        float(y0[best] + height),
        leader=True,
    )


def _first_fit(
    px: float,
    py: float,
    width: float,
    height: float,
    distance: float,
    bounds: tuple[float, float, float, float],
    placed: Sequence[LabelBox],
    dots: Sequence[tuple[float, float, float, float]],
    own: int,
) -> tuple[float, float, float, float] | None:
    """The first candidate box at `distance` from (px, py) that fits, or None."""
    for dx, dy in DIRECTIONS:
        ax, ay = px + dx * distance, py + dy * distance
        # anchor the box on the side facing the point: right of it when dx > 0, and so on
        x0 = ax if dx > 0.3 else ax - width if dx < -0.3 else ax - width / 2
        y0 = ay if dy > 0.3 else ay - height if dy < -0.3 else ay - height / 2
        box = LabelBox(own, x0, y0, x0 + width, y0 + height, leader=False)
        inside = (
            bounds[0] <= box.x0
            and box.x1 <= bounds[2]
            and bounds[1] <= box.y0
            and box.y1 <= bounds[3]
        )
        if not inside or any(box.overlaps(p) for p in placed):
            continue
        if any(box.overlaps(d) for j, d in enumerate(dots) if j != own):
            continue
        return box.x0, box.y0, box.x1, box.y1
    return None
