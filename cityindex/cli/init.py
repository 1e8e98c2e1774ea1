"""`init`: a starter spec from a CSV's header, so an analyst's own data scores in minutes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cityindex.api import init
from cityindex.cli.application import app
from cityindex.cli.common import emit, say


@app.command(name="init")
def init_command(
    data: Annotated[
        Path, typer.Argument(help="Your data: a CSV exported from Excel (UTF-8 or GBK).")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the spec here (default: print it)."),
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="The column naming each row (default: guessed).")
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="The CSV's encoding (default: UTF-8, else GBK)."),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="The index's title.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --output.")] = False,
) -> None:
    """Write a starter spec for your CSV: one group of every numeric column, equal weights.

    The unit column is the first text column with a different value in every row (or --unit);
    every all-numeric column becomes an indicator. Check each `direction` (all start as
    higher_is_better) and the weights, then score it.

    Example: cityindex init data/cities-2024.csv
    """
    text = init(data, output=output, unit=unit, encoding=encoding, title=title, overwrite=force)
    if output is None:
        emit(text, None)
        return
    say(f"wrote {output}: check each `direction`, then run: cityindex score {output}")
