"""`explain`'s text: one unit's score split into contributions per group and indicator."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from cityindex.analysis.explain import Explanation
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.model.spec import Spec
from cityindex.render.choices import localise
from cityindex.render.formats import render_rows, round_floats
from cityindex.render.i18n import Language, tr
from cityindex.render.i18n import title as title_of

COLUMNS = [c for c in OUTPUT_COLUMNS["explain"] if c != "title"]  # JSON adds title
HIDDEN = ("rows", "label")
"""`Explanation` fields not in its JSON summary (rows are its results; the label is for
readers: JSON keeps the unit id)."""


def explanation_text(
    ex: Explanation,
    fmt: str,
    *,
    round_to: int | None = None,
    excel_safe: bool = False,
    language: Language = "en",
    spec: Spec | None = None,
) -> str:
    """The explanation in `fmt`; a table adds the summary, decomposition and extremes."""
    if fmt == "json":
        payload: dict[str, Any] = {k: v for k, v in asdict(ex).items() if k not in HIDDEN}
        payload["rank"] = None if math.isnan(ex.rank) else int(ex.rank)
        if round_to is not None:
            payload = round_floats(payload, round_to)
        columns = [*COLUMNS, "title"]
        return render_rows(ex.rows, columns, "json", extra_json=payload, round_to=round_to)
    if fmt == "csv":
        return render_rows(ex.rows, COLUMNS, "csv", round_to=round_to, excel_safe_cells=excel_safe)
    digits: dict[str, int | None] = dict.fromkeys(COLUMNS[6:13], 4)
    rows = [
        {**r, "id": "  " * int(r["depth"]) + str(r["id"]), "raw": _raw_text(ex, r)} for r in ex.rows
    ]
    title = tr(
        "t.explain",
        language,
        unit=ex.label if language == "zh" and ex.label else ex.unit,
        score=ex.score,
        exact=ex.score_exact,
        rank=ex.rank,
        ranked=ex.ranked,
        coverage=ex.coverage,
    )
    cols = [c for c in COLUMNS if c not in ("level", "depth", "parent", "kind")]
    rows, labels = localise(rows, cols, fmt, language, spec)
    text = render_rows(
        rows, cols, fmt, digits=digits, title=title, round_to=round_to, labels=labels
    )
    lines = ["", *(tr("t.note", language, text=d) for d in ex.decomposition)]
    names = {n.id: title_of(n, language) for n in spec.walk()} if spec and language == "zh" else {}
    for label, items in (("t.strongest", ex.strongest), ("t.weakest", ex.weakest)):
        described = ", ".join(
            tr(
                "t.vs_median",
                language,
                id=names.get(str(g["id"]), g["id"]),
                value=g["normalised"],
                median=g["median"],
            )
            for g in items
        )
        none = tr("t.none", language)
        lines.append(
            tr("t.against_median", language, label=tr(label, language), items=described or none)
        )
    none = tr("t.none", language)
    lines.append(tr("t.missing", language, items=", ".join(ex.missing) or none))
    lines.append(tr("t.imputed", language, items=", ".join(ex.imputed) or none))
    return text + "\n".join(lines) + "\n"


def _raw_text(ex: Explanation, row: dict[str, Any]) -> str | None:
    """A raw value in its indicator's own precision (240, not 240.0000); None for a group."""
    value = row["raw"]
    if value is None or value != value:
        return None
    return f"{value:.{ex.raw_decimals.get(str(row['id']), 4)}f}"


def explanation_sheets(ex: Explanation) -> dict[str, Any]:
    """The workbook sheets of an explanation: every node's row, and the summary items."""
    summary = {k: v for k, v in asdict(ex).items() if k not in HIDDEN}
    rows = [{"item": k, "value": v} for k, v in summary.items()]
    return {"explain": ([*COLUMNS, "title"], ex.rows), "summary": (["item", "value"], rows)}
