"""`data check`: a data-quality report on the values an index uses (exit 1 on unsourced ones)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cityindex.cli.application import app
from cityindex.cli.common import (
    compute_loaded,
    emit,
    load,
    localise,
    pick_format,
    pick_language,
    say,
    warn,
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
from cityindex.errors import DataError, issue
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.render.formats import render_rows, round_floats, to_json
from cityindex.render.i18n import tr

if TYPE_CHECKING:
    from cityindex.analysis.data_quality import DataQualityReport

data_app = typer.Typer(
    help="Data files: quality checks.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(data_app, name="data")

UNIT_COLUMNS = list(OUTPUT_COLUMNS["data check units"])
INDICATOR_COLUMNS = list(OUTPUT_COLUMNS["data check indicators"])
OUTLIER_COLUMNS = list(OUTPUT_COLUMNS["data check outliers"])
FLAGGED_COLUMNS = list(OUTPUT_COLUMNS["data check flagged"])
MIRROR_COLUMNS = list(OUTPUT_COLUMNS["data check mirror"])
UNSOURCED_COLUMNS = list(OUTPUT_COLUMNS["data check unsourced"])
FINDING_COLUMNS = list(OUTPUT_COLUMNS["data check findings"])


@data_app.command("check")
def check(
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    sets: SetOpt = None,
    no_sources: Annotated[
        bool,
        typer.Option(
            "--no-sources",
            help="Check the data alone: do not read `<data>.sources.csv` (no provenance, "
            "flags or unsourced values; passes without a sources file).",
        ),
    ] = False,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            min=1,
            help="Only the N best-ranked units of the index (e.g. coverage over the top 15).",
        ),
    ] = None,
    lang: LangOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    round_to: DigitsOpt = None,
) -> None:
    """Data-quality report: missing cells, outliers, flagged, unsourced and mirror-only values.

    Covers the spec's indicators in its data file (or --data) and the `<data>.sources.csv`
    next to it. Outliers follow COINr's default treat rule (|skew| >= 2 and kurtosis >= 3.5).
    Tables show every section; csv lists one finding per row (kind = missing, outlier,
    flagged, unsourced, mirror); json has all sections. Exit 1 when any value has no source, or
    (after the report) when there is no sources file and --no-sources was not given. Values
    whose only source is a mirror (a url not on the original publisher's site) are counted and
    warned about, with the original publisher and title.

    Example: cityindex data check --format json
    """
    from cityindex.analysis.data_quality import data_quality
    from cityindex.load.provenance import SOURCE_COLUMNS, load_sources, sources_path

    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    table = loaded.table
    if top is not None:
        result = compute_loaded(loaded, quiet=True)
        ranked = sorted(
            (r, k)
            for k, r in enumerate(result.rank)
            if r == r  # NaN: not ranked
        )
        table = table.take([k for _, k in ranked[:top]])
    expected = sources_path(table.file)
    checked = not no_sources and expected.exists()
    sources = load_sources(expected, data_path=table.file) if checked else None
    report = data_quality(loaded.spec, table, sources)
    chosen = pick_format(fmt, output)
    language = pick_language(lang, loaded.spec)
    two = {"coverage": 2, "skew": 2, "kurtosis": 2}
    if chosen == "json":
        payload = {
            "summary": report.summary(),
            "units": report.unit_rows,
            "indicators": report.indicator_rows,
            "outliers": report.outliers,
            "flagged": report.flagged,
            "unsourced": report.unsourced,
            "mirror_only": report.mirror_only,
        }
        text = to_json(payload if round_to is None else round_floats(payload, round_to))
    elif chosen == "csv":
        text = render_rows(
            _findings(report),
            FINDING_COLUMNS,
            "csv",
            round_to=round_to,
            excel_safe_cells=excel_safe,
        )
    else:
        sections = [
            (report.unit_rows, UNIT_COLUMNS, "t.dc_units"),
            (report.indicator_rows, INDICATOR_COLUMNS, "t.dc_indicators"),
            (report.outliers, OUTLIER_COLUMNS, "t.dc_outliers"),
        ]
        if checked:  # without sources, empty sections would read as "no problem"
            sections.append((report.flagged, FLAGGED_COLUMNS, "t.dc_flagged"))
            sections.append((report.unsourced, UNSOURCED_COLUMNS, "t.dc_unsourced"))
            sections.append((report.mirror_only, MIRROR_COLUMNS, "t.dc_mirror"))
        parts = []
        for rows, columns, key in sections:
            title = tr(key, language)
            shown, labels = localise(rows, columns, chosen, language, loaded.spec)
            table_text = render_rows(
                shown,
                columns,
                chosen,
                digits=two,
                title=None if chosen == "markdown" else title,
                labels=labels,
                round_to=round_to,
            )
            if chosen == "markdown":
                parts.append(f"### {title}\n\n" + table_text)
            else:
                parts.append(table_text)
        text = "\n".join(parts)
    emit(text, output)
    s = report.summary()
    verdict = (
        f"{s['units']} units × {s['indicators']} indicators"
        + (f" ({s['year']})" if s["year"] else "")
        + (f" (the {top} best-ranked)" if top is not None else "")
        + f": {s['filled']}/{s['cells']} cells filled ({s['filled_share']:.0%}), "
        + f"{s['outlier_indicators']} outlier "
        + (
            f"indicator(s), {s['flagged_values']} flagged value(s), "
            f"{s['unsourced_values']} value(s) without a source, "
            f"{s['mirror_only_values']} value(s) resting on a mirror only"
            if checked
            else "indicator(s); sources not checked"
            + (" (--no-sources)" if no_sources else f": no {expected}")
        )
    )
    if report.mirror_only:
        warn(
            f"{len(report.mirror_only)} value(s) rest on a mirror only (a url not on the "
            "original publisher's site); `cityindex sources` names each original"
        )
    if not checked and not no_sources:
        raise DataError(
            [
                issue(
                    "sources.file.not-found",
                    f"no sources file for {table.file}: expected {expected} (the report "
                    "above checked the data only)",
                    expected="a CSV with columns " + ",".join(SOURCE_COLUMNS),
                    hint="add it next to the data file (one row per non-empty cell), or pass "
                    "--no-sources to check the data alone",
                )
            ]
        )
    if report.ok:
        say(f"ok: {verdict}")
        return
    raise DataError(
        [
            issue(
                "data.value.unsourced",
                f"{r['unit']} {r['indicator']} = {r['value']}: {r['reason']}",
                key_path=r["column"],
                hint=f"add a row to {sources_path(table.file)} with its url",
            )
            for r in report.unsourced
        ]
    )


def _findings(report: DataQualityReport) -> list[dict[str, object]]:
    """One row per finding, for CSV."""
    rows: list[dict[str, object]] = []
    for r in report.unit_rows:
        for ind in r["missing_indicators"].split():
            rows.append({"kind": "missing", "unit": r["unit"], "indicator": ind})
    for o in report.outliers:
        for u in o["units"].split():
            rows.append(
                {
                    "kind": "outlier",
                    "unit": u,
                    "indicator": o["indicator"],
                    "detail": f"skew {o['skew']:.2f}, kurtosis {o['kurtosis']:.2f}",
                }
            )
    for f in report.flagged:
        rows.append(
            {
                "kind": "flagged",
                "unit": f["unit"],
                "indicator": f["indicator"],
                "value": f["value"],
                "detail": f["flags"],
            }
        )
    for m in report.mirror_only:
        rows.append(
            {
                "kind": "mirror",
                "unit": m["unit"],
                "indicator": m["indicator"],
                "value": m["value"],
                "detail": f"{m['publisher']}: {m['title']} (read at {m['url']})",
            }
        )
    for u in report.unsourced:
        rows.append(
            {
                "kind": "unsourced",
                "unit": u["unit"],
                "indicator": u["indicator"],
                "value": u["value"],
                "detail": u["reason"],
            }
        )
    return rows
