"""The everyday commands' text: `score --stage`, the ranking's caption, the weights tables."""

from __future__ import annotations

from typing import Any

from cityindex.analysis.calibration_claim import calibration_claim
from cityindex.engine.stages import stage_table
from cityindex.load.shipped import DefaultSpec
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.render.choices import localise
from cityindex.render.formats import render_rows, round_floats
from cityindex.render.i18n import Language, tr
from cityindex.render.i18n import title as title_of


def render_stage(
    spec: Spec,
    result: IndexResult,
    name: str,
    fmt: str,
    *,
    top: int | None = None,
    round_to: int | None = None,
    language: Language = "en",
    excel_safe: bool = False,
) -> str:
    """One stage as rows: the unit column (or `indicator` for treat_log), then its columns."""
    frame = stage_table(spec, result, name).reset_index()
    if top is not None:
        frame = frame.head(top)
    columns = [str(c) for c in frame.columns]
    rows = [dict(zip(columns, r, strict=True)) for r in frame.itertuples(index=False)]
    extra = {"stage": name, "manifest": result.manifest}
    title = tr("t.stage", language, title=title_of(spec.index, language), name=name)
    rows, labels = localise(rows, columns, fmt, language, spec, units=result.unit_labels)
    return render_rows(
        rows,
        columns,
        fmt,
        title=title,
        extra_json=extra,
        round_to=round_to,
        labels=labels,
        excel_safe_cells=excel_safe,
    )


def score_caption(
    spec: Spec, result: IndexResult, default: DefaultSpec | None, language: Language = "en"
) -> str | None:
    """The table's caption: which spec was scored when none was named, and what may be said
    about calibrated weights (only while they are the calibrated ones)."""
    lines = []
    if default is not None:
        lines.append(tr("cap.spec", language, spec=default.label))
    claim = calibration_claim(spec, result)
    if claim is not None:
        diff = "" if claim.residual is None else f"{claim.residual:.3g}"
        zh = tr(f"cap.{claim.kind}", language, target=claim.target, diff=diff)
        lines.append(zh if language == "zh" else claim.caption())
    return "\n".join(lines) or None


def render_weights(
    tables: dict[str, tuple[list[str], list[dict[str, Any]]]],
    fmt: str,
    *,
    spec: Spec,
    manifest: Any,
    round_to: int | None = None,
    excel_safe: bool = False,
    language: Language = "en",
) -> str:
    """`weights` output from its tables (``indicators``, ``groups``, ``consistency``: columns
    and rows): JSON has all three; a table shows groups and AHP consistency after the
    indicators; CSV and Markdown the indicators alone."""
    columns, rows = tables["indicators"]
    if fmt == "json":
        more = {k: tables[k][1] for k in ("groups", "consistency")}
        if round_to is not None:
            more = round_floats(more, round_to)
        extra = {"manifest": manifest, **more}
        return render_rows(rows, columns, "json", extra_json=extra, round_to=round_to)
    display: dict[str, int | None] = {"weight": 4, "effective_weight": 4}
    four = dict.fromkeys(("lambda_max", "ci", "ri", "cr"), 4)
    parts: list[tuple[str, str, str | None]] = [("indicators", "t.weights_indicators", None)]
    if fmt == "table":
        parts.append(("groups", "t.weights_groups", None))
        if tables["consistency"][1]:
            parts.append(("consistency", "t.ahp", tr("t.ahp_caption", language)))
    text = ""
    for key, title, caption in parts:
        columns, rows = tables[key]
        shown, labels = localise(rows, columns, fmt, language, spec)
        text += render_rows(
            shown,
            columns,
            fmt,
            display_digits=None if key == "consistency" else display,
            digits=four if key == "consistency" else None,
            round_to=round_to,
            title=tr(title, language),
            caption=caption,
            excel_safe_cells=excel_safe and key == "indicators",
            labels=labels,
        )
    return text
