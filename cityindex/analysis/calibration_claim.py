"""Whether a spec's weights are still the calibrated ones, and what may be claimed about them.

`cityindex calibrate --output` writes a `calibration:` block saying the weights were fitted to
reproduce a published result, with `weights_sha256`: a digest of the weights the calibrated
spec computes with (`weights_digest`). A later edit of a weight in the YAML, a ``--set`` or a
weight method that now overrides the spec's weights changes the digest of the weights actually
used, and the claim "calibrated to reproduce …" would be stale: `calibration_claim` then says
the weights were changed since calibration instead. A block written before digests existed
has none; its claim is shown as not verified.

The digest covers the relative weights within every group (and of the top-level groups), each
to 9 significant digits, keyed ``group/child`` and sorted: scaling a group's weights by a
constant or reordering groups in the file changes nothing, and float noise in the last bits
of a division does not either; any edit a person makes does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec

DIGEST_KEY = "weights_sha256"

Status = Literal["calibrated", "changed", "unverified"]


def weights_digest(weights: Mapping[str, pd.Series]) -> str:
    """SHA-256 of the relative weights per group (`IndexResult.weights`), as hex."""
    lines = sorted(
        f"{gid}/{child}={float(w):.9g}"
        for gid, series in weights.items()
        for child, w in series.items()
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CalibrationClaim:
    """What may be said about a calibrated spec's weights in one computation."""

    status: Status
    target: str
    residual: float | None = None
    """max |computed - published| when the block records a closest in-band fit, not an exact
    one (its ``fit`` has a ``residual``); None for a fit that reproduces the target."""

    @property
    def kind(self) -> str:
        """The status, with ``_residual`` for calibrated weights that are a closest fit."""
        closest = self.status == "calibrated" and self.residual is not None
        return f"{self.status}_residual" if closest else self.status

    @property
    def holds(self) -> bool:
        """True while the weights used are the calibrated ones (digest matches)."""
        return self.status == "calibrated"

    def caption(self) -> str:
        """One line for a table caption."""
        if self.kind == "calibrated_residual":
            return (
                f"weights calibrated to {self.target}: closest fit within the band "
                f"(max |diff| = {self.residual:.3g}), not an exact reproduction "
                "(see the spec's calibration: block)"
            )
        if self.status == "calibrated":
            return (
                f"weights calibrated to reproduce {self.target} (see the spec's calibration: block)"
            )
        if self.status == "changed":
            return (
                f"weights changed since calibration: the published figures of {self.target} are "
                "not reproduced by these weights (cityindex check --against to compare)"
            )
        return (
            f"weights said to be calibrated to reproduce {self.target} (not verified: the "
            f"calibration: block has no {DIGEST_KEY}; re-run cityindex calibrate to record it)"
        )


def calibration_claim(spec: Spec, result: IndexResult) -> CalibrationClaim | None:
    """The claim for `result` computed by `spec`; None when the spec has no calibration block."""
    block: Mapping[str, Any] | None = spec.calibration
    if not block:
        return None
    target = str(block.get("target", "a published result"))
    fit = block.get("fit")
    residual = None
    if isinstance(fit, Mapping) and fit.get("residual"):
        residual = float(fit.get("max_abs_diff", float("nan")))
    recorded = block.get(DIGEST_KEY)
    if not recorded:
        return CalibrationClaim("unverified", target, residual)
    same = str(recorded) == weights_digest(result.weights)
    return CalibrationClaim("calibrated" if same else "changed", target, residual)
