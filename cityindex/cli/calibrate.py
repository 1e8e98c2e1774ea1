"""`calibrate` and `check`: fit weights to a published result, and verify reproduction."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from cityindex.cli.application import app
from cityindex.cli.common import (
    Loaded,
    compute_loaded,
    emit,
    load,
    localise,
    pick_format,
    pick_language,
    resolve_spec_path,
    say,
)
from cityindex.cli.options import (
    DataOpt,
    DigitsOpt,
    EncodingOpt,
    ExcelSafeOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    SetOpt,
    SpecArg,
    YearOpt,
)
from cityindex.engine.panel import prepare
from cityindex.engine.pipeline import compute
from cityindex.errors import DataError, SpecError, UsageError, did_you_mean, issue
from cityindex.load.files import check_output, write_atomic
from cityindex.load.spec_yaml import parse_spec, rewrite_spec
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.model.tree import ROOT
from cityindex.render.formats import render_rows
from cityindex.render.i18n import tr

TargetOpt = Annotated[
    Path, typer.Option("--target", help="Published result: CSV with unit,score,rank,source.")
]
AgainstOpt = Annotated[
    Path, typer.Option("--against", help="Published result: CSV with unit,score,rank,source.")
]


@app.command()
def calibrate(
    target: TargetOpt,
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    sets: SetOpt = None,
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    round_to: DigitsOpt = None,
    levels: Annotated[
        str | None,
        typer.Option(
            "--levels",
            help="Only change weights at these levels (1 = indicators within groups, "
            "2 = groups of indicators, …), comma-separated.",
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Date recorded in the calibration block.")
    ] = None,
    stamp: Annotated[
        bool,
        typer.Option(
            "--stamp",
            help="Fit nothing: check that the spec's weights reproduce --target and record "
            "their digest in its calibration block (written to --output).",
        ),
    ] = False,
    min_weight: Annotated[
        float,
        typer.Option(
            "--min-weight",
            min=0.0,
            max=1.0,
            help="Floor for every group's weight within its parent (e.g. 0.1: no dimension "
            "below 10%).",
        ),
    ] = 0.0,
    min_indicator_weight: Annotated[
        float,
        typer.Option(
            "--min-indicator-weight",
            min=0.0,
            max=1.0,
            help="Floor for every indicator's weight within its group.",
        ),
    ] = 0.0,
    min_gap: Annotated[
        float | None,
        typer.Option(
            "--min-gap",
            min=0.0,
            help="Rank-only targets: the smallest gap (in scaled score) to keep between "
            "consecutive published units; the weights closest to the spec's with that gap are "
            "taken (default: the widest gap the data allow).",
        ),
    ] = None,
) -> None:
    """Find weights, closest to the spec's, that reproduce a published result.

    Prints the weights it changed; with --output writes the calibrated spec (comments kept)
    with a `calibration:` block saying what was fitted to what, and `weights_sha256`, the
    digest of the calibrated weights: while a spec's weights match it, `score` and `report`
    say they are calibrated; after an edit they say the weights changed since calibration.
    --min-weight keeps every group's weight at or above a floor, so no dimension is switched
    off.

    Example: cityindex calibrate --target seeds/ai-city-competitiveness-2024.csv -o fitted.yaml
    """
    from cityindex.analysis.calibrate import Floor, floor_problems
    from cityindex.analysis.calibrate import calibrate as solve
    from cityindex.load.seeds import load_reference

    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    if output is not None:  # in place over the spec is allowed; over the data or target never
        check_output(output, replacing=resolve_spec_path(spec))
    if stamp:
        _stamp(loaded, target, output)
        return
    reference = load_reference(target)
    _require_units(reference.units, loaded.table.units, str(target))
    chosen_levels = _parse_levels(levels)
    prepared = prepare(loaded.spec, loaded.table)
    floor = Floor(group=min_weight, indicator=min_indicator_weight)
    infeasible = floor_problems(prepared, chosen_levels, floor)
    if infeasible:
        raise UsageError(
            [
                issue(
                    "usage.min-weight",
                    "the weight floor cannot hold: " + "; ".join(infeasible),
                    hint="a group of k children allows a floor of at most 1/k",
                )
            ]
        )
    result = solve(prepared, reference, levels=chosen_levels, floor=floor, min_gap=min_gap)
    lookup = {n.id: n.key_path for n in loaded.spec.walk()}
    values: dict[str, float | str] = {}
    rows = []
    for gid, new in result.weights.items():
        for child, old_w, new_w in zip(
            result.children[gid], result.original[gid], new, strict=True
        ):
            key = f"{lookup[child]}.weight"
            values[key] = float(new_w)
            rows.append(
                {
                    "key_path": key,
                    "group": gid or loaded.spec.index.id,
                    "before": float(old_w),
                    "after": float(new_w),
                    "change": float(new_w - old_w),
                }
            )
    if result.rank_only:
        say(
            f"no scores were published in {reference.file}: calibrating to its order only "
            "(the weights giving the largest smallest gap between consecutive published units)"
        )
        if not result.success:
            raise DataError(
                [
                    issue(
                        "calibrate.no-order",
                        f"no weights reproduce the published order of {reference.file}; "
                        "nothing written",
                        got=result.message,
                        hint="allow more levels (--levels), or check the data and target",
                    )
                ]
            )
        say(
            f"calibration reproduces the published order of {reference.file}: smallest gap "
            f"between consecutive units = {result.min_gap:.4f} "
            f"({len(rows)} weights in {len(result.weights)} groups)"
        )
    else:
        say(
            f"calibration {'reproduces' if result.success else 'does NOT reproduce'} "
            f"{reference.file}: max |computed - published| = {result.max_abs_diff:.3g} "
            f"({len(rows)} weights in {len(result.weights)} groups; {result.message})"
        )
    chosen = pick_format(fmt, None)
    digits = {"before": 6, "after": 6, "change": 6} if chosen != "json" else {}
    columns = ["key_path", "group", "before", "after", "change"]
    shown, labels = localise(rows, columns, chosen, pick_language(lang, loaded.spec), loaded.spec)
    emit(
        render_rows(
            shown,
            columns,
            chosen,
            digits=digits,
            title=tr("t.calibrated", pick_language(lang, loaded.spec)),
            labels=labels,
            round_to=round_to,
            excel_safe_cells=excel_safe,
        ),
        None,
    )
    if not result.success:
        # the best attempt is printed above for inspection; the exit code says it failed
        raise DataError(
            [
                issue(
                    "calibrate.no-fit",
                    "no weights reproduce the published scores"
                    + ("; nothing written" if output is not None else ""),
                    got=f"max |diff| {result.max_abs_diff:.3g}",
                    hint="allow more levels (--levels), or check the data and target",
                )
            ]
        )
    if output is not None:
        spec_path = resolve_spec_path(spec)
        target_rel = os.path.relpath(Path(target).resolve(), Path(output).resolve().parent)
        if result.rank_only:
            method = (
                "rank-only target (no scores published): weights maximising the smallest "
                "gap between consecutive published units, unlisted units below the last "
                "(SLSQP, seeded restarts); the closest to the uncalibrated spec among them"
            )
            fit: dict[str, float | int] = {
                "min_gap": float(f"{result.min_gap:.4g}"),
                "units": len(reference.units),
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
            fit = {
                "max_abs_diff": float(f"{result.max_abs_diff:.3g}"),
                "units": len(reference.units),
            }
            what = "the published scores"
        block: dict[str, object] = {
            "target": target_rel,
            "method": method,
            "levels": sorted(chosen_levels) if chosen_levels else "all",
            **({"min_weight": min_weight} if min_weight else {}),
            **({"min_indicator_weight": min_indicator_weight} if min_indicator_weight else {}),
            "fit": fit,
            "date": date or dt.date.today().isoformat(),
            "note": "The published report's own weights and raw data are not public; these "
            f"weights were fitted by cityindex calibrate so that this spec reproduces {what}. "
            "They are not the report's method.",
        }
        if spec_path.resolve() != Path(output).resolve():
            block["from"] = os.path.relpath(spec_path.resolve(), Path(output).resolve().parent)
        data_file = loaded.spec.index.data
        if data_file is not None and "index.data" in loaded.spec.spans:
            # keep the data reachable from wherever the calibrated spec is written
            values["index.data"] = os.path.relpath(
                data_file.resolve(), Path(output).resolve().parent
            )
        write_calibrated(loaded, values, block, output)


def write_calibrated(
    loaded: Loaded, values: Mapping[str, Any], block: Mapping[str, Any], output: Path
) -> None:
    """Write the spec with `values` replaced and a calibration block stamped with the digest
    of the weights the written spec computes with (so a later edit shows as a change)."""
    from cityindex.analysis.calibration_claim import DIGEST_KEY, weights_digest

    unstamped = {k: v for k, v in block.items() if k != DIGEST_KEY}
    text = rewrite_spec(loaded.spec, values, {"calibration": unstamped})
    written = Path(output)
    spec, issues = parse_spec(text, file=str(written), base_dir=written.resolve().parent)
    if spec is None or issues:
        raise SpecError(issues)
    digest = weights_digest(compute(spec, loaded.table).weights)
    stamped = {**unstamped, DIGEST_KEY: digest}
    write_atomic(written, rewrite_spec(loaded.spec, values, {"calibration": stamped}))
    say(f"wrote {output} ({DIGEST_KEY}: {digest[:12]}…)")


def _stamp(loaded: Loaded, target: Path, output: Path | None) -> None:
    """`calibrate --stamp`: record the digest of the spec's current weights in its existing
    calibration block, after checking that they reproduce the target (nothing is fitted)."""
    from cityindex.analysis.check import check as compare
    from cityindex.load.seeds import load_reference

    if output is None:
        raise UsageError(
            [
                issue(
                    "usage.stamp.output",
                    "--stamp needs --output (the spec itself to stamp it in place)",
                    hint="e.g. cityindex calibrate SPEC --target FILE --stamp -o SPEC",
                )
            ]
        )
    block = loaded.spec.calibration
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
    reference = load_reference(target)
    _require_units(reference.units, loaded.table.units, str(target))
    report = compare(compute_loaded(loaded, quiet=True), reference)
    if not report.reproduced:
        raise DataError(
            [
                issue(
                    "calibrate.stamp.not-reproduced",
                    f"the spec's weights do not reproduce {target}; nothing written",
                    hint="run cityindex calibrate without --stamp to fit the weights again",
                )
            ]
        )
    say(f"the spec's weights reproduce {target}: recording their digest")
    write_calibrated(loaded, {}, dict(block), output)


def _parse_levels(levels: str | None) -> set[int] | None:
    if levels is None:
        return None
    try:
        return {int(x) for x in levels.split(",") if x.strip()}
    except ValueError:
        raise UsageError(
            [issue("usage.levels", f"--levels takes numbers like 1,2; got {levels!r}")]
        ) from None


def _require_units(wanted: tuple[str, ...], have: tuple[str, ...], file: str) -> None:
    missing = [u for u in wanted if u not in have]
    if missing:
        raise DataError(
            [
                issue(
                    "reference.unit.unknown",
                    f"unit '{u}' of {file} is not in the data",
                    hint=did_you_mean(u, have),
                )
                for u in missing
            ]
        )


@app.command()
def check(
    against: AgainstOpt,
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    sets: SetOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    lang: LangOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    round_to: DigitsOpt = None,
) -> None:
    """Compare computed scores with a published result; exit 1 if any is not reproduced.

    A score counts as reproduced when it rounds to the published figure at the published
    precision (0.7449 → within 0.00005).

    Example: cityindex check --against seeds/ai-city-competitiveness-2024.csv
    """
    from cityindex.analysis.check import check as compare
    from cityindex.load.seeds import load_reference

    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    reference = load_reference(against)
    _require_units(reference.units, loaded.table.units, str(against))
    result = compute_loaded(loaded)
    report = compare(result, reference)
    chosen = pick_format(fmt, output)
    language = pick_language(lang, loaded.spec)
    if report.rank_only:
        say(
            f"no scores were published in {against}: comparing ranks only (exact match of "
            f"the {len(report.rows)} published ranks; Kendall's tau over those units)"
        )
        columns = ["unit", "published_rank", "computed_rank", "computed_score", "reproduced"]
    else:
        columns = list(OUTPUT_COLUMNS["calibrate check"])
    extra = {
        "max_abs_diff": report.max_abs_diff,
        "spearman": report.spearman,
        "kendall_tau": report.kendall_tau,
        "rank_only": report.rank_only,
        "reproduced": report.reproduced,
    }
    rows, labels = localise(report.rows, columns, chosen, language, loaded.spec)
    emit(
        render_rows(
            rows,
            columns,
            chosen,
            digits={"published_rank": 0, "computed_rank": 0},
            display_digits={"published_score": 4, "computed_score": 4},
            title=tr("t.check", language, id=loaded.spec.index.id, against=against),
            extra_json=extra,
            labels=labels,
            round_to=round_to,
            excel_safe_cells=excel_safe,
        ),
        output,
    )
    verdict = "reproduced" if report.reproduced else "NOT reproduced"
    if report.rank_only:
        matched = sum(1 for r in report.rows if r["reproduced"])
        say(
            f"published ranks matched: {matched} of {len(report.rows)}; "
            f"Kendall's tau = {report.kendall_tau:.4f}; {verdict}"
        )
    else:
        say(
            f"max |computed - published| = {report.max_abs_diff:.3g}; "
            f"Spearman rank correlation = {report.spearman:.4f}; {verdict}"
        )
    if not report.reproduced:
        raise typer.Exit(1)


__all__ = ["ROOT", "calibrate", "check"]
