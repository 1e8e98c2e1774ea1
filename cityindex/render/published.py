"""Text of `check`, `compare` and `optimise-weights`: results set against published or other
results, and the error when balanced weights cannot be reached."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from cityindex.errors import CityIndexError, issue
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.render.choices import localise
from cityindex.render.formats import render_rows, round_floats, unit_cells
from cityindex.render.i18n import Language, headers, tr

if TYPE_CHECKING:
    from cityindex.analysis.check import CheckReport
    from cityindex.analysis.compare import Comparison
    from cityindex.analysis.optimise_level import LevelOptimum
    from cityindex.model.spec import Spec

COMPARE_COLUMNS = ["rank_a", "rank_b", "rank_change", "score_a", "score_b", "score_change"]


def check_columns(report: CheckReport) -> list[str]:
    """The columns `check` prints: ranks only for a rank-only reference."""
    if report.rank_only:
        return ["unit", "published_rank", "computed_rank", "computed_score", "reproduced"]
    return list(OUTPUT_COLUMNS["calibrate check"])


def check_figures(report: CheckReport) -> dict[str, Any]:
    """The whole-comparison figures `check` adds to its JSON (`CheckReport.summary`)."""
    return report.summary()


def check_text(
    report: CheckReport,
    fmt: str,
    spec: Spec,
    against: object,
    *,
    language: Language = "en",
    round_to: int | None = None,
    excel_safe: bool = False,
) -> str:
    """`check`'s rows in `fmt` (JSON adds the figures of `check_figures`)."""
    columns = check_columns(report)
    rows, labels = localise(report.rows, columns, fmt, language, spec)
    if language == "zh" and fmt in ("table", "markdown"):
        rows = unit_cells(rows, "unit", report.unit_labels)
    return render_rows(
        rows,
        columns,
        fmt,
        digits={"published_rank": 0, "computed_rank": 0},
        display_digits={"published_score": 4, "computed_score": 4},
        title=tr("t.check", language, id=spec.index.id, against=against),
        extra_json=check_figures(report),
        labels=labels,
        round_to=round_to,
        excel_safe_cells=excel_safe,
    )


def check_notes(
    report: CheckReport, against: object, language: Language = "en"
) -> tuple[str | None, str]:
    """The lines on stderr before (rank-only references) and after `check`'s rows."""
    verdict = tr("msg.reproduced" if report.reproduced else "msg.not_reproduced", language)
    figures = {"rho": report.spearman, "tau": report.kendall_tau, "n": report.n_common}
    if not report.rank_only:
        diff = f"{report.max_abs_diff:.3g}"
        return None, tr("msg.check", language, diff=diff, verdict=verdict, **figures)
    matched = sum(1 for r in report.rows if r["reproduced"])
    total = len(report.rows)
    return (
        tr("msg.check_rank_only", language, against=against, total=total),
        tr("msg.check_ranks", language, matched=matched, total=total, verdict=verdict, **figures),
    )


def summary_rows(cmp: Comparison) -> list[dict[str, Any]]:
    """The comparison's summary as item/value rows: labels, units in common, Spearman's rho,
    Kendall's tau-b, one row per mover (``rank_a→rank_b (change)``), units ranked in one only."""
    rows: list[dict[str, Any]] = [
        {"item": "label_a", "value": cmp.label_a},
        {"item": "label_b", "value": cmp.label_b},
        {"item": "common", "value": cmp.common},
        {"item": "spearman", "value": cmp.spearman},
        {"item": "kendall", "value": cmp.kendall},
    ]
    rows += [
        {
            "item": f"mover {m['unit']}",
            "value": f"{m['rank_a']}→{m['rank_b']} ({m['rank_change']:+d})",
        }
        for m in cmp.movers
    ]
    rows += [{"item": "only_a", "value": u} for u in cmp.only_a]
    rows += [{"item": "only_b", "value": u} for u in cmp.only_b]
    return rows


def comparison_sheets(cmp: Comparison) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """The comparison as workbook sheets: the rows, and the summary as item/value rows."""
    summary = {k: v for k, v in asdict(cmp).items() if k != "rows"}
    return {
        "comparison": (["unit", *COMPARE_COLUMNS], cmp.rows),
        "summary": (["item", "value"], [{"item": k, "value": v} for k, v in summary.items()]),
    }


