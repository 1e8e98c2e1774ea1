"""The method registry: every method a spec can name, by stage, with its parameters.

Method names hide different formulas across tools, so each method here states its formula in
`doc` (shown by `cityindex methods` and the README) and declares its parameters with types and
defaults; the YAML loader validates `methods:` blocks against these declarations, so an unknown
method or parameter is reported with the valid choices before anything is computed.

Kernel contracts (all pure; NaN means missing; leading axes are replicates):

- ``normalise``: ``kernel(x, *, direction, ctx, **params) -> array``; ``x`` is
  ``(..., units, indicators)``, ``direction`` is ``(indicators,)`` of +1/-1. Works column-wise
  over the units axis (-2). Direction is the kernel's job: a lower-is-better indicator must come
  out with its best unit highest.
- ``weights``: ``kernel(x, *, fixed, ctx, **params) -> array``; ``x`` is the group's children's
  values ``(..., units, children)`` (normalised indicators or child group scores), ``fixed`` the
  spec's weights ``(children,)``. Returns ``(..., children)`` summing to 1 along the last axis.
- ``aggregate``: ``kernel(x, weights, *, ctx, **params) -> array``; ``x`` ``(..., units,
  children)``, ``weights`` ``(..., children)``; returns ``(..., units)``. Missing children are
  dropped and the rest re-weighted (the pipeline decides beforehand which units are excluded).
- ``scale``: ``kernel(scores, *, ctx, **params) -> array`` on ``(..., units)``.
- ``impute``/``treat``/``denominate``: ``kernel(x, *, ctx, **params) -> array`` on
  ``(..., units, indicators)``.

``ctx`` is a `KernelContext`: the ids and side data a kernel may need (unit ids, the ids of the
columns it sees, extra data columns such as a grouping column, per-indicator targets), and
``directions``: None when the columns are already oriented (normalised, so higher is better),
else +1/−1 per column for values that were not normalised. The kernels whose formula depends
on which end is best (TOPSIS, VIKOR, grey relational, CRITIC, MPI/AMPI) honour them, as
pymcdm's criterion ``types`` and Compind's ``polarity`` do; `KernelContext.orient` applies them.
Such a method is registered with ``directions=True``; the loader refuses a spec that gives any
other method a lower-is-better indicator it did not normalise (`takes_directions`).

Each method may declare its `Domain`: the values its formula is defined on (x ≥ 0 for a ratio
to the best value, x > 0 for a logarithm or reciprocal). The registered kernel checks its input
against the declaration before computing and raises a `DomainError` naming each unit, value and
column outside it, so no kernel carries an ad-hoc check of its own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

Stage = Literal[
    "normalise", "weights", "aggregate", "scale", "impute", "treat", "denominate", "missing"
]
STAGES: tuple[Stage, ...] = (
    "denominate",
    "impute",
    "treat",
    "normalise",
    "weights",
    "aggregate",
    "missing",
    "scale",
)

ParamKind = Literal["number", "integer", "bool", "text", "range", "list", "mapping", "any"]

REQUIRED: Any = object()
"""Sentinel default: the parameter must be given."""

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Param:
    """A method parameter: its name, kind, default and what it means."""

    name: str
    kind: ParamKind
    default: Any = REQUIRED
    doc: str = ""
    minimum: float | None = None
    choices: tuple[str, ...] | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class KernelContext:
    """Side information a kernel may need beyond the array it transforms."""

    unit_ids: tuple[str, ...] = ()
    column_ids: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    directions: tuple[float, ...] | None = None
    """+1 (higher is better) or −1 (lower is better) per column, for values that were not
    normalised; None (the default) means the columns are already oriented."""

    def orient(self, x: FloatArray) -> FloatArray:
        """`x` with each lower-is-better column negated, so higher is better everywhere.

        Negating a column turns a formula's best value max_i x_ij into −min_i x_ij: TOPSIS's
        ideal, VIKOR's f*, the grey reference and CRITIC's min-max all become the column's
        minimum for a cost column, and distances are unchanged. Without directions, `x` itself.

        >>> KernelContext(directions=(1.0, -1.0)).orient(np.array([[1.0, 2.0]]))
        array([[ 1., -2.]])
        """
        v = np.asarray(x, dtype=float)
        if self.directions is None:
            return v
        d = np.asarray(self.directions, dtype=float)
        if d.shape != v.shape[-1:] or not np.all(np.abs(d) == 1.0):
            raise DomainError(
                f"directions must be +1/-1 for each of the {v.shape[-1]} columns, "
                f"got {self.directions}",
                columns=[],
            )
        out: FloatArray = v if np.all(d > 0) else v * d
        return out


Kernel = Callable[..., Any]


class DomainError(ValueError):
    """A kernel met values outside its domain (e.g. a zero fed to a geometric mean).

    `columns` are indices into the columns the kernel saw; the pipeline maps them to indicator
    or group ids and raises a `DataError` with a location. `units` are the row indices of the
    offending values when known, `expected` what the method accepts.
    """

    def __init__(
        self,
        message: str,
        *,
        columns: list[int],
        hint: str | None = None,
        units: list[int] | None = None,
        expected: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.columns = columns
        self.hint = hint
        self.units = units or []
        self.expected = expected


DomainRule = Literal["any", "nonnegative", "positive"]
_RULE_WORDS: dict[str, str] = {"nonnegative": "values >= 0", "positive": "values > 0"}
_SHOWN_CELLS = 5
"""How many offending cells a domain error lists (then "and N more")."""


@dataclass(frozen=True)
class Domain:
    """The values a method's formula is defined on, declared once where the method is registered.

    `values` is the rule for every column, or a function of the method's parameters that gives
    it (a power mean needs x > 0 when p <= 0, x >= 0 when p > 0); `lower_is_better` is a
    stricter rule for the columns whose direction is −1 (relative_to_max's min(x) / x needs
    x > 0). `why` is said in the error, `hint` tells what to do instead.
    """

    values: DomainRule | Callable[[Mapping[str, Any]], DomainRule] = "any"
    lower_is_better: DomainRule | None = None
    why: str = ""
    hint: str | None = None

    def rules(self, params: Mapping[str, Any], n: int) -> list[DomainRule]:
        """The rule for each of the `n` columns, given the call's parameters."""
        base = self.values(params) if callable(self.values) else self.values
        rules: list[DomainRule] = [base] * n
        direction = params.get("direction")
        if self.lower_is_better is not None and direction is not None:
            d = np.broadcast_to(np.asarray(direction, dtype=float), (n,))
            rules = [self.lower_is_better if dj < 0 else r for dj, r in zip(d, rules, strict=True)]
        return rules

    def check(self, x: Any, params: Mapping[str, Any]) -> None:
        """Raise a `DomainError` naming every unit and column whose value breaks the rule.

        One pass over the data (the smallest value of each column over units and replicates);
        the offending cells are looked up only when a column fails.
        """
        v = np.asarray(x, dtype=float)
        if v.ndim < 2 or v.size == 0:
            return
        rules = self.rules(params, v.shape[-1])
        if all(r == "any" for r in rules):
            return
        lowest = np.fmin.reduce(v.reshape(-1, v.shape[-1]), axis=0)  # NaN only if all missing
        floor = np.array([0.0 if r != "any" else -np.inf for r in rules])
        strict = np.array([r == "positive" for r in rules])
        failed = np.where(strict, lowest <= floor, lowest < floor)
        if not np.any(failed):
            return
        cells = np.fmin.reduce(v.reshape(-1, *v.shape[-2:]), axis=0)  # (units, columns)
        bad = np.where(strict, cells <= floor, cells < floor) & failed
        rows, cols = np.nonzero(bad)
        ctx = params.get("ctx")
        kinds = sorted({rules[c] for c in cols.tolist()}, key=list(_RULE_WORDS).index)
        expected = " / ".join(_RULE_WORDS[k] for k in kinds)
        why = f" ({self.why})" if self.why else ""
        shown = [
            _cell_text(ctx, int(r), int(c), float(cells[r, c]), cells.shape)
            for r, c in zip(rows, cols, strict=True)
        ]
        more = len(shown) - _SHOWN_CELLS
        listed = "; ".join(shown[:_SHOWN_CELLS]) + (f"; and {more} more" if more > 0 else "")
        raise DomainError(
            f"needs {expected}{why}: {listed}",
            columns=sorted({int(c) for c in cols}),
            units=sorted({int(r) for r in rows}),
            hint=self.hint,
            expected=expected,
        )


