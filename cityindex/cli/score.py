"""`score`, `validate` and `weights`: the everyday commands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer

from cityindex.cli.application import app
from cityindex.cli.common import (
    Loaded,
    check_choice,
    check_output_encoding,
    compute_loaded,
    emit,
    load,
    localise,
    pick_format,
    pick_language,
    say,
)
from cityindex.cli.options import (
    DataOpt,
    DigitsOpt,
    EncodingOpt,
    ExcelSafeOpt,
    FormatOpt,
    LangOpt,
    OutputEncodingOpt,
    OutputOpt,
    SetOpt,
    SpecArg,
    TopOpt,
    YearOpt,
)
from cityindex.cli.workbook import emit_xlsx, wants_xlsx
from cityindex.engine.stages import STAGE_NAMES, check_stage, stage_table
from cityindex.methods.registry import get_method
from cityindex.model.result import IndexResult
from cityindex.model.spec import Group, Indicator, MethodChoice, Spec
from cityindex.model.tree import ROOT, resolve_tree
from cityindex.render.formats import (
    render_rows,
    render_score,
    round_floats,
    score_columns,
    score_rows,
)
from cityindex.render.i18n import Language, headers, tr
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
) -> str:
    """One stage as rows: the unit column (or `indicator` for treat_log), then its columns."""
    frame = stage_table(spec, result, name).reset_index()
    if top is not None:
        frame = frame.head(top)
    columns = [str(c) for c in frame.columns]
    rows = [dict(zip(columns, r, strict=True)) for r in frame.itertuples(index=False)]
    extra = {"stage": name, "manifest": result.manifest}
    title = tr("t.stage", language, title=title_of(spec.index, language), name=name)
    rows, labels = localise(rows, columns, fmt, language, spec)
    return render_rows(
        rows, columns, fmt, title=title, extra_json=extra, round_to=round_to, labels=labels
    )


def score_caption(loaded: Loaded, result: IndexResult, language: Language = "en") -> str | None:
    """The table's caption: which spec was scored when none was named, and what may be said
    about calibrated weights (only while they are the calibrated ones)."""
    from cityindex.analysis.calibration_claim import calibration_claim

    lines = []
    if loaded.default is not None:
        lines.append(tr("cap.spec", language, spec=loaded.default.label))
    claim = calibration_claim(loaded.spec, result)
    if claim is not None:
        zh = tr(f"cap.{claim.status}", language, target=claim.target)
        lines.append(zh if language == "zh" else claim.caption())
    return "\n".join(lines) or None


@app.command()
def score(
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    top: TopOpt = None,
    sets: SetOpt = None,
    coverage: Annotated[
        bool,
        typer.Option(
            "--coverage",
            help="Add the data-coverage column to CSV output (tables, Markdown and JSON "
            "always have it).",
        ),
    ] = False,
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage",
            help="Print one stage instead of the ranking: " + ", ".join(STAGE_NAMES) + ".",
        ),
    ] = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    lang: LangOpt = None,
    header_kind: Annotated[
        str,
        typer.Option(
            "--headers",
            help="CSV column names: ids (default, for scripts) or titles (in the --lang "
            "language, for people opening the file in Excel).",
        ),
    ] = "ids",
    output_encoding: OutputEncodingOpt = None,
    digits: DigitsOpt = None,
) -> None:
    """Score and rank every unit, or show one stage of the computation with --stage.

    The ranking is in rank order (--top N: the N best). Columns: rank, unit, score, the group
    scores, tier (when the spec defines tiers) and coverage; CSV leaves coverage out unless
    --coverage asks for it (its columns stay stable for scripts). A --stage table is in
    unit-name order, so --stage normalised --top 3 shows the first three units by name.

    Example: cityindex score --top 5 --set groups.policy.weight=0.3
    """
    if stage is not None:
        check_stage(stage)
    out_encoding = check_output_encoding(output_encoding)
    check_choice("usage.headers", "header kind", header_kind, ["ids", "titles"], option="--headers")
    xlsx = stage is None and wants_xlsx(fmt, output)
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    result = compute_loaded(loaded)
    language = pick_language(lang, loaded.spec)
    labels = headers(score_columns(result, coverage=True), language, loaded.spec.walk())
    if xlsx and output is not None:
        columns = score_columns(result, coverage=True)
        titled = header_kind == "titles" or language == "zh"
        sheets = {"score": (columns, score_rows(result, coverage=True))}
        emit_xlsx(output, sheets, loaded, result, labels=labels if titled else None)
        return
    chosen = pick_format(fmt, output)
    if stage is not None:
        emit(
            render_stage(
                loaded.spec, result, stage, chosen, top=top, round_to=digits, language=language
            ),
            output,
        )
        return
    n_scored = len(result.units) - len(result.excluded())
    title = tr("t.scored", language, title=title_of(loaded.spec.index, language), n=n_scored)
    text = render_score(
        result,
        chosen,
        title=title,
        top=top,
        coverage=coverage,
        caption=score_caption(loaded, result, language),
        excel_safe_cells=excel_safe,
        labels=labels,
        csv_labels=header_kind == "titles",
        round_to=digits,
    )
    emit(text, output, encoding=out_encoding)


@app.command()
def validate(
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    sets: SetOpt = None,
    encoding: EncodingOpt = None,
    lang: LangOpt = None,
) -> None:
    """Check a spec and its data; report every problem with file:line:column and key path.

    Example: cityindex validate indicators/ai-city-2024.yaml
    """
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    result = compute_loaded(loaded)
    n_ind = len(loaded.spec.indicators())
    n_grp = len(loaded.spec.all_groups())
    say(
        tr(
            "t.validate_ok",
            pick_language(lang, loaded.spec),
            id=loaded.spec.index.id,
            groups=n_grp,
            indicators=n_ind,
            units=len(result.units),
            excluded=len(result.excluded()),
        )
    )


def _value_text(key: str, value: Any) -> str:
    """One parameter as short text: long judgement lists are counted, not spelt out."""
    if key == "pairs" and isinstance(value, list | tuple):
        return f"{key}=<{len(value)} judgements>"
    if key == "experts" and isinstance(value, Mapping):
        return f"{key}=<{len(value)} experts: {', '.join(map(str, value))}>"
    if key == "of" and isinstance(value, list | tuple):
        parts = []
        for entry in value:
            if isinstance(entry, Mapping) and "method" in entry:
                inner = {k: v for k, v in entry.items() if k != "method"}
                parts.append(method_text(str(entry["method"]), inner))
            else:
                parts.append(str(entry))
        return f"{key}=[{'; '.join(parts)}]"
    if isinstance(value, list | tuple):
        return f"{key}=[{', '.join(_number(v) for v in value)}]"
    return f"{key}={_number(value)}"


def _number(value: Any) -> str:
    """A whole float without its ``.0``; any other float exactly (repr); the rest as str."""
    if isinstance(value, float) and not isinstance(value, bool):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def params_text(params: Mapping[str, Any]) -> str:
    """A weight method's parameters as text for the `params` column (unset ones left out)."""
    return ", ".join(_value_text(k, v) for k, v in params.items() if v is not None)


