"""The map of units: bubbles at their coordinates, labels placed so that none overlaps another.

No basemap, no tiles, nothing fetched: only the points and their labels (`places` reads the
coordinates and places the labels; this module draws them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cityindex.methods.registry import FloatArray
from cityindex.render.i18n import Language, tr
from cityindex.render.report.figures import _figure, _rc, _shorts, measuring
from cityindex.render.report.places import (
    LABEL_SIZE,
    LabelBox,
    Places,
    bubble_areas,
    place_labels,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def map_chart(places: Places, *, lang: Language = "en") -> Figure:
    """Units at their longitude (x) and latitude (y), bubble area proportional to score.

    No basemap and no tiles: only the points, labelled. The axes use the equirectangular
    projection with the standard parallel at the mean latitude: one degree of longitude is
    drawn cos(mean latitude) as wide as one degree of latitude (``set_aspect(1 / cos φ0)``,
    so ticks stay in degrees), which keeps distances near that latitude roughly true.
    A small dot marks each unit, so a unit scoring 0 is still placed. Labels do not overlap:
    `map_labels` places them.
    """
    return map_layout(places, lang=lang)[0]


def map_layout(places: Places, *, lang: Language = "en") -> tuple[Figure, list[LabelBox]]:
    """The map and where its labels went (boxes in points, `places.place_labels`).

    The axes are laid out first (a draw without rendering fixes the limits the aspect sets),
    then each unit's label is placed around its bubble in rank order, best first; a label
    that sits off its unit gets a thin leader line. Labels take no part in the layout, so
    placing them cannot move the axes they were placed on.
    """
    fig = _figure(8, 6)
    with _rc():
        ax = fig.add_subplot()
        lon, lat = places.longitude, places.latitude
        areas = bubble_areas(places.scores)
        ax.scatter(
            lon,
            lat,
            s=areas,
            c=np.nan_to_num(places.scores),
            cmap="YlGnBu",
            vmin=0,
            alpha=0.75,
            edgecolors="#333333",
            linewidths=0.6,
            gid="map-bubbles",
        )
        ax.plot(lon, lat, ".", color="black", markersize=2)
        if lat.size:
            phi0 = float(np.radians(np.mean(lat)))
            ax.set_aspect(1.0 / max(np.cos(phi0), 0.05), adjustable="datalim")
        ax.margins(0.08)
        ax.set_xlabel(tr("c.lon", lang))
        ax.set_ylabel(tr("c.lat", lang))
        ax.grid(True, linewidth=0.4, alpha=0.5)
        ax.set_gid("chart-map")
        boxes = _label_map(fig, ax, places, areas)
    return fig, boxes


def _label_map(fig: Figure, ax: Axes, places: Places, areas: FloatArray) -> list[LabelBox]:
    """Place and draw the map's labels (`place_labels`), in points from the figure's corner."""
    if not places.labels:
        return []
    with measuring():
        fig.draw_without_rendering()
    to_points = 72.0 / fig.dpi
    xy = ax.transData.transform(np.column_stack([places.longitude, places.latitude]))
    points = xy * to_points
    frame = ax.get_window_extent()
    bounds = (
        frame.x0 * to_points,
        frame.y0 * to_points,
        frame.x1 * to_points,
        frame.y1 * to_points,
    )
    labels = _shorts(places.labels)
    radii = np.sqrt(areas / np.pi)
    boxes = place_labels(points, labels, radii, bounds)
    for box in boxes:
        px, py = points[box.unit]
        note = ax.annotate(
            labels[box.unit],
            (float(places.longitude[box.unit]), float(places.latitude[box.unit])),
            xytext=(box.x0 - px, box.y0 - py),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=LABEL_SIZE,
            gid=f"map-label-{box.unit}",
            arrowprops={
                "arrowstyle": "-",
                "color": "#666666",
                "linewidth": 0.5,
                "shrinkA": 0,
                "shrinkB": 0,
            }
            if box.leader
            else None,
        )
        note.set_in_layout(False)
    return boxes


def map_caption(places: Places, *, lang: Language = "en", source: str = "") -> str:
    """What the map shows, where its coordinates come from, and which units it leaves off."""
    text = tr("n.map", lang, source=source or tr("n.none", lang).rstrip("。."))
    if places.missing:
        sep = "、" if lang == "zh" else ", "
        text += " " + tr("n.map_missing", lang, units=sep.join(places.missing))
    return text
