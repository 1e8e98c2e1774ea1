"""The ``ahp`` weights method: weights from pairwise judgements, checked when the spec loads.

The formulas (Saaty's eigenvector, CI and CR, Harker's completion, the experts' geometric mean)
are in `cityindex.methods.ahp_matrix`; reading the ``pairs``/``experts`` parameters and
reporting inconsistent or missing judgements in `cityindex.methods.ahp_judgements`. This
module registers the method and its load-time checks (also those of ``combine``'s entries).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cityindex.errors import Issue, issue
from cityindex.methods.ahp_judgements import evaluate_ahp, judgement_value
from cityindex.methods.ahp_matrix import PRIORITIES
from cityindex.methods.registry import (
    REGISTRY,
    DomainError,
    FloatArray,
    KernelContext,
    Param,
    load_methods,
    register,
    register_check,
)
from cityindex.methods.weights import batch_shape


def validate_weights_params(
    method: str, params: Mapping[str, Any], ids: Sequence[str], *, key_path: str = ""
) -> list[Issue]:
    """Load-time checks for weight methods with judgements: ``ahp`` and ``combine`` of ``ahp``.

    The YAML loader calls this for each group's weights method with the group's child ids;
    any issue returned (e.g. CR > 0.1) makes ``cityindex validate`` exit 1.
    """
    if method == "ahp":
        return evaluate_ahp(params, ids, key_path=key_path).problems
    if method == "combine":
        load_methods()
        problems: list[Issue] = []
        for k, entry in enumerate(params.get("of") or ()):
            where = f"{key_path}.of[{k}]" if key_path else f"of[{k}]"
            name = entry.get("method") if isinstance(entry, Mapping) else None
            if name not in REGISTRY["weights"]:
                valid = ", ".join(sorted(REGISTRY["weights"]))
                problems.append(
                    issue(
                        "combine.method",
                        f"each entry of `of` needs a weights method; valid: {valid}",
                        key_path=where,
                        got=repr(entry),
                    )
                )
                continue
            assert isinstance(entry, Mapping)
            declared = {p.name for p in REGISTRY["weights"][str(name)].params}
            unknown = sorted(str(key) for key in entry if key != "method" and key not in declared)
            if unknown:
                problems.append(
                    issue(
                        "combine.param",
                        f"'{', '.join(unknown)}' is not a parameter of weights method '{name}'",
                        key_path=where,
                    )
                )
            inner = {key: value for key, value in entry.items() if key != "method"}
            problems += validate_weights_params(str(name), inner, ids, key_path=where)
        mix = params.get("mix")
        count = len(params.get("of") or ())
        if mix is not None and (
            not isinstance(mix, list | tuple)
            or len(mix) != count
            or any(judgement_value(v) is None or float(v) < 0 for v in mix)
        ):
            problems.append(
                issue(
                    "combine.mix",
                    f"mix must be {count} non-negative numbers, one per method in `of`",
                    key_path=f"{key_path}.mix" if key_path else "mix",
                    got=repr(mix),
                )
            )
        return problems
    return []


def _check(method: str) -> Any:
    """A registry load-time check reporting `validate_weights_params` problems."""

    def check(params: Mapping[str, Any], *, child_ids: Sequence[str]) -> list[Issue]:
        # Issues keep their key path relative to the method block (e.g. ``pairs[2][2]``), so
        # the loader can locate each at the offending pair or value.
        return validate_weights_params(method, params, child_ids)

    return check


register_check("weights", "ahp")(_check("ahp"))
register_check("weights", "combine")(_check("combine"))


@register(
    "weights",
    "ahp",
    params=(
        Param("pairs", "list", None, "judgements [a, b, v]: a is v times as important as b"),
        Param("experts", "mapping", None, "several experts' pairs, aggregated geometrically"),
        Param("allow_inconsistent", "bool", False, "accept CR > 0.1"),
        Param(
            "missing",
            "text",
            "error",
            "unjudged pairs: an error, or completed by Harker's method",
            choices=("error", "harker"),
        ),
        Param(
            "priority",
            "text",
            None,
            "how weights come from the matrix: eigenvector (Saaty; also when not given), "
            "sum_product (和积法: "
            "column-normalised row means) or geometric_mean (方根法: normalised row geometric "
            "means); λmax = mean of (Aw)_i / w_i for the last two",
            choices=PRIORITIES,
        ),
    ),
    doc="w = principal eigenvector of the reciprocal judgement matrix (Saaty; or priority: "
    "sum_product 和积法, geometric_mean 方根法); CR = ((λmax − n)/(n − 1)) / RI(n) must be "
    "≤ 0.1; experts combined by geometric mean",
)
def ahp(
    x: FloatArray,
    *,
    fixed: FloatArray | None = None,
    ctx: KernelContext | None = None,
    pairs: Sequence[Any] | None = None,
    experts: Mapping[str, Any] | None = None,
    allow_inconsistent: bool = False,
    missing: str = "error",
    priority: str | None = None,
    **_: Any,
) -> FloatArray:
    """AHP weights for the group's children (ids from ``ctx.column_ids``); data not used."""
    ids = tuple(ctx.column_ids) if ctx is not None else ()
    if len(ids) != x.shape[-1]:
        raise DomainError("ahp needs the children's ids (ctx.column_ids)", columns=[])
    params = {
        "pairs": pairs,
        "experts": experts,
        "allow_inconsistent": allow_inconsistent,
        "missing": missing,
        "priority": priority,
    }
    outcome = evaluate_ahp(params, ids)
    if outcome.problems or outcome.result is None:
        first = outcome.problems[0] if outcome.problems else None
        raise DomainError(
            first.message if first else "ahp judgements are invalid",
            columns=[],
            hint=first.hint if first else None,
        )
    return np.broadcast_to(outcome.result.weights, batch_shape(x, fixed)).copy()
