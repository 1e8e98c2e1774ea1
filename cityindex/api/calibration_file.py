"""Writing a calibrated spec: the fitted weights and a `calibration:` block with their digest."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from cityindex.analysis.calibration_claim import DIGEST_KEY, weights_digest
from cityindex.api.published import published_reference
from cityindex.engine.pipeline import compute
from cityindex.errors import DataError, SpecError, issue
from cityindex.load.data import Table
from cityindex.load.files import write_atomic
from cityindex.load.spec_yaml import parse_spec, rewrite_spec
from cityindex.model.reference import Reference
from cityindex.model.spec import Spec


def write_calibrated(
    spec: Spec,
    table: Table,
    values: Mapping[str, Any],
    block: Mapping[str, Any],
    output: str | Path,
) -> str:
    """Write `spec` with `values` (key path → value) replaced and a ``calibration:`` block
    stamped with the digest of the weights the written spec computes with, so that a later
    edit of the weights shows as a change (`score` and `report` compare the digest). Comments
    are kept. Returns the digest.
    """
    unstamped = {k: v for k, v in block.items() if k != DIGEST_KEY}
    text = rewrite_spec(spec, values, {"calibration": unstamped})
    written = Path(output)
    parsed, issues = parse_spec(text, file=str(written), base_dir=written.resolve().parent)
    if parsed is None or issues:
        raise SpecError(issues)
    digest = weights_digest(compute(parsed, table).weights)
    stamped = {**unstamped, DIGEST_KEY: digest}
    write_atomic(written, rewrite_spec(spec, values, {"calibration": stamped}))
    return digest


def stamp_calibration(
    spec: Spec, table: Table, target: str | Path | Reference | pd.DataFrame, output: str | Path
) -> str:
    """Record the digest of `spec`'s current weights in its existing ``calibration:`` block
    (written to `output`), after checking that they reproduce `target` (nothing is
    fitted): for a spec whose weights were edited by hand back to a calibration. A spec with
    no block is a `SpecError`, weights that do not reproduce the target a `DataError`.
    Returns the digest.
    """
    from cityindex.analysis.check import check

    block = spec.calibration
    if not block:
        raise SpecError(
            [
                issue(
                    "calibrate.stamp.no-block",
                    "the spec has no calibration: block to stamp",
                    key_path="calibration",
                    hint="run cityindex calibrate without --stamp to fit and record weights",
                )
            ]
        )
    reference = published_reference(target, table.units)
    if not check(compute(spec, table), reference).reproduced:
        raise DataError(
            [
                issue(
                    "calibrate.stamp.not-reproduced",
                    f"the spec's weights do not reproduce {target}; nothing written",
                    hint="run cityindex calibrate without --stamp to fit the weights again",
                )
            ]
        )
    return write_calibrated(spec, table, {}, dict(block), output)


__all__ = ["DIGEST_KEY", "stamp_calibration", "write_calibrated"]
