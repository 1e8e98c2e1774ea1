"""The plain tree of an index definition → a typed `Spec`, every problem found at once.

`spec_yaml` reads YAML into plain Python with the position of every key and value; this module
checks that tree against the schema (DESIGN.md's contract) and the method registry, and builds
the frozen models. Issues are collected in a `Tracker`, which locates each one at the key or
value it concerns (file:line:column, key path, the source line for a caret). It knows nothing
of YAML itself, so overrides and other front ends can reuse it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast

from cityindex.errors import Issue, Location, describe, did_you_mean
from cityindex.output_columns import RESERVED_NAMES
from cityindex.registry import CHECKS, REGISTRY, REQUIRED, Method, Param, Stage
from cityindex.spec import (
    DIRECTION_SYNONYMS,
    DIRECTIONS,
    Direction,
    Group,
    IndexMeta,
    Indicator,
    MethodChoice,
    Spec,
)
from cityindex.tiers import parse_tier_rule
from cityindex.tree import ignored_weight_warnings, resolve_tree

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
)
TITLE_KEYS = ("title_en", "title_zh")
"""Per-language titles of a group or indicator (`title` is shown when the language has none)."""
PANEL_KEYS = ("normalise",)
PANEL_NORMALISE = ("per_year", "pooled")
GROUP_KEYS = ("title", "weight", "groups", "indicators", "methods", "description", *TITLE_KEYS)
INDICATOR_KEYS = (
    "column",
    "direction",
    "weight",
    "unit",
    "source",
    "title",
    "methods",
    *TITLE_KEYS,
)
INDICATOR_EXTRA_KEYS: set[str] = {"description", "target", "denominator"}
"""Indicator keys kept as plain data in `Indicator.extra` for methods that need them."""
METHOD_STAGES: tuple[Stage, ...] = (
    "denominate",
    "impute",
    "treat",
    "normalise",
    "weights",
    "aggregate",
    "missing",
)

Path_ = tuple[str, ...]


def dotted(path: Path_) -> str:
    """Key path as written in messages and `--set`: ``groups.policy.weight``."""
    return ".".join(path)


@dataclass
class Tracker:
    """Positions of keys and values while reading, and the issues found so far."""

    file: str
    lines: list[str]
    key_locs: dict[Path_, Location] = field(default_factory=dict)
    value_locs: dict[Path_, Location] = field(default_factory=dict)
    spans: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    nodes: int = 0

    def add(
        self,
        code: str,
        message: str,
        path: Path_,
        *,
        at: str = "value",
        expected: str | None = None,
        got: str | None = None,
        hint: str | None = None,
        shown_path: Path_ | None = None,
    ) -> None:
        """Record an issue located at the key or value of `path` (nearest known ancestor)."""
        loc = None
        span = 1
        probe = path
        while probe and loc is None:
            locs = self.value_locs if at == "value" else self.key_locs
            loc = locs.get(probe) or self.key_locs.get(probe)
            if loc is None:
                probe = probe[:-1]
        if probe in self.spans and at == "value":
            start, end = self.spans[probe]
            span = max(1, end - start)
        line = None
        if loc is not None and loc.file == self.file and 0 < (loc.line or 0) <= len(self.lines):
            line = self.lines[(loc.line or 1) - 1]
        if loc is not None and at == "key" and probe in self.key_locs:
            span = max(1, len(str(probe[-1])))
        self.issues.append(
            Issue(
                code,
                message,
                location=loc,
                key_path=dotted(shown_path if shown_path is not None else path) or None,
                expected=expected,
                got=got,
                hint=hint,
                source_line=line,
                span=span,
            )
        )


def sort_issues(issues: Sequence[Issue]) -> list[Issue]:
    """Issues in file order (then --set and location-less ones), as a reviewer reads them."""

    def key(item: Issue) -> tuple[int, int, int]:
        loc = item.location
        if loc is None or loc.line is None:
            return (1, 0, 0)
        return (0, loc.line, loc.column or 0)

    return sorted(issues, key=key)


def _check_keys(
    mapping: Mapping[str, Any], allowed: Sequence[str] | set[str], path: Path_, t: Tracker
) -> None:
    for key in mapping:
        if key not in allowed:
            t.add(
                "spec.key.unknown",
                f"unknown key '{key}'",
                (*path, key),
                at="key",
                expected="one of: " + ", ".join(sorted(allowed)),
                hint=did_you_mean(key, allowed),
            )


def _text(value: Any, path: Path_, t: Tracker, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            t.add("spec.key.missing", f"'{path[-1]}' is required", path, expected="text")
        return None
    if isinstance(value, (bool, dict | list)):
        t.add(
            "spec.type.text",
            f"'{path[-1]}' must be text",
            path,
            expected="text",
            got=describe(value),
        )
        return None
    return str(value)


def _weight(value: Any, path: Path_, t: Tracker) -> float:
    if value is None:
        return 1.0
    if isinstance(value, bool) or not isinstance(value, int | float):
        t.add(
            "spec.weight.not-a-number",
            "weight must be a non-negative number",
            path,
            expected="a number >= 0, e.g. 0.25",
            got=describe(value),
            hint=yaml11_hint(value) or "weights are relative within their group",
        )
        return 1.0
    w = finite(value)
    if w is None or not 0 <= w <= MAX_WEIGHT:
        code = "spec.weight.not-finite" if w is None else "spec.weight.negative"
        t.add(
            code if w is None or w < 0 else "spec.weight.too-large",
            f"weight must be a number from 0 to {MAX_WEIGHT:g}",
            path,
            expected=f"a number from 0 to {MAX_WEIGHT:g}",
            got=describe(value),
            hint="weights are relative within their group; use 0 to switch a child off",
        )
        return 1.0
    return w


MAX_WEIGHT = 1e300
"""Largest weight. Weights are relative within their group, so nothing needs more; up to 1e300
any group's sum of weights stays finite, where two weights of 1e308 (near the largest double)
would add up to infinity and leave every score blank."""

_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_YAML11_BOOLEANS = {"yes", "no", "on", "off", "y", "n"}


def finite(value: Any) -> float | None:
    """`value` as a finite float; None for inf, nan and integers beyond the float range.

    >>> [finite(v) for v in (3, 0.5, float("inf"), 10**400)]
    [3.0, 0.5, None, None]
    """
    try:
        number = float(value)
    except (OverflowError, TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def yaml11_hint(value: Any) -> str | None:
    """A hint for text that YAML 1.1 (but not YAML 1.2, which cityindex reads) takes as a number
    or a boolean: ``1:30`` (base 60: 90), ``yes``/``no``/``on``/``off``, ``1_000``, ``0b101``.

    >>> yaml11_hint("1:30").split(";")[0]
    'YAML 1.1 would read 1:30 as the base-60 number 90'
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _SEXAGESIMAL.fullmatch(text):
        sign = -1 if text.startswith("-") else 1
        total = 0.0
        for part in text.lstrip("+-").replace("_", "").split(":"):
            total = total * 60 + float(part)
        shown = f"{sign * total:g}"
        return (
            f"YAML 1.1 would read {text} as the base-60 number {shown}; cityindex reads YAML 1.2, "
            f"where it is text: write the number you mean (e.g. {shown})"
        )
    if text.lower() in _YAML11_BOOLEANS:
        return (
            f"'{text}' is text in YAML 1.2 (YAML 1.1 read it as true/false): "
            "write true or false, or a number"
        )
    plain = text.replace("_", "")
    if "_" in text and finite(plain) is not None:
        return f"write {plain} (YAML 1.2 has no digit separators)"
    if re.fullmatch(r"[-+]?0b[01_]+", text):
        return "write the number in decimal (YAML 1.2 has no 0b binary numbers)"
    return None


