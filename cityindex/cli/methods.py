"""`methods`: every registered method by stage, with its formula line and its parameters
(read from the registry by `api.reading.method_rows`, so the listing cannot drift)."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex.api.reading import METHOD_STAGES, method_rows
from cityindex.cli.application import app
from cityindex.cli.common import emit, pick_format, pick_language
from cityindex.cli.options import Options, shared
from cityindex.render.methods import render_methods


@app.command(name="methods")
@shared("fmt", "output", "excel_safe", "lang")
def methods_command(
    stage: Annotated[
        str | None,
        typer.Argument(
            help="Only this stage: " + ", ".join(METHOD_STAGES) + " (default: every stage).",
            show_default=False,
        ),
    ] = None,
    *,
    opts: Options,
) -> None:
    """List every method a spec can name, by stage: its formula and its parameters.

    Stages in pipeline order; params as `name: type = default` (JSON: a list of name, type,
    default, required, doc). The formulas are the registry's own, the ones the kernels compute.

    Example: cityindex methods weights --format markdown
    """
    rows = method_rows(stage)
    chosen = pick_format(opts.fmt, opts.output)
    language = pick_language(opts.lang)
    emit(
        render_methods(rows, stage, chosen, excel_safe=opts.excel_safe, language=language),
        opts.output,
    )
