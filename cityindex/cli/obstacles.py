"""`obstacles` and `coupling`: diagnostics on a computed index (障碍度, 耦合协调度)."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex import api
from cityindex.cli.application import app
from cityindex.cli.common import compute_loaded, emit_rows, load, pick_language, say
from cityindex.cli.options import INPUT, OUTPUT, Options, shared
from cityindex.render.choices import parse_groups
from cityindex.render.diagnostics import coupling_rows, obstacle_rows
from cityindex.render.i18n import tr
from cityindex.render.messages import message_language

ALL = (*INPUT, *OUTPUT, "top")


@app.command()
@shared(*ALL)
def obstacles(
    opts: Options,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Show every indicator for this one unit.")
    ] = None,
    count: Annotated[
        int, typer.Option("--count", help="Obstacles listed per unit (largest first).", min=1)
    ] = 3,
) -> None:
    """Obstacle degree (障碍度): which indicators hold each unit back, in percent.

    O_ij = 100 · F_j (1 − z_ij) / Σ_k F_k (1 − z_ik), F_j the indicator's effective weight and
    z_ij its normalised value in [0, 1]. Units in rank order; rows: unit, rank, indicator,
    group, normalised value, obstacle degree.

    Example: cityindex obstacles --unit Shenzhen
    """
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    result = compute_loaded(loaded, quiet=True)
    degrees = api.obstacles(result)
    unit = None if unit is None else result.unit_id(unit, option="--unit")  # id or Chinese name
    rows = obstacle_rows(degrees, result, loaded.spec, unit=unit, count=count)
    if opts.top is not None:
        rows = rows[: opts.top * (len(degrees.columns) if unit is not None else count)]
    columns = [result.unit_column, "rank", "indicator", "group", "normalised", "obstacle_degree"]
    digits: dict[str, int | None] = {"rank": 0, "normalised": 4, "obstacle_degree": 2}
    emit_rows(rows, columns, digits, "t.obstacles", opts, loaded, result)


@app.command()
@shared(*ALL)
def coupling(
    opts: Options,
    groups: Annotated[
        str, typer.Option("--groups", help="Two or more group ids, comma-separated: a,b.")
    ] = "",
    language: Annotated[str | None, typer.Option("--language", hidden=True)] = None,
) -> None:
    """Coupling coordination (耦合协调度) of two or more groups, per unit.

    C = (Π U_i)^(1/m) / (Σ U_i / m), T = Σ U_i / m, D = √(C·T), with U_i the group scores in
    [0, 1]; the band is one of ten equal steps of D (极度失调 … 优质协调, in --lang's language).
    Rows by D, highest first (--top N: the N best coordinated); `rank` is the index rank.

    Example: cityindex coupling --groups policy,innovation,financing
    """
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    wanted = parse_groups(groups, [g.id for g in loaded.spec.all_groups()])
    result = compute_loaded(loaded, quiet=True)
    if language is not None:  # deprecated: --lang names the bands, as it does everything else
        say(tr("msg.language_deprecated", message_language()))
    bands = pick_language(opts.lang or language, loaded.spec)
    frame = api.coupling(result, wanted, language=bands)
    rows = coupling_rows(frame, result, wanted)[: opts.top]
    columns = [result.unit_column, "rank", *wanted, "coupling", "development", "coordination"]
    digits: dict[str, int | None] = dict.fromkeys(columns[2:], 4)
    emit_rows(rows, [*columns, "band"], {**digits, "rank": 0}, "t.coupling", opts, loaded, result)
