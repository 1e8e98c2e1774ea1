"""The report's score bars, stacked by top-level group, as plain SVG the weights script redraws.

matplotlib draws the other charts once; these bars must follow the sliders, so they are written
here as one ``<g class="bar">`` per unit (its name, one ``<rect class="part">`` per top-level
group in definition order, its score) that the page script (`interactive`) moves to its new
rank and resizes. The geometry the script needs sits on the ``<svg>`` as data attributes
(``data-left``, ``data-top``, ``data-row``, ``data-width``); a bar's length is its score times
``data-width / max(1, best score)``, its parts each group's contribution (they sum to the
score). Text is SVG text in `FONT_STACK`, drawn by the reader's browser. Deterministic: the
same data gives the same bytes.
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections.abc import Sequence

import numpy as np

from cityindex.render.report.charts import ChartData
from cityindex.render.report.figures import FONT_STACK, PALETTE

ROW = 20.0
"""Height of one unit's row (px in the SVG's own coordinates)."""
BAR = 14.0
PLOT_WIDTH = 560.0
"""Length of the bar of a score of max(1, best score)."""
FONT = 12.0


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _width(text: str, size: float = FONT) -> float:
    """Estimated drawn width: a wide (CJK) character one em, any other 0.62 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.62 * size for c in text)


def _n(value: float) -> str:
    """A coordinate with at most three decimals, no trailing zeros (deterministic text)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _legend(names: Sequence[str], left: float, right: float) -> tuple[str, float]:
    """Colour keys for the groups, wrapped onto as many lines as they need; and their height."""
    items, x, y = [], left, 4.0
    for k, name in enumerate(names):
        width = 16 + _width(name, 11) + 14
        if x + width > right and x > left:
            x, y = left, y + 16
        items.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="11" height="11" '
            f'fill="{PALETTE[k % len(PALETTE)]}"/>'
            f'<text x="{_n(x + 15)}" y="{_n(y + 10)}" font-size="11">{_e(name)}</text>'
        )
        x += width
    return '<g class="legend">' + "".join(items) + "</g>", y + 20


def live_bars(data: ChartData, *, digits: int | None = None, caption: str = "") -> str:
    """The stacked bars of `data` (ranked units, their contributions) as an SVG element."""
    digits = 4 if digits is None else digits
    names = data.group_names
    label_width = max([_width(label) for label in data.labels] + [24.0]) + 10
    left = math.ceil(label_width)
    right = left + PLOT_WIDTH + 70
    legend, top = _legend(names, left, right)
    finite = data.scores[np.isfinite(data.scores)]
    scale = PLOT_WIDTH / max(1.0, float(finite.max()) if finite.size else 1.0)
    rows = []
    for pos, (unit, label) in enumerate(zip(data.units or data.labels, data.labels, strict=True)):
        x = float(left)
        parts = []
        for k in range(len(data.groups)):
            part = float(data.contributions[pos, k])
            width = max(0.0, part * scale) if math.isfinite(part) else 0.0
            parts.append(
                f'<rect class="part" x="{_n(x)}" y="{_n((ROW - BAR) / 2)}" width="{_n(width)}" '
                f'height="{_n(BAR)}" fill="{PALETTE[k % len(PALETTE)]}"/>'
            )
            x += width
        score = float(data.scores[pos])
        shown = f"{score:.{digits}f}" if math.isfinite(score) else ""
        rows.append(
            f'<g class="bar" data-unit="{_e(unit)}" transform="translate(0,{_n(top + pos * ROW)})">'
            f'<text class="name" x="{left - 6}" y="{_n(ROW / 2 + 4)}" text-anchor="end">'
            f"{_e(label)}</text>{''.join(parts)}"
            f'<text class="value" x="{_n(x + 4)}" y="{_n(ROW / 2 + 4)}" font-size="10">'
            f"{shown}</text></g>"
        )
    height = top + len(data.labels) * ROW + 6
    label = f' role="img" aria-label="{_e(caption)}"' if caption else ""
    family = ", ".join(f if f == "sans-serif" else f"'{f}'" for f in FONT_STACK)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="live-bars" viewBox="0 0 {_n(right)} '
        f'{_n(height)}" width="{_n(right)}" height="{_n(height)}" font-family="{_e(family)}" '
        f'font-size="{_n(FONT)}"{label} data-left="{left}" '
        f'data-top="{_n(top)}" data-row="{_n(ROW)}" data-width="{_n(PLOT_WIDTH)}">'
        f"{legend}"
        f'<path d="M{left} {_n(top)}V{_n(height - 4)}" stroke="#888" fill="none"/>'
        + "".join(rows)
        + "</svg>"
    )
