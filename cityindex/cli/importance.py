"""`importance`: each child's correlation and first-order importance beside its weights."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex import api
from cityindex.cli.application import app
from cityindex.cli.common import compute_loaded, emit, load, pick_format, pick_language
from cityindex.cli.options import INPUT, OUTPUT, Options, shared
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.render.choices import localised_text
from cityindex.render.i18n import tr

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
    chosen = pick_format(opts.fmt, opts.output)
    language = pick_language(opts.lang, loaded.spec)
    digits = {c: 3 for c in COLUMNS if c not in ("parent", "child", "level")}
    text = localised_text(
        rows,
        COLUMNS,
        chosen,
        language=language,
        spec=loaded.spec,
        round_to=opts.digits,
        excel_safe=opts.excel_safe,
        display_digits=digits,
        title=tr("t.importance", language),
    )
    emit(text, opts.output)
