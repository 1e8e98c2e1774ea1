"""The `audit` command's text: its three tables in one format (CSV: one of them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.render.formats import render_rows, round_floats, to_json
from cityindex.render.i18n import Language, stage_name, tr

if TYPE_CHECKING:
    from cityindex.analysis.audit import Audit
    from cityindex.model.spec import Spec

PARTS = {
    "indicators": list(OUTPUT_COLUMNS["audit indicators"]),
    "groups": list(OUTPUT_COLUMNS["audit groups"]),
    "pairs": list(OUTPUT_COLUMNS["audit pairs"]),
}
"""The audit's three tables and their columns."""

Localise = Callable[..., tuple[list[dict[str, Any]], dict[str, str] | None]]
"""Rows and header labels for a reader: (rows, columns, fmt, language, spec) → (rows, labels)."""


def _same(
    rows: list[dict[str, Any]], columns: Sequence[str], *args: Any
) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    return rows, None


def audit_text(
    result: Audit,
    fmt: str,
    part: str | None = None,
    *,
    round_to: int | None = None,
    excel_safe: bool = False,
    language: Language = "en",
    spec: Spec | None = None,
    localise: Localise = _same,
) -> str:
    """JSON holds all three tables; CSV one (`part`, default indicators); tables all three."""
    if fmt == "json":
        payload = asdict(result)
        return to_json(payload if round_to is None else round_floats(payload, round_to))
    if fmt == "csv":
        chosen = part or "indicators"
        rows = getattr(result, chosen)
        return render_rows(
            rows, PARTS[chosen], "csv", round_to=round_to, excel_safe_cells=excel_safe
        )  # CSV keeps the ids, in every language
    every = [c for columns in PARTS.values() for c in columns]
    digits: dict[str, int | None] = {c: 3 for c in every if c not in ("n", "children")}
    out = []
    for name in [part] if part else list(PARTS):
        rows = getattr(result, name)
        title = {
            "indicators": tr(
                "h.audit_indicators", language, stage=stage_name(result.stage, language)
            ),
            "groups": tr("t.audit_groups", language),
            "pairs": tr("t.audit_pairs", language),
        }[name]
        if not rows and name == "pairs":
            out.append(tr("t.audit_none", language, title=title) + "\n")
            continue
        rows, labels = localise(rows, PARTS[name], fmt, language, spec)
        text = render_rows(
            rows, PARTS[name], fmt, digits=digits, title=title, round_to=round_to, labels=labels
        )
        out.append(text)
    return "\n".join(out)
