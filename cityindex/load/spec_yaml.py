"""YAML → `Spec`, reporting every problem with file:line:column and key path.

Plain `yaml.safe_load` loses positions and silently keeps the last of two duplicated keys, so
this module composes the node graph itself (`yaml.compose` with `SafeLoader`), records where
each key and value was written, rejects duplicates, bounds size, depth and node count (alias
"billion laughs" bombs expand the graph, not the text), applies `--set` overrides, and only then
hands the plain tree to `spec_schema` for validation against the schema and the method
registry. All issues are collected and raised together. This is the only module that imports
`yaml`; it also writes YAML back (`rewrite_spec`, for calibrated specs). Files are read by
`spec_files`; `--set` paths are walked by `spec_overrides`.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import yaml

from cityindex.errors import Issue, Location, SpecError, describe, issue
from cityindex.load.arguments import path_argument
from cityindex.load.spec_files import GBK_NOTE as GBK_NOTE
from cityindex.load.spec_files import MAX_BYTES as MAX_BYTES
from cityindex.load.spec_files import PLAN_FILE as PLAN_FILE
from cityindex.load.spec_files import SPEC_FILE as SPEC_FILE
from cityindex.load.spec_files import read_plan_text as read_plan_text
from cityindex.load.spec_files import read_spec_decoded as read_spec_decoded
from cityindex.load.spec_files import read_spec_text as read_spec_text
from cityindex.load.spec_flat import as_written, flat_overrides, flatten, is_flat
from cityindex.load.spec_overrides import set_override, split_override
from cityindex.methods.registry import load_methods
from cityindex.model.spec import Spec
from cityindex.model.spec_schema import build_spec
from cityindex.model.spec_values import Path_, Tracker, dotted, sort_issues


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader when present (faster; same node marks), resolving plain scalars
    as YAML 1.2's core schema does.

    PyYAML implements YAML 1.1, whose implicit types surprise: ``1:30`` is the base-60 number
    90, ``yes``/``no``/``on``/``off`` (and ``y``/``n``) are booleans, so the key ``on:`` of the
    entropy weights reads as ``True``, ``1_000`` is 1000, ``010`` is 8 and ``2024-05-01`` a
    date. YAML 1.2 reads all of these as text (``010`` as 10), and so does cityindex; where a
    number is expected such text is refused with a hint (spec_schema).
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}


_CORE_SCHEMA = (
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", list("-+0123456789")),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        list("-+.0123456789"),
    ),
)
for _name, _pattern, _first in _CORE_SCHEMA:
    _Loader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_name}", re.compile(f"^(?:{_pattern})$"), _first
    )
_LOADER = _Loader
_TAG = "tag:yaml.org,2002:"
_CORE_TAGS = {_TAG + name for name in ("str", "null", "bool", "int", "float")}

MAX_DEPTH = 64
MAX_NODES = 200_000


def load_spec(path: str | Path, overrides: Sequence[str] = ()) -> Spec:
    """Read, override and validate a spec file; raise `SpecError` with every issue.

    A spec saved as GBK is read as GBK (`read_spec_decoded`), with a note in its warnings."""
    p = path_argument(path, "path")
    text, encoding = read_spec_decoded(p)
    spec, issues = parse_spec(text, file=str(path), base_dir=p.parent, overrides=overrides)
    if issues or spec is None:
        raise SpecError(issues)
    if encoding != "utf-8":
        spec = replace(spec, warnings=(GBK_NOTE.format(path=path), *spec.warnings))
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

    Python's cyclic garbage collector is paused meanwhile: parsing makes only acyclic data
    (nodes, positions, the typed spec), but so many objects that the collector's repeated
    passes over them took two thirds of the time (1.2 of 1.8 s for 34,000 indicators).
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _parse_spec(text, file=file, base_dir=base_dir, overrides=overrides)
    finally:
        if paused:
            gc.enable()


def _parse_spec(
    text: str, *, file: str, base_dir: Path | None, overrides: Sequence[str]
) -> tuple[Spec | None, list[Issue]]:
    load_methods()
    tracker = Tracker(file=file, lines=text.splitlines())
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):
            # PyYAML >= 6.0.3 has its own nesting limit and raises it as a YAMLError before
            # Python's recursion limit (which older releases hit) is reached: same meaning.
            tracker.add("spec.yaml.too-deep", "YAML nesting is too deep", ())
            return None, tracker.issues
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
            "the spec must be a mapping with `index` and `groups` (or `indicators`)",
            (),
            expected="a mapping",
            got=describe(plain),
        )
        return None, tracker.issues
    flat = is_flat(plain)
    flatten(plain, tracker)
    for arg in flat_overrides(overrides) if flat else overrides:
        _apply_override(plain, arg, tracker)
    spec = build_spec(plain, tracker, text=text, file=file, base_dir=base_dir)
    if spec is not None and overrides:
        spec = replace(spec, overrides=tuple(overrides))
    issues = sort_issues(tracker.issues)
    return spec, as_written(issues) if flat else issues


class _TooLargeError(Exception):
    """The document is too large or too deep to read further."""


def _mark(node: yaml.Node, file: str) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar(node: yaml.ScalarNode) -> Any:
    """A scalar as YAML 1.2's core schema reads it; any other tag (``!x``, ``!!timestamp``,
    ``!!binary``, ``!!python/...``) gives its plain text."""
    tag, text = node.tag, node.value
    if tag == _TAG + "str":
        return text
    if tag == _TAG + "null" and text in ("~", "null", "Null", "NULL", ""):
        return None
    if tag == _TAG + "bool" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if tag == _TAG + "int":
        return _integer(text)
    if tag == _TAG + "float":
        return _float(text)
    return text


def _integer(text: str) -> int | str:
    """Decimal (leading zeros allowed, as in YAML 1.2), ``0o`` octal or ``0x`` hexadecimal;
    the text itself when it is no such number or too long to convert (over 4,300 digits)."""
    base = {"0o": 8, "0x": 16}.get(text[:2], 10)
    try:
        return int(text[2:] if base != 10 else text, base)
    except ValueError:
        return text


def _float(text: str) -> float | str:
    lowered = text.lower()
    if lowered.lstrip("+-") in (".inf", ".nan"):
        value = float(lowered.replace(".", ""))
        return value
    try:
        return float(text)
    except ValueError:
        return text


def _to_plain(node: yaml.Node, path: Path_, t: Tracker, *, depth: int) -> Any:
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
        t.add(
            "spec.yaml.too-deep",
            f"the spec nests deeper than {MAX_DEPTH} levels",
            path,
            hint="an index definition nests a few levels; an alias inside itself (&a [*a]) "
            "nests without end",
        )
        raise _TooLargeError
    t.value_locs.setdefault(path, _mark(node, t.file))
    if isinstance(node, yaml.ScalarNode):
        t.spans[path] = (node.start_mark.index, node.end_mark.index)
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_plain(item, (*path, str(i)), t, depth=depth + 1)
            for i, item in enumerate(node.value)
        ]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            plain_key = isinstance(key_node, yaml.ScalarNode) and key_node.tag in _CORE_TAGS
            key = _scalar(key_node) if plain_key else None
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


def _override_value(text: str, where: Location) -> tuple[Any, list[Issue]]:
    """The YAML value of a ``--set``, read exactly as spec files are (YAML 1.2 scalars, and the
    same bounds on depth, nodes and aliases); text that is not YAML stays text."""
    if not text.strip():
        return None, []
    sub = Tracker(file=where.file, lines=[])
    try:
        root = yaml.compose(text, Loader=_LOADER)
        value = None if root is None else _to_plain(root, (), sub, depth=0)
    except RecursionError:
        sub.add("spec.yaml.too-deep", "YAML nesting is too deep", ())
    except _TooLargeError:
        pass
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):
            sub.add("spec.yaml.too-deep", "YAML nesting is too deep", ())
        else:
            value = text
    if sub.issues:
        return None, [replace(p, location=where, source_line=None) for p in sub.issues]
    return value, []


def _apply_override(plain: dict[str, Any], arg: str, t: Tracker) -> None:
    """Apply one ``--set PATH=VALUE`` to the plain tree (validated later with the rest)."""
    parsed = split_override(arg, t)
    if parsed is None:
        return
    keys, text, where = parsed
    value, problems = _override_value(text, where)
    if problems:
        t.issues.extend(replace(p, key_path=dotted(keys)) for p in problems)
        return
    set_override(plain, keys, value, arg, t)


# ----------------------------------------------------------------------------- building


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


__all__ = [
    "dump_value",
    "load_spec",
    "parse_spec",
    "read_plan_text",
    "read_spec_text",
    "rewrite_spec",
]
