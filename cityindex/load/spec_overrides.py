"""``--set PATH=VALUE`` on the plain tree of a spec, before it is validated with the rest.

The value itself is read as YAML by `spec_yaml`; here the path is checked and walked (a method
given as a word becomes ``{method: word}`` on the way, and the spec's optional sections are
created), the value set, parameters the new method does not take dropped with a warning, and
the positions of everything under the path moved to the ``--set`` itself.
"""

from __future__ import annotations

from typing import Any

from cityindex.errors import Location, UsageError, did_you_mean, issue
from cityindex.methods.registry import REGISTRY
from cityindex.model.spec_methods import METHOD_STAGES
from cityindex.model.spec_values import Tracker, dotted

_CREATABLE = {"methods", "calibration", "uncertainty", "scale", *METHOD_STAGES}


def split_override(arg: str, t: Tracker) -> tuple[tuple[str, ...], str, Location] | None:
    """One ``--set PATH=VALUE`` as its keys, its value's text and its location; None (the
    issue recorded in `t`) when the path is empty. A usage error without ``=``.

    A key holding a dot (or ``=``, or a double quote) is written in double quotes, with ``\\"``
    and ``\\\\`` inside: ``groups."talent.pool".weight=0.3`` (`set_path` writes paths so).
    """
    where = Location(f"--set {arg}")
    parsed = _split_path(arg)
    if parsed is None:
        raise UsageError(
            [
                issue(
                    "usage.set.syntax",
                    f"--set expects PATH=VALUE, got '{arg}'"
                    + ("; a double quote in its path is not closed" if "=" in arg else ""),
                    hint="e.g. --set groups.policy.weight=0.3 (a key with a dot in double "
                    "quotes: --set 'groups.\"talent.pool\".weight=0.3')",
                )
            ]
        )
    keys, text = parsed
    if not all(keys):
        key_path = arg.partition("=")[0]
        t.issues.append(issue("spec.set.path", f"--set path '{key_path}' is empty", location=where))
        return None
    return keys, text, where


def _split_path(arg: str) -> tuple[tuple[str, ...], str] | None:
    r"""The keys before the first ``=`` outside double quotes, and the text after it; None
    without such an ``=`` or with a quote left open.

    >>> _split_path('groups."a.b".weight=0.5')
    (('groups', 'a.b', 'weight'), '0.5')
    >>> _split_path('groups.policy.weight=x=y')
    (('groups', 'policy', 'weight'), 'x=y')
    >>> _split_path('groups."a=\\"b\\"".weight=1')
    (('groups', 'a="b"', 'weight'), '1')
    """
    keys: list[str] = []
    key: list[str] = []
    quoted = False
    i = 0
    while i < len(arg):
        char = arg[i]
        if quoted:
            if char == "\\" and i + 1 < len(arg) and arg[i + 1] in '"\\':
                key.append(arg[i + 1])
                i += 1
            elif char == '"':
                quoted = False
            else:
                key.append(char)
        elif char == '"':
            quoted = True
        elif char == ".":
            keys.append("".join(key))
            key = []
        elif char == "=":
            keys.append("".join(key))
            keys[0], keys[-1] = keys[0].lstrip(), keys[-1].rstrip()  # around the path, as typed
            return tuple(keys), arg[i + 1 :]
        else:
            key.append(char)
        i += 1
    return None


def set_path(keys: tuple[str, ...]) -> str:
    """Keys as ``--set`` reads them back (`split_override`): a key holding a dot, ``=``, a
    double quote or a backslash (or empty, or with spaces around it) in double quotes.

    >>> set_path(("groups", "talent.pool", "weight"))
    'groups."talent.pool".weight'
    >>> set_path(("groups", "人才", "weight"))
    'groups.人才.weight'
    """
    return ".".join(
        '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"' if _needs_quotes(key) else key
        for key in keys
    )


def _needs_quotes(key: str) -> bool:
    return not key or key != key.strip() or any(c in key for c in '."=\\')


def set_override(
    plain: dict[str, Any], keys: tuple[str, ...], value: Any, arg: str, t: Tracker
) -> None:
    """Set `value` at `keys` in the plain tree (the ``--set`` `arg`), recording positions."""
    where = Location(f"--set {arg}")
    key_path = set_path(keys)
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
        return None
    last = keys[-1]
    if not isinstance(node, dict):
        t.issues.append(
            issue("spec.set.unknown-path", f"--set: '{key_path}' is not a key", location=where)
        )
        return None
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
