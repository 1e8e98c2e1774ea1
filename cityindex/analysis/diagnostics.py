"""Diagnostics on an index: obstacle degree (障碍度) and coupling coordination (耦合协调度).

Pure functions on arrays; the CLI commands ``obstacles`` and ``coupling`` render them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cityindex.errors import DataError, issue
from cityindex.methods.registry import DomainError, FloatArray


def diagnostic_error(exc: DomainError, what: str, names: Sequence[str]) -> DataError:
    """A diagnostic's domain error (`what`: obstacles, coupling) as a located data error,
    naming the indicators or groups `exc.columns` points at."""
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


def obstacle_degree(normalised: FloatArray, weights: FloatArray) -> FloatArray:
    """Obstacle degree of every indicator for every unit, in percent (summing to 100 per unit).

    The obstacle-degree model used throughout Chinese evaluation studies: with F_j the factor
    contribution — the indicator's effective weight in the index (its weight times its
    groups' weights up the tree) — and I_ij = 1 − z_ij the deviation of unit i's normalised
    value z_ij ∈ [0, 1] from the ideal 1,

        O_ij = 100 · F_j I_ij / Σ_k F_k I_k.

    ``normalised`` is ``(..., units, indicators)`` direction-adjusted values in [0, 1] (e.g.
    min-max, relative_to_max); ``weights`` is ``(indicators,)`` or ``(..., indicators)``. A
    missing value contributes no obstacle. A unit at the ideal on every indicator has no
    obstacle: all its O_ij are 0.
    """
    z = np.asarray(normalised, dtype=float)
    outside = np.any((z < -1e-12) | (z > 1 + 1e-12), axis=tuple(range(z.ndim - 1)))
    if np.any(outside):
        raise DomainError(
            "obstacle degree needs normalised values in [0, 1]",
            columns=[int(i) for i in np.flatnonzero(outside)],
            hint="use a normalisation onto [0, 1], e.g. min_max or relative_to_max",
        )
    f = np.asarray(weights, dtype=float)[..., None, :]
    contribution = np.where(np.isnan(z), 0.0, f * (1.0 - z))
    total = contribution.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(
            total > 0, 100.0 * contribution / np.where(total > 0, total, 1.0), 0.0
        )
    return out


def obstacle_by_group(degrees: FloatArray, group_of: Sequence[str]) -> tuple[list[str], FloatArray]:
    """Sum indicator obstacle degrees within groups: ``(group ids, (..., units, groups))``.

    ``group_of[j]`` names the group indicator j belongs to (at whatever level is wanted);
    groups appear in order of first mention.
    """
    ids = list(dict.fromkeys(group_of))
    member = np.array([[g == gid for gid in ids] for g in group_of], dtype=float)
    out: FloatArray = np.asarray(degrees, dtype=float) @ member
    return ids, out


@dataclass(frozen=True)
class Coupling:
    """Coupling C, comprehensive development T and coordination degree D = √(C·T) per unit."""

    coupling: FloatArray
    development: FloatArray
    coordination: FloatArray

    def bands(self) -> npt.NDArray[Any]:
        """The classification band of each unit's D (see `coordination_band`)."""
        return coordination_band(self.coordination)


def coupling_coordination(
    subsystems: FloatArray, *, contributions: Sequence[float] | None = None
) -> Coupling:
    """Coupling coordination of m ≥ 2 subsystems scored U_1..U_m ∈ [0, 1] for each unit.

    The variant with C in [0, 1] (Wang Shujia, Kong Wei, Ren Lang & Zhi Dandan 2021, "Research
    on misuses and modification of coupling coordination degree model in China", 自然资源学报
    J. Nat. Resour. 36(3): 793-810, their corrected model):

        C = [Π_i U_i / ((Σ_i U_i) / m)^m]^(1/m)    (geometric over arithmetic mean of U),
        T = Σ_i α_i U_i    (α_i the contributions, equal 1/m unless given; Σ α_i = 1),
        D = √(C · T).

    For m = 2 this is C = 2√(U_1 U_2)/(U_1 + U_2). ``subsystems`` is ``(..., units, m)``; all
    U_i = 0 gives C = 0. Values outside [0, 1] are an error: subsystem scores must be
    normalised (e.g. the group scores of an index normalised with min_max).
    """
    u = np.asarray(subsystems, dtype=float)
    m = u.shape[-1]
    if m < 2:
        raise DomainError("coupling coordination needs at least two subsystems", columns=[])
    outside = np.any((u < 0) | (u > 1 + 1e-12), axis=tuple(range(u.ndim - 1)))
    if np.any(outside):
        raise DomainError(
            "coupling coordination needs subsystem scores in [0, 1]",
            columns=[int(i) for i in np.flatnonzero(outside)],
            hint="score the subsystems on [0, 1], e.g. normalise with min_max",
        )
    alpha = np.full(m, 1.0 / m) if contributions is None else np.asarray(contributions, float)
    if alpha.shape != (m,) or np.any(alpha < 0) or abs(alpha.sum() - 1) > 1e-9:
        raise DomainError(
            f"contributions must be {m} non-negative numbers summing to 1", columns=[]
        )
    mean = u.mean(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        geometric = np.exp(np.mean(np.log(u), axis=-1))
        c = np.where(mean > 0, geometric / np.where(mean > 0, mean, 1.0), 0.0)
    c = np.clip(c, 0.0, 1.0)
    t = u @ alpha
    d = np.sqrt(c * t)
    return Coupling(c, t, d)


COORDINATION_BANDS: tuple[tuple[float, str, str], ...] = (
    (0.0, "极度失调", "extreme imbalance"),
    (0.1, "严重失调", "serious imbalance"),
    (0.2, "中度失调", "moderate imbalance"),
    (0.3, "轻度失调", "mild imbalance"),
    (0.4, "濒临失调", "on the verge of imbalance"),
    (0.5, "勉强协调", "barely coordinated"),
    (0.6, "初级协调", "primary coordination"),
    (0.7, "中级协调", "intermediate coordination"),
    (0.8, "良好协调", "good coordination"),
    (0.9, "优质协调", "high-quality coordination"),
)
"""The ten equal-width bands of D used in most Chinese studies (lower bound, 中文, English);
each band is [lower, lower + 0.1), the last closed at 1."""


def coordination_band(d: FloatArray, *, language: str = "zh") -> npt.NDArray[Any]:
    """The band name of each coordination degree D (``None`` where D is missing)."""
    values = np.asarray(d, dtype=float)
    lows = np.array([b[0] for b in COORDINATION_BANDS])
    column = 1 if language == "zh" else 2
    out = np.empty(values.shape, dtype=object)
    for index in np.ndindex(values.shape):
        v = values[index]
        if np.isnan(v):
            out[index] = None
        else:
            k = int(np.searchsorted(lows, v + 1e-12, side="right") - 1)
            out[index] = COORDINATION_BANDS[max(k, 0)][column]
    return out
