"""The plain tree of an index definition → a typed `Spec`, every problem found at once.

`spec_yaml` reads YAML into plain Python with the position of every key and value; this module
checks that tree against the schema (DESIGN.md's contract) and the method registry, and builds
the frozen models. Issues are collected in a `Tracker`, which locates each one at the key or
value it concerns (file:line:column, key path, the source line for a caret). It knows nothing
of YAML itself, so overrides and other front ends can reuse it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, cast

from cityindex.errors import Issue, describe, did_you_mean
from cityindex.methods.tiers import parse_tier_rule
from cityindex.model.spec import (
    DIRECTION_SYNONYMS,
    DIRECTIONS,
    Direction,
    Group,
    IndexMeta,
    Indicator,
    MethodChoice,
    Spec,
)
from cityindex.model.spec_ids import check_reserved, check_unique_ids
from cityindex.model.spec_methods import method_blocks, method_choice
from cityindex.model.spec_missing import read_absent, read_min_coverage
from cityindex.model.spec_values import Path_, Tracker, check_keys, dotted, read_text, read_weight
from cityindex.model.tree import ignored_weight_warnings, resolve_tree, unhonoured_directions

TOP_KEYS = ("index", "methods", "groups", "calibration")
EXTENSION_SECTIONS: set[str] = {"uncertainty", "weight_sets"}
"""Top-level sections owned by other modules (kept as plain data in `Spec.sections`)."""
INDEX_KEYS = (
    "id",
    "title",
    "data",
    "unit",
    "scale",
    "description",
    "time",
    "panel",
    "language",
    "na_values",
    "coordinates",
    "title_en",
    "title_zh",
    "unit_label_zh",
)
TITLE_KEYS = ("title_en", "title_zh")
"""Per-language titles of a group or indicator (`title` is shown when the language has none)."""
PANEL_KEYS = ("normalise",)
PANEL_NORMALISE = ("per_year", "pooled")
GROUP_KEYS = (
    "title",
    "weight",
    "groups",
    "indicators",
    "methods",
    "description",
    "min_coverage",
    *TITLE_KEYS,
)
INDICATOR_KEYS = (
    "column",
    "direction",
    "weight",
    "unit",
    "source",
    "title",
    "methods",
    "absent",
    *TITLE_KEYS,
)
INDICATOR_EXTRA_KEYS: set[str] = {"description", "target", "denominator", "source_zh", "unit_zh"}
"""Indicator keys kept as plain data in `Indicator.extra` for methods that need them."""


def _indicator(iid: str, value: Any, path: Path_, t: Tracker) -> Indicator | None:
    if not isinstance(value, dict):
        t.add(
            "spec.type.mapping",
            f"indicator '{iid}' must be a mapping",
            path,
            expected="{column: ..., direction: higher_is_better, weight: 1}",
            got=describe(value),
        )
        return None
    check_keys(value, (*INDICATOR_KEYS, *sorted(INDICATOR_EXTRA_KEYS)), path, t)
    column = read_text(value.get("column", iid), (*path, "column"), t) or iid
    direction = value.get("direction")
    if isinstance(direction, str):
        direction = DIRECTION_SYNONYMS.get(direction.strip().lower(), direction)
    if direction not in DIRECTIONS:
        t.add(
            "spec.direction.invalid" if direction is not None else "spec.key.missing",
            f"indicator '{iid}' needs a direction",
            (*path, "direction"),
            expected="higher_is_better or lower_is_better (or positive/negative, 正向/负向)",
            got=describe(direction) if direction is not None else "nothing",
            hint=did_you_mean(str(direction), [*DIRECTIONS, *DIRECTION_SYNONYMS])
            if direction is not None
            else None,
        )
        direction = "higher_is_better"
    d = cast(Direction, direction)
    return Indicator(
        id=iid,
        column=column,
        direction=d,
        weight=read_weight(value.get("weight"), (*path, "weight"), t),
        key_path=dotted(path),
        title=read_text(value.get("title"), (*path, "title"), t),
        unit=read_text(value.get("unit"), (*path, "unit"), t),
        source=read_text(value.get("source"), (*path, "source"), t),
        methods=method_blocks(value.get("methods"), (*path, "methods"), t),
        extra={k: value[k] for k in INDICATOR_EXTRA_KEYS if k in value},
        titles=_titles(value, path, t),
        absent=read_absent(value.get("absent"), (*path, "absent"), t),
    )


def _titles(value: Mapping[str, Any], path: Path_, t: Tracker) -> dict[str, str]:
    """``title_zh`` / ``title_en`` of a node, keyed by language."""
    out: dict[str, str] = {}
    for key in TITLE_KEYS:
        text = read_text(value.get(key), (*path, key), t)
        if text:
            out[key.removeprefix("title_")] = text
    return out


def _check_siblings(weights: list[float], path: Path_, t: Tracker) -> None:
    if weights and all(w == 0 for w in weights):
        t.add(
            "spec.weight.all-zero",
            f"every weight under '{dotted(path)}' is 0",
            path,
            at="key",
            expected="at least one weight > 0",
            hint="weights are relative within their group; give one child a positive weight",
        )


def _group(gid: str, value: Any, path: Path_, t: Tracker) -> Group | None:
    if not isinstance(value, dict):
        t.add(
            "spec.type.mapping",
            f"group '{gid}' must be a mapping",
            path,
            expected="{title: ..., weight: 1, indicators: {...}}",
            got=describe(value),
        )
        return None
    check_keys(value, GROUP_KEYS, path, t)
    groups: list[Group] = []
    indicators: list[Indicator] = []
    has_groups, has_inds = "groups" in value, "indicators" in value
    if has_groups and has_inds:
        t.add(
            "spec.group.both",
            f"group '{gid}' holds both `groups` and `indicators`",
            path,
            at="key",
            hint="a group holds either sub-groups or indicators; nest the indicators in a group",
        )
    elif not has_groups and not has_inds:
        t.add(
            "spec.group.empty",
            f"group '{gid}' has neither `groups` nor `indicators`",
            path,
            at="key",
            hint="add `indicators:` (or `groups:`) under it, or remove the group",
        )
    if has_groups:
        groups = _groups(value["groups"], (*path, "groups"), t)
    elif has_inds:
        inds = value["indicators"]
        ipath = (*path, "indicators")
        if not isinstance(inds, dict) or not inds:
            t.add(
                "spec.type.mapping",
                f"'indicators' of group '{gid}' must be a non-empty mapping keyed by id",
                ipath,
                got=describe(inds),
            )
        else:
            for iid, ival in inds.items():
                ind = _indicator(iid, ival, (*ipath, iid), t)
                if ind is not None:
                    indicators.append(ind)
            _check_siblings([i.weight for i in indicators], ipath, t)
    child_ids = [c.id for c in (groups or indicators)]
    return Group(
        id=gid,
        weight=read_weight(value.get("weight"), (*path, "weight"), t),
        key_path=dotted(path),
        title=read_text(value.get("title"), (*path, "title"), t),
        groups=tuple(groups),
        indicators=tuple(indicators),
        methods=method_blocks(value.get("methods"), (*path, "methods"), t, child_ids),
        titles=_titles(value, path, t),
        min_coverage=read_min_coverage(value.get("min_coverage"), (*path, "min_coverage"), t),
    )


def _groups(value: Any, path: Path_, t: Tracker) -> list[Group]:
    if not isinstance(value, dict) or not value:
        t.add(
            "spec.type.mapping",
            "'groups' must be a non-empty mapping keyed by group id",
            path,
            expected="groups: {policy: {...}, infrastructure: {...}}",
            got=describe(value),
        )
        return []
    out = [g for gid, gval in value.items() if (g := _group(gid, gval, (*path, gid), t))]
    _check_siblings([g.weight for g in out], path, t)
    return out


def build_spec(
    plain: dict[str, Any], t: Tracker, *, text: str, file: str, base_dir: Path | None
) -> Spec | None:
    check_keys(plain, (*TOP_KEYS, *sorted(EXTENSION_SECTIONS)), (), t)
    index = plain.get("index")
    meta: IndexMeta | None = None
    if not isinstance(index, dict):
        t.add(
            "spec.key.missing" if index is None else "spec.type.mapping",
            "the spec needs an `index:` mapping (id, title, data, unit, scale)",
            ("index",),
            got=describe(index) if index is not None else None,
        )
    else:
        check_keys(index, INDEX_KEYS, ("index",), t)
        scale = method_choice(
            index.get("scale", {"method": "none"}), "scale", ("index", "scale"), t
        )
        if scale is not None and scale.params.get("tiers") is not None:
            _check_tiers(scale.params["tiers"], t)
        data = read_text(index.get("data"), ("index", "data"), t)
        data_path = None
        if data is not None:
            data_path = Path(data) if base_dir is None else (base_dir / data)
        meta = IndexMeta(
            id=read_text(index.get("id"), ("index", "id"), t, required=True) or "",
            title=read_text(index.get("title"), ("index", "title"), t) or "",
            titles=_titles(index, ("index",), t),
            unit=read_text(index.get("unit"), ("index", "unit"), t, required=True) or "",
            unit_label_zh=read_text(index.get("unit_label_zh"), ("index", "unit_label_zh"), t),
            scale=scale or MethodChoice("none"),
            data=data_path,
            description=read_text(index.get("description"), ("index", "description"), t),
            time=read_text(index.get("time"), ("index", "time"), t) or "year",
            panel_normalise=_panel(index.get("panel"), ("index", "panel"), t),
            language=_language(index.get("language"), ("index", "language"), t),
            na_values=_na_values(index.get("na_values"), ("index", "na_values"), t),
            coordinates=_relative(
                read_text(index.get("coordinates"), ("index", "coordinates"), t), base_dir
            ),
        )
    groups = _groups(plain.get("groups"), ("groups",), t)
    methods = method_blocks(plain.get("methods"), ("methods",), t, [g.id for g in groups])
    check_unique_ids(groups, t)
    check_reserved(groups, meta.unit if meta is not None else None, t)
    calibration = plain.get("calibration")
    if calibration is not None and not isinstance(calibration, dict):
        t.add("spec.type.mapping", "'calibration' must be a mapping", ("calibration",))
    if meta is None:
        return None
    spec = Spec(
        index=meta,
        methods=methods,
        groups=tuple(groups),
        raw=plain,
        path=Path(file) if file != "<spec>" else None,
        text=text,
        locations={dotted(k): v for k, v in t.key_locs.items()},
        spans={dotted(k): v for k, v in t.spans.items()},
        calibration=calibration if isinstance(calibration, dict) else None,
        sections={k: plain[k] for k in EXTENSION_SECTIONS if k in plain},
        warnings=tuple(t.warnings),
    )
    if t.issues:
        return spec
    tree = resolve_tree(spec)
    for refused in unhonoured_directions(tree):
        t.add(
            refused.code,
            refused.message,
            refused.path,
            expected=refused.expected,
            got="normalise: none",
            hint=refused.hint,
        )
    if t.issues:
        return spec
    return replace(spec, warnings=(*spec.warnings, *ignored_weight_warnings(tree)))


def _check_tiers(value: Any, t: Tracker) -> None:
    """Every problem of an ``index.scale.tiers`` block, located at its key."""
    _, problems = parse_tier_rule(value, key_path="index.scale.tiers")
    for p in problems:
        path = tuple((p.key_path or "index.scale.tiers").split("."))
        t.add(f"spec.{p.code}", p.message, path, got=p.got, hint=p.hint)


def _relative(text: str | None, base_dir: Path | None) -> Path | None:
    """A file named in the spec, relative to the spec's folder."""
    if text is None:
        return None
    return Path(text) if base_dir is None else base_dir / text