def method_text(name: str, params: Mapping[str, Any]) -> str:
    """``name(params)``, e.g. ``entropy(on=normalised, shift=0)``."""
    text = params_text(params)
    return f"{name}({text})" if text else name


def _weight_source(choice: MethodChoice, child: Group | Indicator) -> tuple[str, str]:
    """(method, params) that produced a child's weight within its group: for `fixed`, the
    spec's own relative weight of the child."""
    if choice.name == "fixed":
        return choice.name, f"weight={_number(float(child.weight))}"
    return choice.name, params_text(choice.params)


def weight_rows(spec: Spec, result: IndexResult) -> list[dict[str, Any]]:
    """One row per indicator: its group, weight within the group, effective weight, and the
    weight method (with its parameters) that produced the weight."""
    tree = resolve_tree(spec)
    rows: list[dict[str, Any]] = []
    for group in spec.all_groups():
        w = result.weights[group.id]
        choice = tree.group_methods[group.id]["weights"]
        for child in group.children:
            if isinstance(child, Indicator):
                method, params = _weight_source(choice, child)
                rows.append(
                    {
                        "indicator": child.id,
                        "group": group.id,
                        "weight": float(w[child.id]),
                        "effective_weight": float(result.effective_weights[child.id]),
                        "method": method,
                        "params": params,
                    }
                )
    return rows


def group_weight_rows(spec: Spec, result: IndexResult) -> list[dict[str, Any]]:
    """One row per group: its parent, weight within the parent, effective weight, and the
    parent's weight method (with its parameters) that produced the weight."""
    tree = resolve_tree(spec)
    rows: list[dict[str, Any]] = []

    def visit(gid: str, parent: str, share: float) -> None:
        children = (
            spec.groups if gid == ROOT else next(g for g in spec.all_groups() if g.id == gid).groups
        )
        choice = tree.group_methods[gid]["weights"]
        for child in children:
            w = float(result.weights[gid][child.id])
            method, params = _weight_source(choice, child)
            rows.append(
                {
                    "group": child.id,
                    "parent": parent,
                    "weight": w,
                    "effective_weight": share * w,
                    "method": method,
                    "params": params,
                }
            )
            visit(child.id, child.id, share * w)

    visit(ROOT, spec.index.id, 1.0)
    return rows


