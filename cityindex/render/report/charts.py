"""Charts for reports and `cityindex plot`: matplotlib figures of the scores, rendered to SVG (or
PNG) by `figures.render` (re-exported here with the rest of the figure machinery).

The bar chart, heatmap, radars and rank intervals live here, the map in `map_chart`. Ranks
print as whole numbers; a missing group score is a gap on a radar, never a 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cityindex.methods.registry import FloatArray
from cityindex.render.i18n import Language, tr
from cityindex.render.report.figures import CJK_FAMILIES as CJK_FAMILIES
from cityindex.render.report.figures import FONT_STACK as FONT_STACK
from cityindex.render.report.figures import LABEL_MAX as LABEL_MAX
from cityindex.render.report.figures import PALETTE, _figure, _rc, _shorts, short
from cityindex.render.report.figures import browser_fonts as browser_fonts
from cityindex.render.report.figures import cjk_font as cjk_font
from cityindex.render.report.figures import private_config_dir as private_config_dir
from cityindex.render.report.figures import render as render
from cityindex.render.report.map_chart import map_caption as map_caption
from cityindex.render.report.map_chart import map_chart as map_chart
from cityindex.render.report.map_chart import map_layout as map_layout
from cityindex.render.report.places import BUBBLE_AREA as BUBBLE_AREA  # re-exported
from cityindex.render.report.places import (
    Places,
    no_coordinates,
)
from cityindex.render.report.places import coordinate_columns as coordinate_columns
from cityindex.render.report.places import read_coordinates as read_coordinates
from cityindex.render.report.places import read_places as read_places

if TYPE_CHECKING:
    from matplotlib.figure import Figure


KINDS = ("bar", "heatmap", "radar", "map")


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
    units: tuple[str, ...] = ()
    """The units' ids, in the same order as `labels` (for the page script); labels when empty."""
    ranks: tuple[int | None, ...] = ()
    """Each unit's rank (a whole number; ties share the best; None when not ranked)."""

    @property
    def group_names(self) -> list[str]:
        """Group titles when known, else ids."""
        return list(self.group_labels) if self.group_labels else list(self.groups)


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
    """One radar per unit for the first `top` units: its top-level group scores.

    A missing group score is not drawn as 0: the outline breaks on its axis, the area is
    filled only between neighbouring axes that both have a value, and the axis is marked
    "no data" (无数据) in grey at the rim.
    """
    units = min(top, len(data.labels))
    k = len(data.groups)
    cols = min(units, 3)
    rows = int(np.ceil(units / cols)) if units else 1
    fig = _figure(3.2 * cols, 3.2 * rows)
    angles = np.linspace(0, 2 * np.pi, k, endpoint=False)
    closed = np.append(angles, angles[0])
    top_value = float(np.nanmax(data.group_scores)) if data.group_scores.size else 1.0
    rim = max(top_value, 1e-9)
    with _rc():
        for u in range(units):
            ax = fig.add_subplot(rows, cols, u + 1, projection="polar")
            values = np.asarray(data.group_scores[u], dtype=float)
            colour = PALETTE[u % len(PALETTE)]
            ax.plot(closed, np.append(values, values[0]), color=colour)  # NaN breaks the line
            for j in range(k):
                nxt = (j + 1) % k
                if not (np.isnan(values[j]) or np.isnan(values[nxt])):
                    wedge = ([0.0, angles[j], closed[j + 1]], [0.0, values[j], values[nxt]])
                    ax.fill(*wedge, alpha=0.25, color=colour, linewidth=0)
                if np.isnan(values[j]):
                    ax.plot([angles[j]], [rim], "x", color="#999999", markersize=5)
                    ax.text(
                        angles[j],
                        rim * 0.82,
                        tr("rl.no_data", data.lang),
                        fontsize=6,
                        color="#777777",
                        ha="center",
                        va="center",
                        gid=f"radar-missing-{j}",
                    )
            ax.set_xticks(angles, _shorts(data.group_names), fontsize=7)
            ax.set_ylim(0, rim)
            ax.set_yticklabels([])
            rank = data.ranks[u] if data.ranks and data.ranks[u] is not None else u + 1
            ax.set_title(f"{rank}. {short(data.labels[u])}", fontsize=9)
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
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # ranks are whole numbers
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12 - 1.2 / (n + 4)),
            ncols=2,
            fontsize=8,
            frameon=False,
        )
        ax.spines[["top", "right"]].set_visible(False)
    return fig


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
    """Unit labels: 'Beijing 北京' when local names exist and a CJK font is installed, else the
    ids (cut to `LABEL_MAX` characters where they are drawn).

    >>> labels_for(["Beijing", "Xi'an"], None)
    ('Beijing', "Xi'an")
    """
    if local is None or cjk_font() is None:
        return tuple(units)
    return tuple(f"{u} {n}" if n and n != u else u for u, n in zip(units, local, strict=True))
