"""`weights --detail` and `score --detail`: the intermediate tables in the SPSSAU layout.

Entropy weights (信息熵值 e, 信息效用值 d, 权重 w), CRITIC weights, TOPSIS (D⁺, D⁻, 相对接近度
C) and VIKOR (S, R, Q and Opricovic & Tzeng's compromise conditions), one table per group
that uses the method, as `cityindex.weights_detail` and `cityindex.score_detail` return them
(frames keyed by group id, the method and any conditions in their ``attrs``).

A table or Markdown shows each table under its title (VIKOR's conditions as its caption);
CSV is one long table (``group, method``, the row id, then every column of the methods shown);
JSON one record per table; a workbook one sheet per table, and for VIKOR one more sheet of its
conditions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityindex.errors import UsageError, issue
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.render.formats import render_rows, score_columns, score_rows, to_json, unit_cells
from cityindex.render.i18n import Language, tr
from cityindex.render.i18n import title as title_of
from cityindex.render.workbook import Layout, combine, score_sheets, weights_sheets

if TYPE_CHECKING:
    from cityindex.render.report.xlsx import Sheet

DIGITS = 4
"""Decimals shown for every figure of a detail table (SPSSAU shows four)."""
COLUMNS = {
    "entropy": ["entropy", "diversity", "weight"],
    "critic": ["sd", "conflict", "information", "weight"],
    "topsis": ["d_plus", "d_minus", "closeness", "rank"],
    "vikor": ["s", "r", "q", "rank"],
}
"""Each method's columns, after the row id (indicator or unit)."""
DETAIL_HELP = (
    "weights: entropy e, d = 1 − e, w (or CRITIC's σ, conflict, C, w) per group so weighted",
    "score: TOPSIS D⁺, D⁻, C or VIKOR S, R, Q and its compromise conditions per group so "
    "aggregated",
)
"""`--detail`'s help, for `weights` and `score`."""
CONDITIONS = ("first", "second", "q_gap", "threshold", "advantage", "stability", "v")
"""VIKOR's condition items, in the order shown; then the compromise solution."""


@dataclass(frozen=True)
class Section:
    """One detail table as readers see it."""

    key: str
    """The workbook sheet's key (method and group)."""
    sheet: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    labels: dict[str, str]
    caption: str | None = None


def _group_title(group: str, spec: Spec, language: Language) -> str:
    if group == spec.index.id:
        return tr("the_index", language)
    node = next((g for g in spec.all_groups() if g.id == group), None)
    return title_of(node, language) if node is not None else group


def _value(value: Any) -> Any:
    """A frame cell as a row value: a missing number None, a rank an int."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _shown(value: Any) -> str:
    """A condition's value in a caption: numbers at `DIGITS` decimals."""
    return f"{value:.{DIGITS}f}" if isinstance(value, float) else str(value)


def _yes(value: bool, language: Language) -> str:
    return tr("yes" if value else "no", language)


