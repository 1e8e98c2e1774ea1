"""YAML → `Spec`, reporting every problem with file:line:column and key path.

Plain `yaml.safe_load` loses positions and silently keeps the last of two duplicated keys, so
this module composes the node graph itself (`yaml.compose` with `SafeLoader`), records where
each key and value was written, rejects duplicates, bounds size, depth and node count (alias
"billion laughs" bombs expand the graph, not the text), applies `--set` overrides, and only then
validates the plain tree against the schema and the method registry. All issues are collected
and raised together. This is the only module that imports `yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from cityindex.errors import (
    Issue,
    Location,
    SpecError,
    UsageError,
    describe,
    did_you_mean,
    issue,
)
from cityindex.files import InputKind, read_bounded
from cityindex.registry import CHECKS, REGISTRY, REQUIRED, Method, Param, Stage, load_methods
from cityindex.spec import (
    DIRECTIONS,
    Direction,
    Group,
    IndexMeta,
    Indicator,
    MethodChoice,
    Spec,
)
from cityindex.tiers import parse_tier_rule

# libyaml's loader when present (several times faster; same node marks), else pure Python
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 2_000_000
MAX_DEPTH = 64
MAX_NODES = 200_000

TOP_KEYS = ("index", "methods", "groups", "calibration")
EXTENSION_SECTIONS: set[str] = {"uncertainty", "weight_sets"}
"""Top-level sections owned by other modules (kept as plain data in `Spec.sections`)."""
INDEX_KEYS = ("id", "title", "data", "unit", "scale", "description", "time", "panel")
PANEL_KEYS = ("normalise",)
PANEL_NORMALISE = ("per_year", "pooled")
GROUP_KEYS = ("title", "weight", "groups", "indicators", "methods", "description")
INDICATOR_KEYS = ("column", "direction", "weight", "unit", "source", "title", "methods")
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
class _Tracker:
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


SPEC_FILE = InputKind(
    noun="spec file",
    error=SpecError,
    codes=("spec.file.not-found", "spec.file.is-directory", "spec.yaml.too-large"),
    missing_hint="give the path to an index definition (YAML), e.g. indicators/ai-city-2024.yaml",
    large_hint="an index definition is a few kilobytes; is this the right file?",
)


def read_spec_text(path: Path) -> str:
    """Read a spec file as text, bounded in size, with clear errors for the unreadable."""
    name = str(path)
    raw = read_bounded(path, SPEC_FILE, limit=MAX_BYTES)
    if b"\x00" in raw:
        raise SpecError(
            [
                issue(
                    "spec.yaml.not-text",
                    "spec file is binary, not YAML text",
                    location=Location(name),
                    hint="give an index definition written in YAML",
                )
            ]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(
            [
                issue(
                    "spec.yaml.encoding",
                    f"spec file is not UTF-8 (byte {exc.start})",
                    location=Location(name),
                    hint="save the YAML file as UTF-8",
                )
            ]
        ) from None


def load_spec(path: str | Path, overrides: Sequence[str] = ()) -> Spec:
    """Read, override and validate a spec file; raise `SpecError` with every issue."""
    p = Path(path)
    text = read_spec_text(p)
    spec, issues = parse_spec(text, file=str(path), base_dir=p.parent, overrides=overrides)
    if issues or spec is None:
        raise SpecError(issues)
    return spec


def parse_spec(
    text: str,
    *,
    file: str = "<spec>",
    base_dir: Path | None = None,
    overrides: Sequence[str] = (),
) -> tuple[Spec | None, list[Issue]]:
    """Parse spec text; return the spec and every issue found.

    With issues, the spec is partial (invalid parts left out) or None when unusable: callers
    may still use a partial spec to look for more problems (e.g. missing data columns).
    """
    load_methods()
    tracker = _Tracker(file=file, lines=text.splitlines())
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        problem = getattr(exc, "problem", None) or str(exc)
        tracker.issues.append(
            Issue(
                "spec.yaml.syntax",
                f"YAML syntax error: {problem}",
                location=loc,
                source_line=tracker.lines[mark.line]
                if mark and mark.line < len(tracker.lines)
                else None,
                hint="check indentation and that every `key: value` has a space after the colon",
            )
        )
        return None, tracker.issues
    except RecursionError:
        tracker.add("spec.yaml.too-deep", "YAML nesting is too deep", ())
        return None, tracker.issues
    if root is None:
        tracker.add("spec.yaml.empty", "spec file is empty", (), hint="see DESIGN.md's example")
        return None, tracker.issues
    try:
        plain = _to_plain(root, (), tracker, depth=0)
    except _TooLargeError:
        return None, tracker.issues
    if not isinstance(plain, dict):
        tracker.add(
            "spec.type.mapping",
            "the spec must be a mapping with `index` and `groups`",
            (),
            expected="a mapping",
            got=describe(plain),
        )
        return None, tracker.issues
    for arg in overrides:
        _apply_override(plain, arg, tracker)
    spec = _build(plain, tracker, text=text, file=file, base_dir=base_dir)
    if spec is not None and overrides:
        spec = replace(spec, overrides=tuple(overrides))
    return spec, sort_issues(tracker.issues)


def sort_issues(issues: Sequence[Issue]) -> list[Issue]:
    """Issues in file order (then --set and location-less ones), as a reviewer reads them."""

    def key(item: Issue) -> tuple[int, int, int]:
        loc = item.location
        if loc is None or loc.line is None:
            return (1, 0, 0)
        return (0, loc.line, loc.column or 0)

    return sorted(issues, key=key)


class _TooLargeError(Exception):
    """The document is too large or too deep to read further."""


def _mark(node: yaml.Node, file: str) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


_CONSTRUCTOR = yaml.constructor.SafeConstructor()
"""One safe constructor for every scalar (building a loader per scalar dominated parse time)."""


def _scalar(node: yaml.ScalarNode) -> Any:
    """The scalar's value; its plain text when the tag has no safe constructor (``!x key:``)."""
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except yaml.YAMLError:
        return node.value
    finally:
        _CONSTRUCTOR.constructed_objects.clear()
        _CONSTRUCTOR.recursive_objects.clear()


