"""Spec variants: a spec with some values set by key path, as ``--set`` would set them.

An uncertainty plan's `alternatives:` name spec values and their options; each combination is
one variant, parsed by the spec loader itself (same validation and messages as ``--set``) and
memoised. Options on different ``methods.<stage>`` paths are parsed together, and combined
from the one-setting variants, rather than once per combination.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cityindex.analysis.uncertainty import Alternatives
from cityindex.errors import Issue
from cityindex.load.spec_yaml import dump_value, parse_spec
from cityindex.model.spec import Spec

_VARIANTS: dict[tuple[str, ...], tuple[Spec | None, list[Issue]]] = {}


def variant(spec: Spec, settings: list[tuple[str, Any]]) -> tuple[Spec | None, list[Issue]]:
    """The spec with each ``(key path, value)`` set, as ``--set`` would; and any issues.

    Parsed by the spec loader itself (same validation and messages as ``--set``), memoised.
    """
    extra = [f"{path}={dump_value(value)}" for path, value in settings]
    key = (spec.text or "", str(spec.path), *spec.overrides, "\0", *extra)
    if key not in _VARIANTS:
        if len(_VARIANTS) > 512:
            _VARIANTS.clear()
        base_dir = spec.path.parent if spec.path is not None else None
        _VARIANTS[key] = parse_spec(
            spec.text or "",
            file=str(spec.path) if spec.path else "<spec>",
            base_dir=base_dir,
            overrides=[*spec.overrides, *extra],
        )
    return _VARIANTS[key]


def stage_of(path: str) -> str | None:
    """The stage of a spec-level ``methods.<stage>[.<key>]`` path, else None."""
    parts = path.split(".")
    return parts[1] if parts[0] == "methods" and len(parts) in (2, 3) else None


def option_variants(
    spec: Spec, alternatives: list[Alternatives] | tuple[Alternatives, ...]
) -> dict[tuple[int, int], tuple[Spec | None, list[Issue]]]:
    """For option ``j`` of alternative ``i``: a spec with that option set, and its issues.

    When every alternative is a spec-level ``methods.<stage>…`` path on its own stage, option
    ``j`` of all alternatives is set in one parse (as many parses as the longest option list,
    not one per option); each issue goes to the alternative whose stage it names.
    """
    stages = [stage_of(a.path) for a in alternatives]
    out: dict[tuple[int, int], tuple[Spec | None, list[Issue]]] = {}
    if None in stages or len(set(stages)) < len(stages):
        for i, alt in enumerate(alternatives):
            for j, option in enumerate(alt.options):
                out[i, j] = variant(spec, [(alt.path, option)])
        return out
    longest = max((len(a.options) for a in alternatives), default=0)
    for j in range(longest):
        members = [i for i, a in enumerate(alternatives) if j < len(a.options)]
        parsed, issues = variant(
            spec, [(alternatives[i].path, alternatives[i].options[j]) for i in members]
        )
        for i in members:
            prefix = f"methods.{stages[i]}"
            mine = [x for x in issues if (x.key_path or "").startswith(prefix)]
            others = [
                x
                for x in issues
                if not any((x.key_path or "").startswith(f"methods.{stages[m]}") for m in members)
            ]
            found = mine + others
            out[i, j] = (parsed if not found else None, found)
    return out


def combine(spec: Spec, settings: list[tuple[str, Any]]) -> tuple[Spec | None, list[Issue]]:
    """The spec with several settings applied at once.

    When every setting is a spec-level ``methods.<stage>…`` path on a different stage, the
    variant takes each stage's method from the one-setting variant (already parsed and
    checked) instead of parsing the whole spec again for every combination.
    """
    stages = [stage_of(path) for path, _ in settings]
    if None in stages or len(set(stages)) < len(stages):
        return variant(spec, settings)
    methods = dict(spec.methods)
    for (path, value), stage in zip(settings, stages, strict=True):
        single, issues = variant(spec, [(path, value)])
        if single is None:
            return None, issues
        methods[stage] = single.methods[stage]  # type: ignore[index]
    return replace(spec, methods=methods), []
