"""`calibrate` and `check`: fit weights to a published result, and verify reproduction."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, cast

import typer

from cityindex import api
from cityindex.api.calibration_file import stamp_calibration, write_calibrated
from cityindex.cli.application import app
from cityindex.cli.common import (
    Loaded,
    compute_loaded,
    emit,
    load,
    pick_format,
    pick_language,
    resolve_spec_path,
    say,
)
from cityindex.cli.options import INPUT, OUTPUT, Options, shared
from cityindex.load.files import check_output, note_input
from cityindex.load.seeds import load_reference
from cityindex.render.calibrate import (
    calibrated_text,
    calibrated_values,
    calibration_block,
    fit_error,
    fit_note,
    in_bounds,
    order_notes,
    residual_lines,
    stamp_needs_output,
    wrote_spec,
)
from cityindex.render.choices import parse_band, parse_levels, parse_share
from cityindex.render.messages import message_language
from cityindex.render.published import check_notes, check_text

TargetOpt = Annotated[
    Path, typer.Option("--target", help="Published result: CSV with unit,score,rank,source.")
]
AgainstOpt = Annotated[
    Path, typer.Option("--against", help="Published result: CSV with unit,score,rank,source.")
]


@app.command()
@shared(*INPUT, *OUTPUT)
def calibrate(
    target: TargetOpt,
    opts: Options,
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
    dimension_band: Annotated[
        str,
        typer.Option(
            "--dimension-band",
            help="LOW,HIGH: keep every dimension's weight in this band; none: no band.",
        ),
    ] = "0.10,0.35",
    max_indicator_share: Annotated[
        str,
        typer.Option(
            "--max-indicator-share",
            help="No indicator above this share of its group; none (or 1): no bound.",
        ),
    ] = "0.5",
    accept_residual: Annotated[
        bool,
        typer.Option(
            "--accept-residual",
            help="When no weights inside the bounds reproduce the target, take the closest "
            "in-band fit (exit 0; --output records its residual).",
        ),
    ] = False,
) -> None:
    """Find weights, closest to the spec's, that reproduce a published result.

    Prints the weights it changed; with --output writes the calibrated spec (comments kept)
    with a `calibration:` block saying what was fitted to what, and `weights_sha256`, the
    digest of the calibrated weights: while a spec's weights match it, `score` and `report`
    say they are calibrated; after an edit they say the weights changed since calibration.
    --min-weight keeps every group's weight at or above a floor, so no dimension is switched
    off. Every dimension's weight stays in --dimension-band and no indicator weighs more than
    --max-indicator-share of its group; when no weights inside those bounds reproduce the
    target, the closest in-band fit and its residual per unit are shown (exit 1, or exit 0
    and written with --accept-residual).

    Example: cityindex calibrate --target seeds/ai-city-competitiveness-2024.csv
    --dimension-band none --max-indicator-share none -o fitted.yaml
    """
    band, share = parse_band(dimension_band), parse_share(max_indicator_share)
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    output = opts.output
    if output is not None:  # in place over the spec is allowed; over the data or target never
        note_input(target)
        check_output(output, replacing=resolve_spec_path(opts.spec))
    if stamp:
        _stamp(loaded, target, output)
        return
    reference = api.published_reference(load_reference(target), loaded.table.units)
    chosen_levels = parse_levels(levels)
    frame = api.calibrate(
        api.Index(loaded.spec, loaded.table),
        reference,
        levels=None if chosen_levels is None else sorted(chosen_levels),
        min_weight=min_weight,
        min_indicator_weight=min_indicator_weight,
        min_gap=min_gap,
        dimension_band=band,
        max_indicator_share=share,
    )
    fit = cast("dict[str, Any]", frame.attrs)
    rows = cast("list[dict[str, Any]]", frame.reset_index().to_dict("records"))
    if fit["rank_only"]:
        before, after = order_notes(fit, reference.file, len(rows))
        say(before)
        if not fit["success"]:
            raise fit_error(fit, reference.file, writing=True)
        say(after)
    else:
        say(fit_note(fit, reference.file, len(rows)))
    chosen = pick_format(opts.fmt, None)
    language = pick_language(opts.lang, loaded.spec)
    kw: dict[str, Any] = {"round_to": opts.digits, "excel_safe": opts.excel_safe}
    emit(calibrated_text(rows, chosen, loaded.spec, language=language, **kw), None)
    closest = in_bounds(fit)
    if closest:
        for line in residual_lines(fit, reference.file):
            say(line)
    if not fit["success"] and not (closest and accept_residual):
        # the best attempt is printed above; the exit code says it failed
        raise fit_error(fit, reference.file, writing=output is not None)
    if output is None:
        return
    block = calibration_block(
        fit,
        target=target,
        output=output,
        spec_path=resolve_spec_path(opts.spec),
        units=len(reference.units),
        levels=chosen_levels,
        min_weight=min_weight,
        min_indicator_weight=min_indicator_weight,
        min_gap=min_gap,
        date=date,
    )
    spec = loaded.spec
    values = calibrated_values(rows, spec.index.data, "index.data" in spec.spans, output)
    say(wrote_spec(output, write_calibrated(spec, loaded.table, values, block, output)))


def _stamp(loaded: Loaded, target: Path, output: Path | None) -> None:
    """`calibrate --stamp`: check the spec's weights reproduce the target, record their digest."""
    if output is None:
        raise stamp_needs_output()
    digest = stamp_calibration(loaded.spec, loaded.table, target, output)
    say(f"the spec's weights reproduce {target}: recording their digest")
    say(wrote_spec(output, digest))


@app.command()
@shared(*INPUT, *OUTPUT)
def check(against: AgainstOpt, opts: Options) -> None:
    """Compare computed scores with a published result; exit 1 if any is not reproduced.

    A score counts as reproduced when it rounds to the published figure at the published
    precision (0.7449 → within 0.00005).

    Example: cityindex check --against seeds/ai-city-competitiveness-2024.csv
    """
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    reference = api.published_reference(load_reference(against), loaded.table.units)
    report = api.check_report(compute_loaded(loaded), reference)
    chosen = pick_format(opts.fmt, opts.output)
    language = pick_language(opts.lang, loaded.spec)
    before, after = check_notes(report, against, message_language())
    if before is not None:
        say(before)
    text = check_text(
        report,
        chosen,
        loaded.spec,
        against,
        language=language,
        round_to=opts.digits,
        excel_safe=opts.excel_safe,
    )
    emit(text, opts.output)
    say(after)
    if not report.reproduced:
        raise typer.Exit(1)
