"""Weights the reader can move: one slider per top-level group, recomputed in the page.

The top-level group scores do not depend on the top-level weights, so the page needs only
them (included units × top-level groups), the spec's nominal top-level weights, the top-level
aggregation, the index scaling and the tier rule. The script below redoes what the pipeline
does from there — weights divided by their sum (the `fixed` method), the aggregation kernel
(`aggregate.py`, `mcda.topsis`), the scale kernel, numpy's round-half-even to the spec's
digits, ranks with ties sharing the best rank (`pipeline.rank_desc`) and tiers by thresholds
(`tiers.tiers`: fixed thresholds or natural breaks, recomputed) — so the page's numbers equal
``cityindex score --set groups.ID.weight=…`` (a test drives headless Chromium to check it to
1e-9). Plain JavaScript, inline, no library and no network (`page_script`). A URL fragment
``#w=policy:0.5,financing:0.2`` sets sliders on load, and moving a slider writes it.

Everything from the spec, the data or the URL is data to the page, never code: the JSON is
escaped so it cannot end its ``<script>`` element (`script_json`), ids reach selectors only
through ``CSS.escape`` and look-ups through a ``Map`` (a unit called ``__proto__`` is a unit),
and a fragment that does not parse (bad percent-escapes, a weight that is not a number ≥ 0)
is ignored, part by part.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.model.tree import ROOT, resolve_tree
from cityindex.render.i18n import Language, method_name, title, tr
from cityindex.render.report.page_script import SCRIPT

AGGREGATIONS = ("arithmetic_mean", "geometric_mean", "harmonic_mean", "generalised_mean", "topsis")
"""Top-level aggregations the page recomputes (the means and TOPSIS)."""
SCALES = ("none", "relative_to_max")


def why_not(spec: Spec, lang: Language) -> str | None:
    """Why the page cannot recompute this spec's scores (None when it can)."""
    methods = resolve_tree(spec).group_methods[ROOT]
    aggregate, weights = methods["aggregate"], methods["weights"]
    if aggregate.name not in AGGREGATIONS:
        return tr("why.aggregate", lang, method=method_name(aggregate.name, lang))
    if weights.name not in ("fixed", "equal"):
        return tr("why.weights", lang, method=method_name(weights.name, lang))
    if spec.index.scale.name not in SCALES:
        return tr("why.scale", lang, method=spec.index.scale.name)
    return None


def _plain(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def payload(
    spec: Spec, result: IndexResult, labels: Mapping[str, str], lang: Language
) -> dict[str, Any]:
    """What the script needs, as JSON-ready data."""
    methods = resolve_tree(spec).group_methods[ROOT]
    keep = [i for i, inc in enumerate(result.included) if inc]
    groups = [g.id for g in spec.groups]
    x = result.group_scores[groups].to_numpy(dtype=float)[keep]
    value = spec.index.scale.params.get("tiers")
    tiers: Mapping[str, Any] = value if isinstance(value, Mapping) else {}
    has_tiers = bool(tiers.get("labels"))
    equal = methods["weights"].name == "equal"
    return {
        "units": [result.units[i] for i in keep],
        "labels": [labels.get(result.units[i], result.units[i]) for i in keep],
        "groups": groups,
        "titles": [title(g, lang) for g in spec.groups],
        "x": [[_plain(v) for v in row] for row in x],
        "w0": [1.0 if equal else float(g.weight) for g in spec.groups],
        "aggregate": methods["aggregate"].name,
        "p": float(methods["aggregate"].params.get("p", 1.0) or 0.0),
        "scale": spec.index.scale.name,
        "digits": spec.index.scale.params.get("digits"),
        "tier_labels": [str(t) for t in tiers["labels"]] if has_tiers else None,
        "tier_breaks": str(tiers.get("breaks", "fixed")) if has_tiers else None,
        "tier_thresholds": [float(t) for t in tiers.get("thresholds") or []] if has_tiers else [],
    }


def sliders(spec: Spec, result: IndexResult, labels: Mapping[str, str], lang: Language) -> str:
    """The slider panel with its data and script, or a note saying why there is none."""
    reason = why_not(spec, lang)
    if reason is not None:
        return f'<p class="note" id="sliders-off">{_e(tr("n.sliders_off", lang, why=reason))}</p>'
    data = payload(spec, result, labels, lang)
    top = max([*data["w0"], 1.0])
    rows = []
    for gid, name, w in zip(data["groups"], data["titles"], data["w0"], strict=True):
        rows.append(
            f'<label class="slider"><span>{_e(name)}</span>'
            f'<input type="range" min="0" max="{2 * top:g}" step="any" value="{w!r}" '
            f'data-group="{_e(gid)}" data-nominal="{w!r}" aria-label="{_e(name)}">'
            f'<output data-for="{_e(gid)}">{w:.3f}</output></label>'
        )
    blob = script_json(data)
    return (
        f'<div id="weights" class="controls">'
        f'<p class="note">{_e(tr("n.sliders", lang))}</p>'
        + "".join(rows)
        + f'<button type="button" id="reset">{_e(tr("reset", lang))}</button>'
        f'<p class="note" id="weights-static" hidden>{_e(tr("rl.static_charts", lang))}</p></div>'
        + f'<script type="application/json" id="ci-data">{blob}</script>'
        + f"<script>{SCRIPT}</script>"
    )


def script_json(data: Any) -> str:
    """`data` as JSON that can sit inside a ``<script>`` element and only end where it should.

    The HTML parser ends a script at ``</script`` and treats ``<!--`` followed by ``<script``
    as an escape that can swallow the real end tag; neither can appear when every ``<``, ``>``
    and ``&`` is written as a JSON escape (``\\u003c``…), which `JSON.parse` reads back as the
    same text. Characters outside strings are never among them, so only strings change.
    """
    text = json.dumps(data, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text


def _e(text: str) -> str:
    import html

    return html.escape(str(text), quote=True)