def _to_plain(node: yaml.Node, path: Path_, t: _Tracker, *, depth: int) -> Any:
    """Convert a node to plain Python, recording positions; reject duplicate keys."""
    t.nodes += 1
    if t.nodes > MAX_NODES:
        t.add(
            "spec.yaml.too-many-nodes",
            f"the spec expands to more than {MAX_NODES:,} values (YAML aliases?)",
            (),
            hint="an index definition needs no aliases (&name / *name); write values out",
        )
        raise _TooLargeError
    if depth > MAX_DEPTH:
        t.add("spec.yaml.too-deep", f"the spec nests deeper than {MAX_DEPTH} levels", path)
        raise _TooLargeError
    t.value_locs.setdefault(path, _mark(node, t.file))
    if isinstance(node, yaml.ScalarNode):
        t.spans[path] = (node.start_mark.index, node.end_mark.index)
        try:
            return _scalar(node)
        except yaml.YAMLError:
            return node.value
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_plain(item, (*path, str(i)), t, depth=depth + 1)
            for i, item in enumerate(node.value)
        ]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int | float | bool) or key is None:
                t.key_locs[(*path, "?")] = _mark(key_node, t.file)
                t.add("spec.key.not-text", "a key must be a plain word", (*path, "?"), at="key")
                continue
            key = str(key)
            child = (*path, key)
            if key in out:
                first = t.key_locs[child]
                t.key_locs[(*path, key, "<dup>")] = _mark(key_node, t.file)
                t.add(
                    "spec.yaml.duplicate-key",
                    f"key '{key}' appears twice (first at line {first.line})",
                    (*path, key, "<dup>"),
                    at="key",
                    hint="YAML would silently keep only the last one; remove one of them",
                    shown_path=child,
                )
                continue
            t.key_locs[child] = _mark(key_node, t.file)
            out[key] = _to_plain(value_node, child, t, depth=depth + 1)
        return out
    return None


_CREATABLE = {"methods", "calibration", "uncertainty", "scale", *METHOD_STAGES}


