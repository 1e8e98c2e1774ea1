"""Reading an index definition's values: where each issue is, and the checks of single values.

A `Tracker` holds the position of every key and value `spec_yaml` read (or none, for a plain
mapping) and the issues found so far, each located at the key or value it concerns
(file:line:column, key path, the source line for a caret). The readers here check one value
each (text, a weight, a finite number, YAML 1.1 spellings a reviewer may not mean); the schema
(`cityindex.model.spec_schema`) and the method blocks (`cityindex.model.spec_methods`) are
built on them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cityindex.errors import Issue, Location, describe, did_you_mean

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


def check_keys(
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


def read_text(value: Any, path: Path_, t: Tracker, *, required: bool = False) -> str | None:
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


def read_weight(value: Any, path: Path_, t: Tracker) -> float:
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
