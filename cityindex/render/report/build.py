"""Build the HTML report: one file, no network requests, charts as inline SVG.

Sections, in the reader's language (`cityindex.render.i18n`): the ranking (a tiered table when the
spec defines tiers, with rank changes against a compared result); weights the reader can move
(`interactive`, inline script, nothing fetched); score bars stacked by group contribution; a
heatmap of group scores; radars of the top units; a map of the units (coordinates from the
data's latitude/longitude columns or a coordinates file; no tiles, no network); rank intervals
from the spec's uncertainty plan; the indicator framework; the method in words with formulas,
the weights and any AHP matrix (`method`); the audit; the data sources. Each section is made in
`sections`, from the chart data of `chart_inputs`; this module puts them on one page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cityindex.analysis.audit import Audit
from cityindex.load.data import Table
from cityindex.load.provenance import ORIGIN_COLUMNS, SOURCE_COLUMNS, sources_path
from cityindex.load.provenance import load_sources as read_sources
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.render.i18n import HTML_LANG, Language, title, tr
from cityindex.render.report.chart_inputs import COORDINATE_FILES as COORDINATE_FILES
from cityindex.render.report.chart_inputs import chart_data as chart_data
from cityindex.render.report.chart_inputs import coordinates_file as coordinates_file
from cityindex.render.report.chart_inputs import unit_labels
from cityindex.render.report.interactive import sliders
from cityindex.render.report.method import provenance_html
from cityindex.render.report.sections import (
    audit_section,
    charts_section,
    framework_section,
    importance_section,
    method_section,
    ranking_section,
    uncertainty_section,
)
from cityindex.render.report.sections import escape as _e
from cityindex.render.report.source_list import sources_table

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;line-height:1.5;
overflow-wrap:break-word}
h1,h2,h3{word-break:keep-all;overflow-wrap:break-word;line-break:strict}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;font-size:.85rem;margin:.6rem 0}
th,td{border:1px solid #ddd;padding:.2rem .45rem;text-align:right}
th{background:#f4f4f4;word-break:keep-all}td.t,th.t{text-align:left}
td.unit,td.tier,td.rank,td.score,td code{white-space:nowrap;word-break:keep-all}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
.note{color:#666;font-size:.85rem}ul.tree{font-size:.9rem}
code{background:#f4f4f4;padding:0 .2rem;white-space:pre-wrap;overflow-wrap:anywhere}
.formula{font-family:"Cambria Math","STIX Two Math",serif}
.wide{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}
td a{overflow-wrap:anywhere}td.note-cell{min-width:18rem;text-align:left}
table.sources td{vertical-align:top}table.sources td:first-child{white-space:nowrap}
table.sources td:nth-child(5){min-width:7em}table.sources td:nth-child(4){white-space:nowrap}
ol.links{font-size:.8rem;color:#444;padding-left:2.4rem}
ol.links a{overflow-wrap:anywhere;color:inherit}
tr.tier-0 td{background:#e3f0fb}tr.tier-1 td{background:#eef7e9}tr.tier-2 td{background:#fdf3e1}
tr.tier-3 td{background:#f6e8ef}tr.tier-4 td{background:#f1f1f1}
td.up{color:#1a7f37}td.down{color:#c0392b}
.controls{background:#fafafa;border:1px solid #ddd;padding:.6rem .9rem;margin:.6rem 0}
label.slider{display:grid;grid-template-columns:14rem 1fr 9rem;gap:.6rem;align-items:center}
label.slider output{font-variant-numeric:tabular-nums;text-align:right}
label.slider input{min-width:0;width:100%}
@media (max-width:640px){body{margin:1rem auto;padding:0 .6rem}h1{font-size:1.45rem}
h2{font-size:1.2rem}table{font-size:.78rem}th,td{padding:.15rem .3rem}
label.slider{grid-template-columns:minmax(0,1fr) auto;gap:.1rem .5rem}
label.slider input{grid-column:1/-1;grid-row:2}ul,ol{padding-left:1.2rem}
td.t{min-width:6.5em}td.unit,td.tier,table.sources td:first-child{min-width:0}}
@page{size:A4;margin:12mm 11mm}
@media print{body{max-width:none;margin:0;padding:0;font-size:9pt;line-height:1.35}
.controls,#weights,#what-if,#sliders-off,button{display:none}
h2{margin-top:1.1rem;font-size:13pt}h3{font-size:10.5pt;margin:.7rem 0 .3rem}
h1,h2,h3,h4{break-after:avoid;page-break-after:avoid;break-inside:avoid}
figure,tr,.formula,li{break-inside:avoid}thead{display:table-header-group}
figure{margin:.4rem 0}
figure svg{max-height:105mm;width:auto;max-width:100%;display:block;margin:0 auto}
table{font-size:7.5pt;margin:.3rem 0}th,td{padding:.05rem .25rem}
.wide{overflow:visible}a{color:inherit;text-decoration:none}ol.links{font-size:6.5pt;columns:2}
ul.tree{font-size:8pt}.note{font-size:8pt}
tr[class^=tier-] td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def load_sources(data_file: str | Path | None) -> list[dict[str, str]]:
    """Rows of the data file's sources file (`provenance`'s convention), empty when it has none:
    the required columns and the origin ones (publisher, title, published; mirror as
    ``true``/``false``), in the file's order.

    Read through `provenance.load_sources`, so the report sees exactly what `cityindex
    sources` and `data check` see (same encoding rules, same column checks).
    """
    if data_file is None:
        return []
    path = sources_path(data_file)
    if not path.is_file():
        return []
    return [
        {
            **{c: str(getattr(s, c)) for c in (*SOURCE_COLUMNS, *ORIGIN_COLUMNS)},
            "mirror": "true" if s.mirror else "false",
        }
        for s in read_sources(path, data_path=data_file)
    ]


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
    data = chart_data(
        spec, result, local_names=local_names, table=table, lang=lang, browser_text=True
    )
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
    scored = int(np.sum(result.included))
    uncertainty_html = (
        uncertainty_section(uncertainty, result.unit_column, names, lang) if uncertainty else ""
    )
    page_title = _e(title(spec.index, lang))
    audit_html = audit_section(audit, spec, lang) + importance_section(importance, spec, lang)
    ranking_html = ranking_section(spec, result, names, lang, compare)
    return f"""<!DOCTYPE html>
<html lang="{HTML_LANG[lang]}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{page_title}</title><style>{CSS}</style></head>
<body>
<h1>{page_title}</h1>
<p class="note">{_e(tr("n.scored", lang, n=scored, id=spec.index.id))}
{provenance_html(result, lang)}</p>
<h2 id="ranking">{_e(tr("h.ranking", lang))}</h2>{ranking_html}
{excluded_note}
<h3 id="what-if">{_e(tr("h.weights_live", lang))}</h3>{sliders(spec, result, names, lang)}
<h2 id="charts">{_e(tr("h.charts", lang))}</h2>{charts_section(data, top)}
{uncertainty_html}
<h2 id="framework">{_e(tr("h.framework", lang))}</h2>{framework_section(spec, result, lang)}
<h2 id="method">{_e(tr("h.method", lang))}</h2>{method_section(spec, result, lang)}
<h2 id="audit">{_e(tr("h.audit", lang))}</h2>{audit_html}
<h2 id="sources">{_e(tr("h.sources", lang))}</h2>{sources_table(sources, spec, lang)}
</body></html>
"""
