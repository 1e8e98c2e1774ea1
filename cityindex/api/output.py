"""`report` and `plot`: the HTML report as text, and one of its charts as a matplotlib figure."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cityindex.api.index import DataLike, Index, SpecLike, as_index
from cityindex.api.robustness import AnalysisWarning, uncertainty
from cityindex.errors import CityIndexError, UsageError, did_you_mean, issue
from cityindex.load.arguments import text_argument, whole_argument
from cityindex.load.data import Table
from cityindex.load.files import check_output, write_atomic
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.render.i18n import LANGUAGES, Language, as_language, parse_language, tr
from cityindex.render.plan_inputs import inputs_words

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# The report machinery (matplotlib, audit, importance) is imported inside the functions that
# use it: `import cityindex` stays free of it.


def language_of(lang: str | None, spec: Spec) -> Language:
    """`lang` (zh or en), else the spec's ``index.language``, else en; else a `UsageError`."""
    if lang is None:
        return as_language(spec.index.language)
    chosen = parse_language(lang)
    if chosen is None:
        raise UsageError(
            [issue("usage.lang", f"no language '{lang}'", expected=", ".join(LANGUAGES))]
        )
    return chosen


def local_names(spec: Spec, table: Table) -> list[str] | None:
    """Local-language unit names from the spec's ``index.unit_label_zh`` column, else a
    ``<unit>_zh`` column, when the data has one (charts draw them only where a CJK font is
    installed: `render.report.charts.cjk_font`)."""
    column = spec.index.unit_label_zh or f"{spec.index.unit}_zh"
    return table.texts(column) if column in table.cells else None


def _uncertainty_rows(
    index: Index, result: IndexResult, *, runs: int | None, lang: Language
) -> tuple[list[dict[str, Any]], str] | None:
    """The report's rank intervals from the spec's `uncertainty:` plan (None when it has
    none): the ranked units in rank order, and the note saying how they were drawn."""
    if not index.spec.sections.get("uncertainty"):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)  # the report states its runs itself
        frame = uncertainty(index, runs=runs, nominal=result)
    included = dict(zip(result.units, result.included, strict=True))
    unit_col = result.unit_column
    shown = ("score", "median_rank", "rank_p05", "rank_p95", "p_top_k")
    values = {c: frame[c].to_numpy(dtype=float) for c in shown}
    rows = [
        {"rank": int(rank), unit_col: unit, **{c: values[c][i] for c in shown}}
        for i, (unit, rank) in enumerate(zip(frame.index, frame["rank"], strict=True))
        if included[str(unit)]
    ]
    a = frame.attrs
    inputs = inputs_words(a["inputs"], lang)
    note = tr(
        "n.uncertainty", lang, runs=f"{a['runs']:,}", seed=a["seed"], k=a["top_k"], inputs=inputs
    )
    return rows, note


def report(
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    output: str | Path | None = None,
    lang: str | None = None,
    top: int = 5,
    runs: int | None = None,
    compare: SpecLike | Index | None = None,
) -> str:
    """The self-contained HTML report of an index: ranking with tiers, weights the reader can
    move, charts, map, robustness (rank intervals from the spec's `uncertainty:` plan, `runs`
    Monte Carlo runs), framework, method, audit and sources (``<data>.sources.csv``).

    `lang` is zh or en (default: the spec's ``index.language``); radar charts for the `top`
    first units; `compare` is another spec on the same data whose ranks the ranking adds. With
    `output`, the page is also written there (atomically, in UTF-8). Returns the page.
    """
    from cityindex.analysis.audit import audit
    from cityindex.analysis.importance import importance
    from cityindex.render.report import build_report, load_sources

    top = whole_argument(top, "top", optional=False) or 0
    runs = whole_argument(runs, "runs")
    idx = as_index(spec, data)
    table = idx.table()
    result = idx.with_data(table).compute()
    language = language_of(lang, idx.spec)
    other = None
    if compare is not None:
        theirs = as_index(compare)
        if theirs.data is None:
            theirs = theirs.with_data(data if data is not None else idx.spec.index.data)
        path = theirs.spec.path
        name = theirs.spec.index.title or (Path(path).stem if path is not None else "compare")
        other = (name, theirs.compute())
    page = build_report(
        idx.spec,
        result,
        audit(idx.spec, result),
        sources=load_sources(table.file),
        local_names=local_names(idx.spec, table),
        top=top,
        uncertainty=_uncertainty_rows(idx.with_data(table), result, runs=runs, lang=language),
        table=table,
        lang=language,
        compare=other,
        importance=importance(idx.spec, result),
    )
    if output is not None:
        check_output(output)
        try:
            write_atomic(output, page)
        except OSError as exc:
            raise CityIndexError(
                [issue("output.write", f"cannot write {output}: {exc.strerror or exc}")]
            ) from None
    return page


def plot(
    kind: str,
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    top: int = 5,
    lang: str | None = None,
) -> Figure:
    """One chart of the report as a matplotlib `Figure`: ``bar`` (scores stacked by group
    contribution), ``heatmap``, ``radar`` (the `top` first units) or ``map`` (units by
    longitude and latitude: needs those columns or a coordinates file, else a `DataError`).

    Save it with ``figure.savefig(...)`` or `render.report.charts.render` (SVG or PNG bytes).
    """
    from cityindex.render.report import chart_data
    from cityindex.render.report.charts import KINDS, chart

    kind = text_argument(kind, "kind", optional=False) or ""
    top = whole_argument(top, "top", optional=False) or 0
    if kind not in KINDS:
        raise UsageError(
            [
                issue(
                    "usage.plot.kind",
                    f"no chart '{kind}'",
                    expected="one of: " + ", ".join(KINDS),
                    hint=did_you_mean(kind, KINDS),
                )
            ]
        )
    idx = as_index(spec, data)
    table = idx.table()
    result = idx.with_data(table).compute()
    drawn = chart_data(
        idx.spec,
        result,
        local_names=local_names(idx.spec, table),
        table=table if kind == "map" else None,  # coordinates are read only for a map
        lang=language_of(lang, idx.spec),
    )
    return chart(kind, drawn, top=top, file=table.file)
