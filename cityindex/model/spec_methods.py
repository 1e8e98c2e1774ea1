"""A spec's ``methods:`` blocks, checked against the method registry: `method_blocks`.

Each stage's block names a registered method and its parameters; a name or parameter the
registry does not know is reported with the valid choices, a value of the wrong kind or out of
range with what was expected, and a method's own load-time check (`register_check`) is run
with the group's child ids, its issues located at the offending element.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from cityindex.errors import Issue, describe, did_you_mean
from cityindex.methods.registry import CHECKS, REGISTRY, REQUIRED, STAGES, Method, Param, Stage
from cityindex.model.spec import MethodChoice
from cityindex.model.spec_values import Path_, Tracker, check_keys, dotted, finite, yaml11_hint

METHOD_STAGES: tuple[Stage, ...] = tuple(s for s in STAGES if s != "scale")
"""The stages a `methods:` block may set, in pipeline order (scaling is `index.scale`)."""


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


def method_choice(
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


def method_blocks(
    value: Any, path: Path_, t: Tracker, child_ids: Sequence[str] = ()
) -> dict[Stage, MethodChoice]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        t.add("spec.type.mapping", "'methods' must be a mapping", path, got=describe(value))
        return {}
    check_keys(value, METHOD_STAGES, path, t)
    out: dict[Stage, MethodChoice] = {}
    for stage in METHOD_STAGES:
        if stage in value:
            ids = child_ids if stage == "weights" else ()
            choice = method_choice(value[stage], stage, (*path, stage), t, ids)
            if choice is not None:
                out[stage] = choice
    return out