def _param_ok(p: Param, value: Any) -> str | None:
    """None when `value` fits parameter `p`; else what was expected."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    expected = {
        "number": "a finite number",
        "integer": "a whole number",
        "bool": "true or false",
        "text": "text",
        "range": "[low, high] with low < high",
        "list": "a list",
        "mapping": "a mapping",
        "any": "",
    }[p.kind]
    if value is None and p.default is None:
        return None
    ok = {
        "number": number and finite(value) is not None,
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "text": isinstance(value, str),
        "range": isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and all(finite(v) is not None for v in value)
        and value[0] < value[1],
        "list": isinstance(value, list),
        "mapping": isinstance(value, dict),
        "any": True,
    }[p.kind]
    too_low = p.minimum is not None and number and value < p.minimum
    too_high = p.maximum is not None and number and value > p.maximum
    if ok and (too_low or too_high):
        return param_range(p)
    if p.kind == "integer" and not ok:
        return param_range(p)
    if ok and p.choices is not None and value not in p.choices:
        return "one of: " + ", ".join(p.choices)
    return None if ok else expected


def param_range(p: Param) -> str:
    """What a numeric parameter accepts, in words: ``a whole number from 0 to 15``."""
    noun = "a whole number" if p.kind == "integer" else "a number"
    low, high = (None if b is None else f"{b:g}" for b in (p.minimum, p.maximum))
    if low is not None and high is not None:
        return f"{noun} from {low} to {high}"
    if low is not None:
        return f"{noun} >= {low}"
    return f"{noun} <= {high}" if high is not None else noun


def _method_choice(
    value: Any, stage: Stage, path: Path_, t: Tracker, child_ids: Sequence[str] = ()
) -> MethodChoice | None:
    """Validate one `methods.<stage>` block against the registry."""
    if isinstance(value, str):
        value = {"method": value}
    if not isinstance(value, dict):
        t.add(
            "spec.type.mapping",
            f"'{path[-1]}' must be a mapping like {{method: NAME, ...}}",
            path,
            expected="a mapping with a `method` key",
            got=describe(value),
        )
        return None
    name = value.get("method")
    valid = sorted(REGISTRY[stage])
    if name is None:
        t.add(
            "spec.method.missing",
            f"'{dotted(path)}' needs a `method`",
            path,
            expected="one of: " + ", ".join(valid),
        )
        return None
    method: Method | None = REGISTRY[stage].get(str(name))
    if method is None:  # method names are case-insensitive: TOPSIS, Entropy, AHP
        folded = {m.lower(): m for m in valid}.get(str(name).strip().lower().replace("-", "_"))
        if folded is not None:
            name, method = folded, REGISTRY[stage][folded]
    if method is None:
        t.add(
            "spec.method.unknown",
            f"unknown {stage} method '{name}'",
            (*path, "method"),
            expected="one of: " + ", ".join(valid),
            got=describe(name),
            hint=did_you_mean(str(name), valid),
        )
        return None
    params: dict[str, Any] = {}
    declared = [p.name for p in method.params]
    for key, given in value.items():
        if key == "method":
            continue
        p = method.param(key)
        if p is None:
            t.add(
                "spec.method.param-unknown",
                f"'{key}' is not a parameter of {stage} method '{name}'",
                (*path, key),
                at="key",
                expected=("parameters: " + ", ".join(declared)) if declared else "no parameters",
                hint=did_you_mean(key, declared),
            )
            continue
        bad = _param_ok(p, given)
        if bad is not None:
            t.add(
                "spec.method.param-type",
                f"parameter '{key}' of '{name}' has the wrong type",
                (*path, key),
                expected=bad,
                got=describe(given),
                hint=yaml11_hint(given) or p.doc or None,
            )
            continue
        params[key] = [float(v) for v in given] if p.kind == "range" else given
    for p in method.params:
        if p.default is REQUIRED and p.name not in value:
            t.add(
                "spec.method.param-missing",
                f"{stage} method '{name}' needs parameter '{p.name}'",
                path,
                expected=p.doc or p.kind,
            )
    choice = MethodChoice(str(name), method.resolve(params), dotted(path))
    check = CHECKS.get((stage, str(name)))
    if check is not None and child_ids:
        for found in check(choice.params, child_ids=tuple(child_ids)):
            if isinstance(found, Issue):
                _add_located(found, path, t)
            else:
                message, hint = found
                t.add("spec.method.check", message, path, hint=hint)
    return choice


def _add_located(found: Issue, path: Path_, t: Tracker) -> None:
    """A method check's issue, located at the element its relative key path names.

    ``pairs[2][2]`` under ``groups.g.methods.weights`` is the third value of the third pair:
    the caret points there, and the key path reads ``groups.g.methods.weights.pairs[2][2]``.
    """
    relative = found.key_path or ""
    steps = tuple(re.findall(r"[^.\[\]]+", relative))
    t.add(
        f"spec.{found.code}",
        found.message,
        (*path, *steps),
        expected=found.expected,
        got=found.got,
        hint=found.hint,
        shown_path=(*path, relative) if relative else path,
    )


def _methods(
    value: Any, path: Path_, t: Tracker, child_ids: Sequence[str] = ()
) -> dict[Stage, MethodChoice]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        t.add("spec.type.mapping", "'methods' must be a mapping", path, got=describe(value))
        return {}
    _check_keys(value, METHOD_STAGES, path, t)
    out: dict[Stage, MethodChoice] = {}
    for stage in METHOD_STAGES:
        if stage in value:
            ids = child_ids if stage == "weights" else ()
            choice = _method_choice(value[stage], stage, (*path, stage), t, ids)
            if choice is not None:
                out[stage] = choice
    return out


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
    _check_keys(value, (*INDICATOR_KEYS, *sorted(INDICATOR_EXTRA_KEYS)), path, t)
    column = _text(value.get("column", iid), (*path, "column"), t) or iid
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
        weight=_weight(value.get("weight"), (*path, "weight"), t),
        key_path=dotted(path),
        title=_text(value.get("title"), (*path, "title"), t),
        unit=_text(value.get("unit"), (*path, "unit"), t),
        source=_text(value.get("source"), (*path, "source"), t),
        methods=_methods(value.get("methods"), (*path, "methods"), t),
        extra={k: value[k] for k in INDICATOR_EXTRA_KEYS if k in value},
        titles=_titles(value, path, t),
    )


def _titles(value: Mapping[str, Any], path: Path_, t: Tracker) -> dict[str, str]:
    """``title_zh`` / ``title_en`` of a node, keyed by language."""
    out: dict[str, str] = {}
    for key in TITLE_KEYS:
        text = _text(value.get(key), (*path, key), t)
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
    _check_keys(value, GROUP_KEYS, path, t)
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
        weight=_weight(value.get("weight"), (*path, "weight"), t),
        key_path=dotted(path),
        title=_text(value.get("title"), (*path, "title"), t),
        groups=tuple(groups),
        indicators=tuple(indicators),
        methods=_methods(value.get("methods"), (*path, "methods"), t, child_ids),
        titles=_titles(value, path, t),
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
    _check_keys(plain, (*TOP_KEYS, *sorted(EXTENSION_SECTIONS)), (), t)
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
        _check_keys(index, INDEX_KEYS, ("index",), t)
        scale = _method_choice(
            index.get("scale", {"method": "none"}), "scale", ("index", "scale"), t
        )
        if scale is not None and scale.params.get("tiers") is not None:
            _check_tiers(scale.params["tiers"], t)
        data = _text(index.get("data"), ("index", "data"), t)
        data_path = None
        if data is not None:
            data_path = Path(data) if base_dir is None else (base_dir / data)
        meta = IndexMeta(
            id=_text(index.get("id"), ("index", "id"), t, required=True) or "",
            title=_text(index.get("title"), ("index", "title"), t) or "",
            unit=_text(index.get("unit"), ("index", "unit"), t, required=True) or "",
            scale=scale or MethodChoice("none"),
            data=data_path,
            description=_text(index.get("description"), ("index", "description"), t),
            time=_text(index.get("time"), ("index", "time"), t) or "year",
            panel_normalise=_panel(index.get("panel"), ("index", "panel"), t),
            language=_language(index.get("language"), ("index", "language"), t),
            na_values=_na_values(index.get("na_values"), ("index", "na_values"), t),
            coordinates=_relative(
                _text(index.get("coordinates"), ("index", "coordinates"), t), base_dir
            ),
        )
    groups = _groups(plain.get("groups"), ("groups",), t)
    methods = _methods(plain.get("methods"), ("methods",), t, [g.id for g in groups])
    _check_unique_ids(groups, t)
    _check_reserved(groups, meta.unit if meta is not None else None, t)
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
    return replace(spec, warnings=(*spec.warnings, *ignored_weight_warnings(resolve_tree(spec))))


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
    from cityindex.i18n import LANGUAGES, parse_language

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
    _check_keys(value, PANEL_KEYS, path, t)
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


def _check_reserved(groups: Sequence[Group], unit: str | None, t: Tracker) -> None:
    """No id may be the unit column or a column the outputs add (`output_columns`): the score
    table would have two columns of that name, and a reader keeps only one of them."""
    reserved = RESERVED_NAMES | ({unit} if unit else set())
    shown = ", ".join(sorted(RESERVED_NAMES))

    def visit(node: Group | Indicator) -> None:
        if node.id in reserved:
            what = "the unit column" if node.id == unit else "a column of the outputs"
            kind = "group" if isinstance(node, Group) else "indicator"
            t.add(
                "spec.id.reserved",
                f"{kind} id '{node.id}' is {what}; outputs would have two '{node.id}' columns",
                tuple(node.key_path.split(".")),
                at="key",
                expected=f"an id other than the unit column ('{unit}') and: {shown}",
                got=repr(node.id),
                hint=f"rename it, e.g. '{node.id}_{kind}'; the data column can keep its name "
                f"(`column: {node.id}`)"
                if kind == "indicator" and node.id != unit
                else f"rename it, e.g. '{node.id}_{kind}'",
            )
        if isinstance(node, Group):
            for child in node.children:
                visit(child)

    for g in groups:
        visit(g)


def _check_unique_ids(groups: list[Group], t: Tracker) -> None:
    seen: dict[str, str] = {}

    def visit(node: Group | Indicator) -> None:
        if node.id in seen:
            t.add(
                "spec.id.duplicate",
                f"id '{node.id}' is used twice (also at {seen[node.id]})",
                tuple(node.key_path.split(".")),
                at="key",
                hint="group and indicator ids must be unique across the tree",
            )
        seen[node.id] = node.key_path
        if isinstance(node, Group):
            for child in node.children:
                visit(child)

    for g in groups:
        visit(g)


def check_columns(spec: Spec, columns: Sequence[str], data_file: str) -> list[Issue]:
    """Issues for indicators whose column is not in the data (with did-you-mean)."""
    issues = []
    available = list(columns)
    present = set(available)  # a set: a list's `in` made this quadratic in the indicators
    lines = (spec.text or "").splitlines()
    for ind in spec.indicators():
        if ind.column in present:
            continue
        key = f"{ind.key_path}.column"
        loc = spec.locations.get(key) or spec.locations.get(ind.key_path)
        line = None
        if loc and loc.line and spec.path and loc.file == str(spec.path) and loc.line <= len(lines):
            line = lines[loc.line - 1]
        shown = ", ".join(available[:40]) + (" …" if len(available) > 40 else "")
        issues.append(
            Issue(
                "spec.column.missing",
                f"indicator '{ind.id}' has no column '{ind.column}' in {data_file}",
                location=loc,
                key_path=key,
                expected="a column of the data: " + shown,
                got=repr(ind.column),
                hint=did_you_mean(ind.column, available),
                source_line=line,
                span=len(ind.column),
            )
        )
    return issues
