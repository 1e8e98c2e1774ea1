"""docs/spec.md, generated: every spec key and every method, from the schema and the registry.

``python -m cityindex.render.docs`` rewrites docs/spec.md;
``python -m cityindex.render.docs --check``
exits 1 when the committed file differs from what the code says (a test runs the same
comparison). The key lists come from `spec_schema` and `analysis.plan` themselves, so a key
added there shows up here on the next run; a key without a description below is listed as
such rather than left out.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cityindex.methods.registry import REGISTRY, REQUIRED, STAGES, Method, Param, load_methods
from cityindex.render.docs_prose import LEVELS, MISSING_DATA

Row = tuple[str, str, str, str]
"""(key, type, default, meaning)"""

INDEX_DOCS: dict[str, tuple[str, str, str]] = {
    "id": ("text", "required", "short id of the index (the `explain` root row, manifests)"),
    "title": ("text", "''", "title shown above tables and in reports"),
    "title_en": ("text", "`title`", "the index's title in English (`language: en` / `--lang en`)"),
    "title_zh": ("text", "`title`", "the index's title in Chinese (`language: zh` / `--lang zh`)"),
    "data": ("path", "none", "the data CSV, relative to the spec file (`--data` overrides)"),
    "unit": ("text", "required", "the data column naming each unit (e.g. `city`)"),
    "scale": ("method", "{method: none}", "how the top-level score is scaled: see `scale` below"),
    "description": ("text", "none", "free text"),
    "time": ("text", "year", "the data's time column; a file with it is a panel"),
    "panel": ("mapping", "{normalise: per_year}", "panel options: see `index.panel` below"),
    "language": (
        "zh | en",
        "en",
        "language of headings, column titles, charts and the report (`--lang` overrides)",
    ),
    "na_values": (
        "list of texts",
        "[]",
        'cell texts read as missing, e.g. `[暂无, —, "-"]` (counted on stderr)',
    ),
    "coordinates": (
        "path",
        "none",
        "a CSV of unit, latitude, longitude for the report's map, relative to the spec",
    ),
    "unit_label_zh": (
        "text",
        "none",
        "the data column holding each unit's Chinese name (e.g. `city_zh`): tables and "
        "Markdown under zh show it for the unit, commands taking a unit accept it; CSV and "
        "JSON keep the ids",
    ),
}
PANEL_DOCS: dict[str, tuple[str, str, str]] = {
    "normalise": (
        "per_year | pooled",
        "per_year",
        "`pooled`: normalise every year's rows together (COINr `global = TRUE`)",
    ),
}
GROUP_DOCS: dict[str, tuple[str, str, str]] = {
    "title": ("text", "none", "shown in tables and reports"),
    "weight": ("number >= 0", "1", "relative to its siblings (0 switches the group off)"),
    "groups": ("mapping id → group", "—", "sub-groups (a group holds groups or indicators)"),
    "indicators": ("mapping id → indicator", "—", "its indicators"),
    "methods": ("mapping", "inherited", "method overrides for this group and below"),
    "description": ("text", "none", "free text (e.g. why these indicators)"),
    "min_coverage": (
        "number 0-1",
        "none",
        "below this share of the group's indicator weight present, a unit's missing indicators "
        "in the group count as the worst normalised value instead of being re-weighted away "
        "(see Missing data below)",
    ),
    "title_en": ("text", "`title`", "its title in English (`language: en` / `--lang en`)"),
    "title_zh": ("text", "`title`", "its title in Chinese (`language: zh` / `--lang zh`)"),
}
INDICATOR_DOCS: dict[str, tuple[str, str, str]] = {
    "column": ("text", "the indicator id", "the data column holding its values"),
    "direction": (
        "higher_is_better | lower_is_better",
        "required",
        "which way is better (also positive/negative, 正向/负向)",
    ),
    "weight": ("number >= 0", "1", "relative to its siblings"),
    "unit": ("text", "none", "unit of measurement, for people"),
    "unit_zh": ("text", "`unit`", "`unit` in Chinese, shown to Chinese readers (report)"),
    "source": ("text", "none", "where the values come from"),
    "source_zh": ("text", "none", "`source` in Chinese, shown to Chinese readers (report)"),
    "title": ("text", "none", "shown in tables and reports"),
    "methods": ("mapping", "inherited", "method overrides for this indicator"),
    "absent": (
        "zero | below | {rule, step}",
        "none",
        "what a unit missing from the source list means: `zero` (a complete list: it has 0), "
        "`below` (a top-N list: just below the last entry); see Missing data below",
    ),
    "description": ("text", "none", "free text"),
    "target": ("number", "none", "its target, for `normalise: distance_to_target`"),
    "denominator": ("text", "none", "its denominator column, for `denominate: by_column`"),
    "title_en": ("text", "`title`", "its title in English (`language: en` / `--lang en`)"),
    "title_zh": ("text", "`title`", "its title in Chinese (`language: zh` / `--lang zh`)"),
}
TOP_DOCS: dict[str, str] = {
    "index": "identity, data file, unit column, scaling (`index:` below)",
    "methods": "the default method of every stage (`methods:` below); any group or indicator "
    "may override them with its own `methods:`",
    "groups": "the tree: groups keyed by id, in order, nested to any depth",
    "calibration": "written by `cityindex calibrate --output` (`calibration:` below); read by "
    "people, not by the computation",
    "uncertainty": "the uncertainty plan for `uncertainty`, `sensitivity` and `report` "
    "(`uncertainty:` below)",
    "weight_sets": "named alternative weights, `name: {node id: weight, …}`, used by the "
    "plan's `weight_sets:`",
}
CALIBRATION_DOCS: dict[str, str] = {
    "target": "the published result fitted (a CSV path, relative to the spec)",
    "method": "how the weights were found",
    "levels": "the levels whose weights could move (`all` or a list; COINr levels)",
    "fit": "`max_abs_diff` and `units` (scores), or `min_gap` and `units` (order only)",
    "date": "when the fit was made",
    "note": "what the fitted weights are and are not",
    "from": "the spec that was calibrated, when written to another file",
}
PLAN_DOCS: dict[str, tuple[str, str, str]] = {
    "runs": ("integer", "1000", "Monte Carlo runs (`--runs` overrides)"),
    "seed": ("integer", "0", "random seed (`--seed` overrides); same seed, same output"),
    "top_k": ("integer", "10", "report P(rank ≤ top_k) (`--top-k` overrides)"),
    "weight_noise": (
        "list of entries",
        "[]",
        "w' = w (1 + U(−f, f)), renormalised within each group; each entry one input: "
        "`{level: L | [L, …], fraction: f, name: text}`, or `{depth: D, fraction: f}`, or "
        "`{groups: [id, …], fraction: f}` (the weights of those groups' children)",
    ),
    "alternatives": (
        "list of entries",
        "[]",
        "`{path: KEY.PATH, options: [v1, v2, …]}`: any spec value by key path (as `--set`), "
        "each option equally likely",
    ),
    "weight_sets": (
        "list of names",
        "[]",
        "`nominal` or names defined in the top-level `weight_sets:`, each equally likely",
    ),
    "leave_one_out": (
        "bool",
        "false",
        "also drop each indicator in turn (weight 0), or keep all, equally likely",
    ),
    "perturb": (
        "`rederive` or `nominal`",
        "rederive",
        "data-driven weights (entropy, CRITIC, SD, CV, PCA, combine, optimised): `rederive` "
        "computes them again in every run from that run's data (its normalisation, treatment, "
        "lower-level scores; a left-out indicator is dropped before the method runs) and "
        "applies the weight noise to them (also in runs where an alternative makes a group's "
        "weights data-driven); `nominal` perturbs the nominal derived weights as "
        "if they were fixed (faster, but blind to how the method responds to the plan). Under "
        "`rederive` a weight set may not name a derived group's children: vary its method "
        "with `alternatives:` instead",
    ),
}
TIER_DOCS: dict[str, tuple[str, str, str]] = {
    "labels": ("list of text", "required", "tier names, best first (e.g. 第一梯队, 第二梯队)"),
    "thresholds": (
        "list of numbers",
        "—",
        "the lowest score of each tier but the last, decreasing (with `breaks: fixed`)",
    ),
    "breaks": ("fixed | jenks", "fixed", "`jenks`: Fisher–Jenks natural breaks of the scores"),
}
TIER_KEYS = tuple(TIER_DOCS)
"""The keys of ``index.scale.tiers`` (checked by `cityindex.methods.tiers.parse_tier_rule`)."""


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return lines


def _keys(keys: Iterable[str], described: dict[str, tuple[str, str, str]]) -> list[tuple[str, ...]]:
    missing = ("", "", "(no description yet)")
    return [(f"`{k}`", *described.get(k, missing)) for k in keys]


def _default(param: Param) -> str:
    if param.default is REQUIRED:
        return "required"
    if param.default is None:
        return "none"
    if isinstance(param.default, bool):
        return str(param.default).lower()
    if isinstance(param.default, tuple):
        return "[" + ", ".join(_number(v) for v in param.default) + "]"
    return _number(param.default)


def _inline(choice: dict[str, Any]) -> str:
    """``{method: min_max, range: [0, 1]}`` written short: ``min_max`` when it has no params."""
    params = {k: v for k, v in choice.items() if k != "method"}
    if not params:
        return str(choice["method"])
    inner = ", ".join(
        f"{k}: [{', '.join(_number(x) for x in v)}]"
        if isinstance(v, list | tuple)
        else f"{k}: {_number(v)}"
        for k, v in params.items()
    )
    return f"{{method: {choice['method']}, {inner}}}"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _kind(param: Param) -> str:
    kind = {"range": "[low, high]", "any": "any"}.get(param.kind, param.kind)
    if param.choices:
        kind = " \\| ".join(param.choices)
    if param.minimum is not None:
        kind += f" ≥ {_number(param.minimum)}"
    return kind


def formula(method: Method) -> str:
    """The method's formula line: the registry's `formula` when it has one, else its doc's
    first paragraph, on one line."""
    text = str(getattr(method, "formula", "") or method.doc or "")
    first = text.strip().split("\n\n")[0]
    return " ".join(first.split())


def _methods() -> list[str]:
    load_methods()
    out = ["## Methods", ""]
    out.append(
        "Every method a spec can name, by stage, with its parameters (kind, default, meaning) "
        "and its formula. `x` is an indicator over the units, `w` weights, `y` a group's score. "
        "Written `{method: NAME, param: value, …}` (or just `NAME` when it has no parameters) "
        "under `methods.<stage>` — or under `index.scale` for `scale`."
    )
    for stage in STAGES:
        methods = REGISTRY[stage]
        if not methods:
            continue
        out += ["", f"### {stage}", ""]
        for name in sorted(methods):
            method = methods[name]
            out.append(f"- **`{name}`**: {formula(method)}")
            for p in method.params:
                meaning = " ".join(p.doc.split()) if p.doc else ""
                default = _default(p)
                default = default if default == "required" else f"default {default}"
                out.append(
                    f"  - `{p.name}` ({_kind(p)}; {default})" + (f": {meaning}" if meaning else "")
                )
    return out


def render() -> str:
    """The whole of docs/spec.md."""
    from cityindex.analysis.plan import PLAN_KEYS
    from cityindex.model.spec_methods import METHOD_STAGES
    from cityindex.model.spec_schema import (
        EXTENSION_SECTIONS,
        GROUP_KEYS,
        INDEX_KEYS,
        INDICATOR_EXTRA_KEYS,
        INDICATOR_KEYS,
        PANEL_KEYS,
        TOP_KEYS,
    )
    from cityindex.model.tree import DEFAULTS

    lines = [
        "# The spec reference",
        "",
        "<!-- Generated by `python -m cityindex.render.docs` from the schema",
        "(cityindex/model/spec_schema.py, cityindex/analysis/plan.py) and the method registry;",
        "do not edit by hand. -->",
        "",
        "Every key an index definition (YAML) may hold, and every method with its parameters. "
        "Any value has a dotted key path for `--set` (e.g. `groups.policy.weight`). An unknown "
        "key is an error (`spec.key.unknown`) with a did-you-mean.",
        "",
        "## Top level",
        "",
        *_table(
            ["key", "holds"],
            [(f"`{k}`", TOP_DOCS.get(k, "(no description yet)")) for k in TOP_KEYS]
            + [
                (f"`{k}`", TOP_DOCS.get(k, "(no description yet)"))
                for k in sorted(EXTENSION_SECTIONS)
            ],
        ),
        "",
        "## `index:`",
        "",
        *_table(["key", "type", "default", "meaning"], _keys(INDEX_KEYS, INDEX_DOCS)),
        "",
        "### `index.panel:`",
        "",
        *_table(["key", "type", "default", "meaning"], _keys(PANEL_KEYS, PANEL_DOCS)),
        "",
        "### `index.scale.tiers:`",
        "",
        "A parameter of every `scale` method: grade units into named tiers (a `tier` column).",
        "",
        *_table(["key", "type", "default", "meaning"], _keys(TIER_KEYS, TIER_DOCS)),
        "",
        "## `methods:`",
        "",
        "One entry per stage, each `{method: NAME, …parameters}` (see Methods below). "
        "A stage left out takes its default: "
        + "; ".join(f"`{stage}: {_inline(DEFAULTS[stage].describe())}`" for stage in METHOD_STAGES)
        + ".",
        "",
        "## `groups:`",
        "",
        "Keyed by group id (ids are unique across the tree); each group:",
        "",
        *_table(["key", "type", "default", "meaning"], _keys(GROUP_KEYS, GROUP_DOCS)),
        "",
        "### indicators",
        "",
        "Keyed by indicator id under a group's `indicators:`; each indicator:",
        "",
        *_table(
            ["key", "type", "default", "meaning"],
            _keys((*INDICATOR_KEYS, *sorted(INDICATOR_EXTRA_KEYS)), INDICATOR_DOCS),
        ),
        "",
        MISSING_DATA.rstrip("\n"),
        "",
        "## `calibration:`",
        "",
        *_table(["key", "holds"], [(f"`{k}`", v) for k, v in CALIBRATION_DOCS.items()]),
        "",
        "## `uncertainty:` (the plan)",
        "",
        "Read by `cityindex uncertainty`, `sensitivity` and `report` (or from a `--plan` file "
        "with the same keys), and by `cityindex.uncertainty(index, plan)`.",
        "",
        *_table(["key", "type", "default", "meaning"], _keys(PLAN_KEYS, PLAN_DOCS)),
        "",
        "```yaml",
        "uncertainty:",
        "  runs: 10000",
        "  seed: 2024",
        "  top_k: 5",
        "  weight_noise:",
        "    - {level: 1, fraction: 0.25, name: indicator weights}   # = depth 2 here",
        "    - {level: 2, fraction: 0.25, name: dimension weights}   # = depth 1 here",
        "  alternatives:",
        "    - path: methods.normalise",
        "      options: [{method: relative_to_max}, {method: min_max, range: [0, 1]}]",
        "  weight_sets: [nominal, equal_dimensions]",
        "  leave_one_out: true",
        "weight_sets:",
        "  equal_dimensions: {policy: 1, infrastructure: 1, enterprise: 1}",
        "```",
        "",
        "Score percentiles (`score_p05` …) pool every run: with alternative normalisations "
        "they mix scales (a z-score run can be negative), while ranks compare like with like.",
        "",
        LEVELS.rstrip("\n"),
        "",
        *_methods(),
        "",
    ]
    return "\n".join(lines)


def spec_md_path() -> Path:
    """docs/spec.md in the checkout."""
    return Path(__file__).resolve().parents[2] / "docs" / "spec.md"


def main(argv: Sequence[str] | None = None) -> int:
    """Write docs/spec.md, or with ``--check`` exit 1 when it is out of date."""
    args = list(sys.argv[1:] if argv is None else argv)
    target = spec_md_path()
    text = render()
    if "--check" in args:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            sys.stderr.write(f"{target} is out of date: run python -m cityindex.render.docs\n")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {target}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
