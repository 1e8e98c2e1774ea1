"""Weight kernels: how much each child counts within its group.

A weight kernel sees the group's children's values, ``(..., units, children)``, and the spec's
fixed weights, and returns weights ``(..., children)`` that sum to 1. Data-driven methods
(entropy, CRITIC, PCA, ...) use the values; `fixed` and `equal` ignore them.

Both inputs may carry leading replicate axes — ``x`` ``(..., units, children)`` and ``fixed``
``(..., children)`` — and every kernel returns weights over the broadcast of the two
(`batch_shape`): a batch of R fixed weight vectors gives R weight vectors, each equal to a
single call's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cityindex.methods.registry import FloatArray, register


def batch_shape(x: FloatArray, fixed: FloatArray | None = None) -> tuple[int, ...]:
    """The shape of a weights result: replicate axes of `x` and `fixed` broadcast, then children.

    >>> batch_shape(np.zeros((5, 3)), np.ones((4, 3)))
    (4, 3)
    """
    lead = np.shape(x)[:-2]
    if fixed is not None:
        lead = np.broadcast_shapes(lead, np.shape(fixed)[:-1])
    return (*lead, np.shape(x)[-1])


def spread(w: FloatArray, x: FloatArray, fixed: FloatArray | None = None) -> FloatArray:
    """Weights ``w`` computed from `x` alone, repeated over the replicate axes of `fixed`."""
    shape = batch_shape(x, fixed)
    if np.shape(w) == shape:
        return w
    return np.broadcast_to(w, shape).copy()


@register("weights", "fixed", doc="w_j = weight_j / Σ_k weight_k (the spec's weights)")
def fixed(x: FloatArray, *, fixed: FloatArray, **_: Any) -> FloatArray:
    """The weights written in the spec, made relative within the group."""
    w = np.asarray(fixed, dtype=float)
    total = w.sum(axis=-1, keepdims=True)
    return np.broadcast_to(w / total, batch_shape(x, w)).copy()


@register("weights", "equal", doc="w_j = 1 / k for k children")
def equal(x: FloatArray, *, fixed: FloatArray, **_: Any) -> FloatArray:
    """Every child counts the same."""
    k = x.shape[-1]
    return np.full(batch_shape(x, fixed), 1.0 / k)
