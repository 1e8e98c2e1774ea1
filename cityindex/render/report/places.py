"""Where the map's units are: coordinates from the data or a coordinates file, and bubble sizes.

No matplotlib here (`charts` draws the map): the coordinates are read and checked as data.
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
