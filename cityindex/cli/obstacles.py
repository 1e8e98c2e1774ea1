"""`obstacles` and `coupling`: diagnostics on a computed index (障碍度, 耦合协调度)."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import typer

from cityindex.analysis.diagnostics import (
    coordination_band,
    coupling_coordination,
    diagnostic_error,
    obstacle_degree,
)
from cityindex.cli.application import app
from cityindex.cli.common import (
    check_choice,
    compute_loaded,
    emit,
    load,
    localise,
    pick_format,
    pick_language,
    unknown_choice,
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
    TopOpt,
    YearOpt,
)
from cityindex.errors import UsageError, issue
from cityindex.methods.registry import DomainError
from cityindex.model.spec import Indicator, Spec
from cityindex.render.formats import render_rows
from cityindex.render.i18n import tr


def _group_of(spec: Spec) -> dict[str, str]:
    """The group each indicator sits in."""
    return {
        child.id: group.id
        for group in spec.all_groups()
        for child in group.children
        if isinstance(child, Indicator)
    }


def _rank(value: float) -> int | None:
    """A rank as a whole number (None for an unranked unit)."""
    return None if np.isnan(value) else int(value)


@app.command()
def obstacles(
    spec: SpecArg = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Show every indicator for this one unit.")
    ] = None,
    count: Annotated[
        int, typer.Option("--count", help="Obstacles listed per unit (largest first).", min=1)
    ] = 3,
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    top: TopOpt = None,
    sets: SetOpt = None,
    digits: DigitsOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    lang: LangOpt = None,
) -> None:
    """Obstacle degree (障碍度): which indicators hold each unit back, in percent.

    O_ij = 100 · F_j (1 − z_ij) / Σ_k F_k (1 − z_ik), F_j the indicator's effective weight and
    z_ij its normalised value in [0, 1]. Units in rank order; rows: unit, rank, indicator,
    group, normalised value, obstacle degree.

    Example: cityindex obstacles --unit Shenzhen
    """
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    result = compute_loaded(loaded, quiet=True)
    frame = result.stages["normalised"]
    ids = [str(c) for c in frame.columns]
    z = frame.to_numpy(dtype=float)
    weights = result.effective_weights.reindex(ids).to_numpy(dtype=float)
    try:
        degrees = obstacle_degree(z, weights)
    except DomainError as exc:
        raise diagnostic_error(exc, "obstacles", ids) from None
    units = list(result.units)
    check_choice("usage.unit.unknown", "unit", unit, units, option="--unit")
    group_of = _group_of(loaded.spec)
    order = np.lexsort((np.arange(len(units)), np.nan_to_num(result.rank, nan=np.inf)))
    rows: list[dict[str, Any]] = []
    for i in order:
        if not result.included[i] or (unit is not None and units[i] != unit):
            continue
        ranked = np.argsort(-degrees[i], kind="stable")
        for j in ranked if unit is not None else ranked[:count]:
            rows.append(
                {
                    result.unit_column: units[i],
                    "rank": _rank(result.rank[i]),
                    "indicator": ids[j],
                    "group": group_of.get(ids[j], ""),
                    "normalised": float(z[i, j]),
                    "obstacle_degree": float(degrees[i, j]),
                }
            )
    if top is not None:
        rows = rows[: top * (len(ids) if unit is not None else count)]
    columns = [result.unit_column, "rank", "indicator", "group", "normalised", "obstacle_degree"]
    chosen = pick_format(fmt, output)
    language = pick_language(lang, loaded.spec)
    rows, labels = localise(rows, columns, chosen, language, loaded.spec)
    emit(
        render_rows(
            rows,
            columns,
            chosen,
            labels=labels,
            display_digits={"rank": 0, "normalised": 4, "obstacle_degree": 2},
            round_to=digits,
            excel_safe_cells=excel_safe,
            title=tr("t.obstacles", language),
            extra_json={"manifest": result.manifest},
        ),
        output,
    )


@app.command()
def coupling(
    spec: SpecArg = None,
    groups: Annotated[
        str, typer.Option("--groups", help="Two or more group ids, comma-separated: a,b.")
    ] = "",
    language: Annotated[
        str, typer.Option("--language", help="Band names: zh (中文) or en.")
    ] = "zh",
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    top: TopOpt = None,
    sets: SetOpt = None,
    digits: DigitsOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    lang: LangOpt = None,
) -> None:
    """Coupling coordination (耦合协调度) of two or more groups, per unit.

    C = (Π U_i)^(1/m) / (Σ U_i / m), T = Σ U_i / m, D = √(C·T), with U_i the group scores in
    [0, 1]; the band is one of ten equal steps of D (极度失调 … 优质协调). Rows are sorted by D,
    highest first (--top N: the N best coordinated units); `rank` is the unit's index rank.

    Example: cityindex coupling --groups policy,innovation,financing
    """
    wanted = [g.strip() for g in groups.split(",") if g.strip()]
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    known = [g.id for g in loaded.spec.all_groups()]
    problems = [
        unknown_choice("usage.group.unknown", "group", g, known, option="--groups")
        for g in wanted
        if g not in known
    ]
    if len(wanted) < 2:
        problems.append(
            issue(
                "usage.groups.count",
                "--groups needs at least two group ids, comma-separated",
                expected="two or more of: " + ", ".join(known),
                hint=f"e.g. --groups {','.join(known[:2])}" if len(known) >= 2 else None,
            )
        )
    if problems:
        raise UsageError(problems)
    result = compute_loaded(loaded, quiet=True)
    u = result.group_scores[wanted].to_numpy(dtype=float)
    keep = result.included
    try:
        outcome = coupling_coordination(u[keep])
    except DomainError as exc:
        raise diagnostic_error(exc, "coupling", wanted) from None
    bands = coordination_band(outcome.coordination, language=language)
    units = [unit for unit, k in zip(result.units, keep, strict=True) if k]
    ranks = result.rank[keep]
    rows = [
        {
            result.unit_column: units[i],
            "rank": _rank(ranks[i]),
            **{g: float(u[keep][i, k]) for k, g in enumerate(wanted)},
            "coupling": float(outcome.coupling[i]),
            "development": float(outcome.development[i]),
            "coordination": float(outcome.coordination[i]),
            "band": bands[i],
        }
        for i in np.argsort(-outcome.coordination, kind="stable")
    ]
    if top is not None:
        rows = rows[:top]
    columns = [
        result.unit_column,
        "rank",
        *wanted,
        "coupling",
        "development",
        "coordination",
        "band",
    ]
    chosen = pick_format(fmt, output)
    display: dict[str, int | None] = dict.fromkeys(
        [*wanted, "coupling", "development", "coordination"], 4
    )
    language = pick_language(lang, loaded.spec)
    rows, labels = localise(rows, columns, chosen, language, loaded.spec)
    emit(
        render_rows(
            rows,
            labels=labels,
            columns=columns,
            fmt=chosen,
            display_digits={**display, "rank": 0},
            round_to=digits,
            excel_safe_cells=excel_safe,
            title=tr("t.coupling", language),
            extra_json={"manifest": result.manifest},
        ),
        output,
    )
