"""The weights script of the report page, as text (`interactive` puts it in the page).

Plain JavaScript, no library, no network. From the sliders' weights it redoes what the pipeline
does after the top-level group scores (see `interactive`), then redraws everything a reader
sees that depends on the weights: the ranking table (scores, whole-number ranks, tiers and
their colours, row order), the stacked bars (`live_bars`: each unit's bar moved to its rank and
its parts resized), the sliders' read-outs, and the address: ``#w=<id>:<weight>,…`` written
with ``history.replaceState`` after each move, so the view can be shared and reopened (ids
percent-encoded part by part). Tiers follow the spec's rule: fixed thresholds, or natural
breaks recomputed from the new shown scores by a line-for-line port of
`cityindex.methods.tiers.jenks_breaks` (Fisher's programme filled by divide and conquer, the
earliest split within
`tie_tolerance` of the best), so the page's tiers equal ``cityindex score --set``'s.
The heatmap does not depend on the weights; the radars and the map are drawn at the published
weights, which a note says while the weights differ from them.
"""

from __future__ import annotations

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
  function powerMean(row, w) {
    // as methods.aggregate.generalised_mean: in logs, so a p near 0 gives the geometric limit
    var a = [], m = -Infinity, sw = 0, acc = 0;
    row.forEach(function (xv, j) {
      a[j] = present(xv) && w[j] > 0 ? D.p * Math.log(xv) : NaN;
      if (a[j] > m) { m = a[j]; }
    });
    row.forEach(function (xv, j) {
      if (!present(xv)) { return; }
      sw += w[j];
      if (w[j] > 0) { acc += w[j] * Math.expm1(a[j] - m); }
    });
    if (!(sw > 0)) { return NaN; }
    if (m === -Infinity) { return 0; }
    return Math.exp((m + Math.log1p(acc / sw)) / D.p);
  }
  function mean(x, w) {
    return x.map(function (row) {
      if (kind === "generalised_mean") { return powerMean(row, w); }
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
  function jenksBreaks(values, classes) {
    var x = values.slice().sort(function (a, b) { return a - b; });
    var n = x.length, prefix = [0], prefix2 = [0], cost = [], start = [], c, j;
    for (j = 0; j < n; j++) {
      prefix.push(prefix[j] + x[j]);
      prefix2.push(prefix2[j] + x[j] * x[j]);
    }
    for (c = 0; c <= classes; c++) {
      cost.push([]); start.push([]);
      for (j = 0; j <= n; j++) { cost[c].push(Infinity); start[c].push(0); }
    }
    cost[0][0] = 0;
    var tol = 4 * n * Number.EPSILON * prefix2[n];  // methods.tiers.tie_tolerance
    for (c = 1; c <= classes; c++) {
      var previous = cost[c - 1], pending = [[c < classes ? c : n, n, c - 1, n - 1]];
      while (pending.length) {
        var job = pending.pop(), lo = job[0], hi = job[1];
        if (lo > hi) { continue; }
        var mid = Math.floor((lo + hi) / 2), top = Math.min(job[3], mid - 1);
        var totals = [], low = Infinity, i, pick = job[2];
        for (i = job[2]; i <= top; i++) {
          var s = prefix[mid] - prefix[i];
          var t = previous[i] + (prefix2[mid] - prefix2[i] - s * s / (mid - i));
          totals.push(t);
          if (t < low) { low = t; }
        }
        if (!totals.length) { continue; }
        for (i = 0; i < totals.length; i++) {
          if (totals[i] <= low + tol) { pick = job[2] + i; break; }
        }
        cost[c][mid] = totals[pick - job[2]]; start[c][mid] = pick;
        pending.push([lo, mid - 1, job[2], pick]);
        pending.push([mid + 1, hi, pick, job[3]]);
      }
    }
    var bounds = [], end = n;
    for (c = classes; c > 1; c--) { var at = start[c][end]; bounds.push(x[at]); end = at; }
    return bounds.sort(function (a, b) { return a - b; });
  }
  function tierCuts(shown) {
    if (D.tier_breaks !== "jenks") { return D.tier_thresholds; }
    var have = shown.filter(function (v) { return !isNaN(v); });
    var distinct = new Set(have).size, k = Math.min(D.tier_labels.length, distinct);
    if (k < 1) { return []; }
    return jenksBreaks(have, k).sort(function (a, b) { return b - a; });
  }
  function tierOf(v, cuts) {
    var t = 0;
    cuts.forEach(function (cut) { if (v < cut) { t++; } });
    return t;
  }
  function text(v) {
    if (isNaN(v)) { return ""; }
    return D.digits === null ? String(v) : v.toFixed(D.digits);
  }
  function drawBars(order, s, shown, w) {
    var svg = document.getElementById("live-bars");
    if (!svg) { return; }
    var g = svg.dataset, bars = new Map();
    Array.prototype.forEach.call(svg.querySelectorAll("g.bar"), function (el) {
      bars.set(el.dataset.unit, el);
    });
    var finite = s.filter(function (v) { return isFinite(v); });
    var per = Number(g.width) / Math.max(1, finite.length ? Math.max.apply(null, finite) : 1);
    order.forEach(function (i, pos) {
      var el = bars.get(D.units[i]);
      if (!el) { return; }
      el.setAttribute("transform", "translate(0," + (Number(g.top) + pos * Number(g.row)) + ")");
      var weighted = 0;
      D.x[i].forEach(function (xv, j) { if (present(xv)) { weighted += w[j] * xv; } });
      var x = Number(g.left);
      Array.prototype.forEach.call(el.querySelectorAll("rect.part"), function (rect, j) {
        var part = present(D.x[i][j]) && weighted !== 0 && isFinite(s[i]) ?
          s[i] * w[j] * D.x[i][j] / weighted : 0;
        var width = Math.max(0, part * per);
        rect.setAttribute("x", String(x));
        rect.setAttribute("width", String(width));
        rect.dataset.part = String(part);
        x += width;
      });
      var label = el.querySelector("text.value");
      if (label) { label.setAttribute("x", String(x + 4)); label.textContent = text(shown[i]); }
      el.dataset.score = String(s[i]);
    });
  }
  function writeAddress(raw) {
    var parts = inputs.map(function (el, j) {
      return encodeURIComponent(el.dataset.group) + ":" + String(raw[j]);
    });
    try {
      history.replaceState(null, "", "#w=" + parts.join(","));
    } catch (e) {
      return;
    }
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
    var cuts = D.tier_labels ? tierCuts(shown) : [];
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
      c.textContent = text(shown[i]);
      c.dataset.score = String(shown[i]);
      c.dataset.exact = String(s[i]);
      var rc = tr.querySelector("td.rank");
      rc.textContent = isNaN(shown[i]) ? "" : String(rank[i]);
      rc.dataset.rank = String(rank[i]);
      if (D.tier_labels) {
        var t = tierOf(shown[i], cuts), tc = tr.querySelector("td.tier");
        if (tc) { tc.textContent = isNaN(shown[i]) ? "" : D.tier_labels[t]; }
        tr.className = isNaN(shown[i]) ? "" : "tier-" + t;
      }
      body.appendChild(tr);
    });
    drawBars(order, s, shown, w);
    var moved = inputs.some(function (el) {
      return Math.abs(parseFloat(el.value) - parseFloat(el.dataset.nominal)) > 1e-12;
    });
    var note = document.getElementById("weights-static");
    if (note) { note.hidden = !moved; }
    document.documentElement.dataset.weights = raw.join(",");
    return raw;
  }
  inputs.forEach(function (el) {
    el.addEventListener("input", function () {
      // a dragged weight kept to 1e-6, so the address written holds exactly what is shown
      el.value = String(Math.round(parseFloat(el.value) * 1e6) / 1e6);
      var raw = recompute();
      if (raw) { writeAddress(raw); }
    });
  });
  document.getElementById("reset").addEventListener("click", function () {
    inputs.forEach(function (el) { el.value = el.dataset.nominal; });
    recompute();
    try {
      history.replaceState(null, "", location.pathname + location.search);
    } catch (e) {
      return;
    }
  });
  function fromFragment(hash) {
    var m = /[#&]w=([^&]*)/.exec(hash), wanted = new Map(), known = new Set();
    inputs.forEach(function (el) { known.add(el.dataset.group); });
    function take(one) {
      var at = one.lastIndexOf(":"), tail = one.slice(at + 1), v = Number(tail);
      if (at > 0 && tail.trim() !== "" && isFinite(v) && v >= 0) {
        wanted.set(one.slice(0, at), v);
      }
    }
    if (!m) { return wanted; }
    m[1].split(",").forEach(function (piece) {
      var part;
      try {
        part = decodeURIComponent(piece);
      } catch (e) {
        return;
      }
      if (known.has(part.slice(0, part.lastIndexOf(":")))) { take(part); }
      else { part.split(",").forEach(take); }  // a fragment encoded whole: %2C between parts
    });
    return wanted;
  }
  function start() {  // after the whole page is parsed: the bars come after this script
    var wanted = fromFragment(location.hash);
    inputs.forEach(function (el) {
      if (!wanted.has(el.dataset.group)) { return; }
      var v = wanted.get(el.dataset.group);
      if (v > Number(el.max)) { el.max = String(v); }
      el.value = String(v);
    });
    recompute();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
"""
