"""The sections of the HTML report, each as an HTML fragment in the reader's language: the ranking,
the charts and map, rank intervals, the indicator framework, the method, the audit and
importance. Every text is escaped here; `build` puts the sections on one page."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

import numpy as np

from cityindex.analysis.audit import Audit
from cityindex.analysis.audit_columns import GROUP_COLUMNS, INDICATOR_COLUMNS, PAIR_COLUMNS
from cityindex.analysis.calibration_claim import calibration_claim
from cityindex.model.result import IndexResult
from cityindex.model.spec import Group, Indicator, Spec
from cityindex.render.i18n import Language, headers, stage_name, title, titled_rows, tr
from cityindex.render.report.chart_inputs import ranked
from cityindex.render.report.charts import (
    ChartData,
    heatmap,
    map_caption,
    map_chart,
    radar,
    rank_intervals,
)
from cityindex.render.report.charts import render as render_chart
from cityindex.render.report.live_bars import live_bars
from cityindex.render.report.method import (
    ahp_sections,
    calibration_details,
    method_text,
    provenance_html,
    weights_table,
)


def escape(value: Any) -> str:
    """`value` as HTML text (quotes escaped too)."""
    return html.escape(str(value), quote=True)


def _num(value: Any, digits: int = 4) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float | np.floating):
        return "" if math.isnan(float(value)) else f"{float(value):.{digits}f}"
    return escape(value)


RANK_COLUMNS = frozenset({"rank", "median_rank", "rank_p05", "rank_p95", "compare_rank"})
"""Columns holding ranks: shown as whole numbers (`rank_text`)."""


def rank_text(value: Any) -> str:
    """A rank as a reader quotes it: a whole number (a percentile of ranks between two whole
    ranks keeps one decimal, e.g. 2.5); empty when missing.

    >>> rank_text(3.0), rank_text(np.float64(12)), rank_text(2.5), rank_text(float("nan"))
    ('3', '12', '2.5', '')
    """
    if value is None:
        return ""
    v = float(value)
    if math.isnan(v):
        return ""
    return str(int(v)) if v == int(v) else f"{v:.1f}"


def _table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    digits: int = 4,
    labels: Mapping[str, str] | None = None,
) -> str:
    head = "".join(
        f'<th class="{"t" if rows and isinstance(rows[0].get(c), str) else ""}">'
        f"{escape((labels or {}).get(c, c))}</th>"
        for c in columns
    )
    body = []
    for row in rows:
        cells = []
        for c in columns:
            v = row.get(c)
            cls = ' class="t"' if isinstance(v, str) else ""
            text = rank_text(v) if c in RANK_COLUMNS and not isinstance(v, str) else None
            cells.append(f"<td{cls}>{_num(v, digits) if text is None else text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return f'<div class="wide">{table}</div>'


def ranking_section(
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
        f'<th class="{"t" if c in (result.unit_column, "tier") else ""}">{escape(shown[c])}</th>'
        for c in columns
    )
    other = dict(zip(compare[1].units, compare[1].rank, strict=True)) if compare else {}
    digits = result.digits if result.digits is not None else 4
    body: list[str] = []
    for i in ranked(result):
        unit = result.units[i]
        tier = result.tiers[i] if result.tiers is not None else None
        band = f"tier-{tier_labels.index(tier)}" if tier in tier_labels else ""
        cells = [
            f'<td class="rank" data-rank="{int(result.rank[i])}">{int(result.rank[i])}</td>',
            f'<td class="t unit">{escape(names.get(unit, unit))}</td>',
            f'<td class="score" data-score="{float(result.score[i])!r}">'
            f"{float(result.score[i]):.{digits}f}</td>",
        ]
        cells += [f"<td>{_num(float(result.group_scores[g].iloc[i]))}</td>" for g in groups]
        if result.tiers is not None:
            cells.append(f'<td class="t tier">{escape(tier or "")}</td>')
        if compare is not None:
            before = other.get(unit, math.nan)
            change = before - result.rank[i]
            sign = "up" if change > 0 else "down" if change < 0 else ""
            text = "" if math.isnan(change) else f"{int(change):+d}" if change else "0"
            cells.append(f"<td>{'' if math.isnan(before) else int(before)}</td>")
            cells.append(f'<td class="{sign}">{text.replace("-", "−")}</td>')
        cells.append(f"<td>{_num(float(result.coverage[i]), 2)}</td>")
        body.append(f'<tr class="{band}" data-unit="{escape(unit)}">{"".join(cells)}</tr>')
    table = (
        f'<table id="ranking-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    notes = ""
    if tier_labels:
        sep = "、" if lang == "zh" else ", "
        notes += f"<p class='note'>{escape(tr('n.tiers', lang, tiers=sep.join(tier_labels)))}</p>"
    if compare is not None:
        notes += f"<p class='note'>{escape(tr('n.compare', lang, name=compare[0]))}</p>"
    return f'<div class="wide">{table}</div>{notes}'


def framework_section(spec: Spec, result: IndexResult, lang: Language) -> str:
    def node(n: Group | Indicator, parent: str, share: float) -> str:
        w = float(result.weights[parent][n.id])
        eff = share * w
        name = escape(title(n, lang))
        if isinstance(n, Indicator):
            arrow = "↑" if n.direction == "higher_is_better" else "↓"
            said_unit = n.extra.get("unit_zh") if lang == "zh" else None
            shown_unit = str(said_unit) if said_unit else n.unit
            unit = f", {escape(shown_unit)}" if shown_unit else ""
            said = n.extra.get("source_zh") if lang == "zh" else None
            said = str(said) if said else n.source
            src = f'<br><span class="note">{escape(said)}</span>' if said else ""
            return (
                f"<li>{name} <code>{escape(n.id)}</code> {arrow} "
                f"({escape(tr(n.direction, lang))}{unit}): {eff:.3f}{src}</li>"
            )
        inner = "".join(node(c, n.id, eff) for c in n.children)
        return f"<li><b>{name}</b> <code>{escape(n.id)}</code>: {eff:.3f}<ul>{inner}</ul></li>"

    items = "".join(node(g, "", 1.0) for g in spec.groups)
    return (
        f'<ul class="tree"><li><b>{escape(title(spec.index, lang))}</b><ul>{items}</ul></li></ul>'
    )


def method_section(spec: Spec, result: IndexResult, lang: Language = "en") -> str:
    parts = [method_text(spec, result, lang)]
    claim = calibration_claim(spec, result)
    if claim is not None and spec.calibration:
        target = PurePath(claim.target).name
        said = tr(f"m.cal_{claim.kind}", lang)
        diff = "" if claim.residual is None else f"{claim.residual:.3g}"
        why = tr(f"m.cal_{claim.kind}_why", lang, target=target, diff=diff)
        sep = "：" if lang == "zh" else ": "
        parts.append(
            f"<p><b>{escape(said)}</b>{sep}{escape(why)}</p>"
            + calibration_details(spec.calibration, lang)
        )
    parts.append(f"<h3>{escape(tr('h.weights', lang))}</h3>" + weights_table(spec, result, lang))
    parts.append(ahp_sections(spec, lang))
    parts.append(f"<p class='note'>{provenance_html(result, lang)}</p>")
    if result.warnings:
        warnings = "".join(f"<li>{escape(w)}</li>" for w in result.warnings)
        parts.append(f"<p>{escape(tr('n.warnings', lang))}</p><ul>{warnings}</ul>")
    return "".join(parts)


def _svg(figure_svg: bytes, fig_id: str, caption: str) -> str:
    svg = figure_svg.decode("utf-8")
    caption_html = f'<figcaption class="note">{escape(caption)}</figcaption>'
    return f'<figure id="{fig_id}">{svg}{caption_html}</figure>'


def _map(data: ChartData) -> str:
    """The map figure, a note when no ranked unit has coordinates, or nothing without them."""
    places = data.places
    if places is None:
        return ""
    lang = data.lang
    heading = f'<h3 id="map">{escape(tr("h.map", lang))}</h3>'
    if not places.labels:
        return heading + f"<p class='note'>{escape(tr('n.no_map', lang))}</p>"
    caption = map_caption(places, lang=lang, source=data.map_source)
    return heading + _svg(render_chart(map_chart(places, lang=lang)), "chart-map", caption)


def charts_section(data: ChartData, top: int) -> str:
    lang = data.lang
    radar_html = (
        _svg(
            render_chart(radar(data, top=top)),
            "chart-radar",
            tr("n.radar", lang, n=min(top, len(data.labels))),
        )
        if len(data.groups) >= 3
        else f"<p class='note'>{escape(tr('n.no_radar', lang))}</p>"
    )
    return "".join(
        [
            _svg(live_bars(data).encode(), "chart-bar", tr("n.bar", lang)),
            _svg(render_chart(heatmap(data)), "chart-heatmap", tr("n.heatmap", lang)),
            radar_html,
            _map(data),
        ]
    )


def uncertainty_section(
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
        f'<h2 id="uncertainty">{escape(tr("h.uncertainty", lang))}</h2>'
        + _svg(render_chart(figure), "chart-uncertainty", note)
        + _table(named, columns, 3, headers(columns, lang, ()))
    )


def importance_section(rows: Sequence[Mapping[str, Any]], spec: Spec, lang: Language) -> str:
    """Importance beside the weights (`cityindex importance`), after the audit; empty without."""
    if not rows:
        return ""
    columns = list(rows[0])
    names = headers(columns, lang, ())
    shown = titled_rows(rows, lang, [spec.index, *spec.walk()])
    return f"<h3>{escape(tr('h.importance', lang))}</h3>" + _table(shown, columns, 3, names)


def audit_section(audit: Audit, spec: Spec, lang: Language) -> str:
    names = headers([*GROUP_COLUMNS, *PAIR_COLUMNS, *INDICATOR_COLUMNS], lang, ())
    nodes = [spec.index, *spec.walk()]
    stage = stage_name(audit.stage, lang)
    return (
        f"<h3>{escape(tr('h.audit_groups', lang))}</h3>"
        + _table(titled_rows(audit.groups, lang, nodes), GROUP_COLUMNS, 3, names)
        + f"<h3>{escape(tr('h.audit_pairs', lang))}</h3>"
        + (
            _table(titled_rows(audit.pairs, lang, nodes), PAIR_COLUMNS, 3, names)
            if audit.pairs
            else f"<p>{escape(tr('n.none', lang))}</p>"
        )
        + f"<h3>{escape(tr('h.audit_indicators', lang, stage=stage))}</h3>"
        + _table(titled_rows(audit.indicators, lang, nodes), INDICATOR_COLUMNS, 3, names)
    )