def consistency_rows(spec: Spec) -> list[dict[str, Any]]:
    """λmax, CI, RI and CR of every AHP in the tree (a group's own, or inside `combine`),
    one row per expert and one for the judgements the weights come from."""
    from cityindex.methods.ahp_judgements import consistency_summary
    from cityindex.methods.ahp_matrix import random_index

    tree = resolve_tree(spec)
    rows: list[dict[str, Any]] = []
    ahp_method = get_method("weights", "ahp")
    for gid in [ROOT, *(g.id for g in tree.groups)]:
        choice = tree.group_methods[gid]["weights"]
        ids = [c.id for c in tree.children_of(gid)]
        found: list[tuple[str, Mapping[str, Any]]] = []
        if choice.name == "ahp":
            found.append(("ahp", choice.params))
        elif choice.name == "combine":
            for k, entry in enumerate(choice.params.get("of") or ()):
                if isinstance(entry, Mapping) and entry.get("method") == "ahp":
                    given = {key: v for key, v in entry.items() if key != "method"}
                    found.append((f"combine.of[{k}]: ahp", ahp_method.resolve(given)))
        for label, params in found:
            for row in consistency_summary(params, ids):
                rows.append(
                    {
                        "group": gid or spec.index.id,
                        "method": label,
                        **row,
                        "ri": random_index(len(ids)),
                    }
                )
    return rows


WEIGHT_COLUMNS = ["indicator", "group", "weight", "effective_weight", "method", "params"]
"""The first four are DESIGN.md's contract; method and params say where each weight came from."""
GROUP_COLUMNS = ["group", "parent", "weight", "effective_weight", "method", "params"]
CONSISTENCY_COLUMNS = ["group", "method", "judge", "n", "lambda_max", "ci", "ri", "cr"]


@app.command()
def weights(
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    sets: SetOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    digits: DigitsOpt = None,
    lang: LangOpt = None,
) -> None:
    """Show every weight: within its group, effective (product down the tree), and the weight
    method and parameters that produced it; for AHP also λmax, CI, RI and CR.

    CSV columns: indicator, group, weight, effective_weight, method, params.

    Example: cityindex weights --format csv
    """
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    result = compute_loaded(loaded, quiet=True)
    chosen = pick_format(fmt, output)
    language = pick_language(lang, loaded.spec)
    rows = weight_rows(loaded.spec, result)
    consistency = consistency_rows(loaded.spec)
    if chosen == "json":
        groups = group_weight_rows(loaded.spec, result)
        tables = {"groups": groups, "consistency": consistency}
        if digits is not None:
            tables = round_floats(tables, digits)
        extra = {"manifest": result.manifest, **tables}
        emit(render_rows(rows, WEIGHT_COLUMNS, "json", extra_json=extra, round_to=digits), output)
        return
    display: dict[str, int | None] = {"weight": 4, "effective_weight": 4}
    rows, labels = localise(rows, WEIGHT_COLUMNS, chosen, language, loaded.spec)
    text = render_rows(
        rows,
        WEIGHT_COLUMNS,
        chosen,
        display_digits=display,
        round_to=digits,
        title=tr("t.weights_indicators", language),
        excel_safe_cells=excel_safe,
        labels=labels,
    )
    if chosen == "table":
        grows, glabels = localise(
            group_weight_rows(loaded.spec, result), GROUP_COLUMNS, chosen, language, loaded.spec
        )
        text += render_rows(
            grows,
            GROUP_COLUMNS,
            "table",
            display_digits=display,
            round_to=digits,
            title=tr("t.weights_groups", language),
            labels=glabels,
        )
        if consistency:
            consistency, clabels = localise(
                consistency, CONSISTENCY_COLUMNS, chosen, language, loaded.spec
            )
            text += render_rows(
                consistency,
                CONSISTENCY_COLUMNS,
                "table",
                digits=dict.fromkeys(("lambda_max", "ci", "ri", "cr"), 4),
                round_to=digits,
                title=tr("t.ahp", language),
                caption=tr("t.ahp_caption", language),
                labels=clabels,
            )
    emit(text, output)
