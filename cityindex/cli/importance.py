"""`importance`: each child's correlation and first-order importance beside its weights."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex.cli.application import app
from cityindex.cli.common import (
    compute_loaded,
    emit,
    load,
    localise,
    pick_format,
    pick_language,
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
from cityindex.render.formats import render_rows
from cityindex.render.i18n import tr


@app.command(name="importance")
def importance_command(
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    sets: SetOpt = None,
    level: Annotated[
        int | None,
        typer.Option(
            "--level", min=1, help="Only the children at this depth (1 = the index's children)."
        ),
    ] = None,
    digits: DigitsOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    lang: LangOpt = None,
) -> None:
    """Importance vs weights: correlation and first-order S = V(E(y|x))/V(y) of every child.

    S is estimated by local linear regression (Gaussian kernel, Silverman's bandwidth);
    ratio = S's share among siblings / the weight used (Becker et al. 2017). Rows with
    parent "(index)" and level 0 compare every indicator with the index.

    Example: cityindex importance indicators/asem-example.yaml --level 1
    """
    from cityindex.analysis.importance import COLUMNS, importance

    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    result = compute_loaded(loaded, quiet=True)
    rows = importance(loaded.spec, result, level=level)
    chosen = pick_format(fmt, output)
    language = pick_language(lang, loaded.spec)
    rows, labels = localise(rows, COLUMNS, chosen, language, loaded.spec)
    text = render_rows(
        rows,
        labels=labels,
        columns=COLUMNS,
        fmt=chosen,
        display_digits={c: 3 for c in COLUMNS if c not in ("parent", "child", "level")},
        round_to=digits,
        excel_safe_cells=excel_safe,
        title=tr("t.importance", language),
    )
    emit(text, output)