def condition_rows(
    conditions: Mapping[str, Any], language: Language, names: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """VIKOR's conditions as item/value rows, the compromise solution last (`names`: what
    readers call the units, by id)."""
    names = names or {}
    rows: list[dict[str, Any]] = []
    for key in CONDITIONS:
        value = conditions.get(key)
        if isinstance(value, bool):
            value = _yes(value, language)
        rows.append({"item": tr(f"xl.c.{key}", language), "value": _value(value)})
    units = (
        "、".join(conditions["compromise"])
        if language == "zh"
        else ", ".join(conditions["compromise"])
    )
    rows.append({"item": tr("xl.c.compromise", language), "value": units})
    return rows


def compromise_statement(
    conditions: Mapping[str, Any], language: Language, names: Mapping[str, str] | None = None
) -> str:
    """The compromise solution in one sentence, with which condition failed if any."""
    names = names or {}
    units = [names.get(u, u) for u in conditions["compromise"]]
    sep = "、" if language == "zh" else ", "
    if conditions["advantage"] and conditions["stability"]:
        key = "xl.s.both"
    elif conditions["advantage"]:
        key = "xl.s.no_stability"
    else:
        key = "xl.s.no_advantage"
    first = names.get(conditions["first"], conditions["first"])
    return tr(key, language, units=sep.join(units), first=first)


def sections(details: Mapping[str, pd.DataFrame], spec: Spec, language: Language) -> list[Section]:
    """The detail tables (and each VIKOR's conditions) in the order given."""
    out: list[Section] = []
    for group, frame in details.items():
        method = str(frame.attrs["method"])
        name = _group_title(group, spec, language)
        row_id = str(frame.index.name or spec.index.unit)
        columns = [row_id, *COLUMNS[method]]
        labels = {c: tr(f"xl.col.{c}", language) for c in COLUMNS[method]}
        labels[row_id] = tr(row_id, language) if row_id == "indicator" else row_id
        if language == "zh" and row_id != "indicator":
            labels[row_id] = tr("unit", language)
        names = frame.attrs.get("labels") or {} if language == "zh" else {}
        rows = [
            {
                row_id: names.get(str(i), str(i)),
                **{c: _value(v) for c, v in zip(COLUMNS[method], r, strict=True)},
            }
            for i, r in zip(
                frame.index, frame[COLUMNS[method]].itertuples(index=False), strict=True
            )
        ]
        conditions = frame.attrs.get("conditions")
        caption = None
        if conditions:
            items = condition_rows(conditions, language, names)
            lines = [f"{r['item']}: {_shown(r['value'])}" for r in items]
            caption = "\n".join([*lines[:-1], compromise_statement(conditions, language, names)])
        sheet = tr(f"xl.{method}", language, group=name)
        title = tr(f"xl.t.{method}", language, group=name)
        out.append(Section(f"{method}:{group}", sheet, title, columns, rows, labels, caption))
        if conditions:
            item_labels = {c: tr(f"xl.col.{c}", language) for c in ("item", "value")}
            out.append(
                Section(
                    f"compromise:{group}",
                    tr("xl.compromise", language, group=name),
                    tr("xl.compromise", language, group=name),
                    ["item", "value"],
                    condition_rows(conditions, language, names),
                    item_labels,
                    compromise_statement(conditions, language, names),
                )
            )
    return out


def require(details: Mapping[str, pd.DataFrame], option: str, methods: str) -> None:
    """A usage error when no group of the index uses a method `option` details."""
    if not details:
        raise UsageError(
            [
                issue(
                    "usage.detail.none",
                    f"{option}: no group of this index uses {methods}",
                    hint="the detail tables exist for entropy and CRITIC weights "
                    "(weights --detail) and TOPSIS and VIKOR aggregation (score --detail)",
                )
            ]
        )


def score_workbook(
    result: IndexResult,
    spec: Spec,
    weights: Mapping[str, tuple[list[str], list[dict[str, Any]]]],
    details: Mapping[str, pd.DataFrame] | None,
    language: Language,
    labels: Mapping[str, str] | None = None,
) -> tuple[dict[str, Sheet], Layout]:
    """`score`'s workbook sheets: the ranking, the indicator weights (`api.weight_tables`'s
    tables) and, with `details`, the TOPSIS/VIKOR tables; `labels`: the ranking's headers."""
    rows = score_rows(result, coverage=True)
    if language == "zh":  # a workbook is for people: 北京, as the terminal shows it under zh
        rows = unit_cells(rows, result.unit_column, result.unit_labels)
    parts = [score_sheets(result, rows, score_columns(result, coverage=True))]
    parts.append(weights_sheets(weights, every=False))
    if details is not None:
        require(details, "--detail", "TOPSIS or VIKOR aggregation")
        parts.append(detail_sheets(details, spec, language))
    sheets, layout = combine(*parts)
    layout["labels"] = {**(labels or {}), **layout["labels"]}
    return sheets, layout


def weights_workbook(
    weights: Mapping[str, tuple[list[str], list[dict[str, Any]]]],
    details: Mapping[str, pd.DataFrame] | None,
    spec: Spec,
    language: Language,
) -> tuple[dict[str, Sheet], Layout]:
    """`weights`' workbook sheets: indicators, groups, AHP consistency and, with `details`,
    the entropy/CRITIC tables."""
    parts = [weights_sheets(weights)]
    if details is not None:
        require(details, "--detail", "entropy or CRITIC weights")
        parts.append(detail_sheets(details, spec, language))
    return combine(*parts)


def render_detail(
    details: Mapping[str, pd.DataFrame],
    fmt: str,
    *,
    spec: Spec,
    language: Language,
    manifest: Mapping[str, Any] | None = None,
    round_to: int | None = None,
    excel_safe: bool = False,
) -> str:
    """The detail tables in `fmt` (see the module docstring); a `UsageError` when there are
    none (no group uses a method they detail)."""
    require(details, "--detail", "entropy or CRITIC weights, or TOPSIS or VIKOR aggregation")
    if fmt == "json":
        tables = []
        for group, frame in details.items():
            method = str(frame.attrs["method"])
            row_id = str(frame.index.name or spec.index.unit)
            rows = [
                {row_id: str(i), **{c: _value(v) for c, v in r.items()}}
                for i, r in zip(frame.index, frame[COLUMNS[method]].to_dict("records"), strict=True)
            ]
            record: dict[str, Any] = {"group": group, "method": method, "rows": rows}
            if frame.attrs.get("conditions"):
                record["conditions"] = frame.attrs["conditions"]
            tables.append(record)
        payload: dict[str, Any] = {"tables": tables}
        if manifest:
            payload["manifest"] = dict(manifest)
        if round_to is not None:
            from cityindex.render.formats import round_floats

            payload = round_floats(payload, round_to)
        return to_json(payload)
    shown = sections(details, spec, language)
    if fmt == "csv":
        return _long_csv(details, spec, round_to=round_to, excel_safe=excel_safe)
    digits = {c: DIGITS for s in shown for c in s.columns if c != "rank"}
    parts = []
    for section in shown:
        if fmt != "xlsx" and section.key.startswith("compromise:"):
            continue  # a table shows the conditions as the VIKOR table's caption
        text = render_rows(
            section.rows,
            section.columns,
            fmt,
            digits=digits if fmt == "xlsx" else None,
            display_digits=digits,
            round_to=round_to,
            title=section.sheet if fmt == "xlsx" else section.title,
            caption=section.caption,
            labels=section.labels,
        )
        if fmt == "markdown":
            text = f"### {section.title}\n\n{text}" + (
                "\n" + section.caption.replace("\n", "  \n") + "\n" if section.caption else ""
            )
        parts.append(text)
    return "\n".join(parts)


def _long_csv(
    details: Mapping[str, pd.DataFrame],
    spec: Spec,
    *,
    round_to: int | None,
    excel_safe: bool,
) -> str:
    """Every table as one CSV: group, method, the row id, then the methods' columns."""
    methods = [str(f.attrs["method"]) for f in details.values()]
    row_id = "indicator" if methods and methods[0] in ("entropy", "critic") else spec.index.unit
    value_columns: list[str] = []
    for m in dict.fromkeys(methods):
        value_columns += [c for c in COLUMNS[m] if c not in value_columns]
    rows: list[dict[str, Any]] = []
    for group, frame in details.items():
        method = str(frame.attrs["method"])
        for i, r in zip(frame.index, frame[COLUMNS[method]].to_dict("records"), strict=True):
            values = {str(k): v for k, v in r.items()}
            rows.append({"group": group, "method": method, row_id: str(i), **values})
    rows = [{k: _value(v) for k, v in r.items()} for r in rows]
    columns = ["group", "method", row_id, *value_columns]
    return render_rows(rows, columns, "csv", round_to=round_to, excel_safe_cells=excel_safe)


def detail_sheets(
    details: Mapping[str, pd.DataFrame], spec: Spec, language: Language
) -> tuple[dict[str, Sheet], Layout]:
    """The detail tables as workbook sheets (by sheet name) and their labels, digits and
    notes for `render.workbook.write_xlsx`."""
    sheets: dict[str, Sheet] = {}
    labels: dict[str, str] = {}
    digits: dict[str, dict[str, int | None]] = {}
    notes: dict[str, list[str]] = {}
    for section in sections(details, spec, language):
        keys = [f"{section.key}:{c}" for c in section.columns]
        rows = [{k: r[c] for k, c in zip(keys, section.columns, strict=True)} for r in section.rows]
        sheets[section.sheet] = (keys, rows)
        labels.update(
            {k: section.labels.get(c, c) for k, c in zip(keys, section.columns, strict=True)}
        )
        digits[section.sheet] = {
            k: (0 if c == "rank" else DIGITS)
            for k, c in zip(keys, section.columns, strict=True)
            if c not in ("item",)
        }
        if section.key.startswith("compromise:") and section.caption:
            notes[section.sheet] = [section.caption]
    return sheets, {"labels": labels, "digits": digits, "notes": notes}
