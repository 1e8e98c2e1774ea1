"""`optimise-weights`: COINr's level-wide balanced weights (every weight of one level at once)."""

from __future__ import annotations

import shlex
from typing import Annotated

import typer

from cityindex import api
from cityindex.cli.application import app
from cityindex.cli.common import emit, load, pick_format, pick_language, say
from cityindex.cli.options import INPUT, OUTPUT, Options, shared
from cityindex.errors import UsageError, issue
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.render.choices import localised_text
from cityindex.render.published import unreachable, worst_child

COLUMNS = list(OUTPUT_COLUMNS["optimise-weights"])


@app.command(name="optimise-weights")
@shared(*INPUT, *OUTPUT)
def optimise_weights_command(
    opts: Options,
    level: Annotated[
        int,
        typer.Option(
            "--level",
            min=1,
            help="The level whose weights vary, counted as COINr counts: 1 = indicators.",
        ),
    ] = 2,
    target: Annotated[
        str,
        typer.Option(
            "--target", help="equal, or each child's share: id=share,id=share,... (made relative)."
        ),
    ] = "equal",
    measure: Annotated[
        str,
        typer.Option("--measure", help="What is balanced (correlation with the index)."),
    ] = "correlation",
) -> None:
    """Level-wide optimised weights: each child's correlation with the index at its target share.

    COINr's get_opt_weights(optype = "balance"): all weights of one level vary at once and
    each child's correlation with the index is compared with its target share; f is the mean
    squared gap, minimised with weights >= 0 (bounded least squares, several starts). When the
    target is reached, the --set lines for the weights found go to stderr; when no non-negative
    weights reach it the command exits 1 with the closest shares.

    Example: cityindex optimise-weights indicators/asem-example.yaml --level 3
    """
    if measure != "correlation":
        raise UsageError(
            [
                issue(
                    "usage.measure",
                    f"--measure {measure!r} is not supported",
                    expected="correlation",
                    got=measure,
                )
            ]
        )
    wanted = api.parse_target(target)
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    try:
        found = api.level_optimum(loaded.spec, loaded.table, level, wanted)
    except ValueError as exc:
        raise UsageError(
            [issue("usage.level", f"--level {level} / --target: {exc}", got=target)]
        ) from None
    chosen = pick_format(opts.fmt, opts.output)
    text = localised_text(
        found.rows(),
        COLUMNS,
        chosen,
        language=pick_language(opts.lang, loaded.spec),
        spec=loaded.spec,
        round_to=opts.digits,
        excel_safe=opts.excel_safe,
        display_digits={c: 6 for c in COLUMNS if c not in ("child", "parent")},
        title=f"optimised weights, level {level}",
    )
    emit(text, opts.output)
    if found.reached:
        after = dict(zip(found.children, found.after, strict=True))
        for line in api.set_arguments(loaded.spec, after):
            say(f"--set {shlex.quote(line)}")
        return
    key = api.weight_path(loaded.spec, worst_child(found))
    raise unreachable(found, loaded.spec, key)
