"""The library as a pandas user expects it: the command line's verbs, returning labelled frames.

Every command of the command line that computes something has a function of the same name
here (as sqlite-utils does), taking a spec and data and returning a `pandas.DataFrame` indexed
by what its rows are — units, tree nodes, inputs — with integer (nullable ``Int64``) ranks.
Errors raise the typed exceptions (`SpecError`, `DataError`, `UsageError`), each carrying every
problem found; nothing prints. Figures that summarise a whole frame (correlations, the fit of a
calibration, warnings, the manifest) are in its ``attrs``.

A spec is a YAML path, a plain mapping, an `Index` or a `Spec`; data is ``None`` (the spec's
``index.data``), a CSV path, a `pandas.DataFrame` or a `Table`:

>>> import pandas as pd
>>> import cityindex
>>> spec = {
...     "index": {"id": "demo", "title": "Demo", "unit": "city",
...               "scale": {"method": "relative_to_max", "digits": 4}},
...     "methods": {"normalise": {"method": "min_max", "range": [0, 1]}},
...     "groups": {
...         "economy": {"weight": 1, "indicators": {"gdp": {"direction": "higher_is_better"}}},
...         "air": {"weight": 1, "indicators": {"pm25": {"direction": "lower_is_better"}}},
...     },
... }
>>> data = pd.DataFrame({"city": ["A", "B", "C"], "gdp": [10, 30, 20], "pm25": [40, 60, 20]})
>>> cityindex.score(spec, data)  # doctest: +NORMALIZE_WHITESPACE
      rank   score  economy   air  coverage
city
C        1  1.0000      0.5   1.0       1.0
B        2  0.6667      1.0   0.0       1.0
A        3  0.3333      0.0   0.5       1.0
>>> cityindex.score(spec, data)["rank"].dtype
Int64Dtype()
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from cityindex import __version__
from cityindex.analysis.reference import Reference
from cityindex.data import Table, load_data
from cityindex.errors import DataError, SpecError, UsageError, did_you_mean, issue
from cityindex.pipeline import compute
from cityindex.registry import DomainError
from cityindex.result import IndexResult
from cityindex.spec import Spec
from cityindex.spec_schema import check_columns
from cityindex.spec_yaml import load_spec, parse_spec

SpecLike = str | Path | Mapping[str, Any] | Spec
DataLike = str | Path | pd.DataFrame | Table | None


@dataclass(frozen=True)
class Index:
    """An index definition (a validated `Spec`) and, optionally, the data to score it on.

    >>> idx = Index.from_dict({
    ...     "index": {"id": "t", "title": "T", "unit": "u"},
    ...     "groups": {"g": {"indicators": {"x": {"direction": "higher_is_better"}}}},
    ... })
    >>> idx.spec.index.id, [i.id for i in idx.spec.indicators()]
    ('t', ['x'])
    """

    spec: Spec
    data: Table | None = None

    @classmethod
    def from_yaml(cls, path: str | Path, *, set: Sequence[str] = ()) -> Index:
        """Read and validate a YAML spec; `set` holds ``PATH=VALUE`` overrides as ``--set``."""
        return cls(load_spec(path, overrides=tuple(set)))

    @classmethod
    def from_dict(
        cls,
        spec: Mapping[str, Any],
        *,
        set: Sequence[str] = (),
        base_dir: str | Path | None = None,
    ) -> Index:
        """Validate a spec given as a plain mapping (the YAML's structure).

        A relative ``index.data`` is read from `base_dir` (default: the working folder).
        Problems are located at the line of the spec written out as YAML (``<dict>:LINE``).
        """
        from cityindex.frames import spec_text

        base = Path(base_dir) if base_dir is not None else None
        text = spec_text(spec, base_dir=base)
        parsed, issues = parse_spec(text, file="<dict>", base_dir=base, overrides=tuple(set))
        if issues or parsed is None:
            raise SpecError(issues)
        return cls(replace(parsed, path=None))

    def with_data(self, data: DataLike, *, year: int | None = None) -> Index:
        """The same index with `data` (a path, DataFrame or Table) to score."""
        return replace(self, data=_table(self.spec, data, year=year))

    def table(self, *, year: int | None = None) -> Table:
        """The data this index scores: the one given, else the spec's ``index.data``."""
        return self.data if self.data is not None else _table(self.spec, None, year=year)

    def compute(self, *, year: int | None = None) -> IndexResult:
        """The full result (every stage, weights, manifest) for this index and its data."""
        table = self.table(year=year)
        problems = check_columns(self.spec, table.columns, table.file)
        if problems:
            raise SpecError(problems)
        return compute(self.spec, table, version=__version__)


def as_index(
    spec: SpecLike | Index,
    data: DataLike = None,
    *,
    set: Sequence[str] = (),
    year: int | None = None,
) -> Index:
    """Anything naming a spec (path, mapping, `Spec`, `Index`) as an `Index` with its data."""
    if isinstance(spec, Index):
        index = spec
        if set:
            if index.spec.text is None:
                raise UsageError([issue("usage.set", "set= needs a spec read from text")])
            base = index.spec.path.parent if index.spec.path is not None else None
            parsed, issues = parse_spec(
                index.spec.text,
                file=str(index.spec.path or "<dict>"),
                base_dir=base,
                overrides=[*index.spec.overrides, *set],
            )
            if issues or parsed is None:
                raise SpecError(issues)
            index = replace(index, spec=parsed)
    elif isinstance(spec, Spec):
        index = as_index(Index(spec), set=set)
    elif isinstance(spec, Mapping):
        index = Index.from_dict(spec, set=set)
    else:
        index = Index.from_yaml(spec, set=set)
    if data is not None or (year is not None and index.data is None):
        index = index.with_data(data, year=year)
    return index


def _table(spec: Spec, data: DataLike, *, year: int | None) -> Table:
    if isinstance(data, Table):
        return data
    if isinstance(data, pd.DataFrame):
        return Table.from_frame(data, unit=spec.index.unit, year=year, time=spec.index.time)
    path = data if data is not None else spec.index.data
    if path is None:
        raise SpecError(
            [
                issue(
                    "spec.data.missing",
                    "no data: the spec has no `index.data` and no data was given",
                    key_path="index.data",
                    hint="pass data=<CSV path or DataFrame>",
                )
            ]
        )
    return load_data(path, unit=spec.index.unit, year=year, time=spec.index.time)


def _result(result: IndexResult | SpecLike | Index) -> IndexResult:
    return result if isinstance(result, IndexResult) else as_index(result).compute()


def _ranks(values: Any) -> pd.api.extensions.ExtensionArray:
    """Ranks as nullable integers (``<NA>`` for an unranked unit)."""
    array = np.asarray(values, dtype=float)
    return pd.array([None if np.isnan(r) else int(r) for r in array], dtype="Int64")


def _frame(columns: Mapping[str, Any], index: Sequence[Any], name: str) -> pd.DataFrame:
    """A frame from equal-length columns (no index alignment), indexed by `index` named `name`."""
    return pd.DataFrame(dict(columns), index=pd.Index(list(index), name=name))


def _in_rank_order(result: IndexResult) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Positions of the units, ranked first (ties by name), then the unranked."""
    order: np.ndarray[Any, np.dtype[np.intp]] = np.lexsort(
        (np.arange(len(result.units)), np.nan_to_num(result.rank, nan=np.inf))
    )
    return order


def result_frame(result: IndexResult) -> pd.DataFrame:
    """An `IndexResult` as `score` returns it (see `score`)."""
    columns: dict[str, Any] = {"rank": _ranks(result.rank), "score": result.score}
    for gid in result.group_scores.columns:
        columns[str(gid)] = result.group_scores[gid].to_numpy(dtype=float)
    if result.tiers is not None:
        columns["tier"] = list(result.tiers)
    columns["coverage"] = result.coverage
    frame = _frame(columns, result.units, result.unit_column).iloc[_in_rank_order(result)]
    frame.attrs = {"manifest": dict(result.manifest), "warnings": list(result.warnings)}
    return frame


def score(
    spec: SpecLike | Index,
    data: DataLike = None,
    *,
    set: Sequence[str] = (),
    year: int | None = None,
) -> pd.DataFrame:
    """Score and rank every unit: what ``cityindex score`` prints, as a DataFrame.

    Indexed by unit (the spec's unit column names the index), ranked units first: ``rank``
    (``Int64``, ``<NA>`` for a unit the missing-data rule excludes), ``score`` (scaled and
    rounded as the spec says), one column per group at every level (definition order),
    ``tier`` when the spec's scale defines tiers, and ``coverage`` (share of indicators
    present). ``attrs`` holds the manifest and any warnings. `set` takes ``--set``-style
    overrides, `year` picks a panel's year.

    >>> frame = score("indicators/ai-city-2024.yaml")  # doctest: +SKIP
    """
    return result_frame(as_index(spec, data, set=set, year=year).compute(year=year))


def explain(*args: Any, extremes: int = 3) -> pd.DataFrame:
    """One unit's score taken apart: ``explain(result, unit)``, one row per tree node.

    Indexed by node id (the index first, then depth first): ``level`` (COINr's, counting up:
    1 = indicators, the index highest), ``depth`` (0 = the index), ``parent``, ``kind``,
    ``title``, ``raw``, ``normalised``, ``median`` (the median unit's), ``weight``,
    ``effective_weight``, ``unit_weight``, ``contribution``, ``share`` and ``status``.
    Indicator contributions add up to the unit's exact score. ``attrs`` holds the unit, score,
    rank, scale factor, the decomposition notes, strongest and weakest indicators.

    The older order ``explain(spec, result, unit)`` still works and warns (deprecated).

    >>> import pandas as pd
    >>> idx = Index.from_dict({
    ...     "index": {"id": "t", "title": "T", "unit": "u"},
    ...     "methods": {"normalise": {"method": "min_max", "range": [0, 1]}},
    ...     "groups": {"g": {"indicators": {"x": {"direction": "higher_is_better"},
    ...                                     "y": {"direction": "higher_is_better"}}}},
    ... })
    >>> data = pd.DataFrame({"u": ["a", "b"], "x": [1, 3], "y": [4, 2]})
    >>> result = idx.with_data(data).compute()
    >>> frame = explain(result, "b")
    >>> frame[["level", "depth", "normalised", "contribution"]]  # doctest: +NORMALIZE_WHITESPACE
        level  depth  normalised  contribution
    id
    t       3      0         0.5           0.5
    g       2      1         0.5           0.5
    x       1      2         1.0           0.5
    y       1      2         0.0           0.0
    """
    from cityindex.analysis.explain import explain as take_apart

    if len(args) == 3 and isinstance(args[0], Spec):
        warnings.warn(
            "explain(spec, result, unit) is deprecated: use explain(result, unit)",
            DeprecationWarning,
            stacklevel=2,
        )
        spec, result, unit = args
    elif len(args) == 2:
        result, unit = args
        if not isinstance(result, IndexResult) or result.spec is None:
            result = _result(result)
        spec = result.spec
        assert spec is not None
    else:
        raise TypeError("explain(result, unit) takes a result and a unit name")
    ex = take_apart(spec, result, str(unit), extremes=extremes)
    rows = [{k: v for k, v in r.items() if k != "id"} for r in ex.rows]
    frame = pd.DataFrame(rows, index=pd.Index([r["id"] for r in ex.rows], name="id"))
    frame.attrs = {
        "unit": ex.unit,
        "score": ex.score,
        "score_exact": ex.score_exact,
        "rank": int(ex.rank),
        "ranked": ex.ranked,
        "coverage": ex.coverage,
        "scale_factor": ex.scale_factor,
        "decomposition": list(ex.decomposition),
        "strongest": list(ex.strongest),
        "weakest": list(ex.weakest),
        "missing": list(ex.missing),
        "imputed": list(ex.imputed),
    }
    return frame


def _domain(exc: DomainError, what: str, names: Sequence[str]) -> DataError:
    named = [names[i] for i in exc.columns if i < len(names)]
    return DataError(
        [
            issue(
                f"{what}.domain",
                exc.message + (f": {', '.join(named)}" if named else ""),
                key_path="methods.normalise",
                hint=exc.hint,
            )
        ]
    )


def obstacles(result: IndexResult | SpecLike | Index) -> pd.DataFrame:
    """Obstacle degree (障碍度) in percent: scored units (rank order) × indicators.

    O_ij = 100 · F_j (1 − z_ij) / Σ_k F_k (1 − z_ik), F_j the indicator's effective weight and
    z_ij its normalised value in [0, 1]; each row sums to 100 (0 for a unit at the ideal).
    """
    from cityindex.analysis.diagnostics import obstacle_degree

    res = _result(result)
    frame = res.stages["normalised"]
    ids = [str(c) for c in frame.columns]
    weights = res.effective_weights.reindex(ids).to_numpy(dtype=float)
    try:
        degrees = obstacle_degree(frame.to_numpy(dtype=float), weights)
    except DomainError as exc:
        raise _domain(exc, "obstacles", ids) from None
    order = [i for i in _in_rank_order(res) if res.included[i]]
    out = pd.DataFrame(
        degrees[order],
        columns=pd.Index(ids, name="indicator"),
        index=pd.Index([res.units[i] for i in order], name=res.unit_column),
    )
    return out


def coupling(
    result: IndexResult | SpecLike | Index,
    groups: Sequence[str],
    *,
    language: Literal["zh", "en"] = "zh",
) -> pd.DataFrame:
    """Coupling coordination (耦合协调度) of two or more groups, per scored unit (rank order).

    Columns: the group scores U_i, ``coupling`` C = (Π U_i)^(1/m) / (Σ U_i / m), ``development``
    T = Σ U_i / m, ``coordination`` D = √(C·T), and ``band`` (one of ten equal steps of D).
    """
    from cityindex.analysis.diagnostics import coordination_band, coupling_coordination

    res = _result(result)
    wanted = [str(g) for g in groups]
    known = [str(g) for g in res.group_scores.columns]
    problems = [
        issue("usage.group.unknown", f"no group '{g}' in the spec", hint=did_you_mean(g, known))
        for g in wanted
        if g not in known
    ]
    if len(wanted) < 2:
        problems.append(issue("usage.groups.count", "coupling needs at least two group ids"))
    if problems:
        raise UsageError(problems)
    order = [i for i in _in_rank_order(res) if res.included[i]]
    u = res.group_scores[wanted].to_numpy(dtype=float)[order]
    try:
        outcome = coupling_coordination(u)
    except DomainError as exc:
        raise _domain(exc, "coupling", wanted) from None
    columns: dict[str, Any] = {g: u[:, k] for k, g in enumerate(wanted)}
    columns.update(
        coupling=outcome.coupling,
        development=outcome.development,
        coordination=outcome.coordination,
        band=list(coordination_band(outcome.coordination, language=language)),
    )
    return _frame(columns, [res.units[i] for i in order], res.unit_column)


def _model(index: Index, plan: Mapping[str, Any] | None) -> tuple[Any, IndexResult]:
    """The plan's settings and spec-backed model, and the nominal result."""
    from cityindex.analysis.plan import SpecModel, read_plan

    section = dict(plan) if plan is not None else None
    settings = read_plan(index.spec, section)
    table = index.table()
    nominal = index.compute()
    return (settings, SpecModel(index.spec, table, settings.plan)), nominal


def uncertainty(
    index: SpecLike | Index,
    plan: Mapping[str, Any] | None = None,
    *,
    data: DataLike = None,
    runs: int | None = None,
    seed: int | None = None,
    top_k: int | None = None,
) -> pd.DataFrame:
    """Rank intervals under the plan's weight and method uncertainty (Monte Carlo).

    `plan` has the keys of a spec's ``uncertainty:`` section (default: the spec's own); `runs`,
    `seed` and `top_k` default to the plan's, else 1000, 0 and 10. Indexed by unit (nominal
    rank order): ``rank``, ``score`` (nominal), ``median_rank``, ``mean_rank``, ``rank_p05``,
    ``rank_p95``, ``p_top_k`` = P(rank ≤ K), ``score_p05``, ``score_p50``, ``score_p95``
    (score percentiles pooled over every run: with alternative normalisations they mix
    scales). Same seed, same frame. ``attrs``: runs, seed, top_k, inputs.
    """
    from cityindex.analysis.uncertainty import (
        chunk_size_for,
        draw_monte_carlo,
        run_replicates,
        summarise,
    )

    idx = as_index(index, data)
    (settings, model), nominal = _model(idx, plan)
    n = runs or settings.runs or 1000
    s = seed if seed is not None else (settings.seed or 0)
    k = top_k or settings.top_k or 10
    reps = draw_monte_carlo(settings.plan, model.nominal_weights(), n, seed=s)
    size = chunk_size_for(len(nominal.units), max(1, len(idx.spec.indicators())))
    scores = run_replicates(model.evaluate, reps, chunk_size=size)
    summary = summarise(scores, nominal.score, top_k=k, quantile_levels=(0.05, 0.5, 0.95))
    columns: dict[str, Any] = {
        "rank": _ranks(nominal.rank),
        "score": nominal.score,
        "median_rank": summary.median_rank,
        "mean_rank": summary.mean_rank,
        "rank_p05": summary.rank_low,
        "rank_p95": summary.rank_high,
        "p_top_k": summary.top_k_probability,
        "score_p05": summary.score_quantiles[0],
        "score_p50": summary.score_quantiles[1],
        "score_p95": summary.score_quantiles[2],
    }
    frame = _frame(columns, nominal.units, nominal.unit_column).iloc[_in_rank_order(nominal)]
    frame.attrs = {"runs": n, "seed": s, "top_k": k, "inputs": settings.plan.input_names()}
    return frame


SOBOL_COLUMNS = ("first", "first_low", "first_high", "total", "total_low", "total_high")


def sensitivity(
    index: SpecLike | Index,
    plan: Mapping[str, Any] | None = None,
    *,
    data: DataLike = None,
    runs: int = 100,
    seed: int | None = None,
    bootstrap: int = 1000,
    per_unit: bool = False,
    sampler: Literal["random", "sobol"] = "random",
) -> pd.DataFrame:
    """First-order (Saltelli 2010) and total (Jansen 1999) Sobol indices of each plan input.

    Output: the mean absolute rank shift from nominal (as COINr), ``runs (d + 2)`` model runs
    for d inputs, 95 % bootstrap intervals. Indexed by ``input`` (with `per_unit`: by unit and
    input, the indices of each unit's rank). Columns: first, first_low, first_high, total,
    total_low, total_high.
    """
    from cityindex.analysis.uncertainty import chunk_size_for
    from cityindex.analysis.uncertainty import sensitivity as analyse

    idx = as_index(index, data)
    (settings, model), nominal = _model(idx, plan)
    s = seed if seed is not None else (settings.seed or 0)
    out = analyse(
        settings.plan,
        model.nominal_weights(),
        model.evaluate,
        nominal.score,
        runs,
        seed=s,
        n_bootstrap=bootstrap,
        per_unit=per_unit,
        chunk_size=chunk_size_for(len(nominal.units), max(1, len(idx.spec.indicators()))),
        sampler=sampler,
    )
    inputs = list(out.inputs)
    if per_unit and out.per_unit is not None:
        ind = out.per_unit
        stacks = [
            ind.first,
            ind.first_ci[0],
            ind.first_ci[1],
            ind.total,
            ind.total_ci[0],
            ind.total_ci[1],
        ]
        frame = pd.DataFrame(
            {c: np.asarray(v).T.reshape(-1) for c, v in zip(SOBOL_COLUMNS, stacks, strict=True)},
            index=pd.MultiIndex.from_product(
                [list(nominal.units), inputs], names=[nominal.unit_column, "input"]
            ),
        )
    else:
        ind = out.rank_shift
        stacks = [
            ind.first,
            ind.first_ci[0],
            ind.first_ci[1],
            ind.total,
            ind.total_ci[0],
            ind.total_ci[1],
        ]
        frame = pd.DataFrame(
            {c: np.asarray(v) for c, v in zip(SOBOL_COLUMNS, stacks, strict=True)},
            index=pd.Index(inputs, name="input"),
        )
    frame.attrs = {"base_sample": runs, "runs": out.runs, "seed": s, "bootstrap": bootstrap}
    return frame


def _reference(target: str | Path | Reference | pd.DataFrame) -> Reference:
    """A published result from a CSV path, a `Reference`, or a frame with unit/score/rank."""
    from cityindex.seeds import load_reference

    if isinstance(target, Reference):
        return target
    if isinstance(target, pd.DataFrame):
        frame = target.reset_index() if "unit" not in target.columns else target
        n = len(frame)
        scores = frame["score"].to_numpy(dtype=float) if "score" in frame else np.full(n, np.nan)
        ranks = frame["rank"].to_numpy(dtype=float) if "rank" in frame else np.full(n, np.nan)
        decimals = tuple(
            0 if np.isnan(v) else len(repr(float(v)).partition(".")[2]) for v in scores
        )
        units = tuple(str(u) for u in frame["unit"])
        return Reference(units, scores, ranks, decimals, "", "<DataFrame>")
    return load_reference(target)


def check(
    result: IndexResult | SpecLike | Index, against: str | Path | Reference | pd.DataFrame
) -> pd.DataFrame:
    """Computed vs published, per published unit (indexed by unit).

    Columns: published_score, computed_score, diff, published_rank, computed_rank (``Int64``),
    reproduced (the computed score rounds to the published one at its published precision;
    for a rank-only reference, the ranks are equal). ``attrs``: max_abs_diff, spearman,
    kendall_tau, rank_only, reproduced (every unit reproduced). `against` is a CSV path
    (``unit,score,rank,source``) or a frame with ``unit`` and ``score`` and/or ``rank``.
    """
    from cityindex.analysis.check import check as compare_to

    res = _result(result)
    reference = _reference(against)
    missing = [u for u in reference.units if u not in res.units]
    if missing:
        raise DataError(
            [
                issue(
                    "reference.unit.unknown",
                    f"unit '{u}' of {reference.file} is not in the data",
                    hint=did_you_mean(u, res.units),
                )
                for u in missing
            ]
        )
    report = compare_to(res, reference)
    frame = pd.DataFrame(report.rows).set_index("unit").rename_axis(res.unit_column)
    for column in ("published_rank", "computed_rank"):
        frame[column] = _ranks(frame[column])
    frame.attrs = {
        "max_abs_diff": report.max_abs_diff,
        "spearman": report.spearman,
        "kendall_tau": report.kendall_tau,
        "rank_only": report.rank_only,
        "reproduced": report.reproduced,
    }
    return frame


def calibrate(
    index: SpecLike | Index,
    target: str | Path | Reference | pd.DataFrame,
    *,
    data: DataLike = None,
    levels: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Weights, closest to the spec's, that reproduce a published result (``calibrate``).

    One row per weight changed, indexed by its spec key path: ``group``, ``before``, ``after``,
    ``change``. `levels` limits which weights move (COINr's levels: 1 = indicators within
    their groups, 2 = groups of indicators, …). ``attrs``: success, message, max_abs_diff,
    rank_only, min_gap, and ``set`` — the ``PATH=VALUE`` overrides that apply the fit, so
    ``score(spec, set=frame.attrs["set"])`` scores with the calibrated weights. A fit that
    fails is not an error here: ``attrs["success"]`` says so.
    """
    from cityindex.analysis.calibrate import calibrate as solve
    from cityindex.pipeline import prepare

    idx = as_index(index, data)
    reference = _reference(target)
    table = idx.table()
    missing = [u for u in reference.units if u not in table.units]
    if missing:
        raise DataError(
            [
                issue(
                    "reference.unit.unknown",
                    f"unit '{u}' of {reference.file} is not in the data",
                    hint=did_you_mean(u, table.units),
                )
                for u in missing
            ]
        )
    fit = solve(prepare(idx.spec, table), reference, levels=set_of(levels))
    lookup = {n.id: n.key_path for n in idx.spec.walk()}
    rows: list[dict[str, Any]] = []
    for gid, new in fit.weights.items():
        for child, old_w, new_w in zip(fit.children[gid], fit.original[gid], new, strict=True):
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
        "set": [f"{k}={v!r}" for k, v in frame["after"].items()],
    }
    return frame


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
    from cityindex.analysis.compare import compare as side_by_side

    first = _result(a)
    cmp = side_by_side(first, _result(b), label_a=label_a, label_b=label_b, movers=movers)
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


__all__ = [
    "Index",
    "as_index",
    "calibrate",
    "check",
    "compare",
    "coupling",
    "explain",
    "obstacles",
    "result_frame",
    "score",
    "sensitivity",
    "uncertainty",
]