def _language(value: Any, path: Path_, t: Tracker) -> Literal["en", "zh"] | None:
    """`index.language: zh | en` (zh-CN, cn, 中文 … accepted)."""
    from cityindex.model.language import LANGUAGES, parse_language

    if value is None:
        return None
    lang = parse_language(str(value)) if isinstance(value, str) else None
    if lang is None:
        t.add(
            "spec.language.unknown",
            "language must be zh or en",
            path,
            expected="zh or en",
            got=describe(value),
            hint=did_you_mean(str(value), LANGUAGES),
        )
    return lang


def _na_values(value: Any, path: Path_, t: Tracker) -> tuple[str, ...]:
    """`index.na_values: [暂无, —, "-"]`: cell texts that mean missing."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool | dict | list) or item is None:
            t.add(
                "spec.na_values.type",
                "na_values must be a list of texts",
                path,
                expected='a list such as [暂无, —, "-"]',
                got=describe(item),
            )
            continue
        out.append(str(item).strip())
    return tuple(out)


def _panel(value: Any, path: Path_, t: Tracker) -> Literal["per_year", "pooled"]:
    """`index.panel: {normalise: per_year | pooled}` (default per_year)."""
    if value is None:
        return "per_year"
    if not isinstance(value, dict):
        t.add(
            "spec.type.mapping",
            "'panel' must be a mapping",
            path,
            expected="panel: {normalise: pooled}",
            got=describe(value),
        )
        return "per_year"
    check_keys(value, PANEL_KEYS, path, t)
    mode = value.get("normalise", "per_year")
    if mode not in PANEL_NORMALISE:
        t.add(
            "spec.panel.normalise",
            "panel normalisation must be per_year or pooled",
            (*path, "normalise"),
            expected="one of: " + ", ".join(PANEL_NORMALISE),
            got=describe(mode),
            hint=did_you_mean(str(mode), PANEL_NORMALISE),
        )
        return "per_year"
    return cast(Literal["per_year", "pooled"], mode)


def check_columns(spec: Spec, columns: Sequence[str], data_file: str) -> list[Issue]:
    """Issues for indicators (and ``index.unit_label_zh``) whose column is not in the data
    (with did-you-mean)."""
    issues = []
    available = list(columns)
    present = set(available)  # a set: a list's `in` made this quadratic in the indicators
    lines = (spec.text or "").splitlines()
    label = spec.index.unit_label_zh
    named = [(f"indicator '{i.id}'", i.column, f"{i.key_path}.column") for i in spec.indicators()]
    if label is not None:
        named.append(("index.unit_label_zh", label, "index.unit_label_zh"))
    for what, column, key in named:
        if column in present:
            continue
        loc = spec.locations.get(key) or spec.locations.get(key.rsplit(".", 1)[0])
        line = None
        if loc and loc.line and spec.path and loc.file == str(spec.path) and loc.line <= len(lines):
            line = lines[loc.line - 1]
        shown = ", ".join(available[:40]) + (" …" if len(available) > 40 else "")
        issues.append(
            Issue(
                "spec.column.missing",
                f"{what} has no column '{column}' in {data_file}",
                location=loc,
                key_path=key,
                expected="a column of the data: " + shown,
                got=repr(column),
                hint=did_you_mean(column, available),
                source_line=line,
                span=len(column),
            )
        )
    return issues
