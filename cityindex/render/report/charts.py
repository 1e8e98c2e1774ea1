"""Charts for reports and `cityindex plot`: matplotlib figures rendered to SVG (or PNG) text.

Only this module imports matplotlib, and only its object API (`Figure`, no pyplot state), so
nothing here touches a display or global figure registry. SVG text is drawn as paths, so a
chart shows the same in any browser, offline, without the fonts installed. Chinese unit names
need a CJK font on the machine that draws (Debian: fonts-noto-cjk); `cjk_font()` says whether
one is there, and callers fall back to the unit ids when it is not.

A chart depends on its data only: every figure is drawn under matplotlib's own defaults (a
``matplotlibrc`` in the working folder or named by MATPLOTLIBRC changes nothing, numbers never
follow the locale), and matplotlib keeps its font cache in a temporary folder of this run
unless the user set MPLCONFIGDIR, so a report writes nothing but its output. Labels longer
than `LABEL_MAX` characters are cut with an ellipsis, so a long title cannot squeeze the axes
to nothing.
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from cityindex.load.files import remove_on_signal
from cityindex.methods.registry import FloatArray
from cityindex.render.i18n import Language, tr
from cityindex.render.report.places import BUBBLE_AREA as BUBBLE_AREA  # re-exported
from cityindex.render.report.places import (
    Places,
    bubble_areas,
    no_coordinates,
)
from cityindex.render.report.places import coordinate_columns as coordinate_columns
from cityindex.render.report.places import read_coordinates as read_coordinates
from cityindex.render.report.places import read_places as read_places

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def private_config_dir() -> None:
    """Point MPLCONFIGDIR at a new temporary folder, removed at exit, unless the user set it.

    matplotlib writes its font cache (and reads a matplotlibrc) there; by default that is the
    user's ~/.cache or ~/.config. Must run before matplotlib is imported.
    """
    if os.environ.get("MPLCONFIGDIR"):
        return
    folder = tempfile.mkdtemp(prefix="cityindex-matplotlib-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    remove_on_signal(folder)  # atexit does not run when SIGTERM ends the run
    os.environ["MPLCONFIGDIR"] = folder


def _mpl() -> ModuleType:
    """matplotlib, imported on first use: every other command skips its ~0.25 s import."""
    import sys

    if "matplotlib" not in sys.modules:
        private_config_dir()
    import matplotlib

    return matplotlib


LABEL_MAX = 40
"""Most characters of a label drawn on a chart (longer ones end in an ellipsis)."""


def short(label: str) -> str:
    """`label` cut to `LABEL_MAX` characters.

    >>> short("Beijing"), len(short("x" * 100)), short("x" * 100)[-1]
    ('Beijing', 40, '…')
    """
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def _shorts(labels: Sequence[str]) -> list[str]:
    return [short(str(label)) for label in labels]


@contextmanager
def _rc(**extra: object) -> Iterator[None]:
    """matplotlib's defaults, the fonts found here, SVG text as paths, and `extra`."""
    mpl = _mpl()
    family = [f for f in (cjk_font(), "DejaVu Sans") if f]
    with mpl.rc_context():
        mpl.rcdefaults()
        mpl.rcParams.update(
            {
                "font.family": family,
                "svg.fonttype": "path",
                "svg.hashsalt": "ci",
                "axes.formatter.use_locale": False,
                **extra,
            }
        )
        yield


