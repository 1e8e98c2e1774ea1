"""`data check`: a data-quality report on the values an index uses (exit 1 on unsourced ones)."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex.api.quality import check_quality, quality_error
from cityindex.cli.application import app
from cityindex.cli.common import compute_loaded, emit, load, pick_format, pick_language, say, warn
from cityindex.cli.options import INPUT, Options, shared
from cityindex.render.data_check import mirror_note, render_data_check, verdict
from cityindex.render.messages import message_language

data_app = typer.Typer(
    help="Data files: quality checks.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(data_app, name="data")


@data_app.command("check")
@shared(*INPUT, "fmt", "output", "lang", "excel_safe", "digits")
def check(
    opts: Options,
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
) -> None:
    """Data-quality report: missing cells, outliers, flagged, unsourced and mirror-only values.

    Covers the spec's indicators in its data file (or --data) and the `<data>.sources.csv`
    next to it. Outliers follow COINr's default treat rule (|skew| >= 2 and kurtosis >= 3.5).
    Tables show every section; csv lists one finding per row (kind = missing, outlier,
    flagged, unsourced, mirror, unrelated); json has all sections. Exit 1 when any value has no
    source or only sources on unrelated hosts (neither the publisher's site, *.gov.cn, a news
    outlet nor a transcription: cityindex/load/hosts.py), or (after the report) when there is no
    sources file and --no-sources was not given. Values
    whose only source is a mirror (a url not on the original publisher's site) are counted and
    warned about, with the original publisher and title.

    Example: cityindex data check --no-sources --format json
    """
    loaded = load(opts.spec, data=opts.data, year=opts.year, sets=opts.sets, encoding=opts.encoding)
    result = compute_loaded(loaded, quiet=True) if top is not None else None
    done = check_quality(
        loaded.spec, loaded.table, result=result, top=top, read_sources=not no_sources
    )
    report, expected, checked = done.report, done.expected, done.checked
    text = render_data_check(
        report,
        pick_format(opts.fmt, opts.output),
        checked=checked,
        spec=loaded.spec,
        round_to=opts.digits,
        excel_safe=opts.excel_safe,
        language=pick_language(opts.lang, loaded.spec),
        table=loaded.table,
    )
    emit(text, opts.output)
    note = mirror_note(report, message_language())
    if note is not None:
        warn(note)
    error = quality_error(done, no_sources=no_sources)
    if error is not None:
        raise error
    lang = message_language()  # "ok: " is said in it too (`say`)
    say(
        "ok: "
        + verdict(
            report,
            checked=checked,
            top=top,
            no_sources=no_sources,
            expected=expected,
            language=lang,
        )
    )
