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
"""

from __future__ import annotations

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
    or group ids and raises a `DataError` with a location.
    """

    def __init__(self, message: str, *, columns: list[int], hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.columns = columns
        self.hint = hint


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
) -> Callable[[Kernel], Kernel]:
    """Decorator: register `kernel` as method `name` of `stage`."""

    def wrap(kernel: Kernel) -> Kernel:
        if name in REGISTRY[stage]:
            raise ValueError(f"method {stage}.{name} registered twice")
        REGISTRY[stage][name] = Method(
            stage, name, kernel, params, doc or (kernel.__doc__ or ""), uses_weights
        )
        return kernel

    return wrap


def get_method(stage: Stage, name: str) -> Method:
    """The method `name` of `stage` (KeyError if unknown; the loader reports it nicely)."""
    load_methods()
    return REGISTRY[stage][name]


def load_methods() -> None:
    """Make sure every method is registered (a no-op: kept for callers that say so).

    The kernel modules register themselves when the `cityindex.methods` package is imported,
    and importing this module imports that package first; this module imports no kernel.
    """
