"""An index's uncertainty plan read from its spec, and the spec-backed model replicates run on.

The plan lives in the spec's ``uncertainty:`` section (or a ``--plan`` file with the same
keys)::

    uncertainty:
      runs: 1000                 # default for --runs
      seed: 2024                 # default for --seed
      top_k: 10                  # default for --top-k
      weight_noise:              # w' = w (1 + U(-f, f)), renormalised within each group
        - {level: 2, fraction: 0.25}            # COINr's levels: 1 = indicators' weights
        - {level: [2, 3], fraction: 0.25}       # one input perturbing two levels together
        - {groups: [policy, talent], fraction: 0.1}
      alternatives:              # any spec value by key path, each option equally likely
        - {path: methods.aggregate.method, options: [arithmetic_mean, geometric_mean]}
        - {path: methods.normalise, options: [{method: min_max, range: [1, 100]},
                                              {method: z_score, mean: 10, sd: 2}]}
      weight_sets: [nominal, equal_dimensions]  # names in the top-level `weight_sets:`
      leave_one_out: true        # also: keep all, or drop one indicator (weight 0)

    weight_sets:                 # named alternative weights: node id → weight in its group
      equal_dimensions: {policy: 1, infrastructure: 1, firms: 1}

Levels follow COINr (``get_noisy_weights``): indicators are level 1, a group is one above its
highest child, so noise on level ``L`` perturbs the weights of the level-``L`` nodes within
their parents. This is the one convention for "level" throughout cityindex (`calibrate
--levels`, `explain`'s level column, docs/spec.md). The other direction is spelt ``depth``:
``{depth: 1, fraction: 0.25}`` perturbs the top-level groups' weights (depth 0 is the index,
as in `explain`'s depth column), accepted wherever ``level`` is in a weight_noise entry.

Weight overrides replace a group's weight method for `fixed` weights: the spec's raw weights
are perturbed, so zero noise reproduces `compute` exactly. Derived weights (entropy, CRITIC,
PCA, ...) are by default re-derived in every replicate from that replicate's data (its
normalisation, treatment, lower-level weights; a left-out indicator is dropped before the
method runs) and the noise multiplies them (``perturb: rederive``); ``perturb: nominal``
perturbs the nominal derived weights instead, as if they were fixed. Each combination of
alternatives is one spec variant, built with the same ``--set`` machinery and prepared once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cityindex.analysis.spec_model import SpecModel as SpecModel
from cityindex.analysis.spec_model import nominal_for_runs as nominal_for_runs
from cityindex.analysis.spec_weights import children as children
from cityindex.analysis.spec_weights import derived_groups as derived_groups
from cityindex.analysis.spec_weights import group_depths as group_depths
from cityindex.analysis.spec_weights import group_levels as group_levels
from cityindex.analysis.spec_weights import raw_weights as raw_weights
from cityindex.analysis.uncertainty import Alternatives, UncertaintyPlan, WeightNoise, WeightSet
from cityindex.analysis.variants import combine as combine
from cityindex.analysis.variants import option_variants as option_variants
from cityindex.analysis.variants import variant as variant
from cityindex.errors import Issue, Location, SpecError, describe, did_you_mean, issue
from cityindex.load.spec_yaml import dump_value
from cityindex.model.spec import Indicator, Spec
from cityindex.model.spec_values import MAX_WEIGHT, finite
from cityindex.model.tree import ROOT

PLAN_KEYS = (
    "runs",
    "seed",
    "top_k",
    "weight_noise",
    "alternatives",
    "weight_sets",
    "leave_one_out",
    "perturb",
)

PERTURB = ("rederive", "nominal")
"""What weight noise and leave-out act on for data-driven weights (see `UncertaintyPlan`)."""


@dataclass(frozen=True)
class PlanSettings:
    """A plan and the defaults the spec gives for the command options."""

    plan: UncertaintyPlan
    runs: int | None = None
    seed: int | None = None
    top_k: int | None = None


class _Issues:
    """Collects plan issues, located in the spec (or the --plan file) where possible."""

    def __init__(self, spec: Spec, source: str | None) -> None:
        self.spec, self.source = spec, source
        self.items: list[Issue] = []

    def add(
        self, code: str, message: str, path: str, *, in_spec: bool = False, **extra: str | None
    ) -> None:
        """An issue at `path`, located in the --plan file when there is one (unless `in_spec`:
        the key is in the spec itself, as a top-level weight set is)."""
        probe, loc = path, None
        while probe and loc is None:
            loc = self.spec.location(probe)
            probe = probe.rpartition(".")[0]
        if self.source is not None and not in_spec:
            loc = Location(self.source)
        self.items.append(issue(code, message, location=loc, key_path=path, **extra))


def read_plan(spec: Spec, section: Any = None, *, source: str | None = None) -> PlanSettings:
    """The plan in `section` (default: the spec's ``uncertainty:``); every problem at once."""
    body = spec.sections.get("uncertainty") if section is None else section
    if body is None:
        raise SpecError(
            [
                issue(
                    "spec.uncertainty.missing",
                    "the spec has no `uncertainty:` section and no --plan was given",
                    key_path="uncertainty",
                    hint="add e.g. `uncertainty: {weight_noise: [{level: 1, fraction: 0.25}]}`",
                )
            ]
        )
    bad = _Issues(spec, source)
    if not isinstance(body, Mapping):
        bad.add("spec.uncertainty.type", "`uncertainty` must be a mapping", "uncertainty")
        raise SpecError(bad.items)
    for key in body:
        if key not in PLAN_KEYS:
            bad.add(
                "spec.uncertainty.unknown-key",
                f"unknown key '{key}' in uncertainty",
                f"uncertainty.{key}",
                expected="one of: " + ", ".join(PLAN_KEYS),
            )
    noise = _noise(spec, body.get("weight_noise") or [], bad)
    alternatives = _alternatives(spec, body.get("alternatives") or [], bad)
    sets = _weight_sets(spec, body.get("weight_sets") or [], bad)
    leave_out: list[tuple[str, int]] = []
    if body.get("leave_one_out"):
        for gid in [ROOT, *(g.id for g in spec.all_groups())]:
            kids = children(spec, gid)
            if len(kids) > 1 and isinstance(kids[0], Indicator):
                leave_out += [(gid, j) for j in range(len(kids))]
    ints = {}
    for key, (low, high) in INTEGER_RANGES.items():
        value = body.get(key)
        if value is not None and not (_is_int(value) and low <= value <= high):
            bad.add(
                "spec.uncertainty.integer",
                f"`{key}` must be a whole number from {low:,} to {high:,}",
                f"uncertainty.{key}",
                got=repr(value)[:40],
            )
            value = None
        ints[key] = value
    perturb = body.get("perturb", PERTURB[0])
    if perturb not in PERTURB:
        bad.add(
            "spec.uncertainty.perturb",
            "`perturb` must be `rederive` or `nominal`",
            "uncertainty.perturb",
            expected="rederive (weights derived from each run's data) or nominal",
            got=repr(perturb)[:40],
        )
    elif perturb == "rederive":
        _derived_sets(spec, body.get("weight_sets") or [], sets, bad)
    if bad.items:
        raise SpecError(bad.items)
    plan = UncertaintyPlan(
        tuple(noise), tuple(alternatives), tuple(sets), tuple(leave_out), str(perturb)
    )
    return PlanSettings(plan, ints["runs"], ints["seed"], ints["top_k"])


INTEGER_RANGES = {"runs": (1, 10_000_000), "seed": (0, 2**63 - 1), "top_k": (1, 10_000_000)}
"""The plan's whole-number settings and the values each accepts."""


def _noise(spec: Spec, entries: Any, bad: _Issues) -> list[WeightNoise]:
    levels = group_levels(spec)
    out: list[WeightNoise] = []
    if not isinstance(entries, list):
        bad.add(
            "spec.uncertainty.type", "`weight_noise` must be a list", "uncertainty.weight_noise"
        )
        return out
    for i, entry in enumerate(entries):
        path = f"uncertainty.weight_noise.{i}"
        if not isinstance(entry, Mapping):
            bad.add("spec.uncertainty.type", "a weight_noise entry must be a mapping", path)
            continue
        fraction = entry.get("fraction")
        if (
            not isinstance(fraction, int | float)
            or isinstance(fraction, bool)
            or not (0 <= fraction < 1)
        ):
            bad.add(
                "spec.uncertainty.fraction",
                "fraction must be a number in [0, 1)",
                f"{path}.fraction",
                expected="e.g. 0.25 for ±25 %",
                got=repr(fraction),
            )
            continue
        if "depth" in entry and "level" not in entry:
            found = _by_depth(spec, entry["depth"], f"{path}.depth", bad)
            if found is None:
                continue
            groups, name = found
            name = str(entry.get("name", name))
        elif "level" in entry:
            level = entry["level"]
            wanted = level if isinstance(level, list) else [level]
            groups = tuple(
                g for g, lv in levels.items() if any(lv == w + 1 for w in wanted if _is_int(w))
            )
            if not groups or not all(_is_int(w) and 1 <= w < levels[ROOT] for w in wanted):
                bad.add(
                    "spec.uncertainty.level",
                    f"no weights at level {level!r}",
                    f"{path}.level",
                    expected=f"an integer (or list) from 1 to {levels[ROOT] - 1} (1 = indicators)",
                    hint="levels count up from the indicators (1), as COINr's do; to count down "
                    "from the index write `depth:` instead (1 = the top-level groups' weights)",
                )
                continue
            label = "level" if len(wanted) == 1 else "levels"
            name = str(entry.get("name", f"{label} {','.join(map(str, wanted))}"))
        else:
            groups = tuple(str(g) for g in entry.get("groups") or [])
            known = set(levels)
            unknown = [g for g in groups if g not in known]
            if not groups or unknown:
                bad.add(
                    "spec.uncertainty.groups",
                    "give `level:` or a list of existing group ids in `groups:`",
                    f"{path}.groups",
                    got=", ".join(unknown) or None,
                )
                continue
            name = str(entry.get("name", ",".join(g or spec.index.id for g in groups)))
        out.append(WeightNoise(name, groups, float(fraction)))
    return out


def _by_depth(
    spec: Spec, depth: Any, path: str, bad: _Issues
) -> tuple[tuple[str, ...], str] | None:
    """`depth: d` (counting down, the other spelling of `level`): the weights of the nodes at
    depth d within their parents, i.e. the children of the groups at depth d - 1."""
    wanted = depth if isinstance(depth, list) else [depth]
    depths = group_depths(spec)
    deepest = max(depths.values()) + 1
    if not wanted or not all(_is_int(d) and 1 <= d <= deepest for d in wanted):
        bad.add(
            "spec.uncertainty.depth",
            f"no weights at depth {depth!r}",
            path,
            expected=f"an integer (or list) from 1 to {deepest} (1 = the top-level groups)",
            hint="depth counts down from the index (0); `level:` counts up from the indicators",
        )
        return None
    groups = tuple(g for g, d in depths.items() if any(d == w - 1 for w in wanted))
    label = "depth" if len(wanted) == 1 else "depths"
    return groups, f"{label} {','.join(map(str, wanted))}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _alternatives(spec: Spec, entries: Any, bad: _Issues) -> list[Alternatives]:
    out: list[Alternatives] = []
    if not isinstance(entries, list):
        bad.add(
            "spec.uncertainty.type", "`alternatives` must be a list", "uncertainty.alternatives"
        )
        return out
    for i, entry in enumerate(entries):
        path = f"uncertainty.alternatives.{i}"
        options = entry.get("options") if isinstance(entry, Mapping) else None
        key = entry.get("path") if isinstance(entry, Mapping) else None
        if not isinstance(key, str) or not isinstance(options, list) or not options:
            bad.add(
                "spec.uncertainty.alternative",
                "an alternative needs `path:` (a spec key path) and a non-empty `options:` list",
                path,
                expected="e.g. {path: methods.aggregate.method, options: [arithmetic_mean, "
                "geometric_mean]}",
            )
            continue
        out.append(Alternatives(key, tuple(options)))
    indices = [
        i
        for i, e in enumerate(entries)
        if isinstance(e, Mapping)
        and isinstance(e.get("path"), str)
        and isinstance(e.get("options"), list)
        and e.get("options")
    ]
    for (k, j), (_, issues) in option_variants(spec, out).items():
        for found in issues:
            bad.add(
                "spec.uncertainty.option",
                f"option {dump_value(out[k].options[j])} for {out[k].path}: {found.message}",
                f"uncertainty.alternatives.{indices[k]}.options.{j}",
                hint=found.hint,
            )
    return out


def _weight_sets(spec: Spec, names: Any, bad: _Issues) -> list[WeightSet]:
    defined = spec.sections.get("weight_sets") or {}
    out: list[WeightSet] = []
    if not isinstance(names, list):
        names = [names]
    for i, name in enumerate(names):
        if name == "nominal":
            out.append(WeightSet("nominal", {}))
            continue
        body = defined.get(name) if isinstance(defined, Mapping) else None
        if not isinstance(body, Mapping):
            bad.add(
                "spec.uncertainty.weight-set",
                f"no weight set '{name}' in the spec's `weight_sets:`",
                f"uncertainty.weight_sets.{i}",
                expected="'nominal' or one of: " + ", ".join(map(str, defined)),
            )
            continue
        sets = _set_weights(spec, str(name), body, bad)
        if sets is not None:
            out.append(WeightSet(str(name), sets))
    return out


def _set_weights(
    spec: Spec, name: str, body: Mapping[Any, Any], bad: _Issues
) -> dict[str, tuple[float, ...]] | None:
    """The raw weights weight set `name` gives each group it names children of (the others
    keep the spec's); None, with every problem added, when one is not a weight (a number
    from 0 to `MAX_WEIGHT`), names no node, or leaves a group's weights summing to 0."""
    raw = raw_weights(spec)
    path = f"weight_sets.{name}"
    known = {c.id: gid for gid in raw for c in children(spec, gid)}
    before = len(bad.items)
    for key, value in body.items():
        where = f"{path}.{key}"
        if key not in known:
            bad.add(
                "spec.weight-set.unknown",
                f"weight set '{name}' names '{key}', which is no group or indicator",
                where,
                in_spec=True,
                hint=did_you_mean(str(key), list(known)),
            )
        elif _weight(value) is None:
            bad.add(
                "spec.weight-set.weight",
                f"weight set '{name}': {key}'s weight {describe(value)} is not a weight",
                where,
                in_spec=True,
                expected=f"a number from 0 to {MAX_WEIGHT:g}",
                got=describe(value),
                hint="weights are relative within their group; use 0 to switch a child off",
            )
    if len(bad.items) > before:
        return None
    sets: dict[str, tuple[float, ...]] = {}
    for gid, w in raw.items():
        ids = [c.id for c in children(spec, gid)]
        if any(k in body for k in ids):
            sets[gid] = tuple(float(body.get(k, w[j])) for j, k in enumerate(ids))
            if not sum(sets[gid]) > 0:
                bad.add(
                    "spec.weight-set.all-zero",
                    f"weight set '{name}' leaves every weight under '{gid or spec.index.id}' at 0",
                    f"{path}.{next(k for k in ids if k in body)}",
                    in_spec=True,
                    expected="at least one weight > 0 among " + ", ".join(ids),
                )
    return None if len(bad.items) > before else sets


def _weight(value: Any) -> float | None:
    """`value` as a weight (a finite number from 0 to `MAX_WEIGHT`), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = finite(value)
    return number if number is not None and 0 <= number <= MAX_WEIGHT else None


def plan_issues(spec: Spec) -> list[Issue]:
    """Every problem of the spec's ``uncertainty:`` plan (when it has one) and of each of its
    top-level ``weight_sets:``, as `read_plan` and the analyses would find them (`validate`)."""
    found: list[Issue] = []
    if spec.sections.get("uncertainty") is not None:
        try:
            read_plan(spec)
        except SpecError as error:
            found += error.issues
    defined = spec.sections.get("weight_sets")
    bad = _Issues(spec, None)
    if defined is not None and not isinstance(defined, Mapping):
        bad.add(
            "spec.weight-set.type", "`weight_sets` must be a mapping of named sets", "weight_sets"
        )
    for name, body in (defined or {}).items() if isinstance(defined, Mapping) else ():
        if not isinstance(body, Mapping):
            bad.add(
                "spec.weight-set.type",
                f"weight set '{name}' must be a mapping: node id → weight",
                f"weight_sets.{name}",
                got=describe(body),
            )
        else:
            _set_weights(spec, str(name), body, bad)
    seen = {(i.code, i.key_path) for i in found}
    return found + [i for i in bad.items if (i.code, i.key_path) not in seen]


def _derived_sets(spec: Spec, names: Any, sets: list[WeightSet], bad: _Issues) -> None:
    """Under ``perturb: rederive`` a weight set may not name children of a derived group."""
    derived = derived_groups(spec)
    names = names if isinstance(names, list) else [names]
    index = {str(n): i for i, n in enumerate(names)}
    for entry in sets:
        clash = sorted(g or spec.index.id for g in entry.weights if g in derived)
        if clash:
            bad.add(
                "spec.uncertainty.weight-set-derived",
                f"weight set '{entry.name}' gives weights to the children of "
                f"{', '.join(clash)}, whose weights are derived from the data",
                f"uncertainty.weight_sets.{index.get(entry.name, 0)}",
                hint="vary that group's weight method with an `alternatives:` entry instead, "
                "or set `perturb: nominal` to treat the nominal derived weights as fixed",
            )
