"""Build the HTML report: one file, no network requests, charts as inline SVG.

Sections, in the reader's language (`cityindex.render.i18n`): the ranking (a tiered table when the
spec defines tiers, with rank changes against a compared result); weights the reader can move
(`interactive`, inline script, nothing fetched); score bars stacked by group contribution; a
heatmap of group scores; radars of the top units; a map of the units (coordinates from the
data's latitude/longitude columns or a coordinates file; no tiles, no network); rank intervals
from the spec's uncertainty plan; the indicator framework; the method in words with formulas,
the weights and any AHP matrix (`method`); the audit; the data sources.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any

import numpy as np

from cityindex.analysis.audit import Audit
from cityindex.analysis.audit_columns import GROUP_COLUMNS, INDICATOR_COLUMNS, PAIR_COLUMNS
from cityindex.analysis.calibration_claim import calibration_claim
from cityindex.analysis.explain import explain
from cityindex.load.data import Table
from cityindex.load.provenance import SOURCE_COLUMNS, sources_path
from cityindex.load.provenance import load_sources as read_sources
from cityindex.model.result import IndexResult
from cityindex.model.spec import Group, Indicator, Spec
from cityindex.render.i18n import HTML_LANG, Language, headers, stage_name, title, titled_rows, tr
from cityindex.render.report.charts import (
    ChartData,
    bar_chart,
    cjk_font,
    heatmap,
    labels_for,
    map_caption,
    map_chart,
    radar,
    rank_intervals,
    read_coordinates,
    read_places,
)
from cityindex.render.report.charts import render as render_chart
from cityindex.render.report.interactive import sliders
from cityindex.render.report.method import (
    ahp_sections,
    calibration_details,
    method_text,
    provenance_line,
    sources_table,
    weights_table,
)

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;line-height:1.5}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;font-size:.85rem;margin:.6rem 0}
th,td{border:1px solid #ddd;padding:.2rem .45rem;text-align:right}
th{background:#f4f4f4}td.t,th.t{text-align:left}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
.note{color:#666;font-size:.85rem}ul.tree{font-size:.9rem}
code{background:#f4f4f4;padding:0 .2rem;white-space:pre-wrap;overflow-wrap:anywhere}
.formula{font-family:"Cambria Math","STIX Two Math",serif}
.wide{overflow-x:auto}td a{overflow-wrap:anywhere}td.note-cell{min-width:18rem;text-align:left}
tr.tier-0 td{background:#e3f0fb}tr.tier-1 td{background:#eef7e9}tr.tier-2 td{background:#fdf3e1}
tr.tier-3 td{background:#f6e8ef}tr.tier-4 td{background:#f1f1f1}
td.up{color:#1a7f37}td.down{color:#c0392b}
.controls{background:#fafafa;border:1px solid #ddd;padding:.6rem .9rem;margin:.6rem 0}
label.slider{display:grid;grid-template-columns:14rem 1fr 9rem;gap:.6rem;align-items:center}
label.slider output{font-variant-numeric:tabular-nums;text-align:right}
@page{size:A4;margin:14mm}
@media print{body{max-width:none;margin:0;font-size:10pt}.controls,#weights,button{display:none}
h2{break-after:avoid}figure,tr,.formula{break-inside:avoid}thead{display:table-header-group}
.wide{overflow:visible}a{color:inherit;text-decoration:none}
tr[class^=tier-] td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def load_sources(data_file: str | Path | None) -> list[dict[str, str]]:
    """Rows of the data file's sources file (`provenance`'s convention), empty when it has none.

    Read through `provenance.load_sources`, so the report sees exactly what `cityindex
    sources` and `data check` see (same encoding rules, same column checks).
    """
    if data_file is None:
        return []
    path = sources_path(data_file)
    if not path.is_file():
        return []
    return [
        {c: str(getattr(s, c)) for c in SOURCE_COLUMNS}
        for s in read_sources(path, data_path=data_file)
    ]


def _ranked(result: IndexResult) -> list[int]:
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
    """What readers see for units: the local (Chinese) name under zh, else `labels_for`."""
    if lang == "zh" and local is not None and cjk_font() is not None:
        return tuple(n or u for u, n in zip(units, local, strict=True))
    return labels_for(units, local)


def chart_data(
    spec: Spec,
    result: IndexResult,
    *,
    local_names: Sequence[str] | None = None,
    table: Table | None = None,
    lang: Language = "en",
) -> ChartData:
    """Scores, top-level group contributions (from `explain`) and group scores, ranked;
    with `table`, also the units' coordinates for the map (its latitude/longitude columns,
    else the coordinates file, when there is one)."""
    order = _ranked(result)
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
    labels = unit_labels(units, local, lang)
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
    )


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: Any, digits: int = 4) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float | np.floating):
        return "" if math.isnan(float(value)) else f"{float(value):.{digits}f}"
    return _e(value)


def _table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    digits: int = 4,
    labels: Mapping[str, str] | None = None,
) -> str:
    head = "".join(
        f'<th class="{"t" if rows and isinstance(rows[0].get(c), str) else ""}">'
        f"{_e((labels or {}).get(c, c))}</th>"
        for c in columns
    )
    body = []
    for row in rows:
        cells = []
        for c in columns:
            v = row.get(c)
            cls = ' class="t"' if isinstance(v, str) else ""
            cells.append(f"<td{cls}>{_num(v, digits)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return f'<div class="wide">{table}</div>'


def _ranking(
    spec: Spec,
    result: IndexResult,
    names: Mapping[str, str],
    lang: Language,
    compare: tuple[str, IndexResult] | None,
) -> str:
    """The ranking table: tier bands coloured, rank change against `compare` when given.

    Cells carry classes (rank, score, tier) and the row its unit, for the weights script."""
    groups = [g.id for g in spec.groups]
    columns = ["rank", result.unit_column, "score", *groups]
    tier_labels: list[str] = []
    rule = spec.index.scale.params.get("tiers")
    if result.tiers is not None:
        columns.append("tier")
        if isinstance(rule, Mapping) and rule.get("labels"):
            tier_labels = [str(t) for t in rule["labels"]]
        else:
            tier_labels = list(dict.fromkeys(t for t in result.tiers if t))
    if compare is not None:
        columns += ["compare_rank", "rank_change"]
    columns.append("coverage")
    shown = headers(columns, lang, spec.walk())
    if compare is not None:
        shown["compare_rank"] = tr("compare_rank", lang, name=compare[0])
    head = "".join(
        f'<th class="{"t" if c in (result.unit_column, "tier") else ""}">{_e(shown[c])}</th>'
        for c in columns
    )
    other = dict(zip(compare[1].units, compare[1].rank, strict=True)) if compare else {}
    digits = result.digits if result.digits is not None else 4
    body: list[str] = []
    for i in _ranked(result):
        unit = result.units[i]
        tier = result.tiers[i] if result.tiers is not None else None
        band = f"tier-{tier_labels.index(tier)}" if tier in tier_labels else ""
        cells = [
            f'<td class="rank" data-rank="{int(result.rank[i])}">{int(result.rank[i])}</td>',
            f'<td class="t unit">{_e(names.get(unit, unit))}</td>',
            f'<td class="score" data-score="{float(result.score[i])!r}">'
            f"{float(result.score[i]):.{digits}f}</td>",
        ]
        cells += [f"<td>{_num(float(result.group_scores[g].iloc[i]))}</td>" for g in groups]
        if result.tiers is not None:
            cells.append(f'<td class="t tier">{_e(tier or "")}</td>')
        if compare is not None:
            before = other.get(unit, math.nan)
            change = before - result.rank[i]
            sign = "up" if change > 0 else "down" if change < 0 else ""
            text = "" if math.isnan(change) else f"{int(change):+d}" if change else "0"
            cells.append(f"<td>{'' if math.isnan(before) else int(before)}</td>")
            cells.append(f'<td class="{sign}">{text.replace("-", "−")}</td>')
        cells.append(f"<td>{_num(float(result.coverage[i]), 2)}</td>")
        body.append(f'<tr class="{band}" data-unit="{_e(unit)}">{"".join(cells)}</tr>')
    table = (
        f'<table id="ranking-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    notes = ""
    if tier_labels:
        sep = "、" if lang == "zh" else ", "
        notes += f"<p class='note'>{_e(tr('n.tiers', lang, tiers=sep.join(tier_labels)))}</p>"
    if compare is not None:
        notes += f"<p class='note'>{_e(tr('n.compare', lang, name=compare[0]))}</p>"
    return f'<div class="wide">{table}</div>{notes}'


def _tree(spec: Spec, result: IndexResult, lang: Language) -> str:
    def node(n: Group | Indicator, parent: str, share: float) -> str:
        w = float(result.weights[parent][n.id])
        eff = share * w
        name = _e(title(n, lang))
        if isinstance(n, Indicator):
            arrow = "↑" if n.direction == "higher_is_better" else "↓"
            unit = f", {_e(n.unit)}" if n.unit else ""
            src = f'<br><span class="note">{_e(n.source)}</span>' if n.source else ""
            return (
                f"<li>{name} <code>{_e(n.id)}</code> {arrow} "
                f"({_e(tr(n.direction, lang))}{unit}): {eff:.3f}{src}</li>"
            )
        inner = "".join(node(c, n.id, eff) for c in n.children)
        return f"<li><b>{name}</b> <code>{_e(n.id)}</code>: {eff:.3f}<ul>{inner}</ul></li>"

    items = "".join(node(g, "", 1.0) for g in spec.groups)
    return f'<ul class="tree"><li><b>{_e(title(spec.index, lang))}</b><ul>{items}</ul></li></ul>'


def _method(spec: Spec, result: IndexResult, lang: Language = "en") -> str:
    parts = [method_text(spec, result, lang)]
    claim = calibration_claim(spec, result)
    if claim is not None and spec.calibration:
        target = PurePath(claim.target).name
        said = tr(f"m.cal_{claim.status}", lang)
        why = tr(f"m.cal_{claim.status}_why", lang, target=target)
        sep = "：" if lang == "zh" else ": "
        parts.append(
            f"<p><b>{_e(said)}</b>{sep}{_e(why)}</p>" + calibration_details(spec.calibration, lang)
        )
    parts.append(f"<h3>{_e(tr('h.weights', lang))}</h3>" + weights_table(spec, result, lang))
    parts.append(ahp_sections(spec, lang))
    parts.append(f"<p class='note'>{_e(provenance_line(result, lang))}</p>")
    if result.warnings:
        warnings = "".join(f"<li>{_e(w)}</li>" for w in result.warnings)
        parts.append(f"<p>{_e(tr('n.warnings', lang))}</p><ul>{warnings}</ul>")
    return "".join(parts)


def _svg(figure_svg: bytes, fig_id: str, caption: str) -> str:
    svg = figure_svg.decode("utf-8")
    return (
        f'<figure id="{fig_id}">{svg}<figcaption class="note">{_e(caption)}</figcaption></figure>'
    )


def _map(data: ChartData) -> str:
    """The map figure, a note when no ranked unit has coordinates, or nothing without them."""
    places = data.places
    if places is None:
        return ""
    lang = data.lang
    heading = f'<h3 id="map">{_e(tr("h.map", lang))}</h3>'
    if not places.labels:
        return heading + f"<p class='note'>{_e(tr('n.no_map', lang))}</p>"
    caption = map_caption(places, lang=lang, source=data.map_source)
    return heading + _svg(render_chart(map_chart(places, lang=lang)), "chart-map", caption)


def _charts(data: ChartData, top: int) -> str:
    lang = data.lang
    radar_html = (
        _svg(
            render_chart(radar(data, top=top)),
            "chart-radar",
            tr("n.radar", lang, n=min(top, len(data.labels))),
        )
        if len(data.groups) >= 3
        else f"<p class='note'>{_e(tr('n.no_radar', lang))}</p>"
    )
    return "".join(
        [
            _svg(render_chart(bar_chart(data)), "chart-bar", tr("n.bar", lang)),
            _svg(render_chart(heatmap(data)), "chart-heatmap", tr("n.heatmap", lang)),
            radar_html,
            _map(data),
        ]
    )


def _uncertainty(
    uncertainty: tuple[Sequence[Mapping[str, Any]], str],
    unit_col: str,
    names: Mapping[str, str],
    lang: Language,
) -> str:
    rows, note = uncertainty
    labels = [names.get(str(r[unit_col]), str(r[unit_col])) for r in rows]
    figure = rank_intervals(
        labels,
        np.array([float(r["rank"]) for r in rows]),
        np.array([float(r["rank_p05"]) for r in rows]),
        np.array([float(r["rank_p95"]) for r in rows]),
        lang=lang,
    )
    columns = ["rank", unit_col, "score", "median_rank", "rank_p05", "rank_p95", "p_top_k"]
    named = [{**r, unit_col: names.get(str(r[unit_col]), str(r[unit_col]))} for r in rows]
    return (
        f'<h2 id="uncertainty">{_e(tr("h.uncertainty", lang))}</h2>'
        + _svg(render_chart(figure), "chart-uncertainty", note)
        + _table(named, columns, 3, headers(columns, lang, ()))
    )


def _importance(rows: Sequence[Mapping[str, Any]], spec: Spec, lang: Language) -> str:
    """Importance beside the weights (`cityindex importance`), after the audit; empty without."""
    if not rows:
        return ""
    columns = list(rows[0])
    names = headers(columns, lang, ())
    shown = titled_rows(rows, lang, [spec.index, *spec.walk()])
    return f"<h3>{_e(tr('h.importance', lang))}</h3>" + _table(shown, columns, 3, names)


def _audit(audit: Audit, spec: Spec, lang: Language) -> str:
    names = headers([*GROUP_COLUMNS, *PAIR_COLUMNS, *INDICATOR_COLUMNS], lang, ())
    nodes = [spec.index, *spec.walk()]
    stage = stage_name(audit.stage, lang)
    return (
        f"<h3>{_e(tr('h.audit_groups', lang))}</h3>"
        + _table(titled_rows(audit.groups, lang, nodes), GROUP_COLUMNS, 3, names)
        + f"<h3>{_e(tr('h.audit_pairs', lang))}</h3>"
        + (
            _table(titled_rows(audit.pairs, lang, nodes), PAIR_COLUMNS, 3, names)
            if audit.pairs
            else f"<p>{_e(tr('n.none', lang))}</p>"
        )
        + f"<h3>{_e(tr('h.audit_indicators', lang, stage=stage))}</h3>"
        + _table(titled_rows(audit.indicators, lang, nodes), INDICATOR_COLUMNS, 3, names)
    )


def build_report(
    spec: Spec,
    result: IndexResult,
    audit: Audit,
    *,
    sources: Sequence[Mapping[str, str]] = (),
    local_names: Sequence[str] | None = None,
    top: int = 5,
    uncertainty: tuple[Sequence[Mapping[str, Any]], str] | None = None,
    table: Table | None = None,
    lang: Language = "en",
    compare: tuple[str, IndexResult] | None = None,
    importance: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The whole report as one HTML string (`uncertainty`: rank-interval rows and a note;
    `table`: the data, for the map's coordinates; `compare`: a name and a result whose
    ranks give the rank change; `lang`: the reader's language; `importance`:
    `cityindex.analysis.importance` rows, shown after the audit)."""
    data = chart_data(spec, result, local_names=local_names, table=table, lang=lang)
    local = dict(zip(result.units, local_names, strict=True)) if local_names else None
    names = dict(
        zip(
            result.units,
            unit_labels(result.units, [local[u] for u in result.units] if local else None, lang),
            strict=True,
        )
    )
    excluded = result.excluded()
    sep = "、" if lang == "zh" else ", "
    excluded_note = (
        f"<p class='note'>"
        f"{_e(tr('n.excluded', lang, n=len(excluded), units=sep.join(names[u] for u in excluded)))}"
        "</p>"
        if excluded
        else ""
    )
    font_note = (
        ""
        if local_names is None or cjk_font() is not None
        else f"<p class='note'>{_e(tr('n.no_cjk', lang))}</p>"
    )
    scored = int(np.sum(result.included))
    uncertainty_html = (
        _uncertainty(uncertainty, result.unit_column, names, lang) if uncertainty else ""
    )
    page_title = _e(title(spec.index, lang))
    audit_html = _audit(audit, spec, lang) + _importance(importance, spec, lang)
    return f"""<!DOCTYPE html>
<html lang="{HTML_LANG[lang]}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{page_title}</title><style>{CSS}</style></head>
<body>
<h1>{page_title}</h1>
<p class="note">{_e(tr("n.scored", lang, n=scored, id=spec.index.id))}
{_e(provenance_line(result, lang))}</p>
<h2 id="ranking">{_e(tr("h.ranking", lang))}</h2>{_ranking(spec, result, names, lang, compare)}
{excluded_note}
<h3 id="what-if">{_e(tr("h.weights_live", lang))}</h3>{sliders(spec, result, names, lang)}
<h2 id="charts">{_e(tr("h.charts", lang))}</h2>{font_note}{_charts(data, top)}
{uncertainty_html}
<h2 id="framework">{_e(tr("h.framework", lang))}</h2>{_tree(spec, result, lang)}
<h2 id="method">{_e(tr("h.method", lang))}</h2>{_method(spec, result, lang)}
<h2 id="audit">{_e(tr("h.audit", lang))}</h2>{audit_html}
<h2 id="sources">{_e(tr("h.sources", lang))}</h2>{sources_table(sources, spec, lang)}
</body></html>
"""
