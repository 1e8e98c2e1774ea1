"""`data_check`: a data-quality report on the values an index uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cityindex.api.index import DataLike, Index, SpecLike, as_index
from cityindex.errors import DataError, issue
from cityindex.load.arguments import whole_argument
from cityindex.load.data import Table
from cityindex.load.provenance import SOURCE_COLUMNS, load_sources, sources_path
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.render.data_check import FINDING_COLUMNS, findings

if TYPE_CHECKING:
    from cityindex.analysis.data_quality import DataQualityReport


@dataclass(frozen=True)
class QualityCheck:
    """A data-quality report and what it read: the table checked (the `top` units only when
    asked), the sources file expected next to it, and whether it was read."""

    report: DataQualityReport
    table: Table
    expected: Path
    checked: bool


def check_quality(
    spec: Spec,
    table: Table,
    *,
    result: IndexResult | None = None,
    top: int | None = None,
    read_sources: bool = True,
) -> QualityCheck:
    """The report on `table` (its `top` best-ranked units in `result` when `top` is given);
    the sources file is read unless `read_sources` is false or it does not exist."""
    from cityindex.analysis.data_quality import data_quality

    if top is not None and result is not None:
        ranked = sorted((r, k) for k, r in enumerate(result.rank) if r == r)  # NaN: unranked
        table = table.take([k for _, k in ranked[:top]])
    expected = sources_path(table.file)
    checked = read_sources and expected.exists()
    found = load_sources(expected, data_path=table.file) if checked else None
    return QualityCheck(data_quality(spec, table, found), table, expected, checked)


def quality_error(done: QualityCheck, *, no_sources: bool) -> DataError | None:
    """What fails a check (exit 1): no sources file when one was to be read, else the values
    without a source; None when the data passes."""
    if not done.checked and not no_sources:
        return DataError(
            [
                issue(
                    "sources.file.not-found",
                    f"no sources file for {done.table.file}: expected {done.expected} (the "
                    "report above checked the data only)",
                    expected="a CSV with columns " + ",".join(SOURCE_COLUMNS),
                    hint="add it next to the data file (one row per non-empty cell), or pass "
                    "--no-sources to check the data alone",
                )
            ]
        )
    if done.report.ok:
        return None
    return DataError(
        [
            issue(
                "data.value.unsourced",
                f"{r['unit']} {r['indicator']} = {r['value']}: {r['reason']}",
                key_path=r["column"],
                hint=f"add a row to {done.expected} with its url",
            )
            for r in done.report.unsourced
        ]
        + [
            issue(
                "data.value.unrelated-host",
                f"{r['unit']} {r['indicator']} = {r['value']}: its only source is on "
                f"{r['host'] or r['url']}, neither the publisher's site, a government site, a "
                "recognised news outlet nor a transcription of the official document",
                expected="a page of the publisher, a *.gov.cn site, a news outlet or a "
                "transcription (the tables of cityindex/load/hosts.py)",
                got=r["url"],
                hint=f"add a row to {done.expected} citing the value on a trusted page, or set "
                "mirror=false if the url is the publisher's own site",
            )
            for r in done.report.unrelated_only
        ]
    )


def data_check(
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    top: int | None = None,
    sources: bool = True,
    set: Sequence[str] = (),
    year: int | None = None,
) -> pd.DataFrame:
    """The data-quality report of ``cityindex data check``: what to fix before trusting a rank.

    One row per finding, as the CSV prints it: ``kind`` (missing, outlier, flagged, mirror,
    unsourced, unrelated), ``unit``, ``indicator``, ``value`` and ``detail``. ``attrs`` holds
    every section of the report (``summary``, ``units``, ``indicators``, ``outliers``,
    ``flagged``, ``unsourced``, ``mirror_only``, ``hosts`` — values per host class —,
    ``unrelated_only``: lists of records), ``ok`` (every value has a source and none rests on
    unrelated hosts only) and
    ``sources_checked`` (false when there is no sources file or `sources` is false). `top`
    keeps the N best-ranked units. Unsourced values do not raise: they are the report.
    """
    index = as_index(spec, data, set=set, year=year)
    table = index.table(year=year)
    top = whole_argument(top, "top")
    result = index.compute(year=year) if top is not None else None
    done = check_quality(index.spec, table, result=result, top=top, read_sources=sources)
    report = done.report
    frame = pd.DataFrame(findings(report), columns=FINDING_COLUMNS)
    frame.attrs.update(report.sections())
    frame.attrs.update(ok=report.ok, sources_checked=done.checked)
    return frame