KINDS = ("bar", "heatmap", "radar", "map")
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
)
PALETTE = (
    "#4C72B0",
    "#DD8452",
    "#55A868",
    "#C44E52",
    "#8172B3",
    "#937860",
    "#DA8BC3",
    "#8C8C8C",
    "#CCB974",
    "#64B5CD",
)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, or None."""
    _mpl()
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    found = next((n for n in CJK_FAMILIES if n in names), None)
    if found is None:  # installed after matplotlib cached its font list: add the files
        for path in font_manager.findSystemFonts():
            if any(key in Path(path).name for key in ("NotoSansCJK", "NotoSansSC", "wqy-zenhei")):
                font_manager.fontManager.addfont(path)
        names = {f.name for f in font_manager.fontManager.ttflist}
        found = next((n for n in CJK_FAMILIES if n in names), None)
    return found


@dataclass(frozen=True)
class ChartData:
    """What the charts draw, for the ranked units in rank order.

    `contributions` is ``(units, groups)``: each top-level group's contribution to the score
    (they sum to the score); `group_scores` the same shape with the groups' own scores.
    """

    labels: tuple[str, ...]
    scores: FloatArray
    groups: tuple[str, ...]
    contributions: FloatArray
    group_scores: FloatArray
    places: Places | None = None
    """Coordinates for the map, when the data has latitude and longitude columns."""
    group_labels: tuple[str, ...] = ()
    """What readers see for each group (its title in the chosen language); ids when empty."""
    lang: Language = "en"
    map_source: str = ""
    """Where the map's coordinates come from (a file name, or the coordinates file's sources)."""

    @property
    def group_names(self) -> list[str]:
        """Group titles when known, else ids."""
        return list(self.group_labels) if self.group_labels else list(self.groups)


def _figure(width: float, height: float) -> Figure:
    with _rc():
        from matplotlib.figure import Figure

        fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def render(fig: Figure, fmt: str = "svg") -> bytes:
    """The figure as SVG (no XML header, ready to inline) or PNG bytes."""
    buf = io.BytesIO()
    with _rc(), warnings.catch_warnings():
        # a crowded figure is drawn as well as it fits; the warning would only reach stderr
        warnings.filterwarnings("ignore", "constrained_layout not applied", UserWarning)
        fig.savefig(buf, format=fmt, dpi=120, metadata={"Date": None} if fmt == "svg" else None)
    data = buf.getvalue()
    if fmt == "svg":
        start = data.find(b"<svg")
        data = data[start:]
    return data


def bar_chart(data: ChartData) -> Figure:
    """Horizontal bars of each unit's score, stacked by the top-level groups' contributions."""
    n = len(data.labels)
    fig = _figure(8, 0.35 * n + 1.5)
    with _rc():
        ax = fig.add_subplot()
        y = np.arange(n)
        left = np.zeros(n)
        for k, group in enumerate(data.group_names):
            part = np.nan_to_num(data.contributions[:, k])
            if not part.any():  # a zero-weight group adds nothing: no bar, no legend entry
                continue
            ax.barh(
                y, part, left=left, color=PALETTE[k % len(PALETTE)], label=short(group), height=0.7
            )
            left += part
        for yi, s in zip(y, data.scores, strict=True):
            ax.text(float(s), float(yi), f" {s:.4f}", va="center", fontsize=8)
        ax.set_yticks(y, _shorts(data.labels))
        ax.invert_yaxis()
        ax.set_xlabel(tr("c.bar_x", data.lang))
        ax.set_xlim(0, max(1.0, float(np.nanmax(data.scores))) * 1.12)
        ax.legend(loc="lower right", fontsize=8, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_gid("chart-bar")
    return fig


def heatmap(data: ChartData) -> Figure:
    """Group scores per unit as a heatmap (missing scores left blank)."""
    n, k = data.group_scores.shape
    fig = _figure(1.2 * k + 3, 0.35 * n + 1.5)
    with _rc():
        ax = fig.add_subplot()
        masked = np.ma.masked_invalid(data.group_scores)
        image = ax.imshow(masked, aspect="auto", cmap="YlGnBu", vmin=0)
        ax.set_xticks(np.arange(k), _shorts(data.group_names), rotation=30, ha="right")
        ax.set_yticks(np.arange(n), _shorts(data.labels))
        for i in range(n):
            for j in range(k):
                v = data.group_scores[i, j]
                text = "–" if np.isnan(v) else f"{v:.2f}"
                dark = not np.isnan(v) and v > 0.6 * float(np.nanmax(data.group_scores))
                colour = "white" if dark else "black"
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color=colour)
        fig.colorbar(image, ax=ax, shrink=0.6, label=tr("c.group_score", data.lang))
        ax.set_gid("chart-heatmap")
    return fig


def radar(data: ChartData, *, top: int = 5) -> Figure:
    """One radar per unit for the first `top` units: its top-level group scores."""
    units = min(top, len(data.labels))
    k = len(data.groups)
    cols = min(units, 3)
    rows = int(np.ceil(units / cols)) if units else 1
    fig = _figure(3.2 * cols, 3.2 * rows)
    angles = np.linspace(0, 2 * np.pi, k, endpoint=False)
    closed = np.append(angles, angles[0])
    top_value = float(np.nanmax(data.group_scores)) if data.group_scores.size else 1.0
    with _rc():
        for u in range(units):
            ax = fig.add_subplot(rows, cols, u + 1, projection="polar")
            values = np.nan_to_num(data.group_scores[u])
            ax.plot(closed, np.append(values, values[0]), color=PALETTE[u % len(PALETTE)])
            ax.fill(closed, np.append(values, values[0]), alpha=0.25, color=PALETTE[u % 10])
            ax.set_xticks(angles, _shorts(data.group_names), fontsize=7)
            ax.set_ylim(0, max(top_value, 1e-9))
            ax.set_yticklabels([])
            ax.set_title(f"{u + 1}. {short(data.labels[u])}", fontsize=9)
            ax.set_gid(f"chart-radar-{u + 1}")
    return fig


def rank_intervals(
    labels: Sequence[str],
    nominal: FloatArray,
    low: FloatArray,
    high: FloatArray,
    *,
    lang: Language = "en",
) -> Figure:
    """Each unit's nominal rank (dot) and its 5th-95th percentile rank interval (bar)."""
    n = len(labels)
    fig = _figure(7, 0.32 * n + 1.4)
    with _rc():
        ax = fig.add_subplot()
        y = np.arange(n)
        ax.hlines(
            y, low, high, color=PALETTE[0], linewidth=4, alpha=0.5, label=tr("c.interval", lang)
        )
        ax.plot(nominal, y, "o", color=PALETTE[3], label=tr("c.nominal", lang))
        ax.set_yticks(y, _shorts(labels))
        ax.invert_yaxis()
        ax.set_xlabel(tr("c.rank_x", lang))
        ax.set_xlim(0.5, max(float(np.nanmax(high)), float(n)) + 0.5)
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12 - 1.2 / (n + 4)),
            ncols=2,
            fontsize=8,
            frameon=False,
        )
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def map_chart(places: Places, *, lang: Language = "en") -> Figure:
    """Units at their longitude (x) and latitude (y), bubble area proportional to score.

    No basemap and no tiles: only the points, labelled. The axes use the equirectangular
    projection with the standard parallel at the mean latitude: one degree of longitude is
    drawn cos(mean latitude) as wide as one degree of latitude (``set_aspect(1 / cos φ0)``,
    so ticks stay in degrees), which keeps distances near that latitude roughly true.
    A small dot marks each unit, so a unit scoring 0 is still placed.
    """
    fig = _figure(8, 6)
    with _rc():
        ax = fig.add_subplot()
        lon, lat = places.longitude, places.latitude
        ax.scatter(
            lon,
            lat,
            s=bubble_areas(places.scores),
            c=np.nan_to_num(places.scores),
            cmap="YlGnBu",
            vmin=0,
            alpha=0.75,
            edgecolors="#333333",
            linewidths=0.6,
            gid="map-bubbles",
        )
        ax.plot(lon, lat, ".", color="black", markersize=2)
        for x, y, label in zip(lon, lat, places.labels, strict=True):
            ax.annotate(
                short(label),
                (float(x), float(y)),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=7,
            )
        if lat.size:
            phi0 = float(np.radians(np.mean(lat)))
            ax.set_aspect(1.0 / max(np.cos(phi0), 0.05), adjustable="datalim")
        ax.margins(0.08)
        ax.set_xlabel(tr("c.lon", lang))
        ax.set_ylabel(tr("c.lat", lang))
        ax.grid(True, linewidth=0.4, alpha=0.5)
        ax.set_gid("chart-map")
    return fig


def map_caption(places: Places, *, lang: Language = "en", source: str = "") -> str:
    """What the map shows, where its coordinates come from, and which units it leaves off."""
    text = tr("n.map", lang, source=source or tr("n.none", lang).rstrip("。."))
    if places.missing:
        sep = "、" if lang == "zh" else ", "
        text += " " + tr("n.map_missing", lang, units=sep.join(places.missing))
    return text


def chart(kind: str, data: ChartData, *, top: int = 5, file: str = "the data") -> Figure:
    """The chart called `kind` (one of KINDS); a map needs `data.places` (else DataError)."""
    if kind == "map":
        if data.places is None:
            raise no_coordinates(file)
        return map_chart(data.places, lang=data.lang)
    if kind == "bar":
        return bar_chart(data)
    if kind == "heatmap":
        return heatmap(data)
    return radar(data, top=top)


def labels_for(units: Sequence[str], local: Sequence[str] | None) -> tuple[str, ...]:
    """Unit labels: 'Beijing 北京' when local names exist and a CJK font is installed."""
    if local is None or cjk_font() is None:
        return tuple(units)
    return tuple(f"{u} {n}" if n and n != u else u for u, n in zip(units, local, strict=True))
