"""What the report's charts draw: the ranked units, their labels in the reader's language, top-level
group contributions and scores, and the units' coordinates for the map."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cityindex.analysis.explain import explain
from cityindex.load.data import Table
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.render.i18n import Language, title
from cityindex.render.report.charts import (
    ChartData,
    cjk_font,
    labels_for,
    read_coordinates,
    read_places,
)


def ranked(result: IndexResult) -> list[int]:
    """Positions of the included units, best rank first (ties in table order)."""
    order = np.argsort(np.nan_to_num(result.rank, nan=np.inf), kind="stable")
    return [int(i) for i in order if result.included[i]]


COORDINATE_FILES = ("{stem}.coordinates.csv", "coordinates.csv", "cities-coordinates.csv")
"""Where the map looks for coordinates when the spec names no `index.coordinates` file and
the data has no latitude/longitude columns: next to the data file, first match wins."""


def coordinates_file(spec: Spec, table: Table | None) -> Path | None:
    """The spec's `index.coordinates`, else a conventional file next to the data, or None."""
    if spec.index.coordinates is not None:
        return spec.index.coordinates
    if table is None:
        return None
    data = Path(table.file)
    for pattern in COORDINATE_FILES:
        candidate = data.parent / pattern.format(stem=data.stem)
        if candidate.is_file():
            return candidate
    return None


def unit_labels(
    units: Sequence[str], local: Sequence[str] | None, lang: Language
) -> tuple[str, ...]:
    """What readers see for units: the local (Chinese) name under zh, 'Beijing 北京' under en.

    For text a browser draws (the HTML page, SVG charts): it needs no font on this machine.
    """
    if local is None:
        return tuple(units)
    if lang == "zh":
        return tuple(n or u for u, n in zip(units, local, strict=True))
    return tuple(f"{u} {n}" if n and n != u else u for u, n in zip(units, local, strict=True))


def chart_data(
    spec: Spec,
    result: IndexResult,
    *,
    local_names: Sequence[str] | None = None,
    table: Table | None = None,
    lang: Language = "en",
    browser_text: bool = False,
) -> ChartData:
    """Scores, top-level group contributions (from `explain`) and group scores, ranked;
    with `table`, also the units' coordinates for the map (its latitude/longitude columns,
    else the coordinates file, when there is one).

    `browser_text`: the charts go out as SVG whose text the reader's browser draws (the
    report), so local names are used whatever fonts this machine has; otherwise (`plot`, which
    may draw a PNG here) they are used only when a CJK font is installed (`labels_for`).
    """
    order = ranked(result)
    groups = tuple(g.id for g in spec.groups)
    contributions = np.full((len(order), len(groups)), np.nan)
    for row, i in enumerate(order):
        ex = explain(spec, result, result.units[i])
        by_id = {r["id"]: r["contribution"] for r in ex.rows if r["depth"] == 1}
        contributions[row] = [by_id[g] for g in groups]
    exact = result.score_exact if result.score_exact is not None else result.score
    by_unit = dict(zip(result.units, local_names, strict=True)) if local_names else None
    units = [result.units[i] for i in order]
    local = [by_unit[u] for u in units] if by_unit is not None else None
    if browser_text or (cjk_font() is not None and local is not None):
        labels = unit_labels(units, local, lang)
    else:
        labels = labels_for(units, local)
    scores = np.asarray(exact, dtype=float)[order]
    places = None
    source = ""
    if table is not None:
        places = read_places(table, units, labels, scores)
        source = Path(table.file).name
        found = coordinates_file(spec, table) if places is None else None
        if found is not None:
            places, source = read_coordinates(found, units, labels, scores)
    return ChartData(
        labels=labels,
        scores=scores,
        groups=groups,
        contributions=contributions,
        group_scores=result.group_scores[list(groups)].to_numpy(dtype=float)[order],
        places=places,
        group_labels=tuple(title(g, lang) for g in spec.groups),
        lang=lang,
        map_source=source,
        units=tuple(units),
        ranks=tuple(None if np.isnan(result.rank[i]) else int(result.rank[i]) for i in order),
    )
