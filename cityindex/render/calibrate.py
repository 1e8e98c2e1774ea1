"""What `calibrate` writes into a calibrated spec's ``calibration:`` block, and its notes."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cityindex.analysis.calibration_claim import DIGEST_KEY
from cityindex.errors import DataError, UsageError, issue
from cityindex.render.choices import localise
from cityindex.render.formats import render_rows
from cityindex.render.i18n import Language, tr
from cityindex.render.messages import message_language

if TYPE_CHECKING:
    from cityindex.model.spec import Spec

WEIGHT_COLUMNS = ["key_path", "group", "before", "after", "change"]


def calibrated_text(
    rows: list[dict[str, Any]],
    fmt: str,
    spec: Spec,
    *,
    language: Language = "en",
    round_to: int | None = None,
    excel_safe: bool = False,
) -> str:
    """The weights `calibrate` changed (before, after, change) in `fmt`."""
    shown, labels = localise(rows, WEIGHT_COLUMNS, fmt, language, spec)
    return render_rows(
        shown,
        WEIGHT_COLUMNS,
        fmt,
        digits={"before": 6, "after": 6, "change": 6} if fmt != "json" else {},
        title=tr("t.calibrated", language),
        labels=labels,
        round_to=round_to,
        excel_safe_cells=excel_safe,
    )


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
    `api.calibrate`); paths are relative to the folder of `output`. It records the bounds
    (``none`` for one switched off) and, for a closest in-bounds fit that does not reproduce
    the scores, the residual per published unit."""
    target_rel = os.path.relpath(Path(target).resolve(), Path(output).resolve().parent)
    if fit["rank_only"]:
        method = (
            "rank-only target (no scores published): weights maximising the smallest "
            "gap between consecutive published units, unlisted units below the last "
            "(SLSQP, seeded restarts); the closest to the uncalibrated spec among them"
        )
        figures: dict[str, object] = {
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
        what_zh = "已公布的名次顺序（只公布了名次，没有得分）"
    else:
        method = (
            "least-squares closest weights to the uncalibrated spec (SLSQP; bounded "
            "least squares when over-determined), subject to computed = published scores"
        )
        figures = {"max_abs_diff": float(f"{fit['max_abs_diff']:.3g}"), "units": units}
        what = "the published scores"
        what_zh = "已公布的得分"
        if not fit["success"]:
            closest = str(fit["message"]).startswith("no weights inside the bounds")
            why = "" if closest else f"; {fit['message']}"  # e.g. another unit ranks above
            method += (
                "; no weights inside the bounds reproduce them, so these are the in-bounds "
                "weights minimising the sum of squared differences (SLSQP)"
            )
            figures["residual"] = [
                {k: row[k] if k == "unit" else float(f"{row[k]:.6g}") for k in RESIDUAL_COLUMNS}
                for row in fit["fit"]
            ]
            what = (
                "the published scores as closely as the bounds allow: it is the closest "
                f"in-band fit, not an exact fit (max |diff| = {fit['max_abs_diff']:.3g}; "
                f"fit.residual lists each unit{why})"
            )
            what_zh = (
                "界限允许范围内最接近已公布得分的结果：这是界限内的最接近拟合，不是精确拟合"
                f"（最大 |差| = {fit['max_abs_diff']:.3g}；fit.residual 列出每个单元的差）"
            )
    bounds = fit.get("bounds", {})
    band = bounds.get("dimension_band")
    share = bounds.get("max_indicator_share")
    block: dict[str, object] = {
        "target": target_rel,
        "method": method,
        "levels": sorted(levels) if levels else "all",
        **({"min_weight": min_weight} if min_weight else {}),
        **({"min_indicator_weight": min_indicator_weight} if min_indicator_weight else {}),
        "dimension_band": "none" if band is None else [float(v) for v in band],
        "max_indicator_share": "none" if share is None else float(share),
        "fit": figures,
        "date": date or dt.date.today().isoformat(),
        "note": "The published report's own weights and raw data are not public; these "
        f"weights were fitted by cityindex calibrate so that this spec reproduces {what}. "
        "They are not the report's method.",
        # The report's method section prints this one under --lang zh (render/report/method.py).
        "note_zh": "原报告的权重和原始数据并未公开；这些权重由 cityindex calibrate 拟合得到，"
        f"使本规格文件能复现{what_zh}。它们并非原报告的方法。",
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


RESIDUAL_COLUMNS = ("unit", "published", "computed", "diff")


def in_bounds(fit: Mapping[str, Any]) -> bool:
    """True when a failed score fit is the closest fit inside the bounds (with a residual)."""
    bounds = fit.get("bounds") or {}
    bounded = any(v is not None for v in bounds.values())
    return bounded and not fit["rank_only"] and not fit["success"] and bool(fit.get("fit"))


def residual_lines(fit: Mapping[str, Any], file: str) -> list[str]:
    """The lines on stderr for a closest in-bounds fit: its residual per published unit."""
    lines = [
        f"closest fit within the bounds to {file} (not an exact fit): residual per unit",
        "  unit | published | computed | diff",
    ]
    lines += [
        f"  {r['unit']} | {r['published']:.6g} | {r['computed']:.6g} | {r['diff']:+.3g}"
        for r in fit["fit"]
    ]
    lines.append(f"max |diff| = {fit['max_abs_diff']:.3g}")
    return lines


def fit_error(fit: Mapping[str, Any], file: str, *, writing: bool) -> DataError:
    """The error when no weights reproduce the target: its order (rank-only) or its scores;
    for a closest in-bounds fit, the hint names ``--accept-residual``."""
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
    got = f"max |diff| {fit['max_abs_diff']:.3g}"
    what = "the published scores"
    hint = "allow more levels (--levels), or check the data and target"
    if in_bounds(fit):
        got, what = f"{got}; {fit['message']}", "the published result"
        hint = (
            "--accept-residual takes the closest in-band fit (with --output, its residual is "
            "recorded in the calibration: block); or widen the bounds (--dimension-band, "
            "--max-indicator-share)"
        )
    return DataError(
        [
            issue(
                "calibrate.no-fit",
                "no weights"
                + (" inside the bounds" if in_bounds(fit) else "")
                + f" reproduce {what}"
                + ("; nothing written" if writing else ""),
                got=got,
                hint=hint,
            )
        ]
    )


def stamp_needs_output() -> UsageError:
    """`calibrate --stamp` without `--output`: the digest has nowhere to go."""
    return UsageError(
        [
            issue(
                "usage.stamp.output",
                "--stamp needs --output (the spec itself to stamp it in place)",
                hint="e.g. cityindex calibrate SPEC --target FILE --stamp -o SPEC",
            )
        ]
    )


def wrote_spec(output: Path, digest: str) -> str:
    """The note after a calibrated spec is written, with the start of its weights' digest."""
    return tr("msg.wrote", message_language(), path=output) + f" ({DIGEST_KEY}: {digest[:12]}…)"
