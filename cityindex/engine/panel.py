"""Every stage up to normalisation, over one table or every year of a panel: `prepare`.

`prepare` reads the indicator columns and runs denominate → impute → (missing-data rule) →
treat → normalise, each indicator's kernel as the resolved tree (`cityindex.model.tree`) chooses it.
For a panel whose spec pools normalisation or imputes from other years (`uses_panel`) it runs
each year on its own where the method is per year, and over all years where it is not. The
guards that turn a kernel's degenerate output into a located error (`quiet_numpy`,
`require_finite`, `domain_error`) live here too; `cityindex.engine.pipeline` uses them for
weighting,
aggregation and scaling.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from cityindex.engine.coverage import count_missing_as_worst, fill_absent_cells
from cityindex.errors import DataError, Issue, issue
from cityindex.load.data import Table
from cityindex.methods.impute import PANEL_METHODS
from cityindex.methods.registry import (
    DomainError,
    FloatArray,
    KernelContext,
    Stage,
    get_method,
)
from cityindex.model.spec import MethodChoice, Spec
from cityindex.model.tree import ROOT, Tree, resolve_tree

PRE_STAGES: tuple[Stage, ...] = ("denominate", "impute")


@dataclass(frozen=True)
class Prepared:
    """Stages up to normalisation, for all units (excluded units' rows are NaN after screening)."""

    tree: Tree
    table: Table
    stages: Mapping[str, FloatArray]
    imputed: np.ndarray[Any, np.dtype[np.bool_]]
    included: np.ndarray[Any, np.dtype[np.bool_]]
    coverage: FloatArray
    normalised: FloatArray
    warnings: tuple[str, ...]
    absent: np.ndarray[Any, np.dtype[np.bool_]] | None = None
    """Cells filled by their indicator's `absent:` rule (a unit not on the source list)."""
    counted_worst: np.ndarray[Any, np.dtype[np.bool_]] | None = None
    """Missing cells counted as the worst value by their group's `min_coverage` rule."""


def _key(choice: MethodChoice) -> tuple[str, str]:
    return choice.name, repr(sorted(choice.params.items()))


IDENTITY: frozenset[tuple[Stage, str]] = frozenset(
    {("denominate", "none"), ("impute", "none"), ("treat", "none")}
)
"""Methods whose result is their input: when every indicator has one, the stage is its input
array itself, made read-only (`shared`), not a copy (each is 40 MB at 100,000 × 50)."""


def shared(x: FloatArray) -> FloatArray:
    """`x` made read-only, to stand for several stages at once: a stage array is never written
    after its stage, and a write to a shared one would change the others, so it raises."""
    x.setflags(write=False)
    return x


def _per_indicator(
    stage: Stage,
    x: FloatArray,
    tree: Tree,
    table: Table,
    *,
    direction: FloatArray | None = None,
) -> FloatArray:
    """Apply each indicator's method for `stage`, batching indicators that share a choice."""
    batches: dict[tuple[str, str], list[int]] = {}
    for j, ind in enumerate(tree.indicators):
        batches.setdefault(_key(tree.indicator_methods[ind.id][stage]), []).append(j)
    whole = len(batches) == 1  # one method for every column: no copies of column subsets
    if whole and (stage, next(iter(batches))[0]) in IDENTITY and x.dtype == np.float64:
        with quiet_numpy():
            require_finite(x, x, new_nan=False)  # what the kernel's copy would be checked for
        return shared(x)
    out = np.asarray(x, dtype=float) if whole else np.array(x, dtype=float, copy=True)
    for cols in batches.values():
        choice = tree.indicator_methods[tree.indicators[cols[0]].id][stage]
        method = get_method(stage, choice.name)
        inds = [tree.indicators[j] for j in cols]
        ctx = KernelContext(
            unit_ids=table.units,
            column_ids=tuple(i.id for i in inds),
            extra={
                "table": table,  # read as a DataFrame is: table[name], table.columns
                "indicators": inds,
                "unit_column": table.unit_column,
                "time": table.times,
            },
        )
        kwargs: dict[str, Any] = dict(choice.params)
        if direction is not None:
            kwargs["direction"] = direction[cols]
        try:
            with quiet_numpy():
                if whole:
                    out = np.asarray(method.kernel(x, ctx=ctx, **kwargs), dtype=float)
                    if out.shape != np.shape(x) or np.may_share_memory(out, x):
                        out = np.broadcast_to(out, np.shape(x)).copy()  # each stage its own
                else:
                    out[..., cols] = method.kernel(x[..., cols], ctx=ctx, **kwargs)
            new_nan = stage in ("treat", "normalise")
            if whole:
                require_finite(out, x, new_nan=new_nan)
            else:
                require_finite(out[..., cols], x[..., cols], new_nan=new_nan)
        except DomainError as exc:
            raise domain_error(exc, stage, choice, [i.id for i in inds]) from None
    return out


@contextmanager
def quiet_numpy() -> Iterator[None]:
    """Silence numpy's floating-point warnings inside a kernel: `require_finite` judges."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def require_finite(out: FloatArray, before: FloatArray | None, *, new_nan: bool) -> None:
    """Raise a DomainError naming the columns where a kernel produced ±inf (or a new NaN).

    A degenerate input (a log of zero, a constant column divided by its zero range, an
    overflow) must stop the run with a named error, never flow on into a quietly wrong ranking.
    """
    bad = np.isinf(out)
    if new_nan and before is not None:
        bad |= np.isnan(out) & ~np.isnan(before)
    columns = np.any(bad, axis=tuple(range(out.ndim - 1)))
    if np.any(columns):
        raise DomainError(
            "produced a value that is not a finite number (a degenerate or extreme input)",
            columns=[int(c) for c in np.flatnonzero(columns)],
            hint="check these indicators for constant, zero or extreme values, or choose "
            "another method",
        )


def domain_error(exc: DomainError, stage: str, choice: MethodChoice, ids: list[str]) -> DataError:
    named = [ids[c] for c in exc.columns if c < len(ids)] or ids
    return DataError(
        [
            issue(
                f"data.domain.{stage}",
                f"{stage} method '{choice.name}': {exc.message}",
                key_path=choice.key_path or f"methods.{stage}",
                expected=exc.expected,
                got="values out of range in: " + ", ".join(named),
                hint=exc.hint,
            )
        ]
    )


IntArray = np.ndarray[Any, np.dtype[np.intp]]


@dataclass(frozen=True)
class _Rows:
    """The rows a computation runs over: one table, or every year of a panel in blocks."""

    table: Table
    blocks: tuple[IntArray, ...]
    parts: tuple[Table, ...]
    chosen: IntArray

    def run(
        self, stage: Stage, x: FloatArray, tree: Tree, *, direction: FloatArray | None = None
    ) -> FloatArray:
        """Apply `stage` to each block (year) on its own."""
        if len(self.blocks) == 1:
            return _per_indicator(stage, x, tree, self.table, direction=direction)
        out = np.array(x, dtype=float, copy=True)
        for block, part in zip(self.blocks, self.parts, strict=True):
            out[block] = _per_indicator(stage, x[block], tree, part, direction=direction)
        return out


def uses_panel(spec: Spec) -> bool:
    """Whether scoring one year needs the panel's other years too.

    True for pooled normalisation (`index.panel: {normalise: pooled}`) and for panel
    imputation methods (`latest_available`, `linear`), which fill a gap from other years.
    """
    if spec.index.panel_normalise == "pooled":
        return True
    tree = resolve_tree(spec)
    return any(
        tree.indicator_methods[i.id]["impute"].name in PANEL_METHODS for i in tree.indicators
    )


def _rows(spec: Spec, table: Table) -> _Rows:
    if table.panel is None or not uses_panel(spec):
        every = np.arange(len(table.units))
        return _Rows(table, (every,), (table,), every)
    panel = table.panel
    times = np.asarray(panel.times, dtype=int)
    blocks = tuple(np.flatnonzero(times == y) for y in np.unique(times))
    chosen = np.flatnonzero(times == table.year)
    return _Rows(panel, blocks, tuple(panel.take(list(b)) for b in blocks), chosen)


def prepare(spec: Spec, table: Table) -> Prepared:
    """Read the indicator columns and run every stage up to normalisation.

    For a panel whose spec pools normalisation or imputes from other years (`uses_panel`),
    every year is denominated, screened and treated on its own, panel imputation sees all
    rows, and pooled normalisation takes its statistics over every year's included rows (as
    COINr's ``Normalise(purse, global = TRUE)``); the stages returned are the selected year's.
    """
    tree = resolve_tree(spec)
    rows = _rows(spec, table)
    every = rows.table
    columns = [ind.column for ind in tree.indicators]
    raw = every.numeric(columns)
    stages: dict[str, FloatArray] = {"raw": raw}
    listed, absent = fill_absent_cells(raw, tree, rows.blocks)
    x = stages["denominated"] = rows.run("denominate", listed, tree)
    imputed_x = rows.run("impute", x, tree)
    panel_cols = [
        j
        for j, ind in enumerate(tree.indicators)
        if tree.indicator_methods[ind.id]["impute"].name in PANEL_METHODS
    ]
    if panel_cols and len(rows.blocks) > 1:
        imputed_x[:, panel_cols] = _per_indicator("impute", x, tree, every)[:, panel_cols]
    x = stages["imputed"] = imputed_x
    imputed = np.isnan(stages["denominated"]) & ~np.isnan(x)
    coverage = np.mean(~np.isnan(x), axis=-1) if x.shape[-1] else np.ones(len(every.units))
    missing_choice = tree.group_methods[ROOT]["missing"]
    rule = get_method("missing", missing_choice.name)
    included = np.asarray(rule.kernel(x, **missing_choice.params), dtype=bool)
    warnings: list[str] = list(spec.warnings)
    if missing_choice.name == "none":
        _refuse_gaps(x, tree, every)
    mine = rows.chosen
    dropped = [every.units[i] for i in mine[~included[mine]].tolist()]
    if dropped:
        warnings.append(
            f"excluded {len(dropped)} unit(s) with data coverage below "
            f"{missing_choice.params.get('min_coverage')}: " + ", ".join(dropped)
        )
    if not included[mine].any():
        raise DataError(
            [
                issue(
                    "data.units.none-left",
                    "no unit has enough data to be scored",
                    key_path="methods.missing.min_coverage",
                    hint="lower min_coverage or add data",
                )
            ]
        )
    every_row = bool(included.all())
    x = stages["screened"] = shared(x) if every_row else np.where(included[:, None], x, np.nan)
    x = stages["treated"] = rows.run("treat", x, tree)
    scored = _rows_of(x, mine)  # no copy of every row when all are scored
    _check_columns_usable(
        scored if included[mine].all() else scored[included[mine]], tree, warnings
    )
    direction = np.array([ind.sign for ind in tree.indicators], dtype=float)
    if spec.index.panel_normalise == "pooled":
        z = _per_indicator("normalise", x, tree, every, direction=direction)
    else:
        z = rows.run("normalise", x, tree, direction=direction)
    z, worst = count_missing_as_worst(z, tree, included)
    stages["normalised"] = z
    return Prepared(
        tree,
        table,
        {name: _rows_of(values, mine) for name, values in stages.items()},
        _rows_of(imputed, mine),
        _rows_of(included, mine),
        _rows_of(coverage, mine),
        _rows_of(z, mine),
        tuple(dict.fromkeys(warnings)),
        _rows_of(absent, mine),
        _rows_of(worst, mine),
    )


def _rows_of(values: np.ndarray[Any, Any], rows: IntArray) -> np.ndarray[Any, Any]:
    """`values[rows]`, without a copy when `rows` are all rows in order (no panel)."""
    if len(rows) == len(values) and (len(rows) == 0 or rows[-1] == len(rows) - 1):
        return values  # rows is arange(n): strictly increasing from 0, so every row in order
    return values[rows]


def _check_columns_usable(x: FloatArray, tree: Tree, warnings: list[str]) -> None:
    """Refuse an indicator with no value among the scored units; warn about a constant one.

    Counted and compared over the whole array at once (a column at a time, strided, took
    0.05 s at 100,000 × 50); only a flagged column is looked at on its own.
    """
    counts = np.count_nonzero(~np.isnan(x), axis=0)
    flat = np.zeros(x.shape[1], dtype=bool)
    if x.shape[0]:
        with quiet_numpy():  # an all-NaN column: its nanmin is NaN, and its count 0 says so
            flat = np.nanmin(x, axis=0) == np.nanmax(x, axis=0)
    for j in np.flatnonzero((counts == 0) | ((counts > 1) & flat)).tolist():
        ind = tree.indicators[j]
        present = x[~np.isnan(x[:, j]), j]
        if present.size == 0:
            raise DataError(
                [
                    issue(
                        "data.indicator.all-missing",
                        f"indicator '{ind.id}' (column '{ind.column}') has no value for any "
                        "scored unit",
                        key_path=ind.key_path,
                        hint="fill the column or remove the indicator",
                    )
                ]
            )
        if present.size > 1 and np.all(present == present[0]):
            warnings.append(
                f"indicator '{ind.id}' is constant across units ({present[0]:g}); it cannot "
                "separate them"
            )


def _refuse_gaps(x: FloatArray, tree: Tree, table: Table) -> None:
    gaps = np.argwhere(np.isnan(x))
    if gaps.size == 0:
        return
    issues: list[Issue] = []
    for i, j in gaps[:20]:
        ind = tree.indicators[j]
        issues.append(
            issue(
                "data.cell.missing",
                f"row {table.rows[i]} ({table.units[i]}): column '{ind.column}' is empty, and "
                "the missing-data rule is `none`",
                key_path="methods.missing",
                hint="fill the cell, or set `methods: {missing: {method: reweight, "
                "min_coverage: 0.5}}` to drop gaps and re-weight",
            )
        )
    if len(gaps) > 20:
        issues.append(issue("data.more", f"… and {len(gaps) - 20} more empty cells"))
    raise DataError(issues)