def _apply_override(plain: dict[str, Any], arg: str, t: _Tracker) -> None:
    """Apply one ``--set PATH=VALUE`` to the plain tree (validated later with the rest)."""
    if "=" not in arg:
        raise UsageError(
            [
                issue(
                    "usage.set.syntax",
                    f"--set expects PATH=VALUE, got '{arg}'",
                    hint="e.g. --set groups.policy.weight=0.3",
                )
            ]
        )
    key_path, _, text = arg.partition("=")
    keys = tuple(k for k in key_path.strip().split("."))
    where = Location(f"--set {arg}")
    if not all(keys):
        t.issues.append(issue("spec.set.path", f"--set path '{key_path}' is empty", location=where))
        return
    try:
        value = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError:
        value = text
    node: Any = plain
    for depth, key in enumerate(keys[:-1]):
        if isinstance(node, dict) and isinstance(node.get(key), str) and key in METHOD_STAGES:
            node[key] = {"method": node[key]}
        if isinstance(node, dict) and key in node and isinstance(node[key], dict):
            node = node[key]
            continue
        if isinstance(node, dict) and key not in node and key in _CREATABLE:
            node[key] = {}
            node = node[key]
            continue
        hint = did_you_mean(key, node) if isinstance(node, dict) else None
        t.issues.append(
            issue(
                "spec.set.unknown-path",
                f"--set: '{dotted(keys[: depth + 1])}' does not exist in the spec",
                location=where,
                key_path=dotted(keys),
                hint=hint or "paths follow the YAML keys, e.g. groups.policy.weight",
            )
        )
        return
    last = keys[-1]
    if not isinstance(node, dict):
        t.issues.append(
            issue("spec.set.unknown-path", f"--set: '{key_path}' is not a key", location=where)
        )
        return
    if last == "method" and len(keys) >= 2 and keys[-2] in {*METHOD_STAGES, "scale"}:
        stage = keys[-2]
        method = REGISTRY[stage].get(str(value))
        if method is not None and node.get("method") != value:
            declared = {p.name for p in method.params}
            dropped = [k for k in node if k != "method" and k not in declared]
            for k in dropped:
                del node[k]
            if dropped:
                t.warnings.append(
                    f"--set {arg}: dropped {', '.join(map(repr, dropped))} "
                    f"(not parameters of {value})"
                )
    node[last] = value
    for i in range(1, len(keys) + 1):
        t.key_locs.setdefault(keys[:i], where)
    t.key_locs[keys] = where
    t.value_locs[keys] = where
    t.spans.pop(keys, None)
    # positions inside a replaced subtree are no longer meaningful
    for loc_map in (t.value_locs, t.key_locs):
        for p in [p for p in loc_map if len(p) > len(keys) and p[: len(keys)] == keys]:
            loc_map[p] = where


# ----------------------------------------------------------------------------- building


