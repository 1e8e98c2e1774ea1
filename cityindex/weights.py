"""Weight kernels: how much each child counts within its group.

A weight kernel sees the group's children's values, ``(..., units, children)``, and the spec's
fixed weights, and returns weights ``(..., children)`` that sum to 1. Data-driven methods
(entropy, CRITIC, PCA, ...) use the values; `fixed` and `equal` ignore them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cityindex.registry import FloatArray, register


def _leading(x: FloatArray) -> tuple[int, ...]:
    """The replicate axes of a ``(..., units, children)`` array plus the children axis."""
    return (*x.shape[:-2], x.shape[-1])


@register("weights", "fixed", doc="w_j = weight_j / Σ_k weight_k (the spec's weights)")
def fixed(x: FloatArray, *, fixed: FloatArray, **_: Any) -> FloatArray:
    """The weights written in the spec, made relative within the group."""
    w = np.asarray(fixed, dtype=float)
    total = w.sum(axis=-1, keepdims=True)
    return np.broadcast_to(w / total, _leading(x) if w.ndim == 1 else w.shape).copy()


@register("weights", "equal", doc="w_j = 1 / k for k children")
def equal(x: FloatArray, *, fixed: FloatArray, **_: Any) -> FloatArray:
    """Every child counts the same."""
    k = x.shape[-1]
    return np.full(_leading(x), 1.0 / k)
