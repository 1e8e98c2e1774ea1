"""Workbook output shared by the commands that write .xlsx (`--format xlsx` or an .xlsx
`--output`): the command's tables plus the method and sources sheets."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from cityindex.errors import CityIndexError, UsageError, issue
from cityindex.load.files import check_output
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.render.i18n import Language, headers

if TYPE_CHECKING:
    from cityindex.render.report.xlsx import Sheet


def write_xlsx(
    output: Path,
    sheets: Mapping[str, Sheet],
    spec: Spec,
    data_file: str,
    result: IndexResult,
    *,
    labels: Mapping[str, str] | None = None,
    language: Language = "en",
) -> None:
    """Write the command's tables plus the method and sources sheets as one workbook
    (`labels`: header text per column id, e.g. Chinese titles; under zh, every sheet's
    headers are Chinese when no `labels` are given)."""
    from cityindex.render.report import load_sources
    from cityindex.render.report.xlsx import method_sheet, write_workbook

    sources = load_sources(data_file)
    check_output(output)
    every: dict[str, Sheet] = {
        **sheets,
        "method": method_sheet(result.manifest),
        "sources": (["unit", "column", "value", "year", "url", "note"], sources),
    }
    if labels is None and language == "zh":
        columns = [c for cols, _ in every.values() for c in cols]
        labels = headers(columns, language, spec.walk())
    try:
        write_workbook(output, every, labels=labels)
    except ImportError:
        raise UsageError(
            [
                issue(
                    "usage.xlsx.openpyxl",
                    "writing .xlsx needs openpyxl",
                    hint="pip install 'cityindex[xlsx]'",
                )
            ]
        ) from None
    except OSError as exc:
        raise CityIndexError(
            [issue("output.write", f"cannot write {output}: {exc.strerror or exc}")]
        ) from None
