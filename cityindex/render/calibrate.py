"""What `calibrate` writes into a calibrated spec's ``calibration:`` block, and its notes."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from cityindex.errors import DataError, issue


def calibration_block(
    fit: Mapping[str, Any],
    *,
    target: Path,
    output: Path,
    spec_path: Path,
    units: int,
    levels: Collection[int] | None,
    min_weight: float = 0.0,
    min_indicator_weight: float = 0.0,
    min_gap: float | None = None,
    date: str | None = None,
) -> dict[str, object]:
    """The ``calibration:`` block saying what was fitted to what (`fit`: the ``attrs`` of
    `api.calibrate`); paths are relative to the folder of `output`."""
    target_rel = os.path.relpath(Path(target).resolve(), Path(output).resolve().parent)
    if fit["rank_only"]:
        method = (
            "rank-only target (no scores published): weights maximising the smallest "
            "gap between consecutive published units, unlisted units below the last "
            "(SLSQP, seeded restarts); the closest to the uncalibrated spec among them"
        )
        figures: dict[str, float | int] = {
            "min_gap": float(f"{fit['min_gap']:.4g}"),
            "units": units,
        }
        if min_gap is not None:
            method = (
                "rank-only target (no scores published): the weights closest to the "
                f"uncalibrated spec that keep every published unit at least {min_gap:g} "
                "(scaled score) above the next, unlisted units below the last (SLSQP)"
            )
        what = "the published order (ranks only; no scores were published)"
    else:
        method = (
            "least-squares closest weights to the uncalibrated spec (SLSQP; bounded "
            "least squares when over-determined), subject to computed = published scores"
        )
        figures = {"max_abs_diff": float(f"{fit['max_abs_diff']:.3g}"), "units": units}
        what = "the published scores"
    block: dict[str, object] = {
        "target": target_rel,
        "method": method,
        "levels": sorted(levels) if levels else "all",
        **({"min_weight": min_weight} if min_weight else {}),
        **({"min_indicator_weight": min_indicator_weight} if min_indicator_weight else {}),
        "fit": figures,
        "date": date or dt.date.today().isoformat(),
        "note": "The published report's own weights and raw data are not public; these "
        f"weights were fitted by cityindex calibrate so that this spec reproduces {what}. "
        "They are not the report's method.",
    }
    if spec_path.resolve() != Path(output).resolve():
        block["from"] = os.path.relpath(spec_path.resolve(), Path(output).resolve().parent)
    return block


def fit_note(fit: Mapping[str, Any], file: str, weights: int) -> str:
    """The line on stderr saying how well the calibration fits (score targets)."""
    return (
        f"calibration {'reproduces' if fit['success'] else 'does NOT reproduce'} "
        f"{file}: max |computed - published| = {fit['max_abs_diff']:.3g} "
        f"({weights} weights in {fit['groups']} groups; {fit['message']})"
    )


def order_notes(fit: Mapping[str, Any], file: str, weights: int) -> tuple[str, str]:
    """The lines on stderr before and after a rank-only calibration."""
    return (
        f"no scores were published in {file}: calibrating to its order only "
        "(the weights giving the largest smallest gap between consecutive published units)",
        f"calibration reproduces the published order of {file}: smallest gap "
        f"between consecutive units = {fit['min_gap']:.4f} "
        f"({weights} weights in {fit['groups']} groups)",
    )


def calibrated_values(
    rows: list[dict[str, Any]], spec_data: Path | None, has_data_key: bool, output: Path
) -> dict[str, float | str]:
    """The spec values a calibrated spec replaces: each fitted weight by its key path, and
    ``index.data`` made relative to `output`'s folder so the data stays reachable."""
    values: dict[str, float | str] = {r["key_path"]: r["after"] for r in rows}
    if spec_data is not None and has_data_key:
        values["index.data"] = os.path.relpath(spec_data.resolve(), output.resolve().parent)
    return values


def fit_error(fit: Mapping[str, Any], file: str, *, writing: bool) -> DataError:
    """The error when no weights reproduce the target: its order (rank-only) or its scores."""
    if fit["rank_only"]:
        return DataError(
            [
                issue(
                    "calibrate.no-order",
                    f"no weights reproduce the published order of {file}; nothing written",
                    got=fit["message"],
                    hint="allow more levels (--levels), or check the data and target",
                )
            ]
        )
    return DataError(
        [
            issue(
                "calibrate.no-fit",
                "no weights reproduce the published scores"
                + ("; nothing written" if writing else ""),
                got=f"max |diff| {fit['max_abs_diff']:.3g}",
                hint="allow more levels (--levels), or check the data and target",
            )
        ]
    )
