"""Workbook output shared by the commands that write .xlsx (`--format xlsx` or an .xlsx
`--output`).

Two ways in: `write_xlsx`, for the commands that build their sheets themselves (score, weights,
explain, audit, compare: the command's tables plus the method and sources sheets), and
`write_text_workbook`, for every other command: it renders its tables as usual with the
``xlsx`` format (`sheets.sheet_text`), and each table becomes a sheet, each other line a note.
Sheets are named in the reader's language (`sheet_name`), numbers keep every digit and are
shown at the table's precision, ranks are whole numbers, and text is never a formula.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cityindex.errors import CityIndexError, UsageError, issue
from cityindex.load.files import check_output
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.render.formats import RANK_COLUMNS
from cityindex.render.i18n import Language, headers, tr
from cityindex.render.sheets import SHEET_MARK
from cityindex.render.sheets import is_sheet_text as is_sheet_text

if TYPE_CHECKING:
    from cityindex.render.report.xlsx import Sheet


def sheet_name(key: str, language: Language) -> str:
    """A workbook sheet's name in `language`: the ``xl.<key>`` word, else the key itself."""
    from cityindex.render.i18n import STRINGS

    word = f"xl.{key}"
    return tr(word, language) if word in STRINGS else key


def write_xlsx(
    output: Path,
    sheets: Mapping[str, Sheet],
    spec: Spec,
    data_file: str,
    result: IndexResult,
    *,
    labels: Mapping[str, str] | None = None,
    language: Language = "en",
    digits: Mapping[str, Mapping[str, int | None]] | None = None,
    notes: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Write the command's tables plus the method and sources sheets as one workbook
    (`labels`: header text per column id, e.g. Chinese titles; under zh, every sheet's
    headers are Chinese when no `labels` are given). Sheets are named in `language`
    (`sheet_name`); `digits` and `notes` by sheet key, as `write_workbook` takes them."""
    from cityindex.render.report import load_sources
    from cityindex.render.report.xlsx import method_sheet, write_workbook

    sources = load_sources(data_file)
    check_output(output)
    every: dict[str, Sheet] = {
        **sheets,
        "method": method_sheet(result.manifest),
        "sources": (["unit", "column", "value", "year", "url", "note"], sources),
    }
    if language == "zh":  # every header in Chinese; given labels (e.g. detail tables) win
        columns = [c for cols, _ in every.values() for c in cols]
        labels = {**headers(columns, language, spec.walk()), **(labels or {})}
    named = {sheet_name(k, language): v for k, v in every.items()}
    layout: dict[str, Any] = {
        "labels": labels,
        "digits": {sheet_name(k, language): v for k, v in (digits or {}).items()},
        "notes": {sheet_name(k, language): v for k, v in (notes or {}).items()},
    }
    _write(lambda: write_workbook(output, named, **layout), output)


Layout = dict[str, Any]
"""`write_xlsx`'s keywords for a set of sheets: labels, digits and notes."""
WEIGHT_DIGITS: dict[str, int | None] = {"weight": 4, "effective_weight": 4}


def combine(*parts: tuple[dict[str, Sheet], Layout]) -> tuple[dict[str, Sheet], Layout]:
    """Sheets and layouts of several parts of one workbook, in order."""
    sheets: dict[str, Sheet] = {}
    layout: Layout = {"labels": {}, "digits": {}, "notes": {}}
    for more, extra in parts:
        sheets.update(more)
        for key in layout:
            layout[key].update(extra.get(key) or {})
    return sheets, layout


def weights_sheets(
    tables: Mapping[str, tuple[list[str], list[dict[str, Any]]]], *, every: bool = True
) -> tuple[dict[str, Sheet], Layout]:
    """`weights`' tables (`api.weight_table.weight_tables`) as sheets: the indicators', and
    with `every` the groups' and any AHP consistency; weights at four decimals."""
    keys = ("weights", "group_weights", "consistency") if every else ("weights",)
    names = {"weights": "indicators", "group_weights": "groups", "consistency": "consistency"}
    sheets: dict[str, Sheet] = {}
    digits: dict[str, dict[str, int | None]] = {}
    for key in keys:
        columns, rows = tables[names[key]]
        if key == "consistency" and not rows:
            continue
        sheets[key] = (columns, rows)
        digits[key] = {**dict.fromkeys(("lambda_max", "ci", "ri", "cr"), 4), **WEIGHT_DIGITS}
    return sheets, {"digits": digits}


def score_sheets(
    result: IndexResult, rows: list[dict[str, Any]], columns: list[str]
) -> tuple[dict[str, Sheet], Layout]:
    """The ranking as a sheet: scores at the spec's digits (else four), group scores at four,
    coverage at two, ranks whole."""
    digits: dict[str, int | None] = dict.fromkeys(result.group_scores.columns, 4)
    digits |= {"score": 4 if result.digits is None else result.digits, "coverage": 2}
    return {"score": (columns, rows)}, {"digits": {"score": digits}}


def text_workbook(text: str) -> tuple[dict[str, Sheet], dict[str, Any]]:
    """The sheets of `text` (`sheets.sheet_text` records; every other non-empty line a note of the
    sheet before it, or of a sheet of notes) and `write_workbook`'s keywords for them."""
    sheets: dict[str, Sheet] = {}
    labels: dict[str, str] = {}
    digits: dict[str, dict[str, int | None]] = {}
    notes: dict[str, list[str]] = {}
    ranks: set[str] = set()
    name = None
    for line in text.split("\n"):
        if not line.startswith(SHEET_MARK):
            if line.strip():
                name = name or ""
                notes.setdefault(name, []).append(line.rstrip())
            continue
        record = json.loads(line[len(SHEET_MARK) :])
        n = len(sheets)
        name = record["title"] or f"Sheet{n + 1}"
        while name in sheets:
            name = f"{name} {n + 1}"
        keys = [f"{n}:{c}" for c in record["columns"]]
        sheets[name] = (keys, [dict(zip(keys, r, strict=True)) for r in record["rows"]])
        labels.update(zip(keys, record["labels"], strict=True))
        digits[name] = dict(zip(keys, record["digits"], strict=True))
        ranks.update(k for k, c in zip(keys, record["columns"], strict=True) if c in RANK_COLUMNS)
        if record["caption"]:
            notes.setdefault(name, []).extend(record["caption"].split("\n"))
    if "" in notes:  # lines before the first table, or no table at all
        lines = notes.pop("")
        sheets = {"notes": (["note"], [{"note": t} for t in lines]), **sheets}
    return sheets, {"labels": labels, "digits": digits, "notes": notes, "ranks": ranks}


def write_text_workbook(output: Path, text: str) -> None:
    """Write the tables of a command's xlsx rendering (`sheet_text`) as a workbook."""
    from cityindex.render.report.xlsx import write_workbook

    sheets, layout = text_workbook(text)
    check_output(output)
    _write(lambda: write_workbook(output, sheets, **layout), output)


def _write(write: Callable[[], None], output: Path) -> None:
    """Run `write`; a missing openpyxl or an OS error as the user's errors."""
    try:
        write()
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
