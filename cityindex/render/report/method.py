"""The report's Method section as readable text, and its weights, AHP and sources tables.

Each level's normalisation, weighting and aggregation is said in words (the method's name in
the reader's language) with its formula (the registry's own one-line doc, the same text
`cityindex methods` would show); the weights table gives each node's nominal (spec) weight,
its weight within its group and its effective weight in the index; a group weighted by AHP
shows its judgement matrix with λmax, CI, RI and CR. Nothing here prints raw JSON or a path
beyond a file's name.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

import numpy as np

from cityindex.methods.ahp_judgements import evaluate_ahp
from cityindex.methods.ahp_matrix import MAX_CR, random_index
from cityindex.methods.registry import Stage, get_method
from cityindex.model.result import IndexResult
from cityindex.model.spec import Group, Indicator, MethodChoice, Spec
from cityindex.model.tree import ROOT, resolve_tree
from cityindex.render.i18n import Language, method_name, title, tr
from cityindex.render.report.formulas_zh import FORMULAS_ZH


def e(value: Any) -> str:
    """HTML-escaped text."""
    return html.escape(str(value), quote=True)


def number(value: float, digits: int = 4) -> str:
    """A number for a table cell: empty when missing.

    >>> number(0.5), number(1 / 3, 2), number(float("nan"))
    ('0.5000', '0.33', '')
    """
    v = float(value)
    return "" if np.isnan(v) else f"{v:.{digits}f}"


def simple_table(
    head: Sequence[str], rows: Sequence[Sequence[str]], *, left: int = 1, cls: str = ""
) -> str:
    """An HTML table of already-escaped cells; the first `left` columns are text."""

    def cell(tag: str, k: int, text: str) -> str:
        return f'<{tag} class="t">{text}</{tag}>' if k < left else f"<{tag}>{text}</{tag}>"

    top = "".join(cell("th", k, h) for k, h in enumerate(head))
    body = "".join(
        "<tr>" + "".join(cell("td", k, c) for k, c in enumerate(row)) + "</tr>" for row in rows
    )
    attr = f' class="{cls}"' if cls else ""
    table = f"<table{attr}><thead><tr>{top}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="wide">{table}</div>'


def formula_doc(stage: Stage, name: str, lang: Language) -> str:
    """A method's one-line formula in the reader's language (the registry's doc under en, or
    when no Chinese text exists for it)."""
    doc = get_method(stage, name).doc
    if lang == "zh":
        return FORMULAS_ZH.get(f"{stage}.{name}", doc)
    return doc


def _formula(stage: Stage, choice: MethodChoice, lang: Language) -> str:
    doc = formula_doc(stage, choice.name, lang)
    shown = {k: v for k, v in choice.params.items() if k not in ("digits", "tiers", "pairs")}
    params = ", ".join(
        f"<code>{e(k)}</code> = {e(v)}" for k, v in shown.items() if v is not None and v != []
    )
    extra = f" ({params})" if params else ""
    return f"{e(doc)}{extra}" if doc else extra


def _said(stage: Stage, choice: MethodChoice, lang: Language) -> str:
    formula = _formula(stage, choice, lang)
    return f"<b>{e(method_name(choice.name, lang))}</b>: <span class='formula'>{formula}</span>"


def _names(spec: Spec, ids: Sequence[str], lang: Language) -> str:
    nodes = {n.id: n for n in spec.walk()}
    sep = "、" if lang == "zh" else ", "
    return sep.join(title(nodes[i], lang) if i in nodes else i for i in ids)


def _grouped(spec: Spec, stage: Stage, chosen: Mapping[str, MethodChoice], lang: Language) -> str:
    """One stage over several nodes: one line if they agree, else one line per method."""
    seen: dict[tuple[str, str], tuple[MethodChoice, list[str]]] = {}
    for node_id, choice in chosen.items():
        key = (choice.name, repr(sorted(choice.params.items(), key=lambda kv: kv[0])))
        seen.setdefault(key, (choice, []))[1].append(node_id)
    if len(seen) == 1:
        choice, _ = next(iter(seen.values()))
        return _said(stage, choice, lang)
    parts = [
        f"{_said(stage, c, lang)} — {e(tr('m.for', lang, ids=_names(spec, ids, lang)))}"
        for c, ids in seen.values()
    ]
    return "<ul>" + "".join(f"<li>{p}</li>" for p in parts) + "</ul>"


def _depths(spec: Spec) -> dict[str, int]:
    """Depth of each group (top-level groups 1); the index itself is 0."""
    out: dict[str, int] = {ROOT: 0}

    def visit(g: Group, d: int) -> None:
        out[g.id] = d
        for child in g.groups:
            visit(child, d + 1)

    for g in spec.groups:
        visit(g, 1)
    return out


def method_text(spec: Spec, result: IndexResult, lang: Language) -> str:
    """Each stage and level in words with its formula, then missing data and scaling."""
    tree = resolve_tree(spec)
    items: list[str] = []
    for stage in ("denominate", "impute", "treat", "normalise"):
        chosen = {i.id: tree.indicator_methods[i.id][stage] for i in tree.indicators}
        if stage != "normalise" and all(c.name == "none" for c in chosen.values()):
            continue
        items.append(f"<li>{e(tr('m.' + stage, lang))}: {_grouped(spec, stage, chosen, lang)}</li>")
    depths = _depths(spec)
    deepest = max(depths.values())
    for depth in range(deepest, -1, -1):
        ids = [g for g, d in depths.items() if d == depth]
        what = tr("m.top", lang) if depth == 0 else tr("m.groups_from", lang)
        # levels count up as COINr's (the README's one convention): 1 = indicators
        level = e(tr("m.level", lang, n=deepest - depth + 2, what=what))
        weights = {g: tree.group_methods[g]["weights"] for g in ids}
        aggregate = {g: tree.group_methods[g]["aggregate"] for g in ids}
        items.append(
            f"<li>{level}<ul>"
            f"<li>{e(tr('m.weights', lang))}: {_grouped(spec, 'weights', weights, lang)}</li>"
            f"<li>{e(tr('m.aggregate', lang))}: {_grouped(spec, 'aggregate', aggregate, lang)}</li>"
            "</ul></li>"
        )
    missing = tree.group_methods[ROOT]["missing"]
    items.append(f"<li>{e(tr('m.missing', lang))}: {_said('missing', missing, lang)}</li>")
    scale = spec.index.scale
    digits = scale.params.get("digits")
    rounding = f" ({'保留' + str(digits) + '位小数' if lang == 'zh' else f'{digits} decimals'})"
    items.append(
        f"<li>{e(tr('m.scale', lang))}: {_said('scale', scale, lang)}"
        f"{rounding if digits is not None else ''}</li>"
    )
    tiers = tier_rule(spec, result, lang)
    if tiers:
        items.append(f"<li>{tiers}</li>")
    if spec.overrides:
        items.append(f"<li>{e(tr('m.overrides', lang, sets=', '.join(spec.overrides)))}</li>")
    return "<ul class='method'>" + "".join(items) + "</ul>"


def tier_rule(spec: Spec, result: IndexResult, lang: Language) -> str:
    """The spec's tier rule in words (thresholds or natural breaks), with the lowest score in
    each tier but the last as computed; empty without tiers."""
    rule = spec.index.scale.params.get("tiers")
    if result.tiers is None or not isinstance(rule, Mapping) or not rule.get("labels"):
        return ""
    labels = [str(t) for t in rule["labels"]]
    lowest: dict[str, float] = {}
    for tier, score, kept in zip(result.tiers, result.score, result.included, strict=True):
        if kept and tier in labels and not np.isnan(score):
            lowest[tier] = min(lowest.get(tier, math.inf), float(score))
    digits = result.digits if result.digits is not None else 4
    sep = "；" if lang == "zh" else "; "
    colon = "：" if lang == "zh" else ": "
    fixed = rule.get("thresholds")
    if isinstance(fixed, list) and len(fixed) == len(labels) - 1:
        lowest = {t: float(v) for t, v in zip(labels, fixed, strict=False)}
    cuts = [f"≥ {lowest[t]:.{digits}f}{colon}{t}" for t in labels[:-1] if t in lowest]
    cuts.append(f"{tr('rp.otherwise', lang)}{colon}{labels[-1]}")
    how = "rp.tiers_jenks" if rule.get("breaks") == "jenks" else "rp.tiers_fixed"
    return e(tr(how, lang, n=len(labels), rules=sep.join(cuts)))


def weights_table(spec: Spec, result: IndexResult, lang: Language) -> str:
    """Every group and indicator: nominal (spec) weight, weight in its group, effective weight."""
    rows: list[list[str]] = []

    def visit(node: Group | Indicator, parent: str, share: float, depth: int) -> None:
        w = float(result.weights[parent][node.id])
        eff = share * w
        pad = "&nbsp;" * 4 * depth
        name = f"{pad}{e(title(node, lang))}"
        if isinstance(node, Indicator):
            arrow = "↑ " if node.direction == "higher_is_better" else "↓ "
            name = f"{pad}{arrow}{e(title(node, lang))}"
        rows.append(
            [name, f"<code>{e(node.id)}</code>", number(node.weight), number(w), number(eff)]
        )
        if isinstance(node, Group):
            for child in node.children:
                visit(child, node.id, eff, depth + 1)

    for g in spec.groups:
        visit(g, ROOT, 1.0, 0)
    head = [
        e(tr("group", lang) + " / " + tr("indicator", lang)),
        e(tr("id", lang)),
        e(tr("nominal_weight", lang)),
        e(tr("relative_weight", lang)),
        e(tr("effective_weight", lang)),
    ]
    return simple_table(head, rows, left=2, cls="weights")


def ahp_sections(spec: Spec, lang: Language) -> str:
    """For each group weighted by AHP: its judgement matrix and λmax, CI, RI, CR."""
    tree = resolve_tree(spec)
    out: list[str] = []
    names = {g.id: title(g, lang) for g in spec.all_groups()}
    names[ROOT] = title(spec.index, lang)
    for gid, methods in tree.group_methods.items():
        choice = methods["weights"]
        if choice.name != "ahp":
            continue
        children = tree.children_of(gid)
        ids = [c.id for c in children]
        outcome = evaluate_ahp({**choice.params, "allow_inconsistent": True}, ids)
        if outcome.result is None:
            continue
        r = outcome.result
        labels = [e(title(c, lang)) for c in children]
        rows = [
            [labels[i], *(f"{v:.4g}" for v in r.matrix[i]), f"{r.weights[i]:.4f}"]
            for i in range(len(ids))
        ]
        head = ["", *labels, "w"]
        verdict = tr("m.ahp_ok" if r.cr <= MAX_CR else "m.ahp_bad", lang)
        consistency = tr(
            "m.ahp_consistency",
            lang,
            lam=f"{r.lambda_max:.4f}",
            ci=f"{r.ci:.4f}",
            ri=f"{random_index(len(ids)):.2f}",
            cr=f"{r.cr:.4f}",
            verdict=verdict,
        )
        out.append(
            f"<h3>{e(tr('h.ahp', lang, group=names.get(gid, gid)))}</h3>"
            + simple_table(head, rows)
            + f"<p>{e(consistency)}</p>"
        )
    return "".join(out)


def calibration_details(calibration: Mapping[str, Any], lang: Language = "en") -> str:
    """The calibration block as a short list of target, fit, date and note (no JSON); under
    zh the note is the block's ``note_zh`` when it has one, and the fit's measures are named
    in Chinese."""
    parts: list[str] = []
    for key in ("target", "fit", "date", "note"):
        value = calibration.get(key)
        if key == "note" and lang == "zh" and calibration.get("note_zh"):
            value = calibration["note_zh"]
        if value is None:
            continue
        if key == "target":
            shown = f"<code>{e(PurePath(str(value)).name)}</code>"
        elif isinstance(value, Mapping):
            shown = ("，" if lang == "zh" else ", ").join(
                _fit(k, v, lang) for k, v in value.items()
            )
        else:
            shown = e(value)
        parts.append(f"<li>{e(tr('m.cal_' + key, lang))}: {shown}</li>")
    return f"<ul>{''.join(parts)}</ul>" if parts else ""


FIT_WORDS = ("max_abs_diff", "units", "residual")
"""Measures of a calibration's fit the reader sees named in words (others by their key)."""