def _check_keys(
    mapping: Mapping[str, Any], allowed: Sequence[str] | set[str], path: Path_, t: _Tracker
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


def _text(value: Any, path: Path_, t: _Tracker, *, required: bool = False) -> str | None:
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


def _weight(value: Any, path: Path_, t: _Tracker) -> float:
    if value is None:
        return 1.0
    if isinstance(value, bool) or not isinstance(value, int | float):
        hint = "weights are relative within their group"
        if isinstance(value, str) and _looks_like_exponent(value):
            hint = f"YAML 1.1 reads {value} as text; write it with a decimal point, e.g. " + (
                value.replace("e", ".0e", 1) if "." not in value else value
            )
        t.add(
            "spec.weight.not-a-number",
            "weight must be a non-negative number",
            path,
            expected="a number >= 0, e.g. 0.25",
            got=describe(value),
            hint=hint,
        )
        return 1.0
    w = float(value)
    if not w >= 0 or w == float("inf"):
        t.add(
            "spec.weight.negative" if w < 0 else "spec.weight.not-finite",
            "weight must be a finite number >= 0",
            path,
            expected="a number >= 0",
            got=describe(value),
            hint="weights are relative within their group; use 0 to switch a child off",
        )
        return 1.0
    return w


def _looks_like_exponent(text: str) -> bool:
    """True for numbers like 1e-3 that PyYAML (YAML 1.1) leaves as text."""
    try:
        float(text)
    except ValueError:
        return False
    return "e" in text.lower()


def _param_ok(p: Param, value: Any) -> str | None:
    """None when `value` fits parameter `p`; else what was expected."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    expected = {
        "number": "a number",
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
        "number": number,
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "text": isinstance(value, str),
        "range": isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and value[0] < value[1],
        "list": isinstance(value, list),
        "mapping": isinstance(value, dict),
        "any": True,
    }[p.kind]
    if ok and p.minimum is not None and number and value < p.minimum:
        return f"a number >= {p.minimum}"
    if ok and p.choices is not None and value not in p.choices:
        return "one of: " + ", ".join(p.choices)
    return None if ok else expected


def _method_choice(
    value: Any, stage: Stage, path: Path_, t: _Tracker, child_ids: Sequence[str] = ()
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
                hint=p.doc or None,
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
        for message, hint in check(choice.params, child_ids=tuple(child_ids)):
            t.add("spec.method.check", message, path, hint=hint)
    return choice


def _methods(
    value: Any, path: Path_, t: _Tracker, child_ids: Sequence[str] = ()
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


def _indicator(iid: str, value: Any, path: Path_, t: _Tracker) -> Indicator | None:
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
    if direction not in DIRECTIONS:
        t.add(
            "spec.direction.invalid" if direction is not None else "spec.key.missing",
            f"indicator '{iid}' needs a direction",
            (*path, "direction"),
            expected="higher_is_better or lower_is_better",
            got=describe(direction) if direction is not None else "nothing",
            hint=did_you_mean(str(direction), DIRECTIONS) if direction is not None else None,
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
    )


def _check_siblings(weights: list[float], path: Path_, t: _Tracker) -> None:
    if weights and all(w == 0 for w in weights):
        t.add(
            "spec.weight.all-zero",
            f"every weight under '{dotted(path)}' is 0",
            path,
            at="key",
            expected="at least one weight > 0",
            hint="weights are relative within their group; give one child a positive weight",
        )


def _group(gid: str, value: Any, path: Path_, t: _Tracker) -> Group | None:
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
    )


def _groups(value: Any, path: Path_, t: _Tracker) -> list[Group]:
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


def _build(
    plain: dict[str, Any], t: _Tracker, *, text: str, file: str, base_dir: Path | None
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
        )
    groups = _groups(plain.get("groups"), ("groups",), t)
    methods = _methods(plain.get("methods"), ("methods",), t, [g.id for g in groups])
    _check_unique_ids(groups, t)
    calibration = plain.get("calibration")
    if calibration is not None and not isinstance(calibration, dict):
        t.add("spec.type.mapping", "'calibration' must be a mapping", ("calibration",))
    if meta is None:
        return None
    return Spec(
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


def _check_tiers(value: Any, t: _Tracker) -> None:
    """Every problem of an ``index.scale.tiers`` block, located at its key."""
    _, problems = parse_tier_rule(value, key_path="index.scale.tiers")
    for p in problems:
        path = tuple((p.key_path or "index.scale.tiers").split("."))
        t.add(f"spec.{p.code}", p.message, path, got=p.got, hint=p.hint)


def _panel(value: Any, path: Path_, t: _Tracker) -> Literal["per_year", "pooled"]:
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


def _check_unique_ids(groups: list[Group], t: _Tracker) -> None:
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
    lines = (spec.text or "").splitlines()
    for ind in spec.indicators():
        if ind.column in available:
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


def dump_value(value: Any) -> str:
    """A value as a YAML flow scalar/collection (for writing calibrated weights)."""
    out: str = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    return out.strip().removesuffix("...").strip()


def rewrite_spec(spec: Spec, values: Mapping[str, Any], section: Mapping[str, Any]) -> str:
    """The spec's text with scalar values replaced in place and a top-level section set.

    Values are replaced at their recorded positions, so comments, order and layout survive
    (a calibrated spec reads like the original). `section` is one top-level key (e.g.
    ``{"calibration": {...}}``) written as block YAML, replacing an existing one.
    """
    text = spec.text or ""
    missing = [k for k in values if k not in spec.spans]
    if missing:
        raise SpecError(
            [
                issue(
                    "spec.rewrite.no-value",
                    f"'{k}' is not written in the spec, so it cannot be replaced in place",
                    key_path=k,
                    hint="write the weight explicitly (e.g. `weight: 1`) and run again",
                )
                for k in missing
            ]
        )
    edits = sorted(((spec.spans[k], dump_value(v)) for k, v in values.items()), reverse=True)
    for (start, end), new in edits:
        text = text[:start] + new + text[end:]
    for key, body in section.items():
        lines = text.splitlines(keepends=True)
        begin = next((i for i, ln in enumerate(lines) if ln.startswith(f"{key}:")), None)
        if begin is not None:
            end = begin + 1
            while end < len(lines) and (lines[end][:1] in (" ", "\t", "#", "\n", "\r")):
                end += 1
            del lines[begin:end]
        block = yaml.safe_dump({key: body}, sort_keys=False, allow_unicode=True, width=88)
        body_text = "".join(lines)
        if body_text and not body_text.endswith("\n"):
            body_text += "\n"
        text = body_text + block
    return text
