"""What a calibration found: `Calibration`, the weights and how well they fit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cityindex.methods.registry import FloatArray


@dataclass(frozen=True)
class Calibration:
    """Calibrated relative weights per group id (ROOT for the top level) and the fit."""

    weights: dict[str, FloatArray]
    original: dict[str, FloatArray]
    children: dict[str, tuple[str, ...]]
    max_abs_diff: float
    success: bool
    message: str
    decimals: int
    rank_only: bool = False
    min_gap: float = float("nan")
    fit: list[dict[str, Any]] = field(default_factory=list)
    """Per published score: ``unit``, ``published``, ``computed`` (the index score with the
    rounded weights, unrounded), ``diff`` (computed - published). When the target cannot be met
    inside the bounds, this is the residual of the closest fit that keeps them: a caller may
    ship those weights and state it (`max_abs_diff` is the largest |diff|)."""
