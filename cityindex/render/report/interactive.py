"""Weights the reader can move: one slider per top-level group, recomputed in the page.

The top-level group scores do not depend on the top-level weights, so the page needs only
them (included units × top-level groups), the spec's nominal top-level weights, the top-level
aggregation, the index scaling and the tier rule. The script below redoes what the pipeline
does from there — weights divided by their sum (the `fixed` method), the aggregation kernel
(`aggregate.py`, `mcda.topsis`), the scale kernel, numpy's round-half-even to the spec's
digits, ranks with ties sharing the best rank (`pipeline.rank_desc`) and tiers by thresholds
(`tiers.tiers`) — so the page's numbers equal ``cityindex score --set groups.ID.weight=…``
(a test drives headless Chromium to check it to 1e-9). Plain JavaScript, inline, no library
and no network. A URL fragment ``#w=policy:0.5,financing:0.2`` sets sliders on load.

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
    tiers = spec.index.scale.params.get("tiers")
    rule = None
    if isinstance(tiers, Mapping) and tiers.get("thresholds") is not None:
        rule = {"labels": list(tiers["labels"]), "thresholds": list(tiers["thresholds"])}
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
        "tiers": rule,
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
    tiers = spec.index.scale.params.get("tiers")
    fixed_tiers = " " + tr("why.tiers", lang) if tiers and data["tiers"] is None else ""
    return (
        f'<div id="weights" class="controls">'
        f'<p class="note">{_e(tr("n.sliders", lang) + fixed_tiers)}</p>'
        + "".join(rows)
        + f'<button type="button" id="reset">{_e(tr("reset", lang))}</button></div>'
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


SCRIPT = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("ci-data").textContent);
  var inputs = Array.prototype.slice.call(
    document.querySelectorAll("#weights input[type=range]"));
  var body = document.querySelector("#ranking-table tbody");
  var kind = D.aggregate;
  if (kind === "generalised_mean" && D.p === 1) { kind = "arithmetic_mean"; }
  if (kind === "generalised_mean" && D.p === 0) { kind = "geometric_mean"; }
  function present(v) { return v !== null && !isNaN(v); }
  function topsis(x, w) {
    var n = x.length, k = w.length, out = [], best = [], worst = [], i, j;
    for (j = 0; j < k; j++) {
      var hi = -Infinity, lo = Infinity;
      for (i = 0; i < n; i++) {
        if (present(x[i][j])) {
          var v = w[j] * x[i][j];
          if (v > hi) { hi = v; }
          if (v < lo) { lo = v; }
        }
      }
      best.push(hi); worst.push(lo);
    }
    for (i = 0; i < n; i++) {
      var dp = 0, dm = 0, any = false;
      for (j = 0; j < k; j++) {
        if (!present(x[i][j])) { continue; }
        any = true;
        var u = w[j] * x[i][j];
        dp += (u - best[j]) * (u - best[j]);
        dm += (u - worst[j]) * (u - worst[j]);
      }
      dp = Math.sqrt(dp); dm = Math.sqrt(dm);
      var t = dp + dm;
      out.push(any ? (t > 0 ? dm / t : 1) : NaN);
    }
    return out;
  }
  function mean(x, w) {
    return x.map(function (row) {
      var sw = 0, acc = 0;
      row.forEach(function (xv, j) {
        if (!present(xv)) { return; }
        sw += w[j];
        if (kind === "arithmetic_mean") { acc += w[j] * xv; }
        else if (kind === "geometric_mean") { acc += w[j] * Math.log(xv); }
        else if (kind === "harmonic_mean") { acc += w[j] / xv; }
        else { acc += w[j] * Math.pow(xv, D.p); }
      });
      if (!(sw > 0)) { return NaN; }
      if (kind === "arithmetic_mean") { return acc / sw; }
      if (kind === "geometric_mean") { return Math.exp(acc / sw); }
      if (kind === "harmonic_mean") { return sw / acc; }
      return Math.pow(acc / sw, 1 / D.p);
    });
  }
  function roundHalfEven(v, d) {
    if (d === null || d === undefined || !isFinite(v)) { return v; }
    var f = Math.pow(10, d), y = v * f, r = Math.round(y);
    if (Math.abs(y - Math.trunc(y)) === 0.5) { r = 2 * Math.round(y / 2); }
    return r / f;
  }
  function tierOf(v) {
    var t = 0;
    while (t < D.tiers.thresholds.length && v < D.tiers.thresholds[t]) { t++; }
    return t;
  }
  function recompute() {
    var raw = inputs.map(function (el) { return parseFloat(el.value); });
    var total = raw.reduce(function (a, b) { return a + b; }, 0);
    if (!(total > 0)) { return; }
    var w = raw.map(function (v) { return v / total; });
    var s = kind === "topsis" ? topsis(D.x, w) : mean(D.x, w);
    if (D.scale === "relative_to_max") {
      var top = Math.max.apply(null, s.filter(function (v) { return !isNaN(v); }));
      s = s.map(function (v) { return v / top; });
    }
    var shown = s.map(function (v) { return roundHalfEven(v, D.digits); });
    var order = shown.map(function (v, i) { return i; });
    order.sort(function (a, b) {
      var ka = isNaN(shown[a]) ? Infinity : -shown[a];
      var kb = isNaN(shown[b]) ? Infinity : -shown[b];
      return ka < kb ? -1 : ka > kb ? 1 : a - b;
    });
    var rank = [], prev = null, first = 0;
    order.forEach(function (i, pos) {
      if (prev === null || shown[i] !== prev) { first = pos; prev = shown[i]; }
      rank[i] = first + 1;
    });
    inputs.forEach(function (el, j) {
      var o = document.querySelector('output[data-for="' + CSS.escape(el.dataset.group) + '"]');
      if (o) { o.textContent = raw[j].toFixed(3) + " (" + (100 * w[j]).toFixed(1) + "%)"; }
    });
    var rows = new Map();
    Array.prototype.forEach.call(body.rows, function (tr) { rows.set(tr.dataset.unit, tr); });
    order.forEach(function (i) {
      var tr = rows.get(D.units[i]);
      if (!tr) { return; }
      var c = tr.querySelector("td.score");
      c.textContent = D.digits === null ? String(shown[i]) : shown[i].toFixed(D.digits);
      c.dataset.score = String(shown[i]);
      c.dataset.exact = String(s[i]);
      var rc = tr.querySelector("td.rank");
      rc.textContent = String(rank[i]);
      rc.dataset.rank = String(rank[i]);
      if (D.tiers) {
        var t = tierOf(shown[i]), tc = tr.querySelector("td.tier");
        if (tc) { tc.textContent = D.tiers.labels[t]; }
        tr.className = "tier-" + t;
      }
      body.appendChild(tr);
    });
    document.documentElement.dataset.weights = raw.join(",");
  }
  inputs.forEach(function (el) { el.addEventListener("input", recompute); });
  document.getElementById("reset").addEventListener("click", function () {
    inputs.forEach(function (el) { el.value = el.dataset.nominal; });
    recompute();
  });
  function fromFragment(hash) {
    var m = /[#&]w=([^&]*)/.exec(hash), wanted = new Map();
    if (!m) { return wanted; }
    try {
      decodeURIComponent(m[1]).split(",").forEach(function (part) {
        var at = part.lastIndexOf(":"), v = Number(part.slice(at + 1));
        if (at > 0 && part.slice(at + 1).trim() !== "" && isFinite(v) && v >= 0) {
          wanted.set(part.slice(0, at), v);
        }
      });
    } catch (e) {
      return new Map();
    }
    return wanted;
  }
  var wanted = fromFragment(location.hash);
  inputs.forEach(function (el) {
    if (wanted.has(el.dataset.group)) { el.value = String(wanted.get(el.dataset.group)); }
  });
  recompute();
})();
"""
