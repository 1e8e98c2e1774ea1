"""Build the HTML report: one file, no scripts, no network requests, charts as inline SVG.

Sections: ranking; score bars stacked by group contribution; heatmap of group scores; radars
of the top units; a map of the units when the data has latitude and longitude columns (no
tiles, no network); the indicator framework with weights; the method written out from the spec
and the result's manifest; the audit; the data sources (the ``<data>.sources.csv`` file next
to the data, columns unit, column, value, year, url, note), with links.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cityindex.analysis.audit import Audit
from cityindex.analysis.audit_columns import INDICATOR_COLUMNS
from cityindex.analysis.calibration_claim import calibration_claim
from cityindex.analysis.explain import explain
from cityindex.data import Table
from cityindex.provenance import SOURCE_COLUMNS, sources_path
from cityindex.provenance import load_sources as read_sources
from cityindex.report.charts import (
    ChartData,
    bar_chart,
    cjk_font,
    heatmap,
    labels_for,
    map_caption,
    map_chart,
    radar,
    rank_intervals,
    read_places,
)
from cityindex.report.charts import render as render_chart
from cityindex.result import IndexResult
from cityindex.spec import Group, Indicator, Spec

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;margin:2rem auto;
max-width:1100px;padding:0 1rem;color:#222;line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;font-size:.85rem;margin:.6rem 0}
th,td{border:1px solid #ddd;padding:.2rem .45rem;text-align:right}
th{background:#f4f4f4}td.t,th.t{text-align:left}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
.note{color:#666;font-size:.85rem}ul.tree{font-size:.9rem}
code{background:#f4f4f4;padding:0 .2rem;white-space:pre-wrap;overflow-wrap:anywhere}
.wide{overflow-x:auto}td a{overflow-wrap:anywhere}td.note-cell{min-width:18rem;text-align:left}
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


def chart_data(
    spec: Spec,
    result: IndexResult,
    *,
    local_names: Sequence[str] | None = None,
    table: Table | None = None,
) -> ChartData:
    """Scores, top-level group contributions (from `explain`) and group scores, ranked;
    with `table`, also the units' coordinates for the map (when it has them)."""
    order = _ranked(result)
    groups = tuple(g.id for g in spec.groups)
    contributions = np.full((len(order), len(groups)), np.nan)
    for row, i in enumerate(order):
        ex = explain(spec, result, result.units[i])
        by_id = {r["id"]: r["contribution"] for r in ex.rows if r["depth"] == 1}
        contributions[row] = [by_id[g] for g in groups]
    exact = result.score_exact if result.score_exact is not None else result.score
    local = [local_names[i] for i in order] if local_names is not None else None
    units = [result.units[i] for i in order]
    labels = labels_for(units, local)
    scores = np.asarray(exact, dtype=float)[order]
    return ChartData(
        labels=labels,
        scores=scores,
        groups=groups,
        contributions=contributions,
        group_scores=result.group_scores[list(groups)].to_numpy(dtype=float)[order],
        places=None if table is None else read_places(table, units, labels, scores),
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


def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], digits: int = 4) -> str:
    head = "".join(
        f'<th class="{"t" if rows and isinstance(rows[0].get(c), str) else ""}">{_e(c)}</th>'
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


def _tree(spec: Spec, result: IndexResult) -> str:
    def node(n: Group | Indicator, parent: str, share: float) -> str:
        w = float(result.weights[parent][n.id])
        eff = share * w
        title = f" — {_e(n.title)}" if n.title else ""
        if isinstance(n, Indicator):
            arrow = "↑" if n.direction == "higher_is_better" else "↓"
            unit = f", {_e(n.unit)}" if n.unit else ""
            src = f'<br><span class="note">{_e(n.source)}</span>' if n.source else ""
            return (
                f"<li><code>{_e(n.id)}</code>{title} {arrow} (column {_e(n.column)}{unit}): "
                f"weight {w:.3f}, effective {eff:.3f}{src}</li>"
            )
        inner = "".join(node(c, n.id, eff) for c in n.children)
        return (
            f"<li><b>{_e(n.id)}</b>{title}: weight {w:.3f}, effective {eff:.3f}"
            f"<ul>{inner}</ul></li>"
        )

    items = "".join(node(g, "", 1.0) for g in spec.groups)
    return f'<ul class="tree"><li><b>{_e(spec.index.title)}</b><ul>{items}</ul></li></ul>'


def _describe(choice: Mapping[str, Any]) -> str:
    params = ", ".join(f"{k} = {json.dumps(v)}" for k, v in choice.items() if k != "method")
    return f"<code>{_e(choice.get('method'))}</code>" + (f" ({_e(params)})" if params else "")


def _method(spec: Spec, result: IndexResult) -> str:
    m = result.manifest
    nodes: Mapping[str, Mapping[str, Any]] = m.get("methods", {})
    items: list[str] = []
    stage_names = {
        "denominate": "Denomination",
        "impute": "Imputation",
        "treat": "Outlier treatment",
        "normalise": "Normalisation",
    }
    for stage, label in stage_names.items():
        seen: dict[str, list[str]] = {}
        for ind in spec.indicators():
            seen.setdefault(_describe(nodes[ind.id][stage]), []).append(ind.id)
        parts = [
            d if len(seen) == 1 else f"{d} for {_e(', '.join(ids))}" for d, ids in seen.items()
        ]
        items.append(f"<li>{label}: {'; '.join(parts)}</li>")
    for stage, label in (("weights", "Weights"), ("aggregate", "Aggregation")):
        seen = {}
        for gid, node in nodes.items():
            if stage in node:
                seen.setdefault(_describe(node[stage]), []).append(gid)
        parts = [d if len(seen) == 1 else f"{d} at {_e(', '.join(ids))}" for d, ids in seen.items()]
        items.append(f"<li>{label}: {'; '.join(parts)}</li>")
    items.append(f"<li>Missing data: {_describe(m.get('missing', {}))}</li>")
    items.append(f"<li>Scaling of the index: {_describe(m.get('scale', {}))}</li>")
    claim = calibration_claim(spec, result)
    if claim is not None and spec.calibration:
        cal = json.dumps(dict(spec.calibration), ensure_ascii=False, default=str)
        said = {
            "calibrated": "<b>Calibrated weights</b>: the weights were fitted to reproduce a "
            "published result, not taken from its method",
            "changed": "<b>Weights changed since calibration</b>: these are not the weights "
            f"fitted to {_e(claim.target)}; its published figures are not reproduced. The "
            "spec's calibration block describes the fitted weights",
            "unverified": "<b>Calibrated weights (not verified)</b>: the spec says its weights "
            "were fitted to reproduce a published result, but its calibration block records "
            "no digest of them to check against",
        }[claim.status]
        items.append(f"<li>{said}: <code>{_e(cal)}</code></li>")
    if spec.overrides:
        items.append("<li>Overrides: " + _e(", ".join(spec.overrides)) + "</li>")
    data = m.get("data", {})
    spec_info = m.get("spec", {})
    prov = (
        f"spec {_e(spec_info.get('file'))} (sha256 {_e(str(spec_info.get('sha256'))[:12])}); "
        f"data {_e(data.get('file'))} (sha256 {_e(str(data.get('sha256'))[:12])}"
        + (f", year {_e(data.get('year'))}" if data.get("year") else "")
        + f"); cityindex {_e(m.get('cityindex'))}"
    )
    warnings = "".join(f"<li>{_e(w)}</li>" for w in result.warnings)
    warn = f"<p>Warnings:</p><ul>{warnings}</ul>" if warnings else ""
    return f"<ul>{''.join(items)}</ul><p class='note'>Provenance: {prov}</p>{warn}"


def _sources(rows: Sequence[Mapping[str, str]]) -> str:
    if not rows:
        return (
            "<p>No sources file next to the data "
            "(expected <code>&lt;data&gt;.sources.csv</code>).</p>"
        )
    body = []
    for r in rows:
        url = r.get("url", "")
        link = f'<a href="{_e(url)}" rel="noreferrer">{_e(url)}</a>' if url else ""
        body.append(
            "<tr>"
            + "".join(
                f'<td class="t">{_e(r.get(c, ""))}</td>'
                for c in ("unit", "column", "value", "year")
            )
            + f'<td class="t">{link}</td><td class="note-cell">{_e(r.get("note", ""))}</td></tr>'
        )
    head = "".join(
        f'<th class="t">{c}</th>' for c in ("unit", "column", "value", "year", "url", "note")
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


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
    if not places.labels:
        return "<p class='note'>No map: no ranked unit has both a latitude and a longitude.</p>"
    return _svg(render_chart(map_chart(places)), "chart-map", map_caption(places))


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
    importance: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The whole report as one HTML string (`uncertainty`: rank-interval rows and a note;
    `table`: the data, whose latitude/longitude columns, if any, add a map; `importance`:
    `cityindex.analysis.importance` rows, shown after the audit)."""
    data = chart_data(spec, result, local_names=local_names, table=table)
    ranking_rows: list[dict[str, Any]] = []
    for record in result.table().to_dict(orient="records"):
        rec = {str(k): v for k, v in record.items()}
        if not np.isnan(rec["rank"]):
            rec["rank"] = int(rec["rank"])
            ranking_rows.append(rec)
    groups = list(result.group_scores.columns)
    ranking = _table(ranking_rows, ["rank", result.unit_column, "score", *groups, "coverage"])
    excluded = result.excluded()
    excluded_note = (
        f"<p class='note'>Not scored ({len(excluded)}, too little data): "
        f"{_e(', '.join(excluded))}</p>"
        if excluded
        else ""
    )
    font_note = (
        ""
        if local_names is None or cjk_font() is not None
        else "<p class='note'>No CJK font was installed when this report was drawn, so the "
        "charts use the English unit names (install fonts-noto-cjk for Chinese names).</p>"
    )
    charts = "".join(
        [
            _svg(
                render_chart(bar_chart(data)),
                "chart-bar",
                "Scores stacked by each top-level group's contribution (they add up to the "
                "score; see `cityindex explain UNIT`).",
            ),
            _svg(
                render_chart(heatmap(data)),
                "chart-heatmap",
                "Group scores per unit (– : no data for the group).",
            ),
            _svg(
                render_chart(radar(data, top=top)),
                "chart-radar",
                f"Top {min(top, len(data.labels))} units: their top-level group scores.",
            )
            if len(data.groups) >= 3
            else "<p class='note'>No radar charts: they need at least three top-level groups.</p>",
            _map(data),
        ]
    )
    audit_html = (
        "<h3>Groups</h3>"
        + _table(
            audit.groups,
            ["group", "parent", "children", "alpha", "pc1_share", "corr_parent", "corr_index"],
            3,
        )
        + "<h3>Flagged indicator pairs (r &gt; 0.9 collinear, or negative)</h3>"
        + (
            _table(audit.pairs, ["group", "indicator_1", "indicator_2", "corr", "flag"], 3)
            if audit.pairs
            else "<p>None.</p>"
        )
        + f"<h3>Indicators (statistics on the {_e(audit.stage)} values)</h3>"
        + _table(audit.indicators, INDICATOR_COLUMNS, 3)
    )
    if importance:
        audit_html += (
            "<h3>Importance vs weights (first-order S by local linear regression; "
            "ratio = S share / weight)</h3>" + _table(importance, list(importance[0]), 3)
        )
    uncertainty_html = ""
    if uncertainty is not None:
        rows, note = uncertainty
        unit_col = result.unit_column
        labels = [str(r[unit_col]) for r in rows]
        figure = rank_intervals(
            labels,
            np.array([float(r["rank"]) for r in rows]),
            np.array([float(r["rank_p05"]) for r in rows]),
            np.array([float(r["rank_p95"]) for r in rows]),
        )
        uncertainty_html = (
            '<h2 id="uncertainty">Uncertainty</h2>'
            + _svg(render_chart(figure), "chart-uncertainty", note)
            + _table(
                rows,
                ["rank", unit_col, "score", "median_rank", "rank_p05", "rank_p95", "p_top_k"],
                3,
            )
        )
    title = _e(spec.index.title)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{CSS}</style></head>
<body>
<h1>{title}</h1>
<p class="note">Index <code>{_e(spec.index.id)}</code>: {len(ranking_rows)} units scored.
Made by cityindex from the spec and data named under Method.</p>
<h2 id="ranking">Ranking</h2>{ranking}{excluded_note}
<h2 id="charts">Charts</h2>{font_note}{charts}
{uncertainty_html}
<h2 id="framework">Indicator framework</h2>{_tree(spec, result)}
<h2 id="method">Method</h2>{_method(spec, result)}
<h2 id="audit">Audit</h2>{audit_html}
<h2 id="sources">Data sources</h2>{_sources(sources)}
</body></html>
"""
