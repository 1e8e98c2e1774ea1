"""The library as a pandas user expects it: the command line's verbs, returning labelled frames.

Every command of the command line that computes something has a function of the same name,
as sqlite-utils does (here, and in `cityindex.api_analysis` for the robustness and
published-result verbs; all exported from `cityindex`). Each takes a spec and data and returns
a `pandas.DataFrame` indexed by what its rows are (units, tree nodes, inputs), with integer
(nullable ``Int64``) ranks.
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
from cityindex.data import Table, load_data
from cityindex.errors import SpecError, UsageError, did_you_mean, issue
from cityindex.methods.registry import DomainError
from cityindex.pipeline import compute
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
        return Table.from_frame(
            data,
            unit=spec.index.unit,
            year=year,
            time=spec.index.time,
            na_values=spec.index.na_values,
        )
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
    return load_data(
        path, unit=spec.index.unit, year=year, time=spec.index.time, na_values=spec.index.na_values
    )


def as_result(result: IndexResult | SpecLike | Index) -> IndexResult:
    """A computed result as given, or computed from anything naming a spec."""
    return result if isinstance(result, IndexResult) else as_index(result).compute()


def int_ranks(values: Any) -> pd.api.extensions.ExtensionArray:
    """Ranks as nullable integers (``<NA>`` for an unranked unit)."""
    array = np.asarray(values, dtype=float)
    return pd.array([None if np.isnan(r) else int(r) for r in array], dtype="Int64")


def labelled_frame(columns: Mapping[str, Any], index: Sequence[Any], name: str) -> pd.DataFrame:
    """A frame from equal-length columns (no index alignment), indexed by `index` named `name`."""
    return pd.DataFrame(dict(columns), index=pd.Index(list(index), name=name))


def rank_order(result: IndexResult) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Positions of the units, ranked first (ties by name), then the unranked."""
    order: np.ndarray[Any, np.dtype[np.intp]] = np.lexsort(
        (np.arange(len(result.units)), np.nan_to_num(result.rank, nan=np.inf))
    )
    return order


def result_frame(result: IndexResult) -> pd.DataFrame:
    """An `IndexResult` as `score` returns it (see `score`)."""
    columns: dict[str, Any] = {"rank": int_ranks(result.rank), "score": result.score}
    for gid in result.group_scores.columns:
        columns[str(gid)] = result.group_scores[gid].to_numpy(dtype=float)
    if result.tiers is not None:
        columns["tier"] = list(result.tiers)
    columns["coverage"] = result.coverage
    frame = labelled_frame(columns, result.units, result.unit_column).iloc[rank_order(result)]
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
            result = as_result(result)
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


def obstacles(result: IndexResult | SpecLike | Index) -> pd.DataFrame:
    """Obstacle degree (障碍度) in percent: scored units (rank order) × indicators.

    O_ij = 100 · F_j (1 − z_ij) / Σ_k F_k (1 − z_ik), F_j the indicator's effective weight and
    z_ij its normalised value in [0, 1]; each row sums to 100 (0 for a unit at the ideal).
    """
    from cityindex.analysis.diagnostics import diagnostic_error, obstacle_degree

    res = as_result(result)
    frame = res.stages["normalised"]
    ids = [str(c) for c in frame.columns]
    weights = res.effective_weights.reindex(ids).to_numpy(dtype=float)
    try:
        degrees = obstacle_degree(frame.to_numpy(dtype=float), weights)
    except DomainError as exc:
        raise diagnostic_error(exc, "obstacles", ids) from None
    order = [i for i in rank_order(res) if res.included[i]]
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
    from cityindex.analysis.diagnostics import (
        coordination_band,
        coupling_coordination,
        diagnostic_error,
    )

    res = as_result(result)
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
    order = [i for i in rank_order(res) if res.included[i]]
    u = res.group_scores[wanted].to_numpy(dtype=float)[order]
    try:
        outcome = coupling_coordination(u)
    except DomainError as exc:
        raise diagnostic_error(exc, "coupling", wanted) from None
    columns: dict[str, Any] = {g: u[:, k] for k, g in enumerate(wanted)}
    columns.update(
        coupling=outcome.coupling,
        development=outcome.development,
        coordination=outcome.coordination,
        band=list(coordination_band(outcome.coordination, language=language)),
    )
    return labelled_frame(columns, [res.units[i] for i in order], res.unit_column)


from cityindex.api_analysis import (  # noqa: E402  (it builds on the helpers above)
    calibrate,
    check,
    compare,
    sensitivity,
    uncertainty,
)

__all__ = [
    "Index",
    "as_index",
    "as_result",
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
