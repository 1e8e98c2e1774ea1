"""`audit`: indicator statistics, correlations and flags, Cronbach's alpha, PCA per group."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

from cityindex.analysis.audit_columns import GROUP_COLUMNS, INDICATOR_COLUMNS, PAIR_COLUMNS
from cityindex.cli.application import app
from cityindex.cli.common import (
    check_choice,
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
from cityindex.cli.workbook import emit_xlsx, wants_xlsx
from cityindex.render.formats import render_rows, round_floats, to_json
from cityindex.render.i18n import Language, stage_name, tr

if TYPE_CHECKING:
    from cityindex.analysis.audit import Audit
    from cityindex.model.spec import Spec

PARTS = {"indicators": INDICATOR_COLUMNS, "groups": GROUP_COLUMNS, "pairs": PAIR_COLUMNS}


def audit_text(
    result: Audit,
    fmt: str,
    part: str | None = None,
    *,
    round_to: int | None = None,
    excel_safe: bool = False,
    language: Language = "en",
    spec: Spec | None = None,
) -> str:
    """JSON holds all three tables; CSV one (`part`, default indicators); tables all three."""
    if fmt == "json":
        payload = asdict(result)
        return to_json(payload if round_to is None else round_floats(payload, round_to))
    if fmt == "csv":
        chosen = part or "indicators"
        rows = getattr(result, chosen)
        return render_rows(
            rows, PARTS[chosen], "csv", round_to=round_to, excel_safe_cells=excel_safe
        )  # CSV keeps the ids, in every language
    digits: dict[str, int | None] = {
        c: 3
        for c in (*INDICATOR_COLUMNS, *GROUP_COLUMNS, *PAIR_COLUMNS)
        if c not in ("n", "children")
    }
    out = []
    for name in [part] if part else list(PARTS):
        rows = getattr(result, name)
        title = {
            "indicators": tr(
                "h.audit_indicators", language, stage=stage_name(result.stage, language)
            ),
            "groups": tr("t.audit_groups", language),
            "pairs": tr("t.audit_pairs", language),
        }[name]
        if not rows and name == "pairs":
            out.append(tr("t.audit_none", language, title=title) + "\n")
            continue
        rows, labels = localise(rows, PARTS[name], fmt, language, spec)
        text = render_rows(
            rows, PARTS[name], fmt, digits=digits, title=title, round_to=round_to, labels=labels
        )
        out.append(text)
    return "\n".join(out)


@app.command(name="audit")
def audit_command(
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    sets: SetOpt = None,
    part: Annotated[
        str | None,
        typer.Option("--part", help="Only one table: indicators, groups or pairs (CSV: one)."),
    ] = None,
    stage: Annotated[
        str,
        typer.Option("--stage", help="Stage for the indicator statistics: raw, treated, …"),
    ] = "raw",
    low: Annotated[
        float, typer.Option("--low", help="Flag indicator pairs correlating below this.")
    ] = 0.0,
    digits: DigitsOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    lang: LangOpt = None,
) -> None:
    """Audit the index: indicator statistics, correlations, Cronbach's alpha, PCA.

    Definitions follow COINr's get_stats, get_corr_flags and get_cronbach (see
    cityindex/analysis/audit.py). CSV prints one table (--part, default indicators).

    Example: cityindex audit indicators/asem-raw.yaml --part groups
    """
    from cityindex.analysis.audit import audit

    check_choice("usage.audit.part", "part", part, list(PARTS), option="--part")
    xlsx = wants_xlsx(fmt, output)
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    result = compute_loaded(loaded, quiet=True)
    check_choice("usage.audit.stage", "stage", stage, list(result.stages), option="--stage")
    report = audit(loaded.spec, result, stage=stage, low=low)
    language = pick_language(lang, loaded.spec)
    if xlsx and output is not None:
        sheets = {name: (cols, getattr(report, name)) for name, cols in PARTS.items()}
        emit_xlsx(output, sheets, loaded, result, language=language)
        return
    text = audit_text(
        report,
        pick_format(fmt, output),
        part,
        round_to=digits,
        excel_safe=excel_safe,
        language=language,
        spec=loaded.spec,
    )
    emit(text, output)
