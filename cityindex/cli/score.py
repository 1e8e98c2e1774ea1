"""`score`, `validate` and `weights`: the everyday commands."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cityindex.cli import app
from cityindex.cli.common import (
    DataOpt,
    EncodingOpt,
    ExcelSafeOpt,
    FormatOpt,
    OutputOpt,
    SetOpt,
    SpecArg,
    TopOpt,
    YearOpt,
    compute_loaded,
    emit,
    load,
    pick_format,
    say,
)
from cityindex.pipeline import ROOT
from cityindex.render import render_rows, render_score
from cityindex.result import IndexResult
from cityindex.spec import Indicator, Spec


def calibration_caption(spec: Spec) -> str | None:
    """A one-line note when the spec's weights were calibrated to a published result."""
    cal = spec.calibration
    if not cal:
        return None
    target = cal.get("target", "a published result")
    return f"weights calibrated to reproduce {target} (see the spec's calibration: block)"


@app.command()
def score(
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    top: TopOpt = None,
    sets: SetOpt = None,
    coverage: Annotated[
        bool, typer.Option("--coverage", help="Add the data-coverage column to CSV output.")
    ] = False,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
) -> None:
    """Score and rank every unit.

    Example: cityindex score --top 5 --set groups.policy.weight=0.3
    """
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    result = compute_loaded(loaded)
    chosen = pick_format(fmt, output)
    title = f"{loaded.spec.index.title} ({len(result.units) - len(result.excluded())} units)"
    text = render_score(
        result,
        chosen,
        title=title,
        top=top,
        coverage=coverage,
        caption=calibration_caption(loaded.spec),
        excel_safe_cells=excel_safe,
    )
    emit(text, output)


@app.command()
def validate(
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    sets: SetOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """Check a spec and its data; report every problem with file:line:column and key path.

    Example: cityindex validate indicators/ai-city-2024.yaml
    """
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    result = compute_loaded(loaded)
    n_ind = len(loaded.spec.indicators())
    n_grp = len(loaded.spec.all_groups())
    say(
        f"ok: {loaded.spec.index.id}: {n_grp} groups, {n_ind} indicators, "
        f"{len(result.units)} units ({len(result.excluded())} excluded)"
    )


def weight_rows(spec: Spec, result: IndexResult) -> list[dict[str, Any]]:
    """One row per indicator: its group, weight within the group, effective weight."""
    rows: list[dict[str, Any]] = []
    for group in spec.all_groups():
        w = result.weights[group.id]
        for child in group.children:
            if isinstance(child, Indicator):
                rows.append(
                    {
                        "indicator": child.id,
                        "group": group.id,
                        "weight": float(w[child.id]),
                        "effective_weight": float(result.effective_weights[child.id]),
                    }
                )
    return rows


def group_weight_rows(spec: Spec, result: IndexResult) -> list[dict[str, Any]]:
    """One row per group: its parent, weight within the parent, effective weight."""
    eff: dict[str, float] = {}
    rows: list[dict[str, Any]] = []

    def visit(gid: str, parent: str, share: float) -> None:
        children = (
            spec.groups if gid == ROOT else next(g for g in spec.all_groups() if g.id == gid).groups
        )
        for child in children:
            w = float(result.weights[gid][child.id])
            eff[child.id] = share * w
            rows.append(
                {"group": child.id, "parent": parent, "weight": w, "effective_weight": share * w}
            )
            visit(child.id, child.id, share * w)

    visit(ROOT, spec.index.id, 1.0)
    return rows


@app.command()
def weights(
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    sets: SetOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
) -> None:
    """Show every weight: within its group and effective (product down the tree).

    CSV columns: indicator, group, weight, effective_weight.

    Example: cityindex weights --format csv
    """
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    result = compute_loaded(loaded, quiet=True)
    chosen = pick_format(fmt, output)
    rows = weight_rows(loaded.spec, result)
    columns = ["indicator", "group", "weight", "effective_weight"]
    if chosen == "json":
        groups = group_weight_rows(loaded.spec, result)
        extra = {"manifest": result.manifest, "groups": groups}
        emit(render_rows(rows, columns, "json", extra_json=extra), output)
        return
    digits: dict[str, int | None] = (
        {"weight": 4, "effective_weight": 4} if chosen in ("table", "markdown") else {}
    )
    text = render_rows(
        rows, columns, chosen, digits=digits, title="Indicator weights", excel_safe_cells=excel_safe
    )
    if chosen == "table":
        grows = group_weight_rows(loaded.spec, result)
        text += render_rows(
            grows,
            ["group", "parent", "weight", "effective_weight"],
            "table",
            digits=digits,
            title="Group weights",
        )
    emit(text, output)
