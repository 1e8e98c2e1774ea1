"""Presentation: results and errors as rich tables, CSV, JSON and Markdown.

Pure string builders (plus a rich console for terminal tables) — no computation happens here,
and the only module that imports `rich`. CSV and JSON are built from the same rows the table
shows, so every format says the same thing.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from cityindex.errors import CityIndexError, Issue
from cityindex.model.result import IndexResult
from cityindex.render.cell_text import excel_safe as excel_safe
from cityindex.render.cell_text import jsonable, markdown_cell, visible
from cityindex.render.csv_columns import column_texts as _column_texts
from cityindex.render.csv_columns import csv_text as _csv_text
from cityindex.render.csv_columns import fmt_number as fmt_number
from cityindex.render.csv_columns import score_csv
from cityindex.render.sheets import sheet_text
from cityindex.render.terminal import DEFAULT_WIDTH as DEFAULT_WIDTH
from cityindex.render.terminal import terminal_width as terminal_width

FORMATS = ("table", "csv", "json", "markdown", "xlsx")
Rows = list[dict[str, Any]]


def score_rows(result: IndexResult, *, coverage: bool = True, top: int | None = None) -> Rows:
    """One dict per unit, ranked order: rank, unit, score, group scores, tier (when the spec
    defines tiers), coverage."""
    columns = score_data(result, coverage=coverage, top=top)
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def score_data(
    result: IndexResult, *, coverage: bool = True, top: int | None = None
) -> dict[str, list[Any]]:
    """`score_rows` as columns: name → values in ranked order (ranks as int, None unranked)."""
    frame = result.table()
    if top is not None:
        frame = frame.iloc[:top]
    columns: dict[str, list[Any]] = {str(k): frame[k].tolist() for k in frame.columns}
    columns["rank"] = [None if math.isnan(r) else int(r) for r in columns["rank"]]
    shares = columns.pop("coverage")
    if result.tiers:
        tier_of = dict(zip(result.units, result.tiers, strict=True))
        columns["tier"] = [tier_of[str(u)] for u in columns[result.unit_column]]
    if coverage:
        columns["coverage"] = shares
    return columns


def to_csv(
    rows: Rows,
    columns: Sequence[str],
    *,
    digits: Mapping[str, int | None],
    excel_safe_cells: bool = False,
    labels: Mapping[str, str] | None = None,
) -> str:
    """CSV with a header; numbers written exactly (or with the column's fixed digits).

    `labels` replaces column ids in the header (``--headers titles``); rows keep their ids.

    With `excel_safe_cells`, text cells (unit names, ids, the header) are neutralised by
    `excel_safe`; numbers are written by cityindex itself, so ``-0.5`` stays a number.
    """
    names = [(labels or {}).get(c, c) for c in columns]
    texts = [
        _column_texts([row.get(c) for row in rows], digits.get(c), excel_safe_cells)
        for c in columns
    ]
    return _csv_text(names, texts, excel_safe_cells=excel_safe_cells)


def to_markdown(
    rows: Rows,
    columns: Sequence[str],
    *,
    digits: Mapping[str, int | None],
    labels: Mapping[str, str] | None = None,
) -> str:
    """A GitHub-flavoured Markdown table (`labels`: header text per column id)."""
    names = [markdown_cell((labels or {}).get(c, c)) for c in columns]
    lines = ["| " + " | ".join(names) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        cells = [markdown_cell(fmt_number(row.get(c), digits.get(c))) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def to_json(payload: Mapping[str, Any]) -> str:
    """Stable, indented JSON (sorted keys inside records keep their given order)."""
    return json.dumps(jsonable(payload), ensure_ascii=False, indent=2) + "\n"


def to_table(
    rows: Rows,
    columns: Sequence[str],
    *,
    digits: Mapping[str, int | None],
    title: str | None = None,
    caption: str | None = None,
    width: int | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """A rich table rendered to text (with colour codes when `width` is None and on a tty).

    rich is imported here, not at module level: CSV and JSON runs (scripts) skip its import cost.
    """
    from rich.box import ASCII2, HEAVY_HEAD
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    from cityindex.render.terminal import ascii_borders

    # Text, not str: rich reads a str as markup ("[bold]" hidden, "[/x]" an error) and emoji
    # codes; a unit name is shown as written, control characters as \x1b (`visible`).
    table = RichTable(
        box=ASCII2 if ascii_borders() else HEAVY_HEAD,
        title=None if title is None else Text(visible(title, keep="\n")),
        caption=None if caption is None else Text(visible(caption, keep="\n")),
        header_style="bold",
        title_justify="left",
    )
    for col in columns:
        justify = "left" if rows and isinstance(rows[0].get(col), str) else "right"
        name = Text(visible(str((labels or {}).get(col, col))))
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*[Text(visible(fmt_number(row.get(c), digits.get(c)))) for c in columns])
    console = Console(
        file=io.StringIO(), width=width or terminal_width(), force_terminal=False, color_system=None
    )
    console.print(table)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return str(out)


RANK_COLUMNS = frozenset(
    {"rank", "rank_a", "rank_b", "rank_change", "published_rank", "computed_rank"}
)
"""Columns holding ranks: whole numbers in every format (never ``1.0``)."""

AUTO_DIGITS_CAP = 4
"""Most decimals a table or Markdown column gets when its command declares no precision."""


def _as_rank(value: Any) -> Any:
    """A whole-number float as an int (ranks); anything else unchanged."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def column_digits(values: Sequence[Any], *, cap: int = AUTO_DIGITS_CAP) -> int | None:
    """One precision for a column of numbers: the fewest decimals (at most `cap`) that show
    every value exactly, so ``1.0, 0.25`` print as ``1.00, 0.25`` and ``32.0, 7.0`` as ``32, 7``.
    None when the column holds no float.

    >>> column_digits([1.0, 0.25]), column_digits([32.0, 7.0]), column_digits([0.2807017543])
    (2, 0, 4)
    """
    floats = [
        float(v)
        for v in values
        if isinstance(v, float) and not isinstance(v, bool) and math.isfinite(v)
    ]
    if not floats:
        return None
    for d in range(cap + 1):
        if all(abs(round(v, d) - v) <= 1e-9 * max(1.0, abs(v)) for v in floats):
            return d
    return cap


def round_floats(value: Any, digits: int) -> Any:
    """`value` with every finite float inside it (mappings, lists) rounded to `digits`."""
    if isinstance(value, float) and math.isfinite(value):
        return round(value, digits) + 0.0  # + 0.0: no "-0.0"
    if isinstance(value, Mapping):
        return {k: round_floats(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [round_floats(v, digits) for v in value]
    return value


def round_rows(rows: Rows, columns: Sequence[str], digits: int) -> Rows:
    """Rows with every float of `columns` rounded to `digits` decimals (``--digits``)."""
    return [
        {
            k: round_floats(v, digits) if k in columns and isinstance(v, float) else v
            for k, v in row.items()
        }
        for row in rows
    ]


def render_rows(
    rows: Rows,
    columns: Sequence[str],
    fmt: str,
    *,
    digits: Mapping[str, int | None] | None = None,
    display_digits: Mapping[str, int | None] | None = None,
    round_to: int | None = None,
    title: str | None = None,
    caption: str | None = None,
    extra_json: Mapping[str, Any] | None = None,
    excel_safe_cells: bool = False,
    labels: Mapping[str, str] | None = None,
    csv_labels: bool = False,
) -> str:
    """Rows in the requested format (json wraps them with `extra_json`, e.g. a manifest).

    `digits` round a column in every text format (a published precision); `display_digits`
    round only what people read (table, markdown), so CSV keeps every digit for scripts; a
    table or Markdown column given neither gets one precision of its own (`column_digits`).
    `round_to` (the ``--digits`` option) rounds every number in every format, JSON included.
    Rank columns are whole numbers everywhere.
    `labels` are the headers people read (titles, in the chosen language) for table, markdown
    and xlsx (`sheets.sheet_text`: one sheet); CSV keeps ids unless `csv_labels`; JSON ids.
    """
    ranked = [c for c in columns if c in RANK_COLUMNS]
    rows = [{**row, **{k: _as_rank(row[k]) for k in ranked if k in row}} for row in rows]
    d = {**(digits or {})}
    if fmt in ("table", "markdown", "xlsx"):
        d.update(display_digits or {})
        for c in columns:
            if c not in d:
                d[c] = column_digits([r.get(c) for r in rows])
    if round_to is not None:
        rows = round_rows(rows, columns, round_to)
        d = dict.fromkeys(columns, round_to)
    if fmt == "xlsx":  # a sheet's record: numbers unrounded, shown at the table's precision
        return sheet_text(rows, columns, title=title, caption=caption, labels=labels, digits=d)
    if fmt == "csv":
        shown = labels if csv_labels else None
        return to_csv(rows, columns, digits=d, excel_safe_cells=excel_safe_cells, labels=shown)
    if fmt == "markdown":
        return to_markdown(rows, columns, digits=d, labels=labels)
    if fmt == "json":
        payload = {**(extra_json or {}), "results": [{c: r.get(c) for c in columns} for r in rows]}
        return to_json(payload)
    return to_table(rows, columns, digits=d, title=title, caption=caption, labels=labels)


def score_columns(result: IndexResult, *, coverage: bool) -> list[str]:
    """`rank, unit, score, <group ids…>`, then `tier` (when defined) and `coverage` (if asked)."""
    columns = ["rank", result.unit_column, "score", *result.group_scores.columns]
    if result.tiers is not None:
        columns.append("tier")
    if coverage:
        columns.append("coverage")
    return columns


def render_score(
    result: IndexResult,
    fmt: str,
    *,
    title: str | None = None,
    top: int | None = None,
    coverage: bool = False,
    caption: str | None = None,
    excel_safe_cells: bool = False,
    labels: Mapping[str, str] | None = None,
    csv_labels: bool = False,
    round_to: int | None = None,
    units: Mapping[str, str] | None = None,
) -> str:
    """The ranking: `rank, unit, score, <group ids…>`, then `tier` when the spec defines tiers
    (+ `coverage` in tables, JSON, or asked). `labels`: see `render_rows`; `units`: names a
    table or Markdown shows for unit ids (`unit_cells`; CSV and JSON keep the ids)."""
    with_cov = coverage or fmt in ("table", "json", "markdown")
    columns = score_columns(result, coverage=with_cov)
    if fmt == "csv" and round_to is None:  # straight from the columns: no dict per unit
        names = [(labels or {}).get(c, c) for c in columns] if csv_labels else columns
        return score_csv(result, columns, names, top=top, excel_safe_cells=excel_safe_cells)
    rows = score_rows(result, coverage=with_cov, top=top)
    if fmt in ("table", "markdown"):
        rows = unit_cells(rows, result.unit_column, units)
    display: dict[str, int | None] = {**dict.fromkeys(result.group_scores.columns, 4)}
    display["coverage"] = 2
    extra = {"manifest": result.manifest, "warnings": list(result.warnings)}
    return render_rows(
        rows,
        columns,
        fmt,
        digits={"score": result.digits},
        display_digits=display,
        title=title,
        caption=caption,
        extra_json=extra,
        excel_safe_cells=excel_safe_cells,
        labels=labels,
        csv_labels=csv_labels,
        round_to=round_to,
    )


def unit_cells(rows: Rows, column: str, units: Mapping[str, str] | None) -> Rows:
    """Rows with the unit ids of `column` shown as the units' names in `units` (unknown ids,
    and every id when `units` is empty, unchanged)."""
    if not units:
        return rows
    return [{**r, column: units.get(r[column], r[column])} if column in r else r for r in rows]


def render_error(error: CityIndexError) -> str:
    """Every issue of an error as a block: code, message, location, caret, expected/got, hint."""
    return "\n".join(render_issue(i) for i in error.issues) + _tally(error.issues)


def _tally(issues: Sequence[Issue]) -> str:
    n = len(issues)
    return f"\n{n} problem{'s' if n != 1 else ''} found\n" if n > 1 else ""


def render_issue(item: Issue) -> str:
    """One issue in the STYLE.md layout."""
    lines = [f"error[{item.code}]: {item.message}"]
    if item.location is not None:
        lines.append(f"  --> {item.location}")
        if item.source_line is not None and item.location.line is not None:
            n = str(item.location.line)
            pad = " " * len(n)
            col = max(1, item.location.column or 1)
            lines.append(f" {pad} |")
            lines.append(f" {n} | {item.source_line}")
            before = item.source_line[: col - 1]
            marked = item.source_line[col - 1 : col - 1 + max(1, item.span)]
            lines.append(f" {pad} | {' ' * _width(before)}{'^' * max(1, _width(marked))}")
    if item.key_path:
        lines.append(f"   = key path: {item.key_path}")
    if item.expected:
        lines.append(f"   = expected: {item.expected}")
    if item.got:
        lines.append(f"   = got:      {item.got}")
    if item.hint:
        lines.append(f"   = hint: {item.hint}")
    return visible("\n".join(lines), keep="\t\n") + "\n"  # no escape sequence reaches stderr


def _width(text: str) -> int:
    """Terminal columns `text` takes: wide (CJK) characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def render_warning(message: str) -> str:
    """A warning line for stderr."""
    return f"warning: {visible(message, keep=chr(9) + chr(10))}\n"