def _fit(key: str, value: Any, lang: Language) -> str:
    name = e(tr(f"rp.fit_{key}", lang)) if key in FIT_WORDS else f"<code>{e(key)}</code>"
    return f"{name} = {e(_residual(value) if key == 'residual' else value)}"


def _residual(rows: Any) -> str:
    """A closest fit's residual per unit, as ``unit diff`` pairs."""
    return "; ".join(f"{r.get('unit')} {r.get('diff'):+.3g}" for r in rows)


def provenance_line(result: IndexResult, lang: Language) -> str:
    """cityindex version, spec and data by file name and SHA-256 prefix (no absolute paths)."""
    version, spec, data = _provenance(result)
    return tr("n.made_by", lang, version=version, spec=spec, data=data)


def provenance_html(result: IndexResult, lang: Language) -> str:
    """`provenance_line` as HTML, the program, its version and the files as ``<code>``."""
    values = _provenance(result)
    marks = ("\x00version\x00", "\x00spec\x00", "\x00data\x00")
    text = e(tr("n.made_by", lang, **dict(zip(("version", "spec", "data"), marks, strict=True))))
    text = text.replace("cityindex", "<code>cityindex</code>", 1)
    for mark, value in zip(marks, values, strict=True):
        text = text.replace(e(mark), f"<code>{e(value)}</code>")
    return text


def _provenance(result: IndexResult) -> tuple[str, str, str]:
    m = result.manifest
    spec_info = m.get("spec", {})
    data = m.get("data", {})

    def name(info: Mapping[str, Any]) -> str:
        file = PurePath(str(info.get("file"))).name
        return f"{file} (sha256 {str(info.get('sha256'))[:12]})"

    year = f", {data.get('year')}" if data.get("year") else ""
    return str(m.get("cityindex", "")), name(spec_info), name(data) + year