def _cell_text(ctx: Any, row: int, col: int, value: float, shape: tuple[int, ...]) -> str:
    """``Beijing: -1 in 'unicorns' (column 'unicorns' of data/cities.csv)``, as far as known."""
    units = getattr(ctx, "unit_ids", ()) or ()
    if len(units) != shape[0]:  # a subset of the units: their names are not known here
        units = ()
    ids = getattr(ctx, "column_ids", ()) or ()
    if len(ids) != shape[1]:
        ids = ()
    extra = getattr(ctx, "extra", {}) or {}
    unit = units[row] if row < len(units) else f"row {row + 1}"
    what = f"'{ids[col]}'" if col < len(ids) else f"column {col + 1}"
    inds = extra.get("indicators") or ()
    column = getattr(inds[col], "column", None) if ids and col < len(inds) else None
    file = getattr(extra.get("table"), "file", None)
    where = []
    if column is not None:
        where.append(f"column '{column}'")
    if file:
        where.append(f"of {file}")
    place = f" ({' '.join(where)})" if where else ""
    return f"{unit}: {value:g} in {what}{place}"


@dataclass(frozen=True)
class Method:
    """A registered method: stage, name, parameters, kernel and a one-line formula."""

    stage: Stage
    name: str
    kernel: Kernel
    params: tuple[Param, ...] = ()
    doc: str = ""
    uses_weights: bool = True
    """False for an aggregation that ignores its children's weights (mpi, ampi, bod): a weight
    written for them has no effect, and the loader says so."""
    domain: Domain | None = None
    """The values the formula is defined on; the registered kernel refuses any others."""
    directions: bool | Callable[[Mapping[str, Any]], bool] = False
    """True (or true for the given parameters) when the kernel honours ``ctx.directions`` on
    values that were not normalised (TOPSIS, VIKOR, grey relational, CRITIC, MPI)."""

    def takes_directions(self, params: Mapping[str, Any]) -> bool:
        """Whether this method, with these parameters, honours raw values' directions."""
        return bool(
            self.directions(self.resolve(params)) if callable(self.directions) else self.directions
        )

    def param(self, name: str) -> Param | None:
        """The declared parameter called `name`, or None."""
        return next((p for p in self.params if p.name == name), None)

    def resolve(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Given parameters merged over defaults (validation happens in the loader)."""
        out = {p.name: p.default for p in self.params if p.default is not REQUIRED}
        out.update(given)
        return out


REGISTRY: dict[Stage, dict[str, Method]] = {stage: {} for stage in STAGES}

Check = Callable[..., list[Any]]
"""A load-time check: ``check(params, *, child_ids) -> [(message, hint), ...]``, or a list of
`cityindex.errors.Issue` whose key paths are relative to the method block (``pairs[2][2]``),
which the loader locates at that element.

Registered for methods whose parameters can only be validated against the tree (e.g. AHP
pairs naming child ids, or a consistency ratio), so `cityindex validate` reports them.
"""

CHECKS: dict[tuple[Stage, str], Check] = {}


def register_check(stage: Stage, name: str) -> Callable[[Check], Check]:
    """Decorator: register a load-time check for method `name` of `stage`."""

    def wrap(check: Check) -> Check:
        CHECKS[(stage, name)] = check
        return check

    return wrap


def register(
    stage: Stage,
    name: str,
    *,
    params: tuple[Param, ...] = (),
    doc: str = "",
    uses_weights: bool = True,
    domain: Domain | None = None,
    directions: bool | Callable[[Mapping[str, Any]], bool] = False,
) -> Callable[[Kernel], Kernel]:
    """Decorator: register `kernel` as method `name` of `stage`.

    With a `domain`, the kernel registered (and returned) first checks its input against it,
    so a direct call and the pipeline's refuse the same data.
    """

    def wrap(kernel: Kernel) -> Kernel:
        if name in REGISTRY[stage]:
            raise ValueError(f"method {stage}.{name} registered twice")
        run = kernel if domain is None else _guarded(kernel, domain, params)
        REGISTRY[stage][name] = Method(
            stage,
            name,
            run,
            params,
            doc or (kernel.__doc__ or ""),
            uses_weights,
            domain,
            directions,
        )
        return run

    return wrap


def _guarded(kernel: Kernel, domain: Domain, declared: tuple[Param, ...]) -> Kernel:
    """`kernel` preceded by its domain check (defaults of `declared` filled in for the rule)."""
    defaults = {p.name: p.default for p in declared if p.default is not REQUIRED}

    @functools.wraps(kernel)
    def run(x: Any, *args: Any, **kwargs: Any) -> Any:
        domain.check(x, {**defaults, **kwargs})
        return kernel(x, *args, **kwargs)

    return run


def get_method(stage: Stage, name: str) -> Method:
    """The method `name` of `stage` (KeyError if unknown; the loader reports it nicely)."""
    load_methods()
    return REGISTRY[stage][name]


def load_methods() -> None:
    """Make sure every method is registered (a no-op: kept for callers that say so).

    The kernel modules register themselves when the `cityindex.methods` package is imported,
    and importing this module imports that package first; this module imports no kernel.
    """
