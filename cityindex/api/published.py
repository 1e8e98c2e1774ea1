"""`check`, `calibrate` and `compare`: computed results against published ones."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cityindex.api.frames import int_ranks
from cityindex.api.index import DataLike, Index, SpecLike, as_index, as_result
from cityindex.errors import DataError, UsageError, did_you_mean, issue
from cityindex.load.arguments import number_argument, whole_argument, wrong_type
from cityindex.model.reference import Reference, column_precision, repeated_units
from cityindex.model.result import IndexResult

if TYPE_CHECKING:
    from cityindex.analysis.check import CheckReport
    from cityindex.analysis.compare import Comparison


def published_reference(
    target: str | Path | Reference | pd.DataFrame, units: Sequence[str]
) -> Reference:
    """A published result from a CSV path, a `Reference`, or a frame with unit/score/rank;
    every unit it names must be one of `units` (the data's)."""
    reference = _read_reference(target)
    missing = [u for u in reference.units if u not in units]
    if missing:
        raise DataError(
            [
                issue(
                    "reference.unit.unknown",
                    f"unit '{u}' of {reference.file} is not in the data",
                    hint=did_you_mean(u, units),
                )
                for u in missing
            ]
        )
    return reference


def _read_reference(target: str | Path | Reference | pd.DataFrame) -> Reference:
    from cityindex.load.seeds import load_reference

    if isinstance(target, Reference):
        return target
    if isinstance(target, pd.DataFrame):
        frame = target.reset_index() if "unit" not in target.columns else target
        n = len(frame)
        scores = frame["score"].to_numpy(dtype=float) if "score" in frame else np.full(n, np.nan)
        ranks = frame["rank"].to_numpy(dtype=float) if "rank" in frame else np.full(n, np.nan)
        written = [0 if np.isnan(v) else len(repr(float(v)).partition(".")[2]) for v in scores]
        decimals = (
            tuple(int(d) for d in frame["digits"])
            if "digits" in frame
            else column_precision(written, scores.tolist())
        )
        units = tuple(str(u) for u in frame["unit"])
        _refuse_repeats(units)
        return Reference(units, scores, ranks, decimals, "", "<DataFrame>")
    return load_reference(target)


def _refuse_repeats(units: Sequence[str]) -> None:
    """A frame naming a unit twice would count it twice: refuse it, naming each repeat."""
    repeats = repeated_units(units)
    if repeats:
        raise DataError(
            [
                issue(
                    "reference.unit.duplicate",
                    f"unit '{u}' appears twice in the published frame (rows {a} and {b})",
                    key_path="unit",
                    hint="a published result lists each unit once",
                )
                for u, a, b in repeats
            ]
        )


def check(
    result: IndexResult | SpecLike | Index, against: str | Path | Reference | pd.DataFrame
) -> pd.DataFrame:
    """Computed vs published, per published unit (indexed by unit).

    Columns: published_score, computed_score, diff, published_rank, computed_rank (``Int64``),
    reproduced (the computed score rounds to the published one at its published precision;
    for a rank-only reference, the ranks are equal). ``attrs``: max_abs_diff, spearman,
    kendall_tau, n_common (the units rho and tau are taken over), rank_only, reproduced (every
    unit reproduced). `against` is a CSV path
    (``unit,score,rank,source``) or a frame with ``unit`` and ``score`` and/or ``rank``.
    """
    res = as_result(result)
    report = check_report(res, published_reference(against, res.units))
    frame = pd.DataFrame(report.rows).set_index("unit").rename_axis(res.unit_column)
    for column in ("published_rank", "computed_rank"):
        frame[column] = int_ranks(frame[column])
    frame.attrs.update(report.summary())
    return frame


def check_report(result: IndexResult, reference: Reference) -> CheckReport:
    """`check` as rows and figures (what `check` and the command build on)."""
    from cityindex.analysis.check import check as compare_to

    return compare_to(result, reference)


def _check_calibrate_numbers(values: dict[str, float | None]) -> None:
    """A `UsageError` naming each of `calibrate`'s floors and gap (None: not given) that is
    not a finite number >= 0 (floors: at most 1): NaN slips past a plain range check."""
    problems = []
    for name, value in values.items():
        if value is None:
            continue
        number = isinstance(value, int | float | np.number) and not isinstance(value, bool)
        top = None if name == "min_gap" else 1.0
        if number and np.isfinite(value) and 0.0 <= value <= (top if top else np.inf):
            continue
        option = "--" + name.replace("_", "-")
        span = "a finite number >= 0" if top is None else "a number from 0 to 1"
        problems.append(
            issue(
                f"usage.{option[2:]}",
                f"{option} {value!r}: {name} must be {span}",
                expected=span + (" (a scaled-score gap)" if top is None else " (a share)"),
                got=repr(value)[:40],
                hint="leave --min-gap out for the widest gap the data allow"
                if top is None
                else None,
            )
        )
    if problems:
        raise UsageError(problems)


def calibrate(
    index: SpecLike | Index | None,
    target: str | Path | Reference | pd.DataFrame,
    *,
    data: DataLike = None,
    levels: Sequence[int] | None = None,
    min_weight: float = 0.0,
    min_indicator_weight: float = 0.0,
    min_gap: float | None = None,
    dimension_band: tuple[float, float] | None = (0.10, 0.35),
    max_indicator_share: float | None = 0.5,
) -> pd.DataFrame:
    """Weights, closest to the spec's, that reproduce a published result (``calibrate``).

    One row per weight changed, indexed by its spec key path: ``group``, ``before``, ``after``,
    ``change``. `levels` limits which weights move (COINr's levels: 1 = indicators within
    their groups, 2 = groups of indicators, …). ``attrs``: success, message, max_abs_diff,
    rank_only, min_gap, groups (how many groups' weights were fitted), and ``set`` — the
    ``PATH=VALUE`` overrides that apply the fit, so
    ``score(spec, set=frame.attrs["set"])`` scores with the calibrated weights. A fit that
    fails is not an error here: ``attrs["success"]`` says so. `min_weight` and
    `min_indicator_weight` are floors for every free group's and indicator's weight within
    its parent (a floor that cannot hold is a `UsageError`); `min_gap`, for a rank-only
    target, the smallest scaled-score gap to keep between consecutive published units
    (default: the widest the data allow).

    `dimension_band` keeps every dimension's (top-level group's) weight in ``(low, high)``
    and `max_indicator_share` every indicator's weight within its group at or below it (None:
    no such bound). When no weights inside the bounds reproduce the scores, the frame holds
    the closest in-bounds fit (``success`` False) and ``attrs["fit"]`` its residual per
    published unit (``unit``, ``published``, ``computed``, ``diff``); ``attrs["bounds"]``
    records the bounds (``dimension_band``, ``max_indicator_share``).
    """
    from cityindex.analysis.calibrate import Bounds, Floor, floor_problems
    from cityindex.analysis.calibrate import calibrate as solve
    from cityindex.engine.panel import prepare

    levels = _whole_list(levels, "levels")
    if dimension_band is not None:
        if not isinstance(dimension_band, Sequence) or len(dimension_band) != 2:
            raise wrong_type("dimension_band", dimension_band, "(low, high), e.g. (0.1, 0.35)")
        dimension_band = (
            number_argument(dimension_band[0], "dimension_band"),
            number_argument(dimension_band[1], "dimension_band"),
        )
    _check_calibrate_numbers(
        {"min_weight": min_weight, "min_indicator_weight": min_indicator_weight, "min_gap": min_gap}
    )
    idx = as_index(index, data)
    table = idx.table()
    reference = published_reference(target, table.units)
    prepared = prepare(idx.spec, table)
    floor = Floor(group=min_weight, indicator=min_indicator_weight)
    bounds = None
    if dimension_band is not None or max_indicator_share is not None:
        band = (
            None if dimension_band is None else (float(dimension_band[0]), float(dimension_band[1]))
        )
        share = None if max_indicator_share is None else float(max_indicator_share)
        bounds = Bounds(dimension=band, indicator_share=share)
    infeasible = floor_problems(prepared, set_of(levels), floor)
    if infeasible:
        raise UsageError(
            [
                issue(
                    "usage.min-weight",
                    "the weight floor cannot hold: " + "; ".join(infeasible),
                    hint="a group of k children allows a floor of at most 1/k",
                )
            ]
        )
    infeasible = floor_problems(prepared, set_of(levels), floor, bounds)
    if infeasible:
        raise UsageError(
            [
                issue(
                    "usage.calibrate.bounds",
                    "the weight bounds cannot hold: " + "; ".join(infeasible),
                    got=f"dimension_band {dimension_band}, max_indicator_share "
                    f"{max_indicator_share}",
                    hint="widen or drop the bounds (--dimension-band none, "
                    "--max-indicator-share none)",
                )
            ]
        )
    fit = solve(
        prepared,
        reference,
        levels=set_of(levels),
        floor=floor,
        min_gap=min_gap,
        bounds=bounds,
    )
    from cityindex.api.weights_fit import weight_keys
    from cityindex.load.spec_overrides import set_path

    lookup = {n.id: n.key_path for n in idx.spec.walk()}
    keys = weight_keys(idx.spec)
    rows: list[dict[str, Any]] = []
    sets: list[str] = []
    for gid, new in fit.weights.items():
        for child, old_w, new_w in zip(fit.children[gid], fit.original[gid], new, strict=True):
            sets.append(f"{set_path(keys[child])}={float(new_w)!r}")
            rows.append(
                {
                    "key_path": f"{lookup[child]}.weight",
                    "group": gid or idx.spec.index.id,
                    "before": float(old_w),
                    "after": float(new_w),
                    "change": float(new_w - old_w),
                }
            )
    frame = pd.DataFrame(rows, columns=["key_path", "group", "before", "after", "change"])
    frame = frame.set_index("key_path")
    frame.attrs = {
        "success": fit.success,
        "message": fit.message,
        "max_abs_diff": fit.max_abs_diff,
        "rank_only": fit.rank_only,
        "min_gap": fit.min_gap,
        "groups": len(fit.weights),
        "set": sets,
        "fit": [dict(row) for row in fit.fit],
        "bounds": {
            "dimension_band": None if dimension_band is None else list(dimension_band),
            "max_indicator_share": max_indicator_share,
        },
    }
    return frame


def _whole_list(values: Any, name: str) -> list[int] | None:
    """A list of whole numbers (or None), each checked."""
    if values is None:
        return None
    if not isinstance(values, Sequence) or isinstance(values, str | bytes):
        raise wrong_type(name, values, "a list of whole numbers, e.g. [1, 2]")
    return [int(whole_argument(v, name, optional=False) or 0) for v in values]


def set_of(levels: Sequence[int] | None) -> set[int] | None:
    """Levels as a set (None: every level)."""
    return None if levels is None else {int(v) for v in levels}


def compare(
    a: IndexResult | SpecLike | Index,
    b: IndexResult | SpecLike | Index,
    *,
    label_a: str = "A",
    label_b: str = "B",
    movers: int = 5,
) -> pd.DataFrame:
    """Two rankings side by side, indexed by unit (A's ranking, then B's).

    Columns: rank_a, rank_b, rank_change (rank_a − rank_b: positive climbed in B; ``Int64``),
    score_a, score_b, score_change. ``attrs``: common (units ranked in both), spearman,
    kendall (tau-b, on the exact scores), movers, only_a, only_b, unranked.
    """
    first = as_result(a)
    movers = whole_argument(movers, "movers", optional=False) or 0
    cmp = comparison(first, as_result(b), label_a=label_a, label_b=label_b, movers=movers)
    frame = pd.DataFrame(
        cmp.rows,
        columns=["unit", "rank_a", "rank_b", "rank_change", "score_a", "score_b", "score_change"],
    ).set_index("unit")
    frame = frame.rename_axis(first.unit_column)
    for column in ("rank_a", "rank_b", "rank_change"):
        frame[column] = pd.array(list(frame[column]), dtype="Int64")
    frame.attrs = {
        "label_a": cmp.label_a,
        "label_b": cmp.label_b,
        "common": cmp.common,
        "spearman": cmp.spearman,
        "kendall": cmp.kendall,
        "movers": list(cmp.movers),
        "only_a": list(cmp.only_a),
        "only_b": list(cmp.only_b),
        "unranked": list(cmp.unranked),
    }
    return frame


def comparison(
    a: IndexResult, b: IndexResult, *, label_a: str = "A", label_b: str = "B", movers: int = 5
) -> Comparison:
    """`compare` of two computed results as rows and figures (what `compare` and the command
    build on)."""
    from cityindex.analysis.compare import compare as side_by_side

    return side_by_side(a, b, label_a=label_a, label_b=label_b, movers=movers)
