"""`data check`'s text: the report's sections, one row per finding, and the verdict."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cityindex.engine.pipeline import unit_labels
from cityindex.load.data import Table
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.model.spec import Spec
from cityindex.render.choices import localise
from cityindex.render.formats import render_rows, round_floats, to_json, unit_cells
from cityindex.render.i18n import Language, tr

if TYPE_CHECKING:
    from cityindex.analysis.data_quality import DataQualityReport

FINDING_COLUMNS = list(OUTPUT_COLUMNS["data check findings"])
SECTIONS: tuple[str, ...] = ("units", "indicators", "outliers", "flagged", "unsourced", "mirror")
SECTIONS += ("hosts", "unrelated")  # by the class of the sources' hosts (load/hosts.py)
"""The report's sections in a table; the last five only when sources were read."""


def findings(report: DataQualityReport) -> list[dict[str, Any]]:
    """One row per finding (kind: missing, outlier, flagged, mirror, unsourced), as CSV has it."""
    rows: list[dict[str, Any]] = []
    for r in report.unit_rows:
        for ind in r["missing_indicators"].split():
            rows.append({"kind": "missing", "unit": r["unit"], "indicator": ind})
    for o in report.outliers:
        detail = f"skew {o['skew']:.2f}, kurtosis {o['kurtosis']:.2f}"
        for u in o["units"].split():
            rows.append(
                {"kind": "outlier", "unit": u, "indicator": o["indicator"], "detail": detail}
            )
    for kind, found, key in (
        ("flagged", report.flagged, "flags"),
        ("mirror", report.mirror_only, None),
        ("unsourced", report.unsourced, "reason"),
        ("unrelated", report.unrelated_only, None),
    ):
        for f in found:
            detail = f[key] if key else f"{f['publisher']}: {f['title']} (read at {f['url']})"
            row = {"unit": f["unit"], "indicator": f["indicator"], "value": f["value"]}
            rows.append({"kind": kind, **row, "detail": detail})
    return rows


def render_data_check(
    report: DataQualityReport,
    fmt: str,
    *,
    checked: bool,
    spec: Spec,
    round_to: int | None = None,
    excel_safe: bool = False,
    language: Language = "en",
    table: Table | None = None,
) -> str:
    """The report in `fmt`: JSON has every section, CSV one finding per row, a table or
    Markdown every section (the source sections only when the sources were `checked`:
    empty, they would read as "no problem"). Under zh a table or Markdown names the units by
    their Chinese names (`index.unit_label_zh` in the data `table`); CSV and JSON keep ids."""
    if fmt == "json":
        payload = report.sections()
        return to_json(payload if round_to is None else round_floats(payload, round_to))
    if fmt == "csv":
        rows = findings(report)
        return render_rows(
            rows, FINDING_COLUMNS, "csv", round_to=round_to, excel_safe_cells=excel_safe
        )
    found = {
        "units": report.unit_rows,
        "indicators": report.indicator_rows,
        "outliers": report.outliers,
        "flagged": report.flagged,
        "unsourced": report.unsourced,
        "mirror": report.mirror_only,
        "hosts": report.hosts,
        "unrelated": report.unrelated_only,
    }
    names = unit_labels(spec, table) if language == "zh" and table is not None else {}
    parts = []
    for key in SECTIONS[: len(SECTIONS) if checked else 3]:
        title = tr(f"t.dc_{key}", language)
        columns = list(OUTPUT_COLUMNS[f"data check {key}"])
        shown, labels = localise(_named(found[key], names), columns, fmt, language, spec)
        text = render_rows(
            shown,
            columns,
            fmt,
            digits={"coverage": 2, "skew": 2, "kurtosis": 2},
            title=None if fmt == "markdown" else title,
            labels=labels,
            round_to=round_to,
        )
        parts.append(f"### {title}\n\n" + text if fmt == "markdown" else text)
    return "\n".join(parts)


def _named(rows: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """Rows with their `unit` (or space-separated `units`) shown by `names`."""
    if not names:
        return rows
    rows = unit_cells(rows, "unit", names)
    return [
        {**r, "units": " ".join(names.get(u, u) for u in str(r["units"]).split())}
        if "units" in r
        else r
        for r in rows
    ]


def verdict(
    report: DataQualityReport,
    *,
    checked: bool,
    top: int | None,
    no_sources: bool,
    expected: Path,
    language: Language = "en",
) -> str:
    """The report in one line, e.g. "30 units × 12 indicators: 348/360 cells filled (97%), …"."""
    s = report.summary()
    why = tr("msg.dc_no_sources", language) if no_sources else ""
    return tr(
        "msg.dc_sourced" if checked else "msg.dc_unsourced",
        language,
        units=s["units"],
        indicators=s["indicators"],
        year=f" ({s['year']})" if s["year"] else "",
        top="" if top is None else tr("msg.dc_top", language, top=top),
        filled=s["filled"],
        cells=s["cells"],
        share=f"{s['filled_share']:.0%}",
        outliers=s["outlier_indicators"],
        flagged=s.get("flagged_values"),
        unsourced=s.get("unsourced_values"),
        mirror=s.get("mirror_only_values"),
        hosts=", ".join(
            f"{tr('hc.' + k, language)} {n}" for k, n in s.get("host_classes", {}).items()
        ),
        why=why or tr("msg.dc_no_file", language, file=expected),
    )


def mirror_note(report: DataQualityReport, language: Language = "en") -> str | None:
    """A warning when some values rest on a mirror only (None when none do)."""
    if not report.mirror_only:
        return None
    return tr("msg.mirror", language, n=len(report.mirror_only))
