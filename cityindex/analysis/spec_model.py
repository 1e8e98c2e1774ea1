"""The spec-backed model uncertainty and sensitivity replicates run on: spec variants by
alternative, weights overridden or (for derived weights) multiplied by factors, each variant's
stages up to normalisation prepared once (see `cityindex.analysis.plan` for the plan itself)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from cityindex.analysis.spec_weights import derived_groups, raw_weights
from cityindex.analysis.uncertainty import FloatArray, UncertaintyPlan, Weights
from cityindex.analysis.variants import option_variants, stage_of, variant
from cityindex.engine.panel import Prepared, prepare
from cityindex.engine.pipeline import aggregate_tree, scale
from cityindex.errors import CityIndexError, Issue, SpecError, issue
from cityindex.load.data import Table
from cityindex.load.spec_yaml import dump_value
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.model.tree import ROOT, resolve_tree


def nominal_for_runs(nominal: IndexResult) -> IndexResult:
    """The nominal result as an analysis keeps it through its runs: the scores and ranks it
    reads, without the stage tables (units × indicators each), so the runs have that memory."""
    return replace(nominal, stages={})


@dataclass
class SpecModel:
    """Scores replicates of `spec` on `table`: spec variants by alternative, weight overrides."""

    spec: Spec
    table: Table
    plan: UncertaintyPlan
    _prepared: dict[tuple[int, ...], Prepared] = field(default_factory=dict)
    _stages: dict[str, Prepared] = field(default_factory=dict)
    _rederived: set[str] | None = None

    def prepared(self, choices: tuple[int, ...]) -> Prepared:
        """Stages up to normalisation for one combination of alternatives (cached)."""
        if choices not in self._prepared:
            settings = [
                (a.path, a.options[c]) for a, c in zip(self.plan.alternatives, choices, strict=True)
            ]
            spec, issues = self._variant(choices, settings)
            if spec is None:
                raise SpecError(issues)
            tree = resolve_tree(spec)
            # Variants differing only after normalisation (weights, aggregation) share stages.
            shared = repr(
                (sorted(tree.indicator_methods.items()), tree.group_methods[ROOT]["missing"])
            )
            try:
                if shared not in self._stages:
                    stages = prepare(spec, self.table)
                    # Replicates need the normalised values (a field) and, for weights derived
                    # from raw data, the treated ones: the other stages (units × indicators
                    # each) are let go, as they would be held once per variant.
                    self._stages[shared] = replace(
                        stages, stages={"treated": stages.stages["treated"]}
                    )
            except CityIndexError as error:
                raise _in_variant(error, settings) from None
            self._prepared[choices] = replace(self._stages[shared], tree=tree)
        return self._prepared[choices]

    def _variant(
        self, choices: tuple[int, ...], settings: list[tuple[str, Any]]
    ) -> tuple[Spec | None, list[Issue]]:
        """The spec variant for one combination of alternatives."""
        if not settings:
            return self.spec, []
        stages = [stage_of(a.path) for a in self.plan.alternatives]
        if None in stages or len(set(stages)) < len(stages):
            return variant(self.spec, settings)
        singles = option_variants(self.spec, self.plan.alternatives)
        methods = dict(self.spec.methods)
        for i, (c, stage) in enumerate(zip(choices, stages, strict=True)):
            single, issues = singles[i, c]
            if single is None:
                return None, issues
            methods[stage] = single.methods[stage]  # type: ignore[index]
        return replace(self.spec, methods=methods), []

    def rederived(self) -> set[str]:
        """Groups whose weights are re-derived in every replicate (``perturb: rederive``)."""
        if self.plan.perturb != "rederive":
            return set()
        if self._rederived is None:
            self._rederived = derived_groups(self.spec) & set(self.plan.weight_groups())
        return self._rederived

    def _split(self, prepared: Prepared, weights: Weights) -> tuple[Weights, Weights]:
        """A replicate's weights as overrides (used as they are) and factors (on the weights
        the group's method derives from the replicate's data), for one spec variant.

        The draws hold factors for the groups `rederived` (nominal 1) and raw weights for the
        others (nominal: the spec's). Under ``perturb: rederive`` a variant can change a
        group's method (an alternative on ``methods.weights``): a fixed-weight group made
        data-driven has its draws divided by the spec's weights into factors; a data-driven
        group made fixed has its factors applied to the spec's weights.
        """
        again = self.rederived()
        if self.plan.perturb != "rederive":
            return weights, {}
        raw = raw_weights(self.spec)
        methods = prepared.tree.group_methods
        overrides: dict[str, FloatArray] = {}
        factors: dict[str, FloatArray] = {}
        for g, w in weights.items():
            derived = methods[g]["weights"].name != "fixed"
            if derived and g in again:
                factors[g] = w
            elif derived:
                ones = np.ones(np.broadcast_shapes(np.shape(w), raw[g].shape))
                factors[g] = np.divide(w, raw[g], out=ones, where=raw[g] > 0)
            else:
                overrides[g] = w * raw[g] if g in again else w
        return overrides, factors

    def nominal_weights(self) -> dict[str, FloatArray]:
        """Weights the plan perturbs: the spec's raw weights for `fixed` groups; for derived
        ones 1 (factors on the weights each replicate derives) or, under ``perturb: nominal``,
        the nominal derived weights."""
        raw = raw_weights(self.spec)
        again = self.rederived()
        prepared = self.prepared(tuple(0 for _ in self.plan.alternatives))
        _, derived = aggregate_tree(prepared)
        methods = prepared.tree.group_methods
        out: dict[str, FloatArray] = {}
        for g in raw:
            if g in again:
                out[g] = np.ones_like(raw[g])
            elif methods[g]["weights"].name == "fixed":
                out[g] = raw[g]
            else:
                out[g] = np.asarray(derived[g])
        return out

    def evaluate(self, choices: tuple[int, ...], weights: Weights) -> FloatArray:
        """Scores ``(runs, units)`` as `score` shows them (scaled, rounded; excluded: NaN)."""
        prepared = self.prepared(choices)
        overrides, factors = self._split(prepared, weights)
        try:
            scores, _ = aggregate_tree(prepared, overrides or None, factors or None)
            _, shown, _ = scale(prepared, scores[ROOT])
        except CityIndexError as error:
            settings = [
                (a.path, a.options[c]) for a, c in zip(self.plan.alternatives, choices, strict=True)
            ]
            raise _in_variant(error, settings) from None
        out: FloatArray = np.where(prepared.included, shown, np.nan)
        return out


def _in_variant(error: CityIndexError, settings: list[tuple[str, Any]]) -> CityIndexError:
    """The same error, saying which combination of alternatives produced it."""
    if not settings:
        return error
    where = ", ".join(f"{p}={dump_value(v)}" for p, v in settings)
    note = issue(
        "uncertainty.variant",
        f"while computing the uncertainty variant {where}",
        hint="drop or change that option in the plan's `alternatives:`",
    )
    return type(error)([*error.issues, note])