def comparison_text(
    cmp: Comparison,
    fmt: str,
    unit_column: str,
    *,
    round_to: int | None = None,
    excel_safe: bool = False,
    summary_only: bool = False,
    language: Language = "en",
    units: Mapping[str, str] | None = None,
) -> str:
    """The comparison in `fmt`: the side-by-side rows; tables add correlations and movers.
    With `summary_only`, the summary (correlations, movers) as item/value rows instead. Under
    zh a table or Markdown names the units by their Chinese names (`units`); CSV and JSON keep
    the ids, as `score` does."""
    shown = units if language == "zh" and fmt in ("table", "markdown") and units else {}

    def name(unit: str) -> str:
        return shown.get(unit, unit)

    title = tr("t.compare", language, a=cmp.label_a, b=cmp.label_b)
    if summary_only:
        return render_rows(
            summary_rows(cmp),
            ["item", "value"],
            fmt,
            display_digits={"value": 4},
            round_to=round_to,
            title=title,
            excel_safe_cells=excel_safe,
            labels=_labels(["item", "value"], language),
        )
    rows = [{unit_column: r["unit"], **r} for r in cmp.rows]
    columns = [unit_column, *COMPARE_COLUMNS]
    if fmt == "json":
        summary: dict[str, Any] = {k: v for k, v in asdict(cmp).items() if k != "rows"}
        if round_to is not None:
            summary = round_floats(summary, round_to)
        return render_rows(rows, columns, "json", extra_json=summary, round_to=round_to)
    text = render_rows(
        unit_cells(rows, unit_column, shown),
        columns,
        fmt,
        display_digits={"score_a": 4, "score_b": 4, "score_change": 4},
        title=title,
        round_to=round_to,
        excel_safe_cells=excel_safe,
        labels=_labels(columns, language),
    )
    if fmt == "csv":
        return text
    moved = ", ".join(
        f"{name(m['unit'])} {m['rank_a']}→{m['rank_b']} ({m['rank_change']:+d})" for m in cmp.movers
    )
    lines = [
        "",
        tr("t.cmp_common", language, n=cmp.common),
        tr("t.cmp_corr", language, rho=cmp.spearman, tau=cmp.kendall),
        tr("t.cmp_moved", language, moved=moved or tr("t.cmp_nobody", language)),
    ]
    if cmp.only_a:
        lines.append(tr("t.cmp_only_a", language, units=", ".join(map(name, cmp.only_a))))
    if cmp.only_b:
        lines.append(tr("t.cmp_only_b", language, units=", ".join(map(name, cmp.only_b))))
    if cmp.unranked:
        neither = ", ".join(map(name, cmp.unranked))
        lines.append(tr("t.cmp_neither", language, n=len(cmp.unranked), units=neither))
    return text + "\n".join(lines) + "\n"


def _labels(columns: list[str], language: Language) -> dict[str, str] | None:
    """Header labels of columns that name no tree node (None in English: the ids)."""
    return None if language != "zh" else headers(columns, language, [])


def unreachable(found: LevelOptimum, spec: Spec, key: str) -> CityIndexError:
    """The error when no non-negative weights of a level reach the target shares: the
    furthest child, every share beside its target, located at that child's weight (`key`)."""
    gaps = abs(found.share - found.target)
    worst = int(gaps.argmax())
    shown = ", ".join(
        f"{c} {s:.3f} (target {t:.3f})"
        for c, s, t in zip(found.children, found.share, found.target, strict=True)
    )
    return CityIndexError(
        [
            issue(
                "optimise.unreachable",
                f"no non-negative weights of level {found.level} reach the target correlation "
                f"shares: furthest is {found.children[worst]} at {found.share[worst]:.4f} "
                f"(target {found.target[worst]:.4f}); closest shares: {shown}; "
                f"mean squared gap f = {found.objective:.3g}",
                location=spec.location(key),
                key_path=key,
                hint="the table shows the closest weights; change the target (--target) or "
                "optimise another level",
            )
        ]
    )


def worst_child(found: LevelOptimum) -> str:
    """The child whose correlation share is furthest from its target."""
    return found.children[int(abs(found.share - found.target).argmax())]
