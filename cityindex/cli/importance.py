"""`importance`: each child's correlation and first-order importance beside its weights."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex import api
from cityindex.cli.application import app
from cityindex.cli.common import compute_loaded, emit_rows, load
from cityindex.cli.options import INPUT, OUTPUT, Options, shared
from cityindex.model.output_columns import OUTPUT_COLUMNS

COLUMNS = list(OUTPUT_COLUMNS["importance"])


@app.command(name="importance")
@shared(*INPUT, *OUTPUT)
def importance_command(
    opts: Options,
    level: Annotated[
        int | None,
        typer.Option(
            "--level", min=1, help="Only the children at this depth (1 = the index's children)."
        ),
    ] = None,
) -> None:
    """Importance vs weights: correlation and first-order S = V(E(y|x))/V(y) of every child.

    S is estimated by local linear regression (Gaussian kernel, Silverman's bandwidth);
    ratio = S's share among siblings / the weight used (Becker et al. 2017). Rows with
    parent "(index)" and level 0 compare every indicator with the index.

    Example: cityindex importance indicators/asem-example.yaml --level 1
    """
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    result = compute_loaded(loaded, quiet=True)
    rows = api.importance_rows(loaded.spec, result, level=level)
    digits: dict[str, int | None] = {c: 3 for c in COLUMNS if c not in ("parent", "child", "level")}
    emit_rows(rows, COLUMNS, digits, "t.importance", opts, loaded)
